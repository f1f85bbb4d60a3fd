// The caller's alerts as they fire. App subscribes once while signed in
// and hands each one here; the notices show them and a page listing
// alerts asks again when one fires.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { MyAlertsSubscription } from '../../generated/graphql';

export type FiredAlert = MyAlertsSubscription['myAlerts'];

/** The most notices shown at once: the newest. */
const SHOWN = 5;

let notices: FiredAlert[] = [];
const listeners = new Set<() => void>();
const firedListeners = new Set<() => void>();

function changed() {
  for (const l of listeners) l();
}

export const alertFeed = {
  /** Alerts that fired: each is noticed once, the newest first. */
  push(alerts: FiredAlert[]) {
    const fresh = alerts.filter((a) => !notices.some((n) => n.id === a.id)).reverse();
    if (fresh.length === 0) return;
    notices = [...fresh, ...notices].slice(0, SHOWN);
    changed();
    for (const l of firedListeners) l();
  },
  dismiss(id: string) {
    notices = notices.filter((n) => n.id !== id);
    changed();
  },
  /** Another account signed in: the notices were not its own. */
  clear() {
    if (notices.length === 0) return;
    notices = [];
    changed();
  },
};

/** The notices not dismissed yet, newest first. */
export function useAlertNotices(): FiredAlert[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => notices,
  );
}

/** Calls `onFired` each time one of the caller's alerts fires. */
export function useAlertFired(onFired: () => void) {
  const handler = useRef(onFired);
  handler.current = onFired;
  useEffect(() => {
    const l = () => handler.current();
    firedListeners.add(l);
    return () => {
      firedListeners.delete(l);
    };
  }, []);
}
