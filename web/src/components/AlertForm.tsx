import { useEffect, useState, type FormEvent } from 'react';
import { gql } from '../api/client';
import { CreateAlertDocument } from '../api/documents';
import { ALERT_KINDS, isChange, KIND_LABELS, levelError, setWords } from '../lib/alerts';
import { alertField, type AlertField } from '../lib/errors';
import { formatMoney, type Decimal } from '../lib/money';
import type { AlertKind } from '../../generated/graphql';
import { FieldError, problemOf, type FieldProblem } from './ui';

export interface AlertFormProps {
  /** The symbols to choose from; with one alone (a company's page) there is no choice to make. */
  symbols: string[];
  /** Each symbol's last price, for the level's hint. */
  lastOf: (symbol: string) => Decimal | null | undefined;
  onCreated?: () => void;
}

/** Sets a price alert: a symbol, what fires it, and the level. */
export function AlertForm({ symbols, lastOf, onCreated }: AlertFormProps) {
  const fixed = symbols.length === 1;
  const [chosen, setChosen] = useState('');
  const [kind, setKind] = useState<AlertKind>('PRICE_ABOVE');
  const [level, setLevel] = useState('');
  const [errors, setErrors] = useState<Partial<Record<AlertField, FieldProblem>>>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const symbol = symbols.includes(chosen) ? chosen : (symbols[0] ?? '');
  const last = lastOf(symbol);
  const prefix = fixed ? `alert-${symbol}` : 'alert';

  // An error concerns the form as it was sent: editing it clears it.
  useEffect(() => setErrors({}), [symbol, kind, level]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setDone(null);
    const wrong = levelError(kind, level);
    if (wrong) {
      setErrors({ level: { text: wrong } });
      return;
    }
    setBusy(true);
    try {
      const alert = (await gql(CreateAlertDocument, { symbol, kind, level: level.trim() })).createAlert;
      setLevel('');
      setDone(setWords(alert));
      onCreated?.();
    } catch (err) {
      setErrors(problemOf(err, alertField));
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (field: AlertField) => <FieldError id={`${prefix}-${field}-error`} problem={errors[field]} />;

  return (
    <form className="stack alert-form" aria-label={fixed ? `Alert me on ${symbol}` : 'New alert'} onSubmit={submit} data-testid="alert-form">
      {fixed ? (
        <h3>Alert me</h3>
      ) : (
        <label>
          Symbol
          <select
            name="symbol"
            value={symbol}
            onChange={(e) => setChosen(e.target.value)}
            aria-invalid={!!errors.symbol}
            aria-describedby={`${prefix}-symbol-error`}
          >
            {symbols.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
          {fieldError('symbol')}
        </label>
      )}
      <div className="row2">
        <label>
          Alert when
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as AlertKind)}>
            {ALERT_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Level
          <input
            name="level"
            inputMode="decimal"
            autoComplete="off"
            placeholder={isChange(kind) ? '5' : (last ?? '101.25')}
            value={level}
            onChange={(e) => setLevel(e.target.value)}
            aria-invalid={!!errors.level}
            aria-describedby={`${prefix}-level-error ${prefix}-level-hint`}
          />
          {fieldError('level')}
        </label>
      </div>
      <p className="muted small" id={`${prefix}-level-hint`} data-testid="alert-hint">
        {isChange(kind) ? (
          "A percent from the session's reference price; the alert is set at the price it comes to."
        ) : (
          <>
            {symbol} last traded at <span className="num">{formatMoney(last)}</span>.
          </>
        )}
      </p>
      {fieldError('form')}
      {done && (
        <p className="ok" role="status">
          {done}
        </p>
      )}
      <button type="submit" disabled={busy || symbol === ''}>
        {busy ? 'Setting…' : 'Set alert'}
      </button>
    </form>
  );
}
