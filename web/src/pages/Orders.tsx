import { Fragment, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { ApiError, gql } from '../api/client';
import { AmendOrderDocument, CancelOrderDocument, MyOrdersSubscription, OrdersDocument } from '../api/documents';
import { useQuery, useSubscription } from '../api/hooks';
import { Count, ErrorNote, Num, Panel, Time } from '../components/ui';
import { describe, ticketField, type TicketField } from '../lib/errors';
import { needsLimit, needsStop } from '../lib/estimate';
import { amendChanges, amendForm, amendOutcome, newClientOrderId, type AmendErrors, type AmendForm } from '../lib/orders';
import type { OrdersQuery } from '../../generated/graphql';

type Order = OrdersQuery['myOrders'][number];

const OPEN = new Set(['OPEN', 'PARTIALLY_FILLED', 'PENDING_TRIGGER']);

function applyOrders(current: Map<string, Order>, updates: Order[]): Map<string, Order> {
  const next = new Map(current);
  for (const o of updates) {
    const old = next.get(o.id);
    if (!old || o.updatedAt >= old.updatedAt) next.set(o.id, o);
  }
  return next;
}

function price(o: Order) {
  return (
    <>
      {o.limitPrice && <Num value={o.limitPrice} />}
      {o.stopPrice && (
        <span className="muted small">
          {' '}
          stop <Num value={o.stopPrice} />
        </span>
      )}
      {!o.limitPrice && !o.stopPrice && <span className="muted">market</span>}
    </>
  );
}

/** The inline form that amends an open order: its new total quantity and, where its type has them, its prices. */
function AmendRow({ order, onAmended, onClose }: { order: Order; onAmended: (answer: Order) => void; onClose: () => void }) {
  const [form, setForm] = useState<AmendForm>(() => amendForm(order));
  const [errors, setErrors] = useState<AmendErrors>({});
  const [serverError, setServerError] = useState<{ field: TicketField; text: string; code: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // A server error concerns the form as it was sent: editing it clears it.
  useEffect(() => setServerError(null), [form]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const checked = amendChanges(order, form);
    if ('errors' in checked) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const answer = await gql(AmendOrderDocument, { id: order.id, ...checked.changes, clientOrderId: newClientOrderId() });
      onAmended(answer.amendOrder);
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError('INTERNAL', String(err));
      setServerError({
        field: ticketField(error.code, error.message, error.extensions),
        text: describe(error.code, error.message, error.extensions),
        code: error.code,
      });
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (field: TicketField) => {
    const local = errors[field];
    const server = serverError?.field === field ? serverError : null;
    if (!local && !server) return null;
    return (
      <span className="field-error" role="alert" id={`amend-${field}-error`} data-code={server?.code}>
        {local ?? server?.text}
      </span>
    );
  };
  const input = (field: keyof AmendForm, label: string, inputMode: 'numeric' | 'decimal') => (
    <label>
      {label}
      <input
        name={field}
        inputMode={inputMode}
        autoFocus={field === 'quantity'}
        value={form[field]}
        onChange={(e) => setForm({ ...form, [field]: e.target.value })}
        aria-invalid={!!fieldError(field)}
        aria-describedby={`amend-${field}-error`}
      />
      {fieldError(field)}
    </label>
  );
  return (
    <tr className="amend-row">
      <td colSpan={8}>
        <form
          className="inline amend"
          aria-label={`Amend order ${order.id}`}
          onSubmit={submit}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onClose();
          }}
        >
          {input('quantity', `Total quantity (${order.filledQuantity.toLocaleString('en-US')} filled)`, 'numeric')}
          {needsLimit(order.type) && input('limitPrice', 'Limit price', 'decimal')}
          {needsStop(order.type) && input('stopPrice', 'Stop price', 'decimal')}
          <div className="buttons">
            <button type="submit" disabled={busy}>
              {busy ? 'Sending…' : 'Amend order'}
            </button>
            <button type="button" className="secondary" onClick={onClose}>
              Close
            </button>
          </div>
          {fieldError('form')}
          <p className="muted small hint">
            A smaller quantity keeps the order&apos;s place in the book; a new price or a larger quantity replaces it with a new order.
          </p>
        </form>
      </td>
    </tr>
  );
}

export default function OrdersPage() {
  const { data, error } = useQuery(OrdersDocument);
  const [orders, setOrders] = useState<Map<string, Order>>(new Map());
  const [cancelError, setCancelError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [amending, setAmending] = useState<string | null>(null);
  const [amended, setAmended] = useState<string | null>(null);
  useEffect(() => {
    if (data) setOrders((m) => applyOrders(m, data.myOrders));
  }, [data]);
  useSubscription(MyOrdersSubscription, {}, (batch) =>
    setOrders((m) =>
      applyOrders(
        m,
        batch.map((b) => b.myOrders),
      ),
    ),
  );
  const all = [...orders.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : Number(b.id) - Number(a.id)));
  const open = all.filter((o) => OPEN.has(o.status));
  const done = all.filter((o) => !OPEN.has(o.status));
  function onAmended(before: Order, answer: Order) {
    setAmending(null);
    setAmended(amendOutcome(before.id, answer));
    // A replacement ends the amended order: the stream says so too, later.
    setOrders((m) => applyOrders(m, answer.id === before.id ? [answer] : [{ ...before, status: 'CANCELLED' }, answer]));
  }
  async function cancel(id: string) {
    setBusy(id);
    setCancelError(null);
    try {
      const r = await gql(CancelOrderDocument, { id });
      setOrders((m) => {
        const o = m.get(id);
        return o ? applyOrders(m, [{ ...o, status: r.cancelOrder.status }]) : m;
      });
    } catch (e) {
      setCancelError(e as ApiError);
    } finally {
      setBusy(null);
    }
  }
  return (
    <div className="page orders">
      <ErrorNote error={error} />
      <Panel title="Open orders">
        <ErrorNote error={cancelError} />
        {amended && (
          <p className="ok" role="status" data-testid="amended">
            {amended}
          </p>
        )}
        <div className="table-wrap">
          <table className="grid" data-testid="open-orders">
            <thead>
              <tr>
                <th>Symbol</th>
                <th>Side</th>
                <th className="hide-sm">Type</th>
                <th className="r">Qty</th>
                <th className="r">Filled</th>
                <th className="r">Price</th>
                <th className="hide-sm">Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {open.map((o) => (
                <Fragment key={o.id}>
                  <tr data-order={o.id}>
                    <td>
                      <Link href={`/company/${o.symbol}`} className="sym">
                        {o.symbol}
                      </Link>
                    </td>
                    <td className={o.side === 'BUY' ? 'up' : 'down'}>{o.side.toLowerCase()}</td>
                    <td className="hide-sm">
                      {o.type.replace('_', ' ').toLowerCase()} {o.timeInForce}
                    </td>
                    <td className="r">
                      <Count value={o.quantity} />
                    </td>
                    <td className="r">
                      <Count value={o.filledQuantity} />
                    </td>
                    <td className="r">{price(o)}</td>
                    <td className="hide-sm">{o.status.replace('_', ' ').toLowerCase()}</td>
                    <td className="r actions">
                      <button
                        type="button"
                        className="secondary small"
                        aria-expanded={amending === o.id}
                        onClick={() => {
                          setAmended(null);
                          setAmending(amending === o.id ? null : o.id);
                        }}
                        aria-label={`Amend order ${o.id}`}
                      >
                        Amend
                      </button>
                      <button
                        type="button"
                        className="secondary small"
                        disabled={busy === o.id}
                        onClick={() => cancel(o.id)}
                        aria-label={`Cancel order ${o.id}`}
                      >
                        Cancel
                      </button>
                    </td>
                  </tr>
                  {amending === o.id && <AmendRow order={o} onAmended={(answer) => onAmended(o, answer)} onClose={() => setAmending(null)} />}
                </Fragment>
              ))}
              {open.length === 0 && (
                <tr>
                  <td colSpan={8} className="muted">
                    No open orders.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </Panel>
      <Panel title="History">
        <ul className="history" data-testid="history">
          {done.map((o) => (
            <li key={o.id}>
              <details>
                <summary>
                  <span className="sym">{o.symbol}</span> <span className={o.side === 'BUY' ? 'up' : 'down'}>{o.side.toLowerCase()}</span>{' '}
                  <Count value={o.filledQuantity} />/<Count value={o.quantity} />{' '}
                  {o.averageFillPrice && (
                    <>
                      at <Num value={o.averageFillPrice} />
                    </>
                  )}{' '}
                  <span className="badge">{o.status.toLowerCase()}</span> <Time at={o.createdAt} full />
                  {o.reason && <span className="muted small"> — {o.reason}</span>}
                </summary>
                <table className="grid compact">
                  <thead>
                    <tr>
                      <th>Time</th>
                      <th className="r">Price</th>
                      <th className="r">Qty</th>
                      <th className="r">Fee</th>
                      <th className="r">Tax</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.fills.map((f) => (
                      <tr key={f.tradeId}>
                        <td>
                          <Time at={f.executedAt} />
                        </td>
                        <td className="r">
                          <Num value={f.price} />
                        </td>
                        <td className="r">
                          <Count value={f.quantity} />
                        </td>
                        <td className="r">
                          <Num value={f.fee} />
                        </td>
                        <td className="r">
                          <Num value={f.tax} />
                        </td>
                      </tr>
                    ))}
                    {o.fills.length === 0 && (
                      <tr>
                        <td colSpan={5} className="muted">
                          No fills.
                        </td>
                      </tr>
                    )}
                  </tbody>
                </table>
              </details>
            </li>
          ))}
          {done.length === 0 && <li className="muted">No past orders.</li>}
        </ul>
      </Panel>
    </div>
  );
}
