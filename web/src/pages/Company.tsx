import { useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { BookSubscription, CandlesDocument, CompanyDocument, IndicatorsDocument, NewsSubscription, TradesSubscription } from '../api/documents';
import { useAccount, useQuery, useReconnects, useSubscription } from '../api/hooks';
import { useQuotes } from '../api/useQuotes';
import { AlertForm } from '../components/AlertForm';
import { CandleChart } from '../components/Chart';
import { Ticket } from '../components/Ticket';
import { Count, ErrorNote, Num, Panel, Time } from '../components/ui';
import { applyBooks, applyTrade, ladderRows, mergeTape, spread, type Book, type Candle, type Interval, type Trade } from '../lib/book';
import {
  indicatorLines,
  MAX_PERIOD,
  OVERLAY_PERIOD,
  parsePeriod,
  STUDIES,
  STUDY_COLORS,
  studyLabel,
  undefinedStudies,
  type Line,
  type Study,
} from '../lib/indicators';
import { formatMoney, placesOf } from '../lib/money';

const INTERVALS: Interval[] = ['M1', 'M5', 'M15', 'H1', 'D1'];
const NO_LINES: Line[] = [];

function Ladder({ symbol }: { symbol: string }) {
  const [book, setBook] = useState<Book | null>(null);
  const reconnects = useReconnects();
  useEffect(() => setBook(null), [symbol, reconnects]);
  useSubscription(BookSubscription, { symbol }, (batch) =>
    setBook((b) =>
      applyBooks(
        b,
        batch.map((x) => x.orderBook as Book),
      ),
    ),
  );
  const rows = ladderRows(book, 10);
  return (
    <Panel
      title="Order book"
      actions={
        <span className="muted small">
          spread <span className="num">{formatMoney(spread(book))}</span>
        </span>
      }
      className="ladder-panel"
    >
      <table className="ladder fixed" data-testid="ladder" data-sequence={book?.sequence ?? ''}>
        <thead>
          <tr>
            <th className="r">Orders</th>
            <th className="r">Size</th>
            <th className="r">Price</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.side}${r.price}`} className={r.side}>
              <td className="r num muted">{r.orders}</td>
              <td className="r depth">
                <span className="bar" style={{ width: `${Math.round(r.depth * 100)}%` }} />
                <Count value={r.quantity} />
              </td>
              <td className="r">
                <Num value={r.price} />
              </td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                {book ? 'The book is empty.' : 'Waiting for the book…'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </Panel>
  );
}

function Tape({ symbol, initial, onTrades }: { symbol: string; initial: Trade[]; onTrades: (t: Trade[]) => void }) {
  const [tape, setTape] = useState<Trade[]>([]);
  useEffect(() => setTape((t) => mergeTape(t, initial)), [initial]);
  useEffect(() => setTape([]), [symbol]);
  useSubscription(TradesSubscription, { symbol }, (batch) => {
    const trades = batch.map((b) => b.trades as Trade);
    setTape((t) => mergeTape(t, trades));
    onTrades(trades);
  });
  return (
    <Panel title="Time and sales" className="tape-panel">
      <div className="tape-scroll">
        <table className="tape fixed" data-testid="tape" data-top={tape[0]?.id ?? ''}>
          <thead>
            <tr>
              <th>Time</th>
              <th className="r">Price</th>
              <th className="r">Size</th>
            </tr>
          </thead>
          <tbody>
            {tape.map((t) => (
              <tr key={t.id} className={t.aggressorSide === 'BUY' ? 'buy' : 'sell'}>
                <td>
                  <Time at={t.executedAt} />
                </td>
                <td className="r">
                  <Num value={t.price} />
                </td>
                <td className="r">
                  <Count value={t.quantity} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

/** The indicators shown on the chart: toggles, the overlays' period, and a word on those the market has not traded enough candles for. */
function IndicatorTools({
  on,
  onToggle,
  period,
  onPeriod,
  missing,
  interval,
}: {
  on: Study[];
  onToggle: (study: Study) => void;
  /** The last period typed that the server takes. */
  period: number;
  onPeriod: (period: number) => void;
  missing: Study[];
  interval: Interval;
}) {
  const [text, setText] = useState(String(period));
  const valid = parsePeriod(text) !== null;
  return (
    <div className="chart-tools">
      <div className="segmented small" role="group" aria-label="Indicators">
        {STUDIES.map((study) => (
          <button key={study} type="button" aria-pressed={on.includes(study)} className={on.includes(study) ? 'on' : ''} onClick={() => onToggle(study)}>
            <span className="swatch" style={{ background: STUDY_COLORS[study] }} aria-hidden="true" />
            {studyLabel(study, period)}
          </button>
        ))}
      </div>
      <label className="inline-label small">
        Period
        <input
          name="period"
          className="period"
          type="number"
          min={1}
          max={MAX_PERIOD}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            const typed = parsePeriod(e.target.value);
            if (typed !== null) onPeriod(typed);
          }}
          aria-invalid={!valid}
          aria-describedby="period-error"
        />
      </label>
      {!valid && (
        <span className="field-error" role="alert" id="period-error">
          a period from 1 to {MAX_PERIOD}
        </span>
      )}
      {missing.length > 0 && (
        <span className="muted small" data-testid="indicators-missing">
          {missing.map((s) => studyLabel(s, period)).join(', ')}: not enough {interval} candles traded yet
        </span>
      )}
    </div>
  );
}

export default function CompanyPage({ symbol }: { symbol: string }) {
  const account = useAccount();
  const { data, error } = useQuery(CompanyDocument, { symbol });
  const [interval, setChartInterval] = useState<Interval>('M1');
  const candlesQuery = useQuery(CandlesDocument, { symbol, interval });
  const [candles, setCandles] = useState<Candle[]>([]);
  // The newest trade seen; the candles answered count everything up to
  // about then, so only later trades move the forming candle.
  const lastTrade = useRef(0);
  const candleBase = useRef(0);
  useEffect(() => {
    candleBase.current = lastTrade.current;
    setCandles((candlesQuery.data?.candles as Candle[]) ?? []);
  }, [candlesQuery.data]);
  const [studies, setStudies] = useState<Study[]>([]);
  const [period, setPeriod] = useState(OVERLAY_PERIOD);
  const overlays = STUDIES.filter((s) => s !== 'RSI' && studies.includes(s));
  const indicatorVariables = { symbol, interval, overlays, period, withOverlays: overlays.length > 0, withRsi: studies.includes('RSI') };
  const indicatorKey = JSON.stringify(indicatorVariables);
  const indicatorsQuery = useQuery(IndicatorsDocument, indicatorVariables, studies.length === 0);
  // The lines answered for the indicators as they are asked for now: none while a new question is out.
  const [indicators, setIndicators] = useState<{ key: string; lines: Line[]; missing: Study[] }>({ key: '', lines: [], missing: [] });
  useEffect(() => {
    const d = indicatorsQuery.data;
    if (!d) return;
    const series = [...(d.overlays ?? []), ...(d.rsi ?? [])];
    setIndicators({ key: indicatorKey, lines: indicatorLines(series), missing: undefinedStudies(series) });
    // Only an answer changes the lines; it answers the key asked now (useQuery drops stale answers).
  }, [indicatorsQuery.data]);
  const current = indicators.key === indicatorKey ? indicators : null;
  // A candle that trades begin (not a chart loaded afresh) moves the indicators too.
  const lastStart = candles[candles.length - 1]?.start;
  const seen = useRef({ answer: candlesQuery.data, start: lastStart });
  const reloadIndicators = indicatorsQuery.reload;
  useEffect(() => {
    const before = seen.current;
    if (before.answer === candlesQuery.data && before.start !== undefined && lastStart !== before.start) reloadIndicators();
    seen.current = { answer: candlesQuery.data, start: lastStart };
  }, [candlesQuery.data, lastStart, reloadIndicators]);
  const company = data?.company;
  const quotes = useQuotes([symbol], company ? [company.quote] : []);
  const q = quotes[symbol] ?? company?.quote;
  const [news, setNews] = useState<NonNullable<typeof data>['news']>([]);
  useEffect(() => setNews(data?.news ?? []), [data]);
  useSubscription(NewsSubscription, {}, (batch) => setNews((n) => [...batch.map((b) => b.news), ...n].slice(0, 50)));
  const initialTrades = (data?.trades as Trade[]) ?? [];
  if (initialTrades.length > 0) lastTrade.current = Math.max(lastTrade.current, initialTrades[0].sequence);

  if (error) return <ErrorNote error={error} />;
  if (data && !company) {
    return (
      <section className="panel">
        <h1>No company {symbol}</h1>
        <Link href="/">Back to the market</Link>
      </section>
    );
  }
  const relevant = news.filter((n) => n.symbol === null || n.symbol === undefined || n.symbol === symbol);
  return (
    <div className="page company">
      <header className="company-head">
        <h1>
          {symbol} <span className="muted">{company?.name}</span>
          {company?.halted && <span className="badge warn">halted</span>}
        </h1>
        <div className="quote-line">
          <span className="big" data-testid="company-last">
            <Num value={q?.last ?? company?.lastPrice} />
          </span>
          <Num value={q?.change} signed />
          <Num value={q?.changePercent} percent />
          <span className="muted small">
            bid <Num value={q?.bid} /> · ask <Num value={q?.ask} /> · vol <Count value={q?.volume} />
          </span>
        </div>
      </header>
      <div className="company-grid">
        <Panel
          title="Chart"
          className="chart-panel"
          actions={
            <div className="segmented small" role="radiogroup" aria-label="Interval">
              {INTERVALS.map((i) => (
                <button
                  key={i}
                  type="button"
                  role="radio"
                  aria-checked={interval === i}
                  className={interval === i ? 'on' : ''}
                  onClick={() => setChartInterval(i)}
                >
                  {i}
                </button>
              ))}
            </div>
          }
        >
          <IndicatorTools
            on={studies}
            onToggle={(study) => setStudies((on) => (on.includes(study) ? on.filter((s) => s !== study) : [...on, study]))}
            period={period}
            onPeriod={setPeriod}
            missing={current?.missing ?? []}
            interval={interval}
          />
          <CandleChart candles={candles} resetKey={`${symbol}:${interval}:${candlesQuery.data ? 'data' : 'none'}`} lines={current?.lines ?? NO_LINES} />
        </Panel>
        <Panel title="Trade" className="ticket-panel">
          {company && (
            <Ticket symbol={symbol} tickSize={company.tickSize} halted={company.halted} bid={q?.bid} ask={q?.ask} last={q?.last ?? company.lastPrice} />
          )}
          {company && account && <AlertForm symbols={[symbol]} lastOf={() => q?.last ?? company.lastPrice} />}
        </Panel>
        <Ladder symbol={symbol} />
        <Tape
          symbol={symbol}
          initial={initialTrades}
          onTrades={(trades) => {
            const fresh = trades.filter((t) => t.sequence > candleBase.current).sort((a, b) => a.sequence - b.sequence);
            lastTrade.current = Math.max(lastTrade.current, ...trades.map((t) => t.sequence));
            if (fresh.length > 0) setCandles((c) => fresh.reduce((acc, t) => applyTrade(acc, t, interval), c));
          }}
        />
        <Panel title="Company" className="info-panel">
          {company && (
            <dl className="facts">
              <dt>Sector</dt>
              <dd>{company.sector}</dd>
              <dt>Shares outstanding</dt>
              <dd>
                <Count value={company.sharesOutstanding} />
              </dd>
              <dt>Market cap</dt>
              <dd>
                <Num value={company.marketCap} />
              </dd>
              <dt>Tick size</dt>
              <dd className="num">{company.tickSize}</dd>
              <dt>Status</dt>
              <dd>{!company.listed ? 'delisted' : company.halted ? 'halted' : 'trading'}</dd>
            </dl>
          )}
          <h3>Financials</h3>
          <div className="table-wrap">
            <table className="grid compact">
              <thead>
                <tr>
                  <th>Year</th>
                  <th className="r">Revenue</th>
                  <th className="r">Operating profit</th>
                  <th className="r">Net income</th>
                  <th className="r">EPS</th>
                </tr>
              </thead>
              <tbody>
                {(company?.financials ?? []).map((f) => (
                  <tr key={f.year}>
                    <td className="num">{f.year}</td>
                    <td className="r">
                      <Num value={f.revenue} places={0} />
                    </td>
                    <td className="r">
                      <Num value={f.operatingProfit} places={0} />
                    </td>
                    <td className="r">
                      <Num value={f.netIncome} places={0} />
                    </td>
                    <td className="r">
                      <Num value={f.eps} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>Dividends</h3>
          <div className="table-wrap">
            <table className="grid compact" data-testid="dividends">
              <thead>
                <tr>
                  <th className="r">Per share</th>
                  <th>Record</th>
                  <th className="hide-sm">Pay</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {(data?.dividends ?? []).map((d) => (
                  <tr key={d.id} data-dividend={d.id} data-status={d.status}>
                    <td className="r">
                      <Num value={d.amountPerShare} places={placesOf(d.amountPerShare)} />
                    </td>
                    <td>
                      <Time at={d.recordTime} full />
                    </td>
                    <td className="hide-sm">
                      <Time at={d.payTime} full />
                    </td>
                    <td>
                      <span className={`badge ${d.status === 'PAID' ? 'ok' : d.status === 'CANCELLED' ? 'warn' : ''}`} title={d.note ?? undefined}>
                        {d.status.toLowerCase()}
                      </span>
                      {d.total && (
                        <span className="muted small">
                          {' '}
                          total <Num value={d.total} />
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
                {data && data.dividends.length === 0 && (
                  <tr>
                    <td colSpan={4} className="muted">
                      No dividends declared.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </Panel>
        <Panel title="News" className="news-panel">
          <ul className="news">
            {relevant.map((n) => (
              <li key={n.id}>
                <Time at={n.at} full /> <span>{n.headline}</span> <Num value={n.impact} signed />
              </li>
            ))}
            {relevant.length === 0 && <li className="muted">No news yet.</li>}
          </ul>
        </Panel>
      </div>
    </div>
  );
}
