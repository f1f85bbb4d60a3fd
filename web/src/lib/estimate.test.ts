import { describe, expect, it } from 'vitest';
import { estimate, validate, type TicketInput } from './estimate';

const base: TicketInput = { side: 'BUY', type: 'LIMIT', quantity: '10', limitPrice: '100.50', stopPrice: '', marketPrice: '101.00', tickSize: '0.01' };

describe('ticket estimate', () => {
  it('prices a limit buy with commission', () => {
    // 1005.00 x 0.015% = 0.15075 -> 0.15
    expect(estimate(base)).toEqual({ price: '100.50', notional: '1005.00', commission: '0.15', tax: '0.00', total: '1005.15' });
  });
  it('prices a sell with commission and tax', () => {
    // 10000.00: commission 1.50, tax 18.00
    const e = estimate({ ...base, side: 'SELL', quantity: '100', limitPrice: '100.00' });
    expect(e).toEqual({ price: '100.00', notional: '10000.00', commission: '1.50', tax: '18.00', total: '9980.50' });
  });
  it('prices a market order at the touch and a stop at its trigger', () => {
    expect(estimate({ ...base, type: 'MARKET' })?.price).toBe('101.00');
    expect(estimate({ ...base, type: 'STOP', stopPrice: '99.00' })?.notional).toBe('990.00');
    expect(estimate({ ...base, type: 'MARKET', marketPrice: null })).toBeNull();
  });
  it('rounds the commission half to even', () => {
    // 10 x 1.00 = 10.00 -> 0.0015 -> 0.00; 30 x 100.00 = 3000 -> 0.45
    expect(estimate({ ...base, quantity: '10', limitPrice: '1.00' })?.commission).toBe('0.00');
    expect(estimate({ ...base, quantity: '30', limitPrice: '100.00' })?.commission).toBe('0.45');
  });
  it('keys errors by field', () => {
    expect(validate({ ...base, quantity: '1.5' })).toEqual({ quantity: 'whole shares, 1 or more' });
    expect(validate({ ...base, limitPrice: '100.005' }).limitPrice).toMatch(/like/);
    expect(validate({ ...base, limitPrice: '100.03', tickSize: '0.05' }).limitPrice).toMatch(/tick 0.05/);
    expect(validate({ ...base, type: 'STOP_LIMIT', stopPrice: '' }).stopPrice).toBeDefined();
    expect(estimate({ ...base, quantity: '0' })).toBeNull();
  });
});
