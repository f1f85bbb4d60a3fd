import { describe, expect, it } from 'vitest';
import { accountLimitsInput, limitsInput, limitsInWords, limitsSetWords, NO_LIMITS } from './limits';

describe('risk limits typed into a form', () => {
  it('sends only the limits typed', () => {
    expect(limitsInput({ ...NO_LIMITS, maxOrderValue: ' 5000.00 ' })).toEqual({ limits: { maxOrderValue: '5000.00' } });
    expect(limitsInput({ maxOrderValue: '1', maxPositionPercent: '12.5', maxOpenOrders: '100000' })).toEqual({
      limits: { maxOrderValue: '1', maxPositionPercent: '12.5', maxOpenOrders: 100000 },
    });
    expect(limitsInput(NO_LIMITS)).toEqual({ limits: {} });
  });
  it('refuses what the server refuses', () => {
    expect(limitsInput({ maxOrderValue: '0', maxPositionPercent: '0', maxOpenOrders: '100001' })).toEqual({
      errors: {
        maxOrderValue: 'an amount like 5000.00',
        maxPositionPercent: 'a percent above 0, at most 100',
        maxOpenOrders: 'a whole number from 1 to 100,000',
      },
    });
    expect(limitsInput({ maxOrderValue: '10.001', maxPositionPercent: '25.00001', maxOpenOrders: '2.5' })).toEqual({
      errors: {
        maxOrderValue: 'to the cent: 2 decimals at most',
        maxPositionPercent: '4 decimals at most',
        maxOpenOrders: 'a whole number from 1 to 100,000',
      },
    });
    // The server keeps a position limit to a millionth of equity: 4 decimals of a percent, trailing zeros free.
    expect(limitsInput({ ...NO_LIMITS, maxPositionPercent: '100' })).toEqual({ limits: { maxPositionPercent: '100' } });
    expect(limitsInput({ ...NO_LIMITS, maxPositionPercent: '0.0001' })).toEqual({ limits: { maxPositionPercent: '0.0001' } });
    expect(limitsInput({ ...NO_LIMITS, maxPositionPercent: '25.000000' })).toEqual({ limits: { maxPositionPercent: '25.000000' } });
    expect(limitsInput({ ...NO_LIMITS, maxPositionPercent: '100.0001' })).toEqual({ errors: { maxPositionPercent: 'a percent above 0, at most 100' } });
  });
  it('needs an account ID beside them; none typed lifts them all', () => {
    expect(accountLimitsInput(' 12 ', NO_LIMITS)).toEqual({ accountId: '12', limits: {} });
    expect(accountLimitsInput('bob', { ...NO_LIMITS, maxOpenOrders: '0' })).toEqual({
      errors: { accountId: 'an account ID, as its portfolio page shows it', maxOpenOrders: 'a whole number from 1 to 100,000' },
    });
  });
});

describe('risk limits in words', () => {
  it('lists each limit that is set', () => {
    expect(limitsInWords({ maxOrderValue: '5000.00', maxPositionPercent: '25', maxOpenOrders: 1 })).toEqual([
      'one order worth at most 5,000.00',
      'one company at most 25% of equity',
      'at most 1 open order',
    ]);
    expect(limitsInWords({ maxOrderValue: null, maxPositionPercent: null, maxOpenOrders: 10000 })).toEqual(['at most 10,000 open orders']);
    expect(limitsInWords({})).toEqual([]);
  });
  it('says what was set on an account, or that it has none', () => {
    const bob = { id: '12', username: 'bob' };
    expect(limitsSetWords(bob, { maxOrderValue: '500.00', maxPositionPercent: null, maxOpenOrders: 3 })).toBe(
      'Risk limits on bob (account 12): one order worth at most 500.00; at most 3 open orders.',
    );
    expect(limitsSetWords(bob, { maxOrderValue: null, maxPositionPercent: null, maxOpenOrders: null })).toBe('bob (account 12) has no risk limits now.');
  });
});
