import { describe, expect, it } from 'vitest';
import { declaredWords, dividendInput, type DividendForm } from './dividends';
import { formatDateTime } from './time';

const now = new Date(2026, 11, 14, 9, 0, 30);
const form: DividendForm = { symbol: 'ACME', amountPerShare: '0.125', record: '2026-12-14T10:00', pay: '2026-12-15T10:00' };

describe('the declare-dividend form', () => {
  it('turns a filled form into the input', () => {
    expect(dividendInput(form, now)).toEqual({
      input: {
        symbol: 'ACME',
        amountPerShare: '0.125',
        recordTime: new Date(2026, 11, 14, 10, 0).toISOString(),
        payTime: new Date(2026, 11, 15, 10, 0).toISOString(),
      },
    });
    // Paid at the record time itself is allowed; six decimals a share, trailing zeros free.
    expect(dividendInput({ ...form, amountPerShare: '0.0000010', pay: form.record }, now)).toMatchObject({ input: { amountPerShare: '0.0000010' } });
  });
  it('refuses what the server refuses, beside each field', () => {
    expect(dividendInput({ symbol: '', amountPerShare: '0.0000001', record: '2026-12-14T09:00', pay: '2026-12-14T08:59' }, now)).toEqual({
      errors: {
        symbol: 'choose a company',
        amountPerShare: '6 decimals at most',
        // 09:00:00 is half a minute before now.
        record: 'not in the past',
        pay: 'not before the record time',
      },
    });
    expect(dividendInput({ ...form, amountPerShare: '0', record: '', pay: 'soon' }, now)).toEqual({
      errors: { amountPerShare: 'an amount per share like 0.125', record: 'a date and time', pay: 'a date and time' },
    });
    expect(dividendInput({ ...form, amountPerShare: '-1' }, now)).toEqual({ errors: { amountPerShare: 'an amount per share like 0.125' } });
  });
  it('says what was declared', () => {
    const recordTime = '2026-12-14T10:00:00Z';
    const payTime = '2026-12-15T10:00:00Z';
    expect(declaredWords({ symbol: 'ACME', amountPerShare: '0.125', recordTime, payTime })).toBe(
      `Declared 0.125 a share on ACME: holders at ${formatDateTime(recordTime)} are paid at ${formatDateTime(payTime)}.`,
    );
    expect(declaredWords({ symbol: 'BOLT', amountPerShare: '2', recordTime, payTime })).toMatch(/^Declared 2\.00 a share on BOLT/);
  });
});
