import type { ReactNode } from 'react';
import { formatMoney, formatPercent, formatSigned, sign, type Decimal } from '../lib/money';
import { ApiError } from '../api/client';
import { describe } from '../lib/errors';

/** A number in tabular figures, coloured by sign when `signed`. */
export function Num({ value, signed, percent, places }: { value: Decimal | null | undefined; signed?: boolean; percent?: boolean; places?: number }) {
  const text = percent ? formatPercent(value) : signed ? formatSigned(value, places) : formatMoney(value, places);
  const s = signed || percent ? sign(value) : 0;
  return <span className={`num ${s > 0 ? 'up' : s < 0 ? 'down' : ''}`}>{text}</span>;
}

export function Count({ value }: { value: number | null | undefined }) {
  return <span className="num">{value === null || value === undefined ? '—' : value.toLocaleString('en-US')}</span>;
}

export function ErrorNote({ error }: { error: ApiError | null | undefined }) {
  if (!error) return null;
  return (
    <p className="error" role="alert" data-code={error.code}>
      {describe(error.code, error.message)}
    </p>
  );
}

export function Panel({ title, children, actions, className }: { title: ReactNode; children: ReactNode; actions?: ReactNode; className?: string }) {
  return (
    <section className={`panel ${className ?? ''}`}>
      <div className="panel-head">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function Time({ at, full }: { at: string | null | undefined; full?: boolean }) {
  if (!at) return <span className="num">—</span>;
  const d = new Date(at);
  return (
    <time className="num" dateTime={at}>
      {full ? dateTime.format(d) : time.format(d)}
    </time>
  );
}
