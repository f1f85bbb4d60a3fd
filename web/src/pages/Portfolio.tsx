import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { ApiError, gql } from '../api/client';
import { DepositDocument, PortfolioDocument, WithdrawDocument } from '../api/documents';
import { useCompetitionSeat, useQuery } from '../api/hooks';
import { useQuotes } from '../api/useQuotes';
import { Count, ErrorNote, Num, Panel, Time } from '../components/ui';
import { limitsInWords } from '../lib/limits';
import { formatShare, isDecimal } from '../lib/money';
import { equity, value } from '../lib/portfolio';

const PAGE = 20;

function CashForm({ onDone }: { onDone: () => void }) {
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(kind: 'deposit' | 'withdraw', e?: FormEvent) {
    e?.preventDefault();
    if (!isDecimal(amount)) {
      setError(new ApiError('BAD_USER_INPUT', 'an amount like 10000.00'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (kind === 'deposit') await gql(DepositDocument, { amount: amount.trim() });
      else await gql(WithdrawDocument, { amount: amount.trim() });
      setAmount('');
      onDone();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="inline" onSubmit={(e) => run('deposit', e)}>
      <label>
        Amount
        <input name="amount" inputMode="decimal" placeholder="10000.00" value={amount} onChange={(e) => setAmount(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>
        Deposit
      </button>
      <button type="button" className="secondary" disabled={busy} onClick={() => run('withdraw')}>
        Withdraw
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

export default function PortfolioPage() {
  const seat = useCompetitionSeat();
  const year = new Date().getUTCFullYear();
  const [page, setPage] = useState(0);
  const { data, error, reload } = useQuery(PortfolioDocument, { year, ledger: (page + 1) * PAGE + 1 });
  const me = data?.me;
  const holdings = me?.holdings ?? [];
  const quotes = useQuotes(holdings.map((h) => h.symbol));
  const valued = holdings.map((h) => ({ h, v: value(h, quotes[h.symbol]?.last ?? h.company.lastPrice) }));
  const ledger = data?.ledger ?? [];
  const rows = ledger.slice(page * PAGE, page * PAGE + PAGE);
  const more = ledger.length > (page + 1) * PAGE;
  const gains = data?.capitalGains;
  const limits = me ? limitsInWords(me.riskLimits) : [];
  return (
    <div className="page portfolio">
      <ErrorNote error={error} />
      <section className="cards">
        <div className="card">
          <span className="label">Cash</span>
          <span className="value" data-testid="cash">
            <Num value={me?.cash} />
          </span>
        </div>
        <div className="card">
          <span className="label">Available cash</span>
          <span className="value" data-testid="available">
            <Num value={me?.availableCash} />
          </span>
        </div>
        <div className="card">
          <span className="label">Equity</span>
          <span className="value" data-testid="equity">
            <Num
              value={
                me
                  ? equity(
                      me.cash,
                      valued.map((x) => x.v.marketValue),
                    )
                  : null
              }
            />
          </span>
        </div>
        <div className="card">
          <span className="label">Realized gains</span>
          <span className="value">
            <Num value={me?.realizedGains} signed />
          </span>
        </div>
      </section>
      <Panel
        title="Cash"
        actions={
          me && (
            <span className="muted small">
              Account ID{' '}
              <span className="num" data-testid="account-id">
                {me.id}
              </span>{' '}
              · {me.accountNumber}
            </span>
          )
        }
      >
        {seat ? (
          <p className="muted" data-testid="competition-cash">
            This account is funded by {seat.name}: it takes no deposits or withdrawals.
          </p>
        ) : (
          <CashForm onDone={reload} />
        )}
        {limits.length > 0 && (
          <p className="muted small" data-testid="risk-limits">
            Risk limits on this account: {limits.join('; ')}.
          </p>
        )}
      </Panel>
      <div className="two">
        <Panel title="Holdings">
          <div className="table-wrap">
            <table className="grid fixed" data-testid="holdings">
              <thead>
                <tr>
                  <th>Symbol</th>
                  <th className="r">Shares</th>
                  <th className="r hide-sm">Avg cost</th>
                  <th className="r">Last</th>
                  <th className="r">Value</th>
                  <th className="r">Unrealized</th>
                </tr>
              </thead>
              <tbody>
                {valued.map(({ h, v }) => (
                  <tr key={h.symbol} data-symbol={h.symbol}>
                    <td>
                      <Link href={`/company/${h.symbol}`} className="sym">
                        {h.symbol}
                      </Link>
                    </td>
                    <td className="r">
                      <Count value={h.quantity} />
                    </td>
                    <td className="r hide-sm">
                      <Num value={h.averageCost} />
                    </td>
                    <td className="r">
                      <Num value={v.price} />
                    </td>
                    <td className="r">
                      <Num value={v.marketValue} />
                    </td>
                    <td className="r">
                      <Num value={v.unrealized} signed />
                    </td>
                  </tr>
                ))}
                {me && holdings.length === 0 && (
                  <tr>
                    <td colSpan={6} className="muted">
                      No shares yet: pick a company on the <Link href="/">market</Link>.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </Panel>
        <Panel title="Sector weights">
          <ul className="weights" data-testid="weights">
            {(data?.sectorWeights ?? []).map((w) => (
              <li key={w.sector}>
                <span>{w.sector}</span>
                <span className="track" aria-hidden="true">
                  <span className="fill" style={{ width: formatShare(w.weight) }} />
                </span>
                <span className="num">{formatShare(w.weight)}</span>
              </li>
            ))}
            {data && data.sectorWeights.length === 0 && <li className="muted">Nothing held.</li>}
          </ul>
        </Panel>
      </div>
      <div className="two">
        <Panel title="Tax lots (FIFO)">
          <div className="table-wrap">
            <table className="grid compact" data-testid="lots">
              <thead>
                <tr>
                  <th>Symbol</th>
                  <th>Acquired</th>
                  <th className="r">Bought</th>
                  <th className="r">Left</th>
                  <th className="r">Price</th>
                </tr>
              </thead>
              <tbody>
                {(data?.myLots ?? []).map((l) => (
                  <tr key={l.id}>
                    <td>{l.symbol}</td>
                    <td>
                      <Time at={l.acquiredAt} full />
                    </td>
                    <td className="r">
                      <Count value={l.quantity} />
                    </td>
                    <td className="r">
                      <Count value={l.remainingQuantity} />
                    </td>
                    <td className="r">
                      <Num value={l.price} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
        <Panel title={`Capital gains ${year}`}>
          {gains && (
            <dl className="facts" data-testid="capital-gains">
              <dt>Total realized</dt>
              <dd>
                <Num value={gains.totalGain} signed />
              </dd>
              <dt>Exemption</dt>
              <dd>
                <Num value={gains.exemption} />
              </dd>
              <dt>Taxable</dt>
              <dd>
                <Num value={gains.taxableGain} />
              </dd>
              <dt>Rate</dt>
              <dd className="num">{formatShare(gains.taxRate)}</dd>
              <dt>Estimated tax</dt>
              <dd>
                <Num value={gains.estimatedTax} />
              </dd>
              <dt>Dividend income</dt>
              <dd data-testid="dividend-income">
                <Num value={gains.dividendIncome} />
              </dd>
            </dl>
          )}
          <h3>Realized gains</h3>
          <div className="table-wrap">
            <table className="grid compact">
              <thead>
                <tr>
                  <th>Symbol</th>
                  <th className="r">Shares</th>
                  <th className="r">Buy</th>
                  <th className="r">Sell</th>
                  <th className="r">Gain</th>
                  <th className="hide-sm">Sold</th>
                </tr>
              </thead>
              <tbody>
                {(gains?.realized ?? []).map((g, i) => (
                  <tr key={i}>
                    <td>{g.symbol}</td>
                    <td className="r">
                      <Count value={g.quantity} />
                    </td>
                    <td className="r">
                      <Num value={g.buyPrice} />
                    </td>
                    <td className="r">
                      <Num value={g.sellPrice} />
                    </td>
                    <td className="r">
                      <Num value={g.gain} signed />
                    </td>
                    <td className="hide-sm">
                      <Time at={g.soldAt} full />
                    </td>
                  </tr>
                ))}
                {gains && gains.realized.length === 0 && (
                  <tr>
                    <td colSpan={6} className="muted">
                      No sales this year.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <h3>Dividends received</h3>
          <div className="table-wrap">
            <table className="grid compact" data-testid="dividends-received">
              <thead>
                <tr>
                  <th>Symbol</th>
                  <th>Paid</th>
                  <th className="r">Amount</th>
                </tr>
              </thead>
              <tbody>
                {(gains?.dividends ?? []).map((d, i) => (
                  <tr key={i}>
                    <td>{d.symbol}</td>
                    <td>
                      <Time at={d.paidAt} full />
                    </td>
                    <td className="r">
                      <Num value={d.amount} />
                    </td>
                  </tr>
                ))}
                {gains && gains.dividends.length === 0 && (
                  <tr>
                    <td colSpan={3} className="muted">
                      No dividends this year.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </Panel>
      </div>
      <Panel
        title="Ledger"
        actions={
          <div className="pager">
            <button type="button" className="secondary small" disabled={page === 0} onClick={() => setPage(page - 1)}>
              Newer
            </button>
            <span className="muted small num">page {page + 1}</span>
            <button type="button" className="secondary small" disabled={!more} onClick={() => setPage(page + 1)}>
              Older
            </button>
          </div>
        }
      >
        <div className="table-wrap">
          <table className="grid compact" data-testid="ledger">
            <thead>
              <tr>
                <th>When</th>
                <th>Kind</th>
                <th className="hide-sm">Symbol</th>
                <th className="r">Amount</th>
                <th className="r hide-sm">Cash before</th>
                <th className="r">Cash after</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} data-kind={e.kind}>
                  <td>
                    <Time at={e.at} full />
                  </td>
                  <td>{e.kind.toLowerCase()}</td>
                  <td className="hide-sm">{e.symbol ?? ''}</td>
                  <td className="r">
                    <Num value={e.amount} signed />
                  </td>
                  <td className="r hide-sm">
                    <Num value={e.cashBefore} />
                  </td>
                  <td className="r">
                    <Num value={e.cashAfter} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
    </div>
  );
}
