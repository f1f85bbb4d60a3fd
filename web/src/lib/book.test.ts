import { describe, expect, it } from 'vitest';
import { applyBooks, applyTrade, bucketStart, ladderRows, mergeTape, spread, type Book, type Trade } from './book';
import { frameBatcher } from './frame';
import { applyQuotes } from './quotes';

const book = (sequence: number, bid: string, ask: string): Book => ({
  symbol: 'ACME',
  sequence,
  bids: [
    { price: bid, quantity: 100, orders: 1 },
    { price: '99.00', quantity: 300, orders: 2 },
  ],
  asks: [{ price: ask, quantity: 50, orders: 1 }],
});

const trade = (id: string, sequence: number, price: string, at: string, quantity = 10): Trade => ({
  id,
  sequence,
  price,
  quantity,
  aggressorSide: 'BUY',
  executedAt: at,
});

describe('ladder updates', () => {
  it('keeps the newest book of a batch, ignoring late ones', () => {
    const b = applyBooks(null, [book(5, '100.00', '100.10'), book(7, '100.01', '100.10'), book(6, '99.90', '100.20')]);
    expect(b?.sequence).toBe(7);
    expect(applyBooks(b, [book(3, '1.00', '2.00')])?.sequence).toBe(7);
  });
  it('lays the ladder out asks over bids with depth bars', () => {
    const rows = ladderRows(book(1, '100.00', '100.10'));
    expect(rows.map((r) => [r.side, r.price])).toEqual([
      ['ask', '100.10'],
      ['bid', '100.00'],
      ['bid', '99.00'],
    ]);
    expect(rows[2].depth).toBe(1);
    expect(spread(book(1, '100.00', '100.10'))).toBe('0.10');
  });
  it('merges the tape newest first without duplicates', () => {
    const tape = mergeTape(
      [trade('1', 1, '1.00', '2026-01-01T00:00:00Z')],
      [trade('2', 2, '1.01', '2026-01-01T00:00:01Z'), trade('1', 1, '1.00', '2026-01-01T00:00:00Z')],
      10,
    );
    expect(tape.map((t) => t.id)).toEqual(['2', '1']);
  });
  it('moves the forming candle and opens the next', () => {
    expect(bucketStart('2026-01-01T00:01:59.5Z', 'M1')).toBe('2026-01-01T00:01:00Z');
    let c = applyTrade([], trade('1', 1, '10.00', '2026-01-01T00:00:05Z'), 'M1');
    c = applyTrade(c, trade('2', 2, '10.50', '2026-01-01T00:00:30Z', 5), 'M1');
    c = applyTrade(c, trade('3', 3, '9.90', '2026-01-01T00:00:50Z'), 'M1');
    expect(c).toEqual([{ start: '2026-01-01T00:00:00Z', open: '10.00', high: '10.50', low: '9.90', close: '9.90', volume: 25 }]);
    c = applyTrade(c, trade('4', 4, '10.10', '2026-01-01T00:01:00Z'), 'M1');
    expect(c.length).toBe(2);
    expect(c[1].open).toBe('10.10');
  });
  it('keeps the newest quote per symbol', () => {
    const q = applyQuotes({}, [
      { symbol: 'A', sequence: 2, volume: 1, last: '2.00' },
      { symbol: 'A', sequence: 1, volume: 1, last: '1.00' },
    ]);
    expect(q.A.last).toBe('2.00');
  });
});

describe('frame batching', () => {
  it('hands over everything pushed before the frame, once', () => {
    const frames: (() => void)[] = [];
    const flushed: number[][] = [];
    const b = frameBatcher<number>(
      (items) => flushed.push(items),
      (run) => frames.push(run),
      () => {},
    );
    for (let i = 0; i < 50; i++) b.push(i);
    expect(frames.length).toBe(1);
    frames[0]();
    expect(flushed).toEqual([Array.from({ length: 50 }, (_, i) => i)]);
    b.push(99);
    expect(frames.length).toBe(2);
  });
});

describe('script errors', () => {
  it('finds the line and column and keeps the message apart', async () => {
    const { errorPosition, withoutPosition } = await import('./scriptError');
    expect(errorPosition("line 2, column 13: Unexpected ';'")).toEqual({ line: 2, column: 13 });
    expect(errorPosition('line 7: oops')).toEqual({ line: 7, column: null });
    expect(errorPosition('no position')).toBeNull();
    expect(withoutPosition("line 2, column 13: Unexpected ';'")).toBe("Unexpected ';'");
  });
});
