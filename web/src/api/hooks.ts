import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { TypedDocumentString } from '../../generated/graphql';
import { frameBatcher } from '../lib/frame';
import { ApiError, connection, gql, session, subscribe } from './client';

export function useAccount() {
  return useSyncExternalStore(
    (l) => session.subscribe(l),
    () => session.account,
  );
}

/** The competition whose account the session trades as, null on the main account. */
export function useCompetitionSeat() {
  return useSyncExternalStore(
    (l) => session.subscribe(l),
    () => session.competition,
  );
}

export function useLink() {
  return useSyncExternalStore(connection.subscribe, connection.link);
}

/** Changes each time the live connection comes back: time for fresh snapshots. */
export function useReconnects(): number {
  const epoch = useSyncExternalStore(connection.subscribe, connection.epoch);
  // The first connection is no reconnection.
  const first = useRef(epoch);
  if (first.current === 0 && epoch === 1) first.current = 1;
  return Math.max(0, epoch - first.current);
}

export interface QueryState<R> {
  data: R | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

/** Runs a query, again when its variables change, the account changes or the connection comes back. */
export function useQuery<R, V>(doc: TypedDocumentString<R, V>, variables?: V, skip = false): QueryState<R> {
  const key = JSON.stringify(variables ?? {});
  const account = useAccount();
  const reconnects = useReconnects();
  const [state, setState] = useState<{ data: R | null; error: ApiError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: !skip,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (skip) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    gql(doc, JSON.parse(key) as V)
      .then((data) => live && setState({ data, error: null, loading: false }))
      .catch((e: unknown) => {
        const error = e instanceof ApiError ? e : new ApiError('INTERNAL', String(e));
        if (live) setState((s) => ({ ...s, error, loading: false }));
      });
    return () => {
      live = false;
    };
  }, [doc, key, account?.id, reconnects, tick, skip]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/**
 * Subscribes while mounted (again when the variables or the account
 * change); updates reach `onBatch` at most once per animation frame.
 */
export function useSubscription<R, V>(doc: TypedDocumentString<R, V>, variables: V, onBatch: (items: R[]) => void, skip = false) {
  const key = JSON.stringify(variables ?? {});
  const account = useAccount();
  const handler = useRef(onBatch);
  handler.current = onBatch;
  useEffect(() => {
    if (skip) return;
    const batcher = frameBatcher<R>((items) => handler.current(items));
    const stop = subscribe(doc, JSON.parse(key) as V, { next: (data) => batcher.push(data) });
    return () => {
      stop();
      batcher.cancel();
    };
  }, [doc, key, account?.id, skip]);
}
