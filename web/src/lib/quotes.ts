import type { Decimal } from './money';

export interface Quote {
  symbol: string;
  bid?: Decimal | null;
  ask?: Decimal | null;
  last?: Decimal | null;
  open?: Decimal | null;
  high?: Decimal | null;
  low?: Decimal | null;
  volume: number;
  change?: Decimal | null;
  changePercent?: Decimal | null;
  at?: string | null;
  sequence: number;
}

/** Quotes by symbol after a batch: per symbol the highest sequence wins. */
export function applyQuotes(current: Record<string, Quote>, updates: Quote[]): Record<string, Quote> {
  const next = { ...current };
  for (const q of updates) {
    const old = next[q.symbol];
    if (!old || q.sequence >= old.sequence) next[q.symbol] = q;
  }
  return next;
}
