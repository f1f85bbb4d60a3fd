import { useEffect } from 'react';
import { Link } from 'wouter';
import { alertFeed, useAlertNotices } from '../api/alertFeed';
import { MyAlertsSubscription } from '../api/documents';
import { useAccount, useSubscription } from '../api/hooks';
import { firedWords } from '../lib/alerts';
import { Time } from './ui';

/** While signed in, on every page: a notice for each alert of the caller's that fires, until it is dismissed. */
export function AlertNotices() {
  const account = useAccount();
  const notices = useAlertNotices();
  useEffect(() => {
    alertFeed.clear();
  }, [account?.id]);
  useSubscription(MyAlertsSubscription, {}, (batch) => alertFeed.push(batch.map((b) => b.myAlerts)), account === null);
  return (
    <div className="notices" role="status" aria-label="Alerts that fired" data-testid="alert-notices">
      {notices.map((a) => (
        <div
          key={a.id}
          className="notice-card"
          data-alert={a.id}
          onKeyDown={(e) => {
            if (e.key === 'Escape') alertFeed.dismiss(a.id);
          }}
        >
          <p>
            <span className="badge ok">alert</span> {firedWords(a)}
          </p>
          <div className="buttons">
            <span className="muted small">
              <Time at={a.firedAt} />
            </span>
            <Link href="/alerts">See alerts</Link>
            <button type="button" className="secondary small" aria-label={`Dismiss the alert on ${a.symbol}`} onClick={() => alertFeed.dismiss(a.id)}>
              Dismiss
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
