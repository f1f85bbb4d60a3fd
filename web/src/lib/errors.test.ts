import { describe as group, expect, it } from 'vitest';
import { describe, ticketField } from './errors';

group('server errors in words', () => {
  it('puts each code beside its field', () => {
    expect(ticketField('INSUFFICIENT_FUNDS', '')).toBe('quantity');
    expect(ticketField('INSUFFICIENT_SHARES', '')).toBe('quantity');
    expect(ticketField('BAD_USER_INPUT', 'the limit price 10.005 is not a multiple of the tick')).toBe('limitPrice');
    expect(ticketField('BAD_USER_INPUT', 'a stop price is needed')).toBe('stopPrice');
    expect(ticketField('MARKET_HALTED', 'halted')).toBe('form');
  });
  it('says the code in words, or the server message where it is specific', () => {
    expect(describe('INSUFFICIENT_FUNDS', 'need 100.00')).toMatch(/^Not enough available cash/);
    expect(describe('MARKET_HALTED', 'ACME is halted')).toBe('Trading in this symbol is halted.');
    expect(describe('BAD_USER_INPUT', 'price outside the band')).toBe('Price outside the band');
  });
});
