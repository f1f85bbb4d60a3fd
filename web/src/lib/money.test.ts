import { describe, expect, it } from 'vitest';
import {
  decimalsOf,
  formatFraction,
  formatMoney,
  formatRate,
  placesOf,
  formatPercent,
  formatShare,
  formatSigned,
  isDecimal,
  onTick,
  percentToFraction,
  sum,
  toCents,
  big,
} from './money';

describe('money', () => {
  it('formats decimal strings exactly with groups', () => {
    expect(formatMoney('1234567.5')).toBe('1,234,567.50');
    expect(formatMoney('0.1')).toBe('0.10');
    expect(formatMoney('-1000')).toBe('−1,000.00');
    expect(formatMoney('90071992547409931.99')).toBe('90,071,992,547,409,931.99');
    expect(formatMoney(null)).toBe('—');
  });
  it('signs and percents', () => {
    expect(formatSigned('12.3')).toBe('+12.30');
    expect(formatSigned('-4')).toBe('−4.00');
    expect(formatSigned('0')).toBe('0.00');
    expect(formatPercent('1.234')).toBe('+1.23%');
    expect(formatShare('0.25')).toBe('25.0%');
  });
  it('shows per-share amounts to their last place', () => {
    expect(formatMoney('0.125', placesOf('0.125'))).toBe('0.125');
    expect(formatMoney('1.5', placesOf('1.5'))).toBe('1.50');
    expect(placesOf('2')).toBe(2);
    expect(placesOf('0.000001')).toBe(6);
  });
  it('shows fractions as percents, exactly', () => {
    expect(formatFraction('0.052345')).toBe('5.23%');
    expect(formatFraction('-0.0123456789', true)).toBe('−1.23%');
    expect(formatFraction('0.1', true)).toBe('+10.00%');
    expect(formatFraction('0.000045')).toBe('0.00%');
    expect(formatFraction('0.000055')).toBe('0.01%');
    expect(formatFraction('12.5')).toBe('1,250.00%');
    expect(formatFraction(null)).toBe('—');
  });
  it('adds without float error', () => {
    expect(sum(['0.10', '0.20']).toFixed(2)).toBe('0.30');
    expect(sum(['100000000000000.01', '0.02']).toFixed(2)).toBe('100000000000000.03');
  });
  it('rounds half to even at the cent', () => {
    expect(toCents(big('0.125'))).toBe('0.12');
    expect(toCents(big('0.135'))).toBe('0.14');
    expect(toCents(big('2.5050'))).toBe('2.50');
  });
  it('accepts only what the API accepts', () => {
    expect(isDecimal('10.50')).toBe(true);
    expect(isDecimal('10')).toBe(true);
    expect(isDecimal('10.505')).toBe(false);
    expect(isDecimal('1e3')).toBe(false);
    expect(isDecimal('-1')).toBe(false);
  });
  it('counts the decimals a value needs, as the server does after normalising', () => {
    expect(decimalsOf('0.015')).toBe(3);
    expect(decimalsOf('0.0150')).toBe(3);
    expect(decimalsOf('12.00')).toBe(0);
    expect(decimalsOf(' 7 ')).toBe(0);
    expect(decimalsOf('-1')).toBeNull();
    expect(decimalsOf('1e3')).toBeNull();
    expect(decimalsOf('1.')).toBeNull();
    expect(decimalsOf('')).toBeNull();
  });
  it('turns a percent into a fraction and a fee rate back into a percent, exactly', () => {
    expect(percentToFraction('0.015')).toBe('0.00015');
    expect(percentToFraction('0.0001')).toBe('0.000001');
    expect(percentToFraction('33.3333')).toBe('0.333333');
    expect(percentToFraction('100')).toBe('1');
    expect(formatRate('0.00015')).toBe('0.015%');
    expect(formatRate('0.0018')).toBe('0.180%');
    expect(formatRate('0.000125')).toBe('0.0125%');
    expect(formatRate('0.000001')).toBe('0.0001%');
    expect(formatRate('1')).toBe('100.000%');
  });
  it('checks ticks', () => {
    expect(onTick('100.05', '0.05')).toBe(true);
    expect(onTick('100.03', '0.05')).toBe(false);
  });
});
