import { describe, expect, it } from 'vitest';
import { competitionInput, feeRate, minCommissionError, type CompetitionForm } from './competitions';

const form: CompetitionForm = {
  name: ' Autumn class ',
  startingCash: '10000.00',
  start: '2026-12-14T09:00',
  end: '2026-12-28T17:00',
  symbols: [],
  joinCode: '',
  commission: '',
  minCommission: '',
  sellTax: '',
  maxOrderValue: '',
  maxPositionPercent: '',
  maxOpenOrders: '',
};

describe('the create-competition form', () => {
  it('turns a filled form into the input, leaving out what is optional', () => {
    expect(competitionInput(form)).toEqual({
      input: {
        name: 'Autumn class',
        startingCash: '10000.00',
        startTime: new Date(2026, 11, 14, 9, 0).toISOString(),
        endTime: new Date(2026, 11, 28, 17, 0).toISOString(),
        symbols: null,
        joinCode: null,
        riskLimits: null,
      },
    });
  });
  it('keeps the symbols, the join code and the limits that are set', () => {
    const r = competitionInput({ ...form, symbols: ['BOLT', 'ACME'], joinCode: 'AUTUMN-1', maxPositionPercent: '25', maxOpenOrders: '20' });
    expect(r).toMatchObject({ input: { symbols: ['ACME', 'BOLT'], joinCode: 'AUTUMN-1', riskLimits: { maxPositionPercent: '25', maxOpenOrders: 20 } } });
    expect('input' in r && r.input.riskLimits).toEqual({ maxPositionPercent: '25', maxOpenOrders: 20 });
  });
  it('says what is wrong beside each field', () => {
    expect(
      competitionInput({
        ...form,
        name: ' ',
        startingCash: '0',
        end: '2026-12-14T08:00',
        joinCode: 'ab',
        maxOrderValue: '1e3',
        maxPositionPercent: '101',
        maxOpenOrders: '0',
      }),
    ).toEqual({
      errors: {
        name: 'a name for the class to see',
        startingCash: 'an amount like 10000.00',
        end: 'after the start',
        joinCode: '4 to 32 letters, digits or dashes',
        maxOrderValue: 'an amount like 5000.00',
        maxPositionPercent: 'a percent above 0, at most 100',
        maxOpenOrders: 'a whole number from 1 to 100,000',
      },
    });
    expect(competitionInput({ ...form, start: '' })).toEqual({ errors: { start: 'a date and time' } });
  });
  it('sends the fee overrides typed, the rates as fractions, and leaves out those left empty', () => {
    const r = competitionInput({ ...form, commission: '0.015', minCommission: '1.50', maxOrderValue: '5000.00' });
    expect(r).toEqual({
      input: expect.objectContaining({ commission: '0.00015', minCommission: '1.50', riskLimits: { maxOrderValue: '5000.00' } }),
    });
    expect('input' in r && 'sellTax' in r.input).toBe(false);
    expect(competitionInput({ ...form, commission: '0', sellTax: '0.18', minCommission: '0' })).toMatchObject({
      input: { commission: '0', sellTax: '0.0018', minCommission: '0' },
    });
  });
  it('says what is wrong with a fee beside it', () => {
    expect(competitionInput({ ...form, commission: '0.00001', minCommission: '0.001', sellTax: '-1' })).toEqual({
      errors: {
        commission: '4 decimals at most (0.0001%)',
        minCommission: 'to the cent: 2 decimals at most',
        sellTax: 'a percent from 0 to 100, like 0.18',
      },
    });
  });
});

describe('a fee rate typed as a percent', () => {
  it('is the fraction the API takes, exactly', () => {
    expect(feeRate('0.015', '0.015')).toEqual({ fraction: '0.00015' });
    expect(feeRate(' 0.18 ', '0.18')).toEqual({ fraction: '0.0018' });
    expect(feeRate('0.0001', '0.015')).toEqual({ fraction: '0.000001' });
    expect(feeRate('12.3456', '0.015')).toEqual({ fraction: '0.123456' });
    expect(feeRate('100', '0.015')).toEqual({ fraction: '1' });
    expect(feeRate('0', '0.015')).toEqual({ fraction: '0' });
    // Trailing zeros are not places: the server normalises too.
    expect(feeRate('0.01500', '0.015')).toEqual({ fraction: '0.00015' });
  });
  it('refuses what the server refuses: finer than a millionth, above 100%, not a plain number', () => {
    expect(feeRate('0.00015', '0.015')).toEqual({ error: '4 decimals at most (0.0001%)' });
    expect(feeRate('100.0001', '0.015')).toEqual({ error: 'a percent from 0 to 100, like 0.015' });
    expect(feeRate('-0.1', '0.015')).toEqual({ error: 'a percent from 0 to 100, like 0.015' });
    expect(feeRate('1e-2', '0.015')).toEqual({ error: 'a percent from 0 to 100, like 0.015' });
    expect(feeRate('0.015%', '0.015')).toEqual({ error: 'a percent from 0 to 100, like 0.015' });
  });
  it('takes a minimum commission to the cent, zero included', () => {
    expect(minCommissionError('0')).toBeNull();
    expect(minCommissionError('2.50')).toBeNull();
    expect(minCommissionError('2.500')).toBeNull();
    expect(minCommissionError('2.505')).toBe('to the cent: 2 decimals at most');
    expect(minCommissionError('-1')).toBe('an amount like 1.00, or 0');
  });
});
