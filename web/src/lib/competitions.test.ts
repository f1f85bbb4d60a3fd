import { describe, expect, it } from 'vitest';
import { competitionInput, limitsInWords, type CompetitionForm } from './competitions';

const form: CompetitionForm = {
  name: ' Autumn class ',
  startingCash: '10000.00',
  start: '2026-12-14T09:00',
  end: '2026-12-28T17:00',
  symbols: [],
  joinCode: '',
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
});
