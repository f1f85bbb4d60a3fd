import { useEffect, useState } from 'react';
import { applyQuotes, type Quote } from '../lib/quotes';
import { QuotesSubscription } from './documents';
import { useReconnects, useSubscription } from './hooks';

/** Live quotes of the symbols, seeded from `initial` (a query's snapshot). */
export function useQuotes(symbols: string[], initial: Quote[] = []): Record<string, Quote> {
  const [quotes, setQuotes] = useState<Record<string, Quote>>({});
  const reconnects = useReconnects();
  const seed = JSON.stringify(initial.map((q) => [q.symbol, q.sequence]));
  useEffect(() => {
    setQuotes((q) => applyQuotes(q, initial));
  }, [seed]);
  useEffect(() => {
    // After a restart sequences may start lower: take the new snapshots whole.
    if (reconnects > 0) setQuotes({});
  }, [reconnects]);
  const sorted = [...symbols].sort();
  useSubscription(
    QuotesSubscription,
    { symbols: sorted },
    (batch) =>
      setQuotes((q) =>
        applyQuotes(
          q,
          batch.map((b) => b.quotes),
        ),
      ),
    sorted.length === 0,
  );
  return quotes;
}
