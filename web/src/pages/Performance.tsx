import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { PerformanceDocument } from '../api/documents';
import { useCompetitionSeat, useQuery } from '../api/hooks';
import { EquityChart } from '../components/Chart';
import { ErrorNote, Num, Panel, Time } from '../components/ui';
import { big, formatFraction, formatMoney, isDecimal } from '../lib/money';
import { enoughForRisk, MIN_RISK_SAMPLES } from '../lib/performance';
import { addMinutes, fromLocalInput, toLocalInput } from '../lib/time';

/** Ranges up to now, in minutes. */
const PRESETS: [string, number][] = [
  ['Hour', 60],
  ['Day', 24 * 60],
  ['Week', 7 * 24 * 60],
  ['Month', 30 * 24 * 60],
];

interface Range {
  /** RFC 3339. */
  from: string;
  /** RFC 3339; null is now. */
  to: string | null;
  /** Annual, as a fraction; null is 0. */
  riskFreeRate: string | null;
  preset: string | null;
}

function Card({ label, testid, children, sub }: { label: string; testid: string; children: ReactNode; sub?: ReactNode }) {
  return (
    <div className="card">
      <span className="label">{label}</span>
      <span className="value" data-testid={testid}>
        {children}
      </span>
      {sub && <span className="sub">{sub}</span>}
    </div>
  );
}

export default function PerformancePage() {
  const seat = useCompetitionSeat();
  const [range, setRange] = useState<Range>(() => ({
    from: addMinutes(new Date(), -PRESETS[2][1]).toISOString(),
    to: null,
    riskFreeRate: null,
    preset: 'Week',
  }));
  const [form, setForm] = useState(() => ({ from: toLocalInput(new Date(range.from)), to: '', rate: '' }));
  const [formError, setFormError] = useState<ApiError | null>(null);
  const { data, error, reload } = useQuery(PerformanceDocument, { from: range.from, to: range.to, riskFreeRate: range.riskFreeRate });
  // Equity is sampled once a minute.
  useEffect(() => {
    const timer = setInterval(reload, 60_000);
    return () => clearInterval(timer);
  }, [reload]);

  function preset(name: string, minutes: number) {
    const from = addMinutes(new Date(), -minutes);
    setRange({ ...range, from: from.toISOString(), to: null, preset: name });
    setForm({ ...form, from: toLocalInput(from), to: '' });
    setFormError(null);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const from = fromLocalInput(form.from);
    const to = form.to.trim() === '' ? null : fromLocalInput(form.to);
    const rate = form.rate.trim();
    if (from === null || (form.to.trim() !== '' && to === null)) {
      setFormError(new ApiError('BAD_USER_INPUT', 'from and to must be dates and times (to may be empty: now)'));
      return;
    }
    if (to !== null && to < from) {
      setFormError(new ApiError('BAD_USER_INPUT', 'from must not be after to'));
      return;
    }
    if (rate !== '' && !(isDecimal(rate, 10) && big(rate).lte(1))) {
      setFormError(new ApiError('BAD_USER_INPUT', 'the risk-free rate is a yearly fraction from 0 to 1, like 0.04'));
      return;
    }
    setFormError(null);
    setRange({ from, to, riskFreeRate: rate === '' ? null : rate, preset: null });
  }

  const p = data?.myPerformance;
  const dd = p?.maxDrawdown;
  // A fall needs two samples: with fewer there is no drawdown to speak of.
  const curved = (p?.equityCurve.length ?? 0) > 1;
  // Too few samples: the annualised volatility and Sharpe ratio are noise, not figures.
  const tooFew = !!p && !enoughForRisk(p.equityCurve.length);
  const fewSamples = `needs at least ${MIN_RISK_SAMPLES} samples`;
  return (
    <div className="page performance">
      <Panel
        title={seat ? `Performance in ${seat.name}` : 'Performance'}
        actions={
          <div className="segmented small" role="radiogroup" aria-label="Range">
            {PRESETS.map(([name, minutes]) => (
              <button
                key={name}
                type="button"
                role="radio"
                aria-checked={range.preset === name}
                className={range.preset === name ? 'on' : ''}
                onClick={() => preset(name, minutes)}
              >
                {name}
              </button>
            ))}
          </div>
        }
      >
        <form className="inline" aria-label="From and to" onSubmit={submit}>
          <label className="when">
            From
            <input name="from" type="datetime-local" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
          </label>
          <label className="when">
            To (empty: now)
            <input name="to" type="datetime-local" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
          </label>
          <label>
            Risk-free rate (yearly)
            <input name="riskFreeRate" inputMode="decimal" placeholder="0.04" value={form.rate} onChange={(e) => setForm({ ...form, rate: e.target.value })} />
          </label>
          <button type="submit">Show</button>
          <ErrorNote error={formError ?? error} />
        </form>
      </Panel>
      <section className="cards six" aria-label="Figures">
        <Card label="Return" testid="total-return">
          <Num value={p?.totalReturn} fraction signed />
        </Card>
        <Card label="Volatility (annualised)" testid="volatility" sub={tooFew && fewSamples}>
          <Num value={tooFew ? null : p?.volatility} fraction />
        </Card>
        <Card label="Sharpe ratio" testid="sharpe" sub={p && `${tooFew ? `${fewSamples} · ` : ''}risk-free ${formatFraction(p.riskFreeRate)} a year`}>
          <Num value={tooFew ? null : p?.sharpeRatio} signed />
        </Card>
        <Card
          label="Max drawdown"
          testid="max-drawdown"
          sub={
            dd ? (
              <span data-testid="drawdown-dates">
                peak <Time at={dd.peakAt} short /> → trough <Time at={dd.troughAt} short />
                {dd.recoveredAt ? (
                  <>
                    , recovered <Time at={dd.recoveredAt} short />
                  </>
                ) : (
                  ', not recovered yet'
                )}
              </span>
            ) : (
              curved && 'never fell'
            )
          }
        >
          <Num value={dd?.fraction ?? (curved ? '0' : null)} fraction />
        </Card>
        <Card label="Win rate" testid="win-rate" sub="of the lots closed">
          <Num value={p?.winRate} fraction />
        </Card>
        <Card label="Turnover" testid="turnover" sub="value traded ÷ average equity">
          <span className="num">{p?.turnover ? `${formatMoney(p.turnover)}×` : '—'}</span>
        </Card>
      </section>
      <Panel
        title="Equity"
        className="equity-panel"
        actions={
          p && (
            <span className="muted small">
              <Time at={p.from} full /> – <Time at={p.to} full /> · <span className="num">{p.equityCurve.length.toLocaleString('en-US')}</span> samples
            </span>
          )
        }
      >
        {p && p.equityCurve.length > 0 && <EquityChart points={p.equityCurve} />}
        {p && p.equityCurve.length === 0 && (
          <p className="muted" data-testid="no-samples">
            No equity samples in this range yet: the server takes one a minute.
          </p>
        )}
      </Panel>
    </div>
  );
}
