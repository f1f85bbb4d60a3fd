// Live valuation of holdings from quotes, exact in decimals.
import { big, sum, type Decimal } from './money';

export interface HoldingLike {
  symbol: string;
  quantity: number;
  averageCost: Decimal;
  marketValue?: Decimal | null;
}

export interface Valued {
  price: Decimal | null;
  marketValue: Decimal | null;
  unrealized: Decimal | null;
}

export function value(h: HoldingLike, last: Decimal | null | undefined): Valued {
  if (last === null || last === undefined) {
    return { price: null, marketValue: h.marketValue ?? null, unrealized: null };
  }
  const mv = big(last).times(h.quantity);
  const cost = big(h.averageCost).times(h.quantity);
  return { price: last, marketValue: mv.toFixed(2), unrealized: mv.minus(cost).toFixed(2) };
}

/** Cash plus every holding's market value. */
export function equity(cash: Decimal, values: (Decimal | null)[]): Decimal {
  return sum([cash, ...values.filter((v): v is Decimal => v !== null)]).toFixed(2);
}
