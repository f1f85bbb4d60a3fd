import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { ApiError, gql } from '../api/client';
import { PlaceOrderDocument, TicketAccountDocument } from '../api/documents';
import { useAccount, useQuery } from '../api/hooks';
import { describe, ticketField, type TicketField } from '../lib/errors';
import { estimate, needsLimit, needsStop, validate, type OrderKind, type Side } from '../lib/estimate';
import { formatMoney, sum, type Decimal } from '../lib/money';
import { newClientOrderId } from '../lib/orders';
import { Num } from './ui';

const TYPES: OrderKind[] = ['MARKET', 'LIMIT', 'STOP', 'STOP_LIMIT'];
const TIFS = ['GTC', 'DAY', 'IOC', 'FOK'] as const;

export interface TicketProps {
  symbol: string;
  tickSize: Decimal;
  halted: boolean;
  bid: Decimal | null | undefined;
  ask: Decimal | null | undefined;
  last: Decimal | null | undefined;
}

export function Ticket({ symbol, tickSize, halted, bid, ask, last }: TicketProps) {
  const account = useAccount();
  const me = useQuery(TicketAccountDocument, undefined, !account);
  const [side, setSide] = useState<Side>('BUY');
  const [type, setType] = useState<OrderKind>('LIMIT');
  const [tif, setTif] = useState<(typeof TIFS)[number]>('GTC');
  const [quantity, setQuantity] = useState('10');
  const [limitPrice, setLimitPrice] = useState('');
  const [stopPrice, setStopPrice] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<{ field: TicketField; text: string; code: string } | null>(null);
  const [placed, setPlaced] = useState<string | null>(null);

  // A server error concerns the ticket as it was sent: editing it clears it.
  useEffect(() => setServerError(null), [side, type, tif, quantity, limitPrice, stopPrice]);

  // Start the limit price at the last trade once it is known.
  useEffect(() => {
    if (last) setLimitPrice((p) => p || last);
  }, [last]);

  if (!account) {
    return (
      <div className="ticket signed-out">
        <p>
          <Link href="/signin">Sign in</Link> or <Link href="/signup">sign up</Link> to trade {symbol}.
        </p>
      </div>
    );
  }

  const marketPrice = (side === 'BUY' ? ask : bid) ?? last ?? null;
  const input = { side, type, quantity, limitPrice, stopPrice, marketPrice, tickSize };
  const errors = touched ? validate(input) : {};
  const est = estimate(input);
  const holding = me.data?.me.holdings.find((h) => h.symbol === symbol);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (busy || Object.keys(validate(input)).length > 0) return;
    setBusy(true);
    setServerError(null);
    setPlaced(null);
    // A fresh key per submit: the server places one order per key.
    const clientOrderId = newClientOrderId();
    try {
      const data = await gql(PlaceOrderDocument, {
        input: {
          symbol,
          side,
          type,
          timeInForce: tif,
          quantity: Number(quantity),
          limitPrice: needsLimit(type) ? limitPrice.trim() : null,
          stopPrice: needsStop(type) ? stopPrice.trim() : null,
          clientOrderId,
        },
      });
      const o = data.placeOrder;
      setPlaced(
        `${o.side === 'BUY' ? 'Bought' : 'Sold'} ${o.filledQuantity} of ${o.filledQuantity + o.remainingQuantity}` +
          (o.averageFillPrice ? ` at ${formatMoney(o.averageFillPrice)}` : '') +
          ` — ${o.status.toLowerCase().replace('_', ' ')}${o.reason ? ` (${o.reason})` : ''}`,
      );
      me.reload();
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError('INTERNAL', String(err));
      setServerError({
        field: ticketField(error.code, error.message, error.extensions),
        text: describe(error.code, error.message, error.extensions),
        code: error.code,
      });
      me.reload();
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (field: TicketField) => {
    const local = field !== 'form' ? errors[field] : undefined;
    const server = serverError?.field === field ? serverError : null;
    if (!local && !server) return null;
    return (
      <span className="field-error" role="alert" id={`${field}-error`} data-code={server?.code}>
        {local ?? server?.text}
      </span>
    );
  };

  return (
    <form className="ticket" onSubmit={submit} aria-label={`Order ticket for ${symbol}`} data-testid="ticket">
      {halted && (
        <p className="notice warn" data-testid="halted">
          Trading in {symbol} is halted: new orders are refused.
        </p>
      )}
      <div className="segmented" role="radiogroup" aria-label="Side">
        {(['BUY', 'SELL'] as Side[]).map((s) => (
          <button key={s} type="button" role="radio" aria-checked={side === s} className={side === s ? `on ${s.toLowerCase()}` : ''} onClick={() => setSide(s)}>
            {s === 'BUY' ? 'Buy' : 'Sell'}
          </button>
        ))}
      </div>
      <div className="row2">
        <label>
          Type
          <select name="type" value={type} onChange={(e) => setType(e.target.value as OrderKind)}>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t.replace('_', ' ').toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time in force
          <select name="tif" value={tif} onChange={(e) => setTif(e.target.value as (typeof TIFS)[number])}>
            {TIFS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
      </div>
      <label>
        Quantity
        <input
          name="quantity"
          inputMode="numeric"
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
          aria-invalid={!!fieldError('quantity')}
          aria-describedby="quantity-error"
        />
        {fieldError('quantity')}
      </label>
      {needsLimit(type) && (
        <label>
          Limit price
          <input
            name="limitPrice"
            inputMode="decimal"
            placeholder={last ?? ''}
            value={limitPrice}
            onChange={(e) => setLimitPrice(e.target.value)}
            aria-invalid={!!fieldError('limitPrice')}
            aria-describedby="limitPrice-error"
          />
          {fieldError('limitPrice')}
        </label>
      )}
      {needsStop(type) && (
        <label>
          Stop price
          <input
            name="stopPrice"
            inputMode="decimal"
            placeholder={last ?? ''}
            value={stopPrice}
            onChange={(e) => setStopPrice(e.target.value)}
            aria-invalid={!!fieldError('stopPrice')}
            aria-describedby="stopPrice-error"
          />
          {fieldError('stopPrice')}
        </label>
      )}
      <dl className="facts">
        {side === 'BUY' ? (
          <>
            <dt>Available cash</dt>
            <dd data-testid="available-cash">
              <Num value={me.data?.me.availableCash} />
            </dd>
          </>
        ) : (
          <>
            <dt>Available shares</dt>
            <dd data-testid="available-shares" className="num">
              {(holding?.availableQuantity ?? 0).toLocaleString('en-US')}
            </dd>
          </>
        )}
        <dt>Est. {side === 'BUY' ? 'cost' : 'proceeds'}</dt>
        <dd data-testid="estimate">
          <Num value={est?.total} />
        </dd>
        <dt className="sub">commission{side === 'SELL' ? ' + tax' : ''}</dt>
        <dd className="sub">
          <Num value={est ? sum([est.commission, est.tax]).toFixed(2) : null} />
        </dd>
      </dl>
      {fieldError('form')}
      {placed && (
        <p className="ok" role="status" data-testid="placed">
          {placed}
        </p>
      )}
      <button type="submit" className={side === 'BUY' ? 'buy' : 'sell'} disabled={busy}>
        {busy ? 'Sending…' : `${side === 'BUY' ? 'Buy' : 'Sell'} ${symbol}`}
      </button>
    </form>
  );
}
