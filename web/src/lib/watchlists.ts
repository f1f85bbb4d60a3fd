// Watchlists: the name and the symbols typed into a form, checked before
// they are sent, and a symbol moved within a list.

/** As long as the server takes a name. */
export const MAX_NAME_CHARS = 64;
/** As many symbols as one list holds. */
export const MAX_SYMBOLS = 100;

/** What is wrong with a list's name, or null. */
export function nameError(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'a name, like Tech';
  if ([...trimmed].length > MAX_NAME_CHARS) return `at most ${MAX_NAME_CHARS} characters`;
  return null;
}

/** The symbols typed ("acme, BOLT dyna"), upper-cased, in order; or what is wrong with them. */
export function parseSymbols(text: string): { symbols: string[] } | { error: string } {
  const symbols = text
    .split(/[\s,;]+/)
    .filter((s) => s !== '')
    .map((s) => s.toUpperCase());
  const seen = new Set<string>();
  for (const symbol of symbols) {
    if (seen.has(symbol)) return { error: `${symbol} is in the list twice` };
    seen.add(symbol);
  }
  if (symbols.length > MAX_SYMBOLS) return { error: `at most ${MAX_SYMBOLS} symbols` };
  return { symbols };
}

/** The list with one more symbol at its end; or what is wrong with it. */
export function addSymbol(symbols: string[], text: string): { symbols: string[] } | { error: string } {
  const symbol = text.trim().toUpperCase();
  if (symbol === '') return { error: 'a symbol, like ACME' };
  if (symbols.includes(symbol)) return { error: `${symbol} is in this list already` };
  if (symbols.length >= MAX_SYMBOLS) return { error: `a list holds at most ${MAX_SYMBOLS} symbols` };
  return { symbols: [...symbols, symbol] };
}

/** The list with the symbol at `index` moved `by` places (−1 up, +1 down); unchanged past either end. */
export function moveSymbol(symbols: string[], index: number, by: number): string[] {
  const to = index + by;
  if (index < 0 || index >= symbols.length || to < 0 || to >= symbols.length) return symbols;
  const next = [...symbols];
  const [symbol] = next.splice(index, 1);
  next.splice(to, 0, symbol);
  return next;
}
