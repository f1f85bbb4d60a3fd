// Orders after they are placed: a fresh client order id per submit, and
// amending an open one (its new total quantity, its prices), sending only
// what changed.
import { needsLimit, needsStop, type OrderKind } from './estimate';
import { big, formatMoney, isDecimal, type Decimal } from './money';

/** 128 random bits in hex; getRandomValues works over plain HTTP too (a class on a LAN), randomUUID does not. */
export function newClientOrderId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface AmendableOrder {
  type: OrderKind;
  quantity: number;
  filledQuantity: number;
  limitPrice?: Decimal | null;
  stopPrice?: Decimal | null;
}

/** What the amend form holds, as typed. */
export interface AmendForm {
  quantity: string;
  limitPrice: string;
  stopPrice: string;
}

/** `amendOrder`'s arguments: null leaves a field as it is. */
export interface AmendChanges {
  quantity: number | null;
  limitPrice: Decimal | null;
  stopPrice: Decimal | null;
}

export type AmendErrors = Partial<Record<keyof AmendForm | 'form', string>>;

/** The form filled with the order as it stands. */
export function amendForm(order: AmendableOrder): AmendForm {
  return { quantity: String(order.quantity), limitPrice: order.limitPrice ?? '', stopPrice: order.stopPrice ?? '' };
}

function priceChange(text: string, current: Decimal | null | undefined, errors: AmendErrors, field: 'limitPrice' | 'stopPrice'): Decimal | null {
  const price = text.trim();
  if (!isDecimal(price)) {
    errors[field] = 'a price like 101.25';
    return null;
  }
  if (big(price).lte(0)) {
    errors[field] = 'must be above zero';
    return null;
  }
  return current !== null && current !== undefined && big(price).eq(current) ? null : price;
}

/** The changes to send, or what is wrong with the form. */
export function amendChanges(order: AmendableOrder, form: AmendForm): { changes: AmendChanges } | { errors: AmendErrors } {
  const errors: AmendErrors = {};
  const text = form.quantity.trim();
  let quantity: number | null = null;
  if (!/^\d+$/.test(text) || big(text).lt(1)) errors.quantity = 'whole shares, 1 or more';
  else if (big(text).lte(order.filledQuantity)) errors.quantity = `more than the ${order.filledQuantity} already filled`;
  else if (!big(text).eq(order.quantity)) quantity = Number(text);
  const limitPrice = needsLimit(order.type) ? priceChange(form.limitPrice, order.limitPrice, errors, 'limitPrice') : null;
  const stopPrice = needsStop(order.type) ? priceChange(form.stopPrice, order.stopPrice, errors, 'stopPrice') : null;
  if (Object.keys(errors).length > 0) return { errors };
  if (quantity === null && limitPrice === null && stopPrice === null) return { errors: { form: 'Change the quantity or a price first.' } };
  return { changes: { quantity, limitPrice, stopPrice } };
}

export interface AmendedOrder {
  id: string;
  quantity: number;
  limitPrice?: Decimal | null;
  stopPrice?: Decimal | null;
  status: string;
}

/** What an amendment did, in words: the same order changed in place, or a replacement. */
export function amendOutcome(amendedId: string, answer: AmendedOrder): string {
  const price = answer.limitPrice ?? answer.stopPrice;
  const terms = `${answer.quantity.toLocaleString('en-US')} shares${price ? ` at ${formatMoney(price)}` : ''} (${answer.status.replace('_', ' ').toLowerCase()})`;
  return answer.id === amendedId ? `Order ${amendedId} is now for ${terms}.` : `Order ${amendedId} was replaced by order ${answer.id} for ${terms}.`;
}
