import { useState } from 'react';
import { Link } from 'wouter';
import { ApiError, gql } from '../api/client';
import { useAlertFired } from '../api/alertFeed';
import { AlertsDocument, CancelAlertDocument } from '../api/documents';
import { useQuery } from '../api/hooks';
import { useQuotes } from '../api/useQuotes';
import { AlertForm } from '../components/AlertForm';
import { ErrorNote, Num, Panel, Time } from '../components/ui';
import { alertCondition } from '../lib/alerts';

function SymbolLink({ symbol }: { symbol: string }) {
  return (
    <Link href={`/company/${symbol}`} className="sym">
      {symbol}
    </Link>
  );
}

export default function AlertsPage() {
  const { data, error, reload } = useQuery(AlertsDocument);
  // One of the caller's alerts fired: it is no longer waiting, and has a place in the history.
  useAlertFired(reload);
  const companies = data?.companies ?? [];
  const quotes = useQuotes(
    companies.map((c) => c.symbol),
    companies.map((c) => c.quote),
  );
  const lastOf = (symbol: string) => quotes[symbol]?.last ?? companies.find((c) => c.symbol === symbol)?.lastPrice;
  const [cancelling, setCancelling] = useState<string | null>(null);
  const [cancelled, setCancelled] = useState<Set<string>>(new Set());
  const [cancelError, setCancelError] = useState<ApiError | null>(null);
  const waiting = (data?.myAlerts ?? []).filter((a) => !cancelled.has(a.id));
  const history = data?.alertHistory ?? [];

  async function cancel(id: string) {
    setCancelling(id);
    setCancelError(null);
    try {
      await gql(CancelAlertDocument, { id });
      setCancelled((ids) => new Set(ids).add(id));
    } catch (e) {
      setCancelError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)));
      reload();
    } finally {
      setCancelling(null);
    }
  }

  return (
    <div className="page with-side">
      <div className="side">
        <ErrorNote error={error} />
        <Panel title="Waiting alerts">
          <ErrorNote error={cancelError} />
          <div className="table-wrap">
            <table className="grid" data-testid="waiting-alerts">
              <thead>
                <tr>
                  <th>Symbol</th>
                  <th>When it</th>
                  <th className="r">Trigger</th>
                  <th className="r hide-sm">Last</th>
                  <th className="hide-sm">Set</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {waiting.map((a) => (
                  <tr key={a.id} data-alert={a.id} data-kind={a.kind}>
                    <td>
                      <SymbolLink symbol={a.symbol} />
                    </td>
                    <td>{alertCondition(a)}</td>
                    <td className="r">
                      <Num value={a.triggerPrice} />
                    </td>
                    <td className="r hide-sm">
                      <Num value={lastOf(a.symbol)} />
                    </td>
                    <td className="hide-sm">
                      <Time at={a.createdAt} short />
                    </td>
                    <td className="r actions">
                      <button
                        type="button"
                        className="secondary small"
                        disabled={cancelling === a.id}
                        onClick={() => cancel(a.id)}
                        aria-label={`Cancel the alert on ${a.symbol} ${alertCondition(a)}`}
                      >
                        Cancel
                      </button>
                    </td>
                  </tr>
                ))}
                {data && waiting.length === 0 && (
                  <tr>
                    <td colSpan={6} className="muted">
                      No alerts waiting.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </Panel>
        <Panel title="Fired">
          <div className="table-wrap">
            <table className="grid" data-testid="alert-history">
              <thead>
                <tr>
                  <th>Symbol</th>
                  <th>When it</th>
                  <th className="r hide-sm">Trigger</th>
                  <th className="r">Traded at</th>
                  <th>Fired</th>
                </tr>
              </thead>
              <tbody>
                {history.map((a) => (
                  <tr key={a.id} data-alert={a.id} data-kind={a.kind}>
                    <td>
                      <SymbolLink symbol={a.symbol} />
                    </td>
                    <td>{alertCondition(a)}</td>
                    <td className="r hide-sm">
                      <Num value={a.triggerPrice} />
                    </td>
                    <td className="r">
                      <Num value={a.firedPrice} />
                    </td>
                    <td>
                      <Time at={a.firedAt} short />
                    </td>
                  </tr>
                ))}
                {data && history.length === 0 && (
                  <tr>
                    <td colSpan={5} className="muted">
                      None has fired yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </Panel>
      </div>
      <Panel title="New alert">
        <p className="muted small">Each alert fires once, on the first trade at or beyond its trigger price, with a notice on whatever page you are on.</p>
        {companies.length > 0 && <AlertForm symbols={companies.map((c) => c.symbol)} lastOf={lastOf} onCreated={reload} />}
      </Panel>
    </div>
  );
}
