import { describe as group, expect, it } from 'vitest';
import {
  accountLimitsField,
  alertField,
  competitionField,
  describe,
  dividendField,
  dividendWords,
  riskLimitWords,
  ticketField,
  watchlistField,
} from './errors';

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
  it("puts a refused competition beside the field the server's message names", () => {
    expect(competitionField('BAD_USER_INPUT', 'name must be 1 to 100 printable characters')).toBe('name');
    expect(competitionField('BAD_USER_INPUT', 'amount 0 must be positive')).toBe('startingCash');
    expect(competitionField('BAD_USER_INPUT', 'endTime must be after startTime and in the future')).toBe('end');
    expect(competitionField('BAD_USER_INPUT', '"A!": symbol "A!" may hold only A-Z')).toBe('symbols');
    expect(competitionField('NOT_FOUND', 'no company is listed as ZZZZ')).toBe('symbols');
    expect(competitionField('BAD_USER_INPUT', 'joinCode must be 4 to 32 letters, digits or dashes')).toBe('joinCode');
    expect(competitionField('CONFLICT', 'the join code "AUTUMN-1" is taken')).toBe('joinCode');
    expect(competitionField('BAD_USER_INPUT', 'commission 0.0000001: rate 0.0000001 is finer than one part per million')).toBe('commission');
    expect(competitionField('BAD_USER_INPUT', 'minCommission -1 must be money, not negative')).toBe('minCommission');
    expect(competitionField('BAD_USER_INPUT', 'sellTax 2: rate 2 must be between 0 and 1')).toBe('sellTax');
    expect(competitionField('BAD_USER_INPUT', 'maxOrderValue 0 must be a positive amount of money')).toBe('maxOrderValue');
    expect(competitionField('BAD_USER_INPUT', 'maxPositionPercent 101 must be above 0 and at most 100, in steps of 0.0001')).toBe('maxPositionPercent');
    expect(competitionField('BAD_USER_INPUT', 'maxOpenOrders 0 must be from 1 to 100000')).toBe('maxOpenOrders');
    expect(competitionField('FORBIDDEN', 'only INSTRUCTOR or ADMIN may do this')).toBe('form');
  });
  it("puts a refused account's limits beside the account or the limit", () => {
    expect(accountLimitsField('NOT_FOUND', 'no account 999')).toBe('accountId');
    expect(accountLimitsField('BAD_USER_INPUT', '"x" is not an account id')).toBe('accountId');
    expect(accountLimitsField('FORBIDDEN', 'only an ADMIN sets the limits of staff accounts')).toBe('accountId');
    expect(accountLimitsField('BAD_USER_INPUT', 'maxPositionPercent 0 must be above 0 and at most 100, in steps of 0.0001')).toBe('maxPositionPercent');
    expect(accountLimitsField('INTERNAL', 'internal error')).toBe('form');
    // Whose limits an INSTRUCTOR may not set: the server's words, not the code's.
    expect(describe('FORBIDDEN', 'only an ADMIN sets the limits of staff accounts')).toBe('Only an ADMIN sets the limits of staff accounts');
  });
  it('puts a refused dividend beside the company, the amount or a time', () => {
    expect(dividendField('NOT_FOUND', 'ACME is delisted')).toBe('symbol');
    expect(dividendField('FORBIDDEN', "only an ADMIN or ACME's own corporate account declares its dividends")).toBe('symbol');
    expect(dividendField('BAD_USER_INPUT', 'the amount per share, 0.0000001, must be positive with at most 6 decimals')).toBe('amountPerShare');
    expect(dividendField('BAD_USER_INPUT', 'amountPerShare is too large for this company')).toBe('amountPerShare');
    expect(dividendField('INSUFFICIENT_FUNDS', 'the issuer has 10.00 available')).toBe('amountPerShare');
    expect(dividendField('BAD_USER_INPUT', 'recordTime must not be in the past')).toBe('record');
    expect(dividendField('BAD_USER_INPUT', 'payTime must not be before recordTime')).toBe('pay');
    expect(dividendField('RATE_LIMITED', 'slow down')).toBe('form');
  });
  it("says a dividend's INSUFFICIENT_FUNDS as the issuer's cash", () => {
    expect(dividendWords('INSUFFICIENT_FUNDS', 'the issuer has 10.00 available, and this dividend pays 99.00 on the 990 shares it does not hold')).toBe(
      "The issuer's available cash is short: the issuer has 10.00 available, and this dividend pays 99.00 on the 990 shares it does not hold.",
    );
    expect(dividendWords('INSUFFICIENT_FUNDS', '')).toBe("The issuer's available cash is short of this amount on every share it does not hold.");
    expect(dividendWords('BAD_USER_INPUT', 'recordTime must not be in the past')).toBe('RecordTime must not be in the past');
  });
});
