import { useEffect } from 'react';
import { Link } from 'wouter';
import { MarketDocument } from '../api/documents';
import { useAccount, useQuery } from '../api/hooks';
import { useQuotes } from '../api/useQuotes';
import { Count, ErrorNote, Num, Panel } from '../components/ui';

export function MarketPage() {
  const account = useAccount();
  const { data, error, reload } = useQuery(MarketDocument);
  useEffect(() => {
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [reload]);
  const companies = data?.companies ?? [];
  const quotes = useQuotes(
    companies.map((c) => c.symbol),
    companies.map((c) => c.quote),
  );
  return (
    <div className="page market">
      {!account && (
        <section className="hero">
          <p>
            A live stock market with order books, bots and exact money. <Link href="/signup">Open an account</Link> to trade, or{' '}
            <Link href="/signin">sign in</Link>.
          </p>
        </section>
      )}
      <Panel title="Market">
        <ErrorNote error={error} />
        <div className="table-wrap">
          <table className="grid fixed" data-testid="market-table">
            <thead>
              <tr>
                <th>Symbol</th>
                <th className="hide-sm">Name</th>
                <th className="hide-sm">Sector</th>
                <th className="r">Last</th>
                <th className="r">Change</th>
                <th className="r">Volume</th>
                <th className="r hide-sm">Bid</th>
                <th className="r hide-sm">Ask</th>
              </tr>
            </thead>
            <tbody>
              {companies.map((c) => {
                const q = quotes[c.symbol] ?? c.quote;
                return (
                  <tr key={c.symbol} data-symbol={c.symbol}>
                    <td>
                      <Link href={`/company/${c.symbol}`} className="sym">
                        {c.symbol}
                      </Link>
                      {c.halted && <span className="badge warn">halted</span>}
                    </td>
                    <td className="hide-sm">{c.name}</td>
                    <td className="hide-sm muted">{c.sector}</td>
                    <td className="r" data-testid="last">
                      <Num value={q.last ?? c.lastPrice} />
                    </td>
                    <td className="r">
                      <Num value={q.changePercent} percent />
                    </td>
                    <td className="r">
                      <Count value={q.volume} />
                    </td>
                    <td className="r hide-sm">
                      <Num value={q.bid} />
                    </td>
                    <td className="r hide-sm">
                      <Num value={q.ask} />
                    </td>
                  </tr>
                );
              })}
              {!data && !error && (
                <tr>
                  <td colSpan={8} className="muted">
                    Loading the market…
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </Panel>
      <Panel title="Sectors">
        <ul className="sectors">
          {(data?.sectors ?? []).map((s) => (
            <li key={s.name}>
              <span>{s.name}</span>
              <span className="muted">{s.companies.map((c) => c.symbol).join(' · ')}</span>
              <Num value={s.changePercent} percent />
            </li>
          ))}
        </ul>
      </Panel>
    </div>
  );
}
