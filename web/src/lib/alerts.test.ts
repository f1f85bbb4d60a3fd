import { describe, expect, it } from 'vitest';
import { alertCondition, ALERT_KINDS, firedWords, isChange, KIND_LABELS, levelError, setWords } from './alerts';

describe('price alerts', () => {
  it('names every kind as the picker shows it', () => {
    expect(ALERT_KINDS.map((k) => KIND_LABELS[k])).toEqual(['Price rises to', 'Price falls to', 'Up by %', 'Down by %']);
    expect(ALERT_KINDS.filter(isChange)).toEqual(['CHANGE_UP', 'CHANGE_DOWN']);
  });
  it('takes a price to the cent for a price alert', () => {
    expect(levelError('PRICE_ABOVE', '101.25')).toBeNull();
    expect(levelError('PRICE_BELOW', ' 99 ')).toBeNull();
    expect(levelError('PRICE_ABOVE', '101.255')).toBe('a price like 101.25');
    expect(levelError('PRICE_ABOVE', '1e2')).toBe('a price like 101.25');
    expect(levelError('PRICE_BELOW', '')).toBe('a price like 101.25');
    expect(levelError('PRICE_BELOW', '0.00')).toBe('must be above zero');
  });
  it('takes a percent with two decimals at most for a change, a fall under 100%', () => {
    expect(levelError('CHANGE_UP', '5')).toBeNull();
    expect(levelError('CHANGE_UP', '150')).toBeNull();
    expect(levelError('CHANGE_DOWN', '2.5')).toBeNull();
    expect(levelError('CHANGE_DOWN', '99.99')).toBeNull();
    expect(levelError('CHANGE_UP', '0')).toBe('a percent above zero, like 5 or 2.5');
    expect(levelError('CHANGE_UP', '2.125')).toBe('a percent above zero, like 5 or 2.5');
    expect(levelError('CHANGE_DOWN', '-5')).toBe('a percent above zero, like 5 or 2.5');
    expect(levelError('CHANGE_DOWN', '100')).toBe('a fall of less than 100%');
  });
  it('says what an alert waits for, and what setting it did', () => {
    const above = { symbol: 'ACME', kind: 'PRICE_ABOVE', level: '101.25', triggerPrice: '101.25' } as const;
    const up = { symbol: 'BOLT', kind: 'CHANGE_UP', level: '5', triggerPrice: '52.50' } as const;
    expect(alertCondition(above)).toBe('rises to 101.25');
    expect(alertCondition({ ...above, kind: 'PRICE_BELOW', level: '1234.5' })).toBe('falls to 1,234.50');
    expect(alertCondition(up)).toBe('up 5.00%');
    expect(alertCondition({ ...up, kind: 'CHANGE_DOWN', level: '2.5' })).toBe('down 2.50%');
    expect(setWords(above)).toBe('Alert set: ACME rises to 101.25.');
    expect(setWords(up)).toBe('Alert set: BOLT up 5.00%, at 52.50.');
  });
  it('says what fired, at the price that fired it', () => {
    const fired = { symbol: 'ACME', level: '101.25', triggerPrice: '101.25', firedPrice: '101.30' };
    expect(firedWords({ ...fired, kind: 'PRICE_ABOVE' })).toBe('ACME rose to 101.25: traded at 101.30.');
    expect(firedWords({ ...fired, kind: 'PRICE_BELOW', firedPrice: '101.20' })).toBe('ACME fell to 101.25: traded at 101.20.');
    expect(firedWords({ ...fired, kind: 'CHANGE_UP', level: '5', triggerPrice: '105.00', firedPrice: '105.02' })).toBe(
      'ACME rose 5.00% to 105.00: traded at 105.02.',
    );
    expect(firedWords({ ...fired, kind: 'CHANGE_DOWN', level: '5', triggerPrice: '95.00', firedPrice: null })).toBe('ACME fell 5.00% to 95.00.');
  });
});
