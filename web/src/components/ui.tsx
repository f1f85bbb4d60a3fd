import type { InputHTMLAttributes, ReactNode } from 'react';
import { formatFraction, formatMoney, formatPercent, formatSigned, sign, type Decimal } from '../lib/money';
import { ApiError } from '../api/client';
import { describe } from '../lib/errors';
import { formatDateTime } from '../lib/time';

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

/** A form field's problem: found before sending, or the server's error (with its code) in words. */
export interface FieldProblem {
  text: string;
  code?: string;
}

/** A field's problem beside it; `id` is what the field's aria-describedby names. */
export function FieldError({ id, problem }: { id: string; problem: FieldProblem | null | undefined }) {
  if (!problem) return null;
  return (
    <span className="field-error" role="alert" id={id} data-code={problem.code}>
      {problem.text}
    </span>
  );
}

/** A server error as the problem of the field it concerns, in `words` (the codes' usual words unless a form says its own). */
export function problemOf<F extends string>(
  e: unknown,
  fieldOf: (code: string, message: string) => F,
  words: typeof describe = describe,
): Partial<Record<F, FieldProblem>> {
  const error = e instanceof ApiError ? e : new ApiError('INTERNAL', String(e));
  const problems: Partial<Record<F, FieldProblem>> = {};
  problems[fieldOf(error.code, error.message)] = { text: words(error.code, error.message, error.extensions), code: error.code };
  return problems;
}

/** A labelled input with its problem beside it (`<name>-error`). */
export function Field({
  name,
  label,
  value,
  onChange,
  problem,
  ...input
}: {
  name: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  problem: FieldProblem | null | undefined;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'name' | 'value' | 'onChange'>) {
  return (
    <label>
      {label}
      <input name={name} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={!!problem} aria-describedby={`${name}-error`} {...input} />
      <FieldError id={`${name}-error`} problem={problem} />
    </label>
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

export function Panel({
  title,
  children,
  actions,
  className,
  label,
}: {
  title: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  className?: string;
  /** Names the section for assistive technology (and tests), where the title alone would not tell it apart. */
  label?: string;
}) {
  return (
    <section className={`panel ${className ?? ''}`} aria-label={label}>
      <div className="panel-head">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dayTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** A time of day; `full` with the date, `short` with the day but not the year. */
export function Time({ at, full, short }: { at: string | null | undefined; full?: boolean; short?: boolean }) {
  if (!at) return <span className="num">—</span>;
  const d = new Date(at);
  return (
    <time className="num" dateTime={at}>
      {full ? formatDateTime(at) : short ? dayTime.format(d) : time.format(d)}
    </time>
  );
}
