import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { gql, session } from '../api/client';
import {
  CompetitionDocument,
  CompetitionsDocument,
  CompetitionStandingsSubscription,
  CompetitionTokenDocument,
  CreateCompetitionDocument,
  JoinCompetitionDocument,
} from '../api/documents';
import { useAccount, useCompetitionSeat, useQuery, useSubscription } from '../api/hooks';
import type { Tokens } from '../api/auth';
import { ErrorNote, Field, FieldError, Num, Outcome, Panel, Time } from '../components/ui';
import { useAction, useFormAction } from '../components/useAction';
import { competitionInput, type CompetitionForm } from '../lib/competitions';
import { competitionField, type CompetitionField } from '../lib/errors';
import { limitsInWords, NO_LIMITS } from '../lib/limits';
import { formatRate } from '../lib/money';
import { addMinutes, toLocalInput } from '../lib/time';
import type { CompetitionStandingsSubscription as StandingsUpdate, CompetitionStatus } from '../../generated/graphql';

type Standing = StandingsUpdate['competitionStandings'][number];

/** How many places the standings show. */
const TOP = 50;

function Status({ status }: { status: CompetitionStatus }) {
  return <span className={`badge ${status === 'RUNNING' ? 'ok' : ''}`}>{status.toLowerCase()}</span>;
}

function Window({ start, end }: { start: string; end: string }) {
  return (
    <span className="window">
      <Time at={start} full /> – <Time at={end} full />
    </span>
  );
}

function blankForm(): CompetitionForm {
  const now = new Date();
  return {
    name: '',
    startingCash: '10000.00',
    start: toLocalInput(now),
    end: toLocalInput(addMinutes(now, 60)),
    symbols: [],
    joinCode: '',
    commission: '',
    minCommission: '',
    sellTax: '',
    ...NO_LIMITS,
  };
}

/** The fields folded under "Fees and risk limits". */
const FOLDED: CompetitionField[] = ['commission', 'minCommission', 'sellTax', 'maxOrderValue', 'maxPositionPercent', 'maxOpenOrders'];

function CreateForm({ symbols, onCreated }: { symbols: string[]; onCreated: () => void }) {
  const [form, setForm] = useState<CompetitionForm>(blankForm);
  const [more, setMore] = useState(false);
  const create = useFormAction(competitionField);
  const { problems } = create;
  type Text = Exclude<keyof CompetitionForm, 'symbols'>;
  const field = (k: Text, label: string, extra: { inputMode?: 'decimal' | 'numeric'; type?: string; placeholder?: string } = {}) => (
    <Field name={k} label={label} value={form[k]} onChange={(v) => setForm({ ...form, [k]: v })} problem={problems[k]} {...extra} />
  );
  function toggle(symbol: string) {
    setForm({ ...form, symbols: form.symbols.includes(symbol) ? form.symbols.filter((s) => s !== symbol) : [...form.symbols, symbol] });
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    const checked = competitionInput(form);
    if ('errors' in checked) {
      create.refuse(checked.errors);
      return;
    }
    void create.run(async () => {
      const c = (await gql(CreateCompetitionDocument, { input: checked.input })).createCompetition;
      setForm(blankForm());
      onCreated();
      return `Created ${c.name}: players join with the code ${c.joinCode ?? ''}.`;
    });
  }
  return (
    <form className="stack" aria-label="Create a competition" onSubmit={submit}>
      {field('name', 'Name')}
      <div className="row2">
        {field('startingCash', 'Starting cash', { inputMode: 'decimal' })}
        {field('joinCode', 'Join code (optional)', { placeholder: 'made up when empty' })}
      </div>
      <div className="row-fit">
        {field('start', 'Start', { type: 'datetime-local' })}
        {field('end', 'End', { type: 'datetime-local' })}
      </div>
      <fieldset className="choice inline-choice" aria-describedby="symbols-error">
        <legend>Symbols (none ticked: every symbol)</legend>
        {symbols.map((s) => (
          <label key={s}>
            <input type="checkbox" name="symbols" value={s} checked={form.symbols.includes(s)} onChange={() => toggle(s)} /> {s}
          </label>
        ))}
        <FieldError id="symbols-error" problem={problems.symbols} />
      </fieldset>
      {/* A problem beside a folded field opens the fold, so it is seen. */}
      <details className="more" open={more || FOLDED.some((k) => problems[k])} onToggle={(e) => setMore(e.currentTarget.open)}>
        <summary>Fees and risk limits (optional)</summary>
        <fieldset className="group">
          <legend>Fees (empty: the market&apos;s)</legend>
          <div className="row3">
            {field('commission', 'Commission %', { inputMode: 'decimal', placeholder: '0.015' })}
            {field('minCommission', 'Min. commission', { inputMode: 'decimal', placeholder: '0.00' })}
            {field('sellTax', 'Tax on sells %', { inputMode: 'decimal', placeholder: '0.18' })}
          </div>
        </fieldset>
        <fieldset className="group">
          <legend>Risk limits on every player (empty: none)</legend>
          <div className="row3">
            {field('maxOrderValue', 'Max order value', { inputMode: 'decimal', placeholder: '5000.00' })}
            {field('maxPositionPercent', 'Max position %', { inputMode: 'decimal', placeholder: '25' })}
            {field('maxOpenOrders', 'Max open orders', { inputMode: 'numeric', placeholder: '10' })}
          </div>
        </fieldset>
      </details>
      <FieldError id="create-form-error" problem={problems.form} />
      {create.done && (
        <p className="ok" role="status">
          {create.done}
        </p>
      )}
      <button type="submit" disabled={create.busy}>
        Create competition
      </button>
    </form>
  );
}

function JoinForm() {
  const [, navigate] = useLocation();
  const [code, setCode] = useState('');
  const join = useAction();
  return (
    <form
      className="inline"
      aria-label="Join with code"
      onSubmit={(e) => {
        e.preventDefault();
        void join.run(async () => {
          const entry = (await gql(JoinCompetitionDocument, { code: code.trim() })).joinCompetition;
          navigate(`/competitions/${entry.competition.id}`);
          return `Joined ${entry.competition.name}.`;
        });
      }}
    >
      <label>
        Code
        <input name="code" autoComplete="off" required value={code} onChange={(e) => setCode(e.target.value)} />
      </label>
      <button type="submit" disabled={join.busy}>
        Join
      </button>
      <Outcome action={join} />
    </form>
  );
}

export default function CompetitionsPage() {
  const account = useAccount();
  const seat = useCompetitionSeat();
  const { data, error, reload } = useQuery(CompetitionsDocument, { signedIn: account !== null });
  useEffect(() => {
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [reload]);
  const staff = account?.role === 'ADMIN' || account?.role === 'INSTRUCTOR';
  const competitions = data?.competitions ?? [];
  const joined = new Set((data?.myCompetitions ?? []).map((e) => e.competition.id));
  const codes = competitions.some((c) => c.joinCode);
  return (
    <div className="page two">
      <Panel title="Competitions">
        <ErrorNote error={error} />
        <div className="table-wrap">
          <table className="grid" data-testid="competitions">
            <thead>
              <tr>
                <th>Name</th>
                <th>Window</th>
                <th>Status</th>
                {codes && <th className="hide-sm">Code</th>}
              </tr>
            </thead>
            <tbody>
              {competitions.map((c) => (
                <tr key={c.id} data-competition={c.id}>
                  <td>
                    <Link href={`/competitions/${c.id}`} className="sym">
                      {c.name}
                    </Link>
                    {joined.has(c.id) && <span className="badge ok">joined</span>}
                  </td>
                  <td className="small">
                    <Window start={c.startTime} end={c.endTime} />
                  </td>
                  <td>
                    <Status status={c.status} />
                  </td>
                  {codes && (
                    <td className="hide-sm">
                      <code data-testid="join-code">{c.joinCode ?? ''}</code>
                    </td>
                  )}
                </tr>
              ))}
              {data && competitions.length === 0 && (
                <tr>
                  <td colSpan={codes ? 4 : 3} className="muted">
                    No competitions yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </Panel>
      <div className="side">
        {account?.role === 'INDIVIDUAL' && (
          <Panel title="Join with code">
            {seat ? (
              <p className="muted">You are trading in {seat.name}: go back to your main account to join another competition.</p>
            ) : (
              <>
                <p className="muted small">
                  Your instructor gives the code. You trade a competition from an account of its own; your main account is untouched.
                </p>
                <JoinForm />
              </>
            )}
          </Panel>
        )}
        {!account && (
          <Panel title="Join with code">
            <p className="muted">
              <Link href="/signin">Sign in</Link> or <Link href="/signup">sign up</Link> to join a competition.
            </p>
          </Panel>
        )}
        {staff && (
          <Panel title="Create a competition">
            <CreateForm symbols={(data?.companies ?? []).map((c) => c.symbol)} onCreated={reload} />
          </Panel>
        )}
      </div>
    </div>
  );
}

function StandingsTable({ standings, you }: { standings: Standing[] | null; you: string | null }) {
  return (
    <div className="table-wrap">
      <table className="grid fixed" data-testid="standings">
        <thead>
          <tr>
            <th className="r rank">#</th>
            <th className="player">Player</th>
            <th className="r">Equity</th>
            <th className="r">Return</th>
            <th className="r hide-sm">Sharpe</th>
            <th className="r">Max drawdown</th>
          </tr>
        </thead>
        <tbody>
          {(standings ?? []).map((s) => (
            <tr key={s.accountId} data-account={s.accountId} className={s.accountId === you ? 'you' : undefined}>
              <td className="r num">{s.rank}</td>
              <td>
                {s.displayName}
                {s.accountId === you && <span className="badge ok">you</span>}
              </td>
              <td className="r">
                <Num value={s.equity} />
              </td>
              <td className="r">
                <Num value={s.returnPercent} percent />
              </td>
              <td className="r hide-sm">
                <Num value={s.sharpeRatio} signed />
              </td>
              <td className="r">
                <Num value={s.maxDrawdown} fraction />
              </td>
            </tr>
          ))}
          {standings?.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                Nobody has joined yet.
              </td>
            </tr>
          )}
          {standings === null && (
            <tr>
              <td colSpan={6} className="muted">
                Waiting for the standings…
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

export function CompetitionPage({ id }: { id: string }) {
  const account = useAccount();
  const seat = useCompetitionSeat();
  const [, navigate] = useLocation();
  const { data, error, reload } = useQuery(CompetitionDocument, { id, signedIn: account !== null });
  useEffect(() => {
    const timer = setInterval(reload, 5_000);
    return () => clearInterval(timer);
  }, [reload]);
  const [standings, setStandings] = useState<Standing[] | null>(null);
  useEffect(() => setStandings(null), [id]);
  useSubscription(CompetitionStandingsSubscription, { id, top: TOP }, (batch) => setStandings(batch[batch.length - 1].competitionStandings));
  const trade = useAction();
  const c = data?.competition;
  const entry = data?.myCompetitions?.find((e) => e.competition.id === id);
  const here = seat?.id === id;
  const you = here ? (account?.id ?? null) : (entry?.accountId ?? null);

  if (error) return <ErrorNote error={error} />;
  if (data && !c) {
    return (
      <section className="panel">
        <h1>No competition {id}</h1>
        <Link href="/competitions">Back to the competitions</Link>
      </section>
    );
  }
  const limits = c ? limitsInWords(c.riskLimits) : [];
  return (
    <div className="page competition">
      <header className="company-head">
        <h1>
          {c?.name ?? '…'} {c && <Status status={c.status} />}
        </h1>
        {c && (
          <span className="muted">
            <Window start={c.startTime} end={c.endTime} />
          </span>
        )}
      </header>
      {c && here && (
        <p className="notice" data-testid="trading-here">
          You are trading in this competition: orders, portfolio and performance are its account&apos;s.
        </p>
      )}
      {c && entry && !here && (
        <div className="notice trade-in">
          <span>
            You joined: you trade it from an account of its own, funded with <Num value={c.startingCash} /> at the start.
          </span>
          <button
            type="button"
            disabled={trade.busy || c.status === 'FINISHED'}
            onClick={() =>
              trade.run(async () => {
                const r = await gql(CompetitionTokenDocument, { competitionId: id });
                session.enterCompetition(r.competitionToken as Tokens, { id, name: c.name });
                navigate('/portfolio');
                return `Trading in ${c.name}.`;
              })
            }
          >
            Trade in this competition
          </button>
          <ErrorNote error={trade.error} />
        </div>
      )}
      {c && !entry && !here && account?.role === 'INDIVIDUAL' && !seat && c.status !== 'FINISHED' && (
        <p className="notice">
          Join it with the code from your instructor on the <Link href="/competitions">competitions page</Link>.
        </p>
      )}
      <div className="two">
        <Panel title="Standings" actions={<span className="muted small">{c?.status === 'FINISHED' ? 'final' : 'live, by return on the starting cash'}</span>}>
          <StandingsTable standings={standings} you={you} />
          <p className="muted small">Sharpe ratio and drawdown come from each account&apos;s equity, sampled once a minute.</p>
        </Panel>
        <Panel title="Rules">
          {c && (
            <dl className="facts" data-testid="rules">
              <dt>Starting cash</dt>
              <dd>
                <Num value={c.startingCash} />
              </dd>
              <dt>Symbols</dt>
              <dd>
                {c.symbols
                  ? c.symbols.map((s, i) => (
                      <span key={s}>
                        {i > 0 && ', '}
                        <Link href={`/company/${s}`} className="sym">
                          {s}
                        </Link>
                      </span>
                    ))
                  : 'every symbol'}
              </dd>
              <dt>Commission</dt>
              <dd className="num">{formatRate(c.commission)}</dd>
              <dt>Min. commission</dt>
              <dd>
                <Num value={c.minCommission} />
              </dd>
              <dt>Tax on sells</dt>
              <dd className="num">{formatRate(c.sellTax)}</dd>
              <dt>Risk limits</dt>
              <dd>{limits.length > 0 ? limits.join('; ') : 'none'}</dd>
              {c.joinCode && (
                <>
                  <dt>Join code</dt>
                  <dd>
                    <code data-testid="join-code">{c.joinCode}</code>
                  </dd>
                </>
              )}
            </dl>
          )}
        </Panel>
      </div>
    </div>
  );
}
