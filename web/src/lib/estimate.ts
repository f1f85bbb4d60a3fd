// The order ticket's estimate: what a buy reserves and costs, or what a
// sell brings, with commission and the sell tax, rounded as the server does
// (half to even, on the order's whole notional).
import { big, Big, isDecimal, onTick, toCents, type Decimal } from './money';

export type Side = 'BUY' | 'SELL';
export type OrderKind = 'MARKET' | 'LIMIT' | 'STOP' | 'STOP_LIMIT';

export interface Fees {
  /** Commission on the notional, both sides ("0.00015" = 0.015%). */
  commissionRate: Decimal;
  minCommission: Decimal;
  /** Transaction tax on sells ("0.0018" = 0.18%). */
  sellTaxRate: Decimal;
}

/** The server's defaults (README, Market rules). */
export const DEFAULT_FEES: Fees = { commissionRate: '0.00015', minCommission: '0', sellTaxRate: '0.0018' };

export interface TicketInput {
  side: Side;
  type: OrderKind;
  quantity: string;
  limitPrice: string;
  stopPrice: string;
  /** Best ask (buy) or bid (sell), else the last price: what a MARKET order is estimated at. */
  marketPrice: Decimal | null;
  tickSize: Decimal;
}

export interface Estimate {
  price: Decimal;
  notional: Decimal;
  commission: Decimal;
  tax: Decimal;
  /** Buy: notional + commission. Sell: notional − commission − tax. */
  total: Decimal;
}

export type FieldErrors = Partial<Record<'quantity' | 'limitPrice' | 'stopPrice', string>>;

export function needsLimit(type: OrderKind): boolean {
  return type === 'LIMIT' || type === 'STOP_LIMIT';
}

export function needsStop(type: OrderKind): boolean {
  return type === 'STOP' || type === 'STOP_LIMIT';
}

function priceError(text: string, tick: Decimal): string | undefined {
  if (!isDecimal(text)) return 'a price like 101.25';
  if (big(text).lte(0)) return 'must be above zero';
  if (!onTick(text, tick)) return `must be a multiple of the tick ${tick}`;
  return undefined;
}

export function validate(input: TicketInput): FieldErrors {
  const errors: FieldErrors = {};
  if (!/^\d+$/.test(input.quantity.trim()) || big(input.quantity.trim()).lt(1)) {
    errors.quantity = 'whole shares, 1 or more';
  }
  if (needsLimit(input.type)) {
    const e = priceError(input.limitPrice, input.tickSize);
    if (e) errors.limitPrice = e;
  }
  if (needsStop(input.type)) {
    const e = priceError(input.stopPrice, input.tickSize);
    if (e) errors.stopPrice = e;
  }
  return errors;
}

function commission(notional: Big, fees: Fees): Big {
  const c = big(toCents(notional.times(fees.commissionRate)));
  return c.lt(fees.minCommission) ? big(fees.minCommission) : c;
}

/** Null when the ticket is not filled in enough to price it. */
export function estimate(input: TicketInput, fees: Fees = DEFAULT_FEES): Estimate | null {
  const errors = validate(input);
  if (Object.keys(errors).length > 0) return null;
  const price = needsLimit(input.type) ? input.limitPrice : input.type === 'STOP' ? input.stopPrice : input.marketPrice;
  if (price === null) return null;
  const notional = big(price).times(input.quantity.trim());
  const fee = commission(notional, fees);
  const tax = input.side === 'SELL' ? big(toCents(notional.times(fees.sellTaxRate))) : big(0);
  const total = input.side === 'BUY' ? notional.plus(fee) : notional.minus(fee).minus(tax);
  return {
    price: big(price).toFixed(2),
    notional: toCents(notional),
    commission: toCents(fee),
    tax: toCents(tax),
    total: toCents(total),
  };
}
