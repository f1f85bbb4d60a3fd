import type { ReactNode } from 'react';
import { formatFraction, formatMoney, formatPercent, formatSigned, sign, type Decimal } from '../lib/money';
import { ApiError } from '../api/client';
import { describe } from '../lib/errors';

/** A number in tabular figures, coloured by sign when `signed`; `percent` is already in percent, `fraction` is a ratio shown as one. */
export function Num({
  value,
  signed,
  percent,
  fraction,
  places,
}: {
  value: Decimal | null | undefined;
  signed?: boolean;
  percent?: boolean;
  fraction?: boolean;
  places?: number;
}) {
  const text = percent
    ? formatPercent(value)
    : fraction
      ? formatFraction(value, signed, places)
      : signed
        ? formatSigned(value, places)
        : formatMoney(value, places);
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
      {describe(error.code, error.message, error.extensions)}
    </p>
  );
}

/** How the last action went: its error in words, or what it did. */
export function Outcome({ action }: { action: { error: ApiError | null; done: string | null } }) {
  return (
    <>
      <ErrorNote error={action.error} />
      {action.done && (
        <p className="ok" role="status">
          {action.done}
        </p>
      )}
    </>
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
const dayTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** A time of day; `full` with the date, `short` with the day but not the year. */
export function Time({ at, full, short }: { at: string | null | undefined; full?: boolean; short?: boolean }) {
  if (!at) return <span className="num">—</span>;
  const d = new Date(at);
  return (
    <time className="num" dateTime={at}>
      {full ? dateTime.format(d) : short ? dayTime.format(d) : time.format(d)}
    </time>
  );
}
