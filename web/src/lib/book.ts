// The L2 ladder, the tape and the forming candle, as pure functions over
// what the subscriptions deliver.
import { big, Big, type Decimal } from './money';

export interface Level {
  price: Decimal;
  quantity: number;
  orders: number;
}

export interface Book {
  symbol: string;
  bids: Level[];
  asks: Level[];
  sequence: number;
}

/**
 * The book after a batch of updates: each update is a whole book (the
 * subscription sends the book after each change), so the one with the
 * highest sequence wins; an older one arriving late changes nothing.
 */
export function applyBooks(current: Book | null, updates: Book[]): Book | null {
  let book = current;
  for (const update of updates) {
    if (book === null || update.symbol !== book.symbol || update.sequence >= book.sequence) {
      book = update;
    }
  }
  return book;
}

export interface LadderRow {
  side: 'ask' | 'bid';
  price: Decimal;
  quantity: number;
  orders: number;
  /** Depth bar length relative to the largest level, 0..1 (display only). */
  depth: number;
}

/** Asks highest first above the bids highest first, `depth` levels each. */
export function ladderRows(book: Book | null, depth = 10): LadderRow[] {
  if (book === null) return [];
  const asks = book.asks.slice(0, depth);
  const bids = book.bids.slice(0, depth);
  const largest = Math.max(1, ...asks.map((l) => l.quantity), ...bids.map((l) => l.quantity));
  const row =
    (side: 'ask' | 'bid') =>
    (l: Level): LadderRow => ({
      side,
      price: l.price,
      quantity: l.quantity,
      orders: l.orders,
      depth: l.quantity / largest,
    });
  return [...asks.map(row('ask')).reverse(), ...bids.map(row('bid'))];
}

/** Best ask minus best bid, or null. */
export function spread(book: Book | null): Decimal | null {
  if (!book || book.asks.length === 0 || book.bids.length === 0) return null;
  return big(book.asks[0].price).minus(book.bids[0].price).toFixed(2);
}

export interface Trade {
  id: string;
  price: Decimal;
  quantity: number;
  aggressorSide: 'BUY' | 'SELL';
  executedAt: string;
  sequence: number;
}

/** The tape newest first, each trade once, at most `max` long. */
export function mergeTape(tape: Trade[], incoming: Trade[], max = 60): Trade[] {
  const seen = new Set<string>();
  return [...incoming, ...tape]
    .filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)))
    .sort((a, b) => b.sequence - a.sequence)
    .slice(0, max);
}

export interface Candle {
  start: string;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: number;
}

export const INTERVAL_SECONDS = { M1: 60, M5: 300, M15: 900, H1: 3600, D1: 86400 } as const;
export type Interval = keyof typeof INTERVAL_SECONDS;

/** The start of the interval a time falls in, RFC 3339 UTC. */
export function bucketStart(at: string, interval: Interval): string {
  const seconds = INTERVAL_SECONDS[interval];
  const ms = Date.parse(at);
  const start = Math.floor(ms / 1000 / seconds) * seconds * 1000;
  return new Date(start).toISOString().replace('.000Z', 'Z');
}

/** Candles (oldest first) after a trade: the forming candle moves, or a new one opens. */
export function applyTrade(candles: Candle[], trade: Trade, interval: Interval): Candle[] {
  const start = bucketStart(trade.executedAt, interval);
  const last = candles[candles.length - 1];
  const startMs = Date.parse(start);
  if (last && Date.parse(last.start) === startMs) {
    const price: Big = big(trade.price);
    const next: Candle = {
      ...last,
      high: price.gt(last.high) ? trade.price : last.high,
      low: price.lt(last.low) ? trade.price : last.low,
      close: trade.price,
      volume: last.volume + trade.quantity,
    };
    return [...candles.slice(0, -1), next];
  }
  if (last && Date.parse(last.start) > startMs) return candles;
  return [...candles, { start, open: trade.price, high: trade.price, low: trade.price, close: trade.price, volume: trade.quantity }];
}
