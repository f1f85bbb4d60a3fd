import { useState, type FormEvent, type ReactNode } from 'react';
import { gql } from '../api/client';
import {
  ControlDocument,
  DeclareDividendDocument,
  DelistCompanyDocument,
  GrantRoleDocument,
  HaltDocument,
  ListCompanyDocument,
  PublishFinancialsDocument,
  PublishNewsDocument,
  ResumeDocument,
  SetRiskLimitsDocument,
  UpdateSectorDocument,
} from '../api/documents';
import { useAccount, useQuery } from '../api/hooks';
import { Field, FieldError, Outcome, Panel } from '../components/ui';
import { useAction, useFormAction } from '../components/useAction';
import { declaredWords, dividendInput, type DividendForm } from '../lib/dividends';
import { accountLimitsField, dividendField, dividendWords } from '../lib/errors';
import { accountLimitsInput, limitsSetWords, NO_LIMITS, type LimitsForm } from '../lib/limits';
import { addMinutes, toLocalInput } from '../lib/time';

type Action = ReturnType<typeof useAction>;

function Form({ action, onSubmit, children, label }: { action: Action; onSubmit: () => Promise<string>; children: ReactNode; label: string }) {
  return (
    <form
      className="stack"
      aria-label={label}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void action.run(onSubmit);
      }}
    >
      {children}
      <Outcome action={action} />
    </form>
  );
}

function useFields<T extends Record<string, string>>(initial: T) {
  const [v, setV] = useState(initial);
  const bind = (k: keyof T) => ({ name: String(k), value: v[k], onChange: (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value }) });
  return [v, bind] as const;
}

/** Sets (replaces) one account's risk limits, by its ID: the API has no account search. */
function AccountLimitsForm() {
  const [accountId, setAccountId] = useState('');
  const [limits, setLimits] = useState<LimitsForm>(NO_LIMITS);
  const set = useFormAction(accountLimitsField);
  const { problems } = set;
  const limit = (k: keyof LimitsForm, label: string, placeholder: string) => (
    <Field
      name={k}
      label={label}
      value={limits[k]}
      onChange={(v) => setLimits({ ...limits, [k]: v })}
      problem={problems[k]}
      inputMode={k === 'maxOpenOrders' ? 'numeric' : 'decimal'}
      placeholder={placeholder}
    />
  );
  function submit(e: FormEvent) {
    e.preventDefault();
    const checked = accountLimitsInput(accountId, limits);
    if ('errors' in checked) {
      set.refuse(checked.errors);
      return;
    }
    void set.run(async () => {
      const account = (await gql(SetRiskLimitsDocument, checked)).setRiskLimits;
      return limitsSetWords(account, account.riskLimits);
    });
  }
  return (
    <form className="stack" aria-label="Set risk limits" onSubmit={submit}>
      <Field name="limitsAccountId" label="Account ID" value={accountId} onChange={setAccountId} problem={problems.accountId} inputMode="numeric" />
      <div className="row3">
        {limit('maxOrderValue', 'Max order value', '5000.00')}
        {limit('maxPositionPercent', 'Max position %', '25')}
        {limit('maxOpenOrders', 'Max open orders', '10')}
      </div>
      <p className="muted small">These replace the account&apos;s limits: an empty field is no limit, so all empty lifts them. Orders already open stand.</p>
      <FieldError id="limits-form-error" problem={problems.form} />
      {set.done && (
        <p className="ok" role="status">
          {set.done}
        </p>
      )}
      <button type="submit" disabled={set.busy}>
        Set limits
      </button>
    </form>
  );
}

/** Declares a dividend: an ADMIN on any listed company, a CORPORATE account on its own (`own`). */
function DeclareDividendForm({ symbols, own }: { symbols: string[]; own: string | null }) {
  const [form, setForm] = useState<DividendForm>(() => {
    const now = new Date();
    return { symbol: '', amountPerShare: '', record: toLocalInput(addMinutes(now, 60)), pay: toLocalInput(addMinutes(now, 120)) };
  });
  const declare = useFormAction(dividendField, dividendWords);
  const { problems } = declare;
  const bind = (k: Exclude<keyof DividendForm, 'symbol'>) => ({
    name: k,
    value: form[k],
    onChange: (v: string) => setForm({ ...form, [k]: v }),
    problem: problems[k],
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const checked = dividendInput({ ...form, symbol: own ?? form.symbol }, new Date());
    if ('errors' in checked) {
      declare.refuse(checked.errors);
      return;
    }
    void declare.run(async () => {
      const dividend = (await gql(DeclareDividendDocument, checked)).declareDividend;
      setForm({ ...form, amountPerShare: '' });
      return declaredWords(dividend);
    });
  }
  return (
    <form className="stack" aria-label="Declare a dividend" onSubmit={submit}>
      <div className={own === null ? 'row2' : undefined}>
        {own === null && (
          <label>
            Company
            <select
              name="dividendSymbol"
              value={form.symbol}
              onChange={(e) => setForm({ ...form, symbol: e.target.value })}
              aria-invalid={!!problems.symbol}
              aria-describedby="dividendSymbol-error"
            >
              <option value="">choose…</option>
              {symbols.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            <FieldError id="dividendSymbol-error" problem={problems.symbol} />
          </label>
        )}
        <Field label="Amount per share" inputMode="decimal" placeholder="0.125" {...bind('amountPerShare')} />
      </div>
      <div className="row-fit">
        <Field label="Record time" type="datetime-local" {...bind('record')} />
        <Field label="Pay time" type="datetime-local" {...bind('pay')} />
      </div>
      <p className="muted small">
        Holders at the record time are paid at the pay time, rounded to the cent. The issuer&apos;s available cash must cover every share it does not hold.
      </p>
      {/* A CORPORATE account's own company has no field to show a refusal of it beside. */}
      <FieldError id="dividend-form-error" problem={own === null ? problems.form : (problems.form ?? problems.symbol)} />
      {declare.done && (
        <p className="ok" role="status">
          {declare.done}
        </p>
      )}
      <button type="submit" disabled={declare.busy}>
        Declare dividend
      </button>
    </form>
  );
}

export default function ControlPage() {
  const account = useAccount();
  const { data, reload } = useQuery(ControlDocument);
  const admin = account?.role === 'ADMIN';
  const staff = admin || account?.role === 'INSTRUCTOR';
  const companies = data?.companies ?? [];
  const symbols = companies.filter((c) => c.listed).map((c) => c.symbol);

  const halt = useAction();
  const [haltSymbol, setHaltSymbol] = useState('');
  const list = useAction();
  const [listing, bindListing] = useFields({
    symbol: '',
    name: '',
    sector: '',
    sharesOutstanding: '1000000',
    ipoPrice: '100.00',
    tickSize: '0.01',
    issuerAccountId: '',
  });
  const delist = useAction();
  const [delistSymbol, setDelistSymbol] = useState('');
  const sector = useAction();
  const [sectorEdit, bindSector] = useFields({ symbol: '', sector: '' });
  const news = useAction();
  const [newsForm, bindNews] = useFields({ symbol: '', headline: '', impact: '0.05' });
  const grant = useAction();
  const [grantForm, bindGrant] = useFields({ accountId: '', role: 'INSTRUCTOR' });
  const fin = useAction();
  const [finForm, bindFin] = useFields({ year: String(new Date().getUTCFullYear()), revenue: '', operatingProfit: '', netIncome: '' });

  const symbolSelect = (value: string, set: (s: string) => void, all: string | null, name: string) => (
    <select name={name} value={value} onChange={(e) => set(e.target.value)}>
      {all !== null ? <option value="">{all}</option> : <option value="">choose…</option>}
      {symbols.map((s) => (
        <option key={s}>{s}</option>
      ))}
    </select>
  );

  return (
    <div className="page control grid-cards">
      {admin && (
        <Panel title="Halt and resume">
          <div className="stack" aria-label="Halt and resume">
            <label>
              Symbol
              {symbolSelect(haltSymbol, setHaltSymbol, 'the whole market', 'haltSymbol')}
            </label>
            <div className="buttons">
              <button
                type="button"
                className="sell"
                disabled={halt.busy}
                onClick={() =>
                  halt.run(async () => (await gql(HaltDocument, { symbol: haltSymbol || null }), reload(), `Halted ${haltSymbol || 'the market'}.`))
                }
              >
                Halt
              </button>
              <button
                type="button"
                disabled={halt.busy}
                onClick={() =>
                  halt.run(async () => (await gql(ResumeDocument, { symbol: haltSymbol || null }), reload(), `Resumed ${haltSymbol || 'the market'}.`))
                }
              >
                Resume
              </button>
            </div>
            <Outcome action={halt} />
            <ul className="chips">
              {companies.map((c) => (
                <li key={c.symbol} className={c.halted ? 'warn' : ''}>
                  {c.symbol} {c.listed ? (c.halted ? 'halted' : 'trading') : 'delisted'}
                </li>
              ))}
            </ul>
          </div>
        </Panel>
      )}
      {staff && (
        <Panel title="Publish news">
          <Form
            action={news}
            label="Publish news"
            onSubmit={async () => {
              await gql(PublishNewsDocument, { input: { symbol: newsForm.symbol || null, headline: newsForm.headline, impact: newsForm.impact } });
              return 'Published.';
            }}
          >
            <label>
              Symbol
              <select {...bindNews('symbol')}>
                <option value="">whole market</option>
                {symbols.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
            <label>
              Headline
              <input {...bindNews('headline')} required />
            </label>
            <label>
              Impact (fraction, e.g. -0.15)
              <input {...bindNews('impact')} inputMode="decimal" />
            </label>
            <button type="submit" disabled={news.busy}>
              Publish
            </button>
          </Form>
        </Panel>
      )}
      {admin && (
        <Panel title="List a company">
          <Form
            action={list}
            label="List a company"
            onSubmit={async () => {
              const r = await gql(ListCompanyDocument, {
                input: { ...listing, symbol: listing.symbol.toUpperCase(), sharesOutstanding: Number(listing.sharesOutstanding) },
              });
              reload();
              return `Listed ${r.listCompany.symbol}.`;
            }}
          >
            <div className="row2">
              <label>
                Symbol
                <input {...bindListing('symbol')} required />
              </label>
              <label>
                Name
                <input {...bindListing('name')} required />
              </label>
            </div>
            <div className="row2">
              <label>
                Sector
                <input {...bindListing('sector')} required />
              </label>
              <label>
                Issuer account ID (corporate)
                <input {...bindListing('issuerAccountId')} required />
              </label>
            </div>
            <div className="row3">
              <label>
                Shares
                <input {...bindListing('sharesOutstanding')} inputMode="numeric" />
              </label>
              <label>
                IPO price
                <input {...bindListing('ipoPrice')} inputMode="decimal" />
              </label>
              <label>
                Tick
                <input {...bindListing('tickSize')} inputMode="decimal" />
              </label>
            </div>
            <button type="submit" disabled={list.busy}>
              List
            </button>
          </Form>
        </Panel>
      )}
      {admin && (
        <Panel title="Delist and sectors">
          <Form
            action={delist}
            label="Delist"
            onSubmit={async () => {
              await gql(DelistCompanyDocument, { symbol: delistSymbol });
              reload();
              return `Delisted ${delistSymbol}; its open orders were cancelled.`;
            }}
          >
            <label>
              Delist
              {symbolSelect(delistSymbol, setDelistSymbol, null, 'delistSymbol')}
            </label>
            <button type="submit" className="sell" disabled={delist.busy || !delistSymbol}>
              Delist
            </button>
          </Form>
          <Form
            action={sector}
            label="Edit sector"
            onSubmit={async () => {
              await gql(UpdateSectorDocument, sectorEdit);
              reload();
              return `${sectorEdit.symbol} is now in ${sectorEdit.sector}.`;
            }}
          >
            <div className="row2">
              <label>
                Symbol
                <select {...bindSector('symbol')}>
                  <option value="">choose…</option>
                  {symbols.map((s) => (
                    <option key={s}>{s}</option>
                  ))}
                </select>
              </label>
              <label>
                Sector
                <input {...bindSector('sector')} required />
              </label>
            </div>
            <button type="submit" disabled={sector.busy}>
              Save sector
            </button>
          </Form>
        </Panel>
      )}
      {admin && (
        <Panel title="Grant a role">
          <Form
            action={grant}
            label="Grant a role"
            onSubmit={async () => {
              const r = await gql(GrantRoleDocument, { accountId: grantForm.accountId.trim(), role: grantForm.role as 'INSTRUCTOR' });
              return `${r.grantRole.username} is now ${r.grantRole.role}.`;
            }}
          >
            <div className="row2">
              <label>
                Account ID
                <input {...bindGrant('accountId')} required inputMode="numeric" />
              </label>
              <label>
                Role
                <select {...bindGrant('role')}>
                  {['INSTRUCTOR', 'ADMIN', 'INDIVIDUAL', 'CORPORATE'].map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </label>
            </div>
            <button type="submit" disabled={grant.busy}>
              Grant
            </button>
          </Form>
        </Panel>
      )}
      {staff && (
        <Panel title="Risk limits of an account">
          <AccountLimitsForm />
        </Panel>
      )}
      {(admin || account?.role === 'CORPORATE') && (
        <Panel title={`Declare a dividend${!admin && data?.me.company ? ` of ${data.me.company.symbol}` : ''}`}>
          {admin ? (
            <DeclareDividendForm symbols={symbols} own={null} />
          ) : data?.me.company ? (
            <DeclareDividendForm symbols={[]} own={data.me.company.symbol} />
          ) : (
            data && <p className="muted">No company is listed for this account yet.</p>
          )}
        </Panel>
      )}
      {account?.role === 'CORPORATE' && (
        <Panel title={`Financials${data?.me.company ? ` of ${data.me.company.symbol}` : ''}`}>
          {data && !data.me.company && <p className="muted">No company is listed for this account yet.</p>}
          <Form
            action={fin}
            label="Publish financials"
            onSubmit={async () => {
              const r = await gql(PublishFinancialsDocument, { input: { ...finForm, year: Number(finForm.year) } });
              return `Published ${r.publishFinancials.year}: EPS ${r.publishFinancials.eps}.`;
            }}
          >
            <div className="row2">
              <label>
                Year
                <input {...bindFin('year')} inputMode="numeric" />
              </label>
              <label>
                Revenue
                <input {...bindFin('revenue')} inputMode="decimal" required />
              </label>
            </div>
            <div className="row2">
              <label>
                Operating profit
                <input {...bindFin('operatingProfit')} inputMode="decimal" required />
              </label>
              <label>
                Net income
                <input {...bindFin('netIncome')} inputMode="decimal" required />
              </label>
            </div>
            <button type="submit" disabled={fin.busy}>
              Publish financials
            </button>
          </Form>
        </Panel>
      )}
    </div>
  );
}
