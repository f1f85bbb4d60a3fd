// The API's error codes in words, and which ticket field each concerns.
export const CODE_WORDS: Record<string, string> = {
  UNAUTHENTICATED: 'Please sign in again.',
  FORBIDDEN: 'Your role may not do this.',
  BAD_USER_INPUT: 'The server refused this input.',
  NOT_FOUND: 'Not found.',
  CONFLICT: 'That conflicts with the current state.',
  INSUFFICIENT_FUNDS: 'Not enough available cash for this order (price × quantity plus commission).',
  INSUFFICIENT_SHARES: 'Not enough available shares to sell.',
  MARKET_HALTED: 'Trading in this symbol is halted.',
  RATE_LIMITED: 'Too many requests; wait a moment.',
  SCRIPT_ERROR: 'The script does not compile.',
  INTERNAL: 'The server failed; try again.',
  NETWORK: 'The server cannot be reached.',
};

export type TicketField = 'quantity' | 'limitPrice' | 'stopPrice' | 'form';

/** The ticket field a server error is shown beside. */
export function ticketField(code: string, message: string): TicketField {
  switch (code) {
    case 'INSUFFICIENT_FUNDS':
    case 'INSUFFICIENT_SHARES':
      return 'quantity';
    case 'BAD_USER_INPUT':
      if (/stop/i.test(message)) return 'stopPrice';
      if (/tick|price|band/i.test(message)) return 'limitPrice';
      if (/quantity/i.test(message)) return 'quantity';
      return 'form';
    default:
      return 'form';
  }
}

export function describe(code: string, message: string): string {
  const words = CODE_WORDS[code];
  if (code === 'BAD_USER_INPUT' || code === 'CONFLICT' || code === 'NOT_FOUND' || !words) {
    return message ? `${message[0].toUpperCase()}${message.slice(1)}` : (words ?? code);
  }
  return words;
}
