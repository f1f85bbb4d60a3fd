// The API's error codes in words, and which field of a form each concerns.
import { formatMoney } from './money';

export const CODE_WORDS: Record<string, string> = {
  UNAUTHENTICATED: 'Please sign in again.',
  FORBIDDEN: 'Your role may not do this.',
  BAD_USER_INPUT: 'The server refused this input.',
  NOT_FOUND: 'Not found.',
  CONFLICT: 'That conflicts with the current state.',
  INSUFFICIENT_FUNDS: 'Not enough available cash for this order (price × quantity plus commission).',
  INSUFFICIENT_SHARES: 'Not enough available shares to sell.',
  MARKET_HALTED: 'Trading in this symbol is halted.',
  RISK_LIMIT: 'This order is over a risk limit of your account.',
  RATE_LIMITED: 'Too many requests; wait a moment.',
  SCRIPT_ERROR: 'The script does not compile.',
  INTERNAL: 'The server failed; try again.',
  NETWORK: 'The server cannot be reached.',
};

/** An error's `extensions` besides its code (a RISK_LIMIT's `limit` and `limitValue`). */
export type Extensions = Record<string, unknown>;

export type TicketField = 'quantity' | 'limitPrice' | 'stopPrice' | 'form';

/** The ticket field a server error is shown beside. */
export function ticketField(code: string, message: string, extensions: Extensions = {}): TicketField {
  switch (code) {
    case 'INSUFFICIENT_FUNDS':
    case 'INSUFFICIENT_SHARES':
      return 'quantity';
    case 'RISK_LIMIT':
      return extensions.limit === 'maxOpenOrders' ? 'form' : 'quantity';
    case 'BAD_USER_INPUT':
      if (/stop/i.test(message)) return 'stopPrice';
      if (/tick|price|band/i.test(message)) return 'limitPrice';
      if (/quantity|shares/i.test(message)) return 'quantity';
      return 'form';
    default:
      return 'form';
  }
}

export type WatchlistField = 'name' | 'symbols' | 'form';

/** The watchlist field a server error is shown beside: a name taken or too long, or a symbol unknown, delisted or repeated. */
export function watchlistField(code: string, message: string): WatchlistField {
  switch (code) {
    case 'CONFLICT':
      return 'name';
    case 'NOT_FOUND':
      return /watchlist/i.test(message) ? 'form' : 'symbols';
    case 'BAD_USER_INPUT':
      if (/symbol|twice/i.test(message)) return 'symbols';
      if (/name/i.test(message)) return 'name';
      return 'form';
    default:
      return 'form';
  }
}

export type AlertField = 'symbol' | 'level' | 'form';

/** The alert field a server error is shown beside: an unknown symbol, or a level the server will not take. */
export function alertField(code: string, message: string): AlertField {
  switch (code) {
    case 'NOT_FOUND':
      return 'symbol';
    case 'BAD_USER_INPUT':
      if (/alerts waiting/i.test(message)) return 'form';
      if (/symbol/i.test(message)) return 'symbol';
      return 'level';
    default:
      return 'form';
  }
}

export type LimitField = 'maxOrderValue' | 'maxPositionPercent' | 'maxOpenOrders';

/** The limit a server message names: each of its refusals of a limit starts with the limit's name. */
function limitNamed(message: string): LimitField | null {
  const named = /^(maxOrderValue|maxPositionPercent|maxOpenOrders)\b/.exec(message);
  return named ? (named[1] as LimitField) : null;
}

export type CompetitionField =
  'name' | 'startingCash' | 'start' | 'end' | 'symbols' | 'joinCode' | 'commission' | 'minCommission' | 'sellTax' | LimitField | 'form';

/** The create-competition field a server refusal is shown beside: the server's message names the field (its one plain "amount" is the starting cash). */
export function competitionField(code: string, message: string): CompetitionField {
  switch (code) {
    case 'CONFLICT':
      return /join code/i.test(message) ? 'joinCode' : 'form';
    case 'NOT_FOUND':
      return /company/i.test(message) ? 'symbols' : 'form';
    case 'BAD_USER_INPUT': {
      const named = /^(name|amount|endTime|symbols|joinCode|commission|minCommission|sellTax)\b/.exec(message)?.[1];
      if (named === 'amount') return 'startingCash';
      if (named === 'endTime') return 'end';
      if (named) return named as CompetitionField;
      // A symbol the server cannot read is quoted first.
      if (message.startsWith('"')) return 'symbols';
      return limitNamed(message) ?? 'form';
    }
    default:
      return 'form';
  }
}

export type AccountLimitsField = 'accountId' | LimitField | 'form';

/** The set-risk-limits field a server refusal is shown beside: the account (unknown, or staff an INSTRUCTOR may not limit) or a limit. */
export function accountLimitsField(code: string, message: string): AccountLimitsField {
  switch (code) {
    case 'NOT_FOUND':
    case 'FORBIDDEN':
      return 'accountId';
    case 'BAD_USER_INPUT':
      return /account id/.test(message) ? 'accountId' : (limitNamed(message) ?? 'form');
    default:
      return 'form';
  }
}

export type DividendField = 'symbol' | 'amountPerShare' | 'record' | 'pay' | 'form';

/** The declare-dividend field a server refusal is shown beside: the company, the amount (INSUFFICIENT_FUNDS too), or a time. */
export function dividendField(code: string, message: string): DividendField {
  switch (code) {
    case 'NOT_FOUND':
    case 'FORBIDDEN':
      return 'symbol';
    case 'INSUFFICIENT_FUNDS':
      return 'amountPerShare';
    case 'BAD_USER_INPUT':
      if (/^payTime/.test(message)) return 'pay';
      if (/^recordTime/.test(message)) return 'record';
      if (/amount per share|amountPerShare/.test(message)) return 'amountPerShare';
      return message.startsWith('"') ? 'symbol' : 'form';
    default:
      return 'form';
  }
}

/** A refused dividend in words: INSUFFICIENT_FUNDS is the issuer's cash, not the caller's, and the server says by how much. */
export function dividendWords(code: string, message: string, extensions: Extensions = {}): string {
  if (code === 'INSUFFICIENT_FUNDS')
    return `The issuer's available cash is short${message ? `: ${message}` : ' of this amount on every share it does not hold'}.`;
  return describe(code, message, extensions);
}

/** A RISK_LIMIT refusal in words: which limit, at what setting. */
export function riskLimitWords(limit: unknown, value: unknown): string {
  const setting = typeof value === 'string' ? value : null;
  if (setting === null) return CODE_WORDS.RISK_LIMIT;
  switch (limit) {
    case 'maxOrderValue':
      return `Over your risk limit: one order may be worth at most ${formatMoney(setting)} at the worst price it can trade at.`;
    case 'maxPositionPercent':
      return `Over your risk limit: a holding of one company may be at most ${setting}% of your equity, open buys included.`;
    case 'maxOpenOrders':
      return `Over your risk limit: at most ${setting} open order${setting === '1' ? '' : 's'} at once; cancel one first.`;
    default:
      return CODE_WORDS.RISK_LIMIT;
  }
}

function sentence(message: string): string {
  return `${message[0].toUpperCase()}${message.slice(1)}`;
}

export function describe(code: string, message: string, extensions: Extensions = {}): string {
  if (code === 'RISK_LIMIT') return riskLimitWords(extensions.limit, extensions.limitValue);
  // A competition account's window and symbols: the server's words say which.
  if ((code === 'MARKET_HALTED' || code === 'FORBIDDEN') && /competition/i.test(message)) return sentence(message);
  // Whose limits or dividends the caller may not set: the server's words say whose.
  if (code === 'FORBIDDEN' && /staff accounts|its dividends/.test(message)) return sentence(message);
  const words = CODE_WORDS[code];
  if (code === 'BAD_USER_INPUT' || code === 'CONFLICT' || code === 'NOT_FOUND' || !words) {
    return message ? sentence(message) : (words ?? code);
  }
  return words;
}
