import { describe, expect, it } from 'vitest';
import { amendChanges, amendForm, amendOutcome, newClientOrderId, type AmendableOrder } from './orders';

const limit: AmendableOrder = { type: 'LIMIT', quantity: 20, filledQuantity: 5, limitPrice: '100.50', stopPrice: null };
const stopLimit: AmendableOrder = { type: 'STOP_LIMIT', quantity: 10, filledQuantity: 0, limitPrice: '99.00', stopPrice: '98.50' };

describe('amending an order', () => {
  it('starts from the order as it stands', () => {
    expect(amendForm(limit)).toEqual({ quantity: '20', limitPrice: '100.50', stopPrice: '' });
    expect(amendForm({ ...stopLimit, type: 'STOP', limitPrice: null })).toEqual({ quantity: '10', limitPrice: '', stopPrice: '98.50' });
  });
  it('sends only what changed', () => {
    expect(amendChanges(limit, { quantity: '12', limitPrice: '100.50', stopPrice: '' })).toEqual({
      changes: { quantity: 12, limitPrice: null, stopPrice: null },
    });
    // 100.5 is the same price as 100.50.
    expect(amendChanges(limit, { quantity: '20', limitPrice: '100.5', stopPrice: '' })).toEqual({ errors: { form: 'Change the quantity or a price first.' } });
    expect(amendChanges(limit, { quantity: ' 20 ', limitPrice: '101.00', stopPrice: '' })).toEqual({
      changes: { quantity: null, limitPrice: '101.00', stopPrice: null },
    });
    expect(amendChanges(stopLimit, { quantity: '10', limitPrice: '99.00', stopPrice: '97.00' })).toEqual({
      changes: { quantity: null, limitPrice: null, stopPrice: '97.00' },
    });
  });
  it('ignores the price a type does not have', () => {
    expect(amendChanges({ ...limit, type: 'MARKET', limitPrice: null }, { quantity: '8', limitPrice: 'x', stopPrice: 'y' })).toEqual({
      changes: { quantity: 8, limitPrice: null, stopPrice: null },
    });
  });
  it('refuses what the server would refuse', () => {
    expect(amendChanges(limit, { quantity: '5', limitPrice: '100.50', stopPrice: '' })).toEqual({ errors: { quantity: 'more than the 5 already filled' } });
    expect(amendChanges(limit, { quantity: '2.5', limitPrice: '1e3', stopPrice: '' })).toEqual({
      errors: { quantity: 'whole shares, 1 or more', limitPrice: 'a price like 101.25' },
    });
    expect(amendChanges(stopLimit, { quantity: '0', limitPrice: '0', stopPrice: '98.505' })).toEqual({
      errors: { quantity: 'whole shares, 1 or more', limitPrice: 'must be above zero', stopPrice: 'a price like 101.25' },
    });
  });
  it('says what the amendment did', () => {
    expect(amendOutcome('12', { id: '12', quantity: 1500, limitPrice: '100.50', stopPrice: null, status: 'OPEN' })).toBe(
      'Order 12 is now for 1,500 shares at 100.50 (open).',
    );
    expect(amendOutcome('12', { id: '13', quantity: 20, limitPrice: null, stopPrice: '98.00', status: 'PENDING_TRIGGER' })).toBe(
      'Order 12 was replaced by order 13 for 20 shares at 98.00 (pending trigger).',
    );
  });
  it('makes a fresh client order id each time', () => {
    const a = newClientOrderId();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(newClientOrderId()).not.toBe(a);
  });
});
