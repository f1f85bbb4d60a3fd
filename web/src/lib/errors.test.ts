import { describe as group, expect, it } from 'vitest';
import { alertField, describe, riskLimitWords, ticketField, watchlistField } from './errors';

group('server errors in words', () => {
  it('puts each code beside its field', () => {
    expect(ticketField('INSUFFICIENT_FUNDS', '')).toBe('quantity');
    expect(ticketField('INSUFFICIENT_SHARES', '')).toBe('quantity');
    expect(ticketField('BAD_USER_INPUT', 'the limit price 10.005 is not a multiple of the tick')).toBe('limitPrice');
    expect(ticketField('BAD_USER_INPUT', 'a stop price is needed')).toBe('stopPrice');
    expect(ticketField('BAD_USER_INPUT', 'order 7 has 30 shares filled: an amendment cannot take it to 20')).toBe('quantity');
    expect(ticketField('MARKET_HALTED', 'halted')).toBe('form');
    expect(ticketField('RISK_LIMIT', 'risk limit maxOrderValue 500.00: ...', { limit: 'maxOrderValue', limitValue: '500.00' })).toBe('quantity');
    expect(ticketField('RISK_LIMIT', 'risk limit maxOpenOrders 2: ...', { limit: 'maxOpenOrders', limitValue: '2' })).toBe('form');
  });
  it('says the code in words, or the server message where it is specific', () => {
    expect(describe('INSUFFICIENT_FUNDS', 'need 100.00')).toMatch(/^Not enough available cash/);
    expect(describe('MARKET_HALTED', 'ACME is halted')).toBe('Trading in this symbol is halted.');
    expect(describe('BAD_USER_INPUT', 'price outside the band')).toBe('Price outside the band');
    expect(describe('CONFLICT', 'order 12 is no longer open')).toBe('Order 12 is no longer open');
  });
  it('says which risk limit refused an order, and its setting', () => {
    const refused = (limit: string, limitValue: string) => describe('RISK_LIMIT', `risk limit ${limit} ${limitValue}: ...`, { limit, limitValue });
    expect(refused('maxOrderValue', '5000.00')).toBe('Over your risk limit: one order may be worth at most 5,000.00 at the worst price it can trade at.');
    expect(refused('maxPositionPercent', '25')).toBe('Over your risk limit: a holding of one company may be at most 25% of your equity, open buys included.');
    expect(refused('maxOpenOrders', '10')).toBe('Over your risk limit: at most 10 open orders at once; cancel one first.');
    expect(refused('maxOpenOrders', '1')).toBe('Over your risk limit: at most 1 open order at once; cancel one first.');
    // A limit this client does not know, or no setting: the code in words.
    expect(riskLimitWords('maxDailyLoss', '100.00')).toBe('This order is over a risk limit of your account.');
    expect(describe('RISK_LIMIT', 'risk limit')).toBe('This order is over a risk limit of your account.');
  });
  it("says a competition account's window and symbols in the server's words", () => {
    expect(describe('MARKET_HALTED', 'this account trades only while its competition runs')).toBe('This account trades only while its competition runs');
    expect(describe('FORBIDDEN', "this account's competition does not trade DYNA")).toBe("This account's competition does not trade DYNA");
    expect(describe('FORBIDDEN', 'only ADMIN may do this; you are INDIVIDUAL')).toBe('Your role may not do this.');
  });
  it('puts a watchlist refusal beside the name or the symbols', () => {
    expect(watchlistField('CONFLICT', 'you already have a watchlist named "Tech"')).toBe('name');
    expect(watchlistField('BAD_USER_INPUT', "a watchlist's name has 1 to 64 characters")).toBe('name');
    expect(watchlistField('NOT_FOUND', 'no company is listed as ZZZZ')).toBe('symbols');
    expect(watchlistField('NOT_FOUND', 'ACME is delisted')).toBe('symbols');
    expect(watchlistField('BAD_USER_INPUT', 'ACME is in the list twice')).toBe('symbols');
    expect(watchlistField('BAD_USER_INPUT', '"A!": symbol "A!" may hold only A-Z, 0-9, \'.\' and \'-\', and must start with a letter')).toBe('symbols');
    expect(watchlistField('BAD_USER_INPUT', 'an account keeps at most 20 watchlists')).toBe('form');
    expect(watchlistField('NOT_FOUND', 'you have no watchlist 7')).toBe('form');
    expect(describe('CONFLICT', 'you already have a watchlist named "Tech"')).toBe('You already have a watchlist named "Tech"');
  });
  it('puts an alert refusal beside the symbol or the level', () => {
    expect(alertField('NOT_FOUND', 'no company is listed as ZZZZ')).toBe('symbol');
    expect(alertField('BAD_USER_INPUT', 'level 5.123 is a percentage with at most two decimals')).toBe('level');
    expect(alertField('BAD_USER_INPUT', 'ACME has no reference price to change from')).toBe('level');
    expect(alertField('BAD_USER_INPUT', 'an account has at most 100 alerts waiting')).toBe('form');
    expect(alertField('RATE_LIMITED', 'slow down')).toBe('form');
  });
});
