// Class competitions: the create form checked and turned into the API's
// input, and risk limits in words.
import { big, formatMoney, isDecimal, type Decimal } from './money';
import { fromLocalInput } from './time';

/** The create form, as typed (times as datetime-local values). */
export interface CompetitionForm {
  name: string;
  startingCash: string;
  start: string;
  end: string;
  symbols: string[];
  joinCode: string;
  maxOrderValue: string;
  maxPositionPercent: string;
  maxOpenOrders: string;
}

export interface RiskLimits {
  maxOrderValue?: Decimal | null;
  maxPositionPercent?: Decimal | null;
  maxOpenOrders?: number | null;
}

export interface CompetitionInput {
  name: string;
  startingCash: Decimal;
  startTime: string;
  endTime: string;
  symbols: string[] | null;
  joinCode: string | null;
  riskLimits: RiskLimits | null;
}

export type CompetitionErrors = Partial<Record<keyof CompetitionForm, string>>;

/** `createCompetition`'s input, or what is wrong with the form. */
export function competitionInput(form: CompetitionForm): { input: CompetitionInput } | { errors: CompetitionErrors } {
  const errors: CompetitionErrors = {};
  const name = form.name.trim();
  if (name === '') errors.name = 'a name for the class to see';
  if (!isDecimal(form.startingCash) || big(form.startingCash.trim()).eq(0)) errors.startingCash = 'an amount like 10000.00';
  const startTime = fromLocalInput(form.start);
  const endTime = fromLocalInput(form.end);
  if (startTime === null) errors.start = 'a date and time';
  if (endTime === null) errors.end = 'a date and time';
  else if (startTime !== null && endTime <= startTime) errors.end = 'after the start';
  const joinCode = form.joinCode.trim();
  if (joinCode !== '' && !/^[A-Za-z0-9-]{4,32}$/.test(joinCode)) errors.joinCode = '4 to 32 letters, digits or dashes';
  const limits: RiskLimits = {};
  const maxOrderValue = form.maxOrderValue.trim();
  if (maxOrderValue !== '') {
    if (isDecimal(maxOrderValue) && big(maxOrderValue).gt(0)) limits.maxOrderValue = maxOrderValue;
    else errors.maxOrderValue = 'an amount like 5000.00';
  }
  const maxPositionPercent = form.maxPositionPercent.trim();
  if (maxPositionPercent !== '') {
    if (isDecimal(maxPositionPercent, 4) && big(maxPositionPercent).gt(0) && big(maxPositionPercent).lte(100)) limits.maxPositionPercent = maxPositionPercent;
    else errors.maxPositionPercent = 'a percent above 0, at most 100';
  }
  const maxOpenOrders = form.maxOpenOrders.trim();
  if (maxOpenOrders !== '') {
    if (/^\d{1,6}$/.test(maxOpenOrders) && Number(maxOpenOrders) >= 1 && Number(maxOpenOrders) <= 100_000) limits.maxOpenOrders = Number(maxOpenOrders);
    else errors.maxOpenOrders = 'a whole number from 1 to 100,000';
  }
  if (Object.keys(errors).length > 0 || startTime === null || endTime === null) return { errors };
  return {
    input: {
      name,
      startingCash: form.startingCash.trim(),
      startTime,
      endTime,
      symbols: form.symbols.length > 0 ? [...form.symbols].sort() : null,
      joinCode: joinCode === '' ? null : joinCode,
      riskLimits: Object.keys(limits).length > 0 ? limits : null,
    },
  };
}

/** Each limit set, in words; empty when there is none. */
export function limitsInWords(limits: RiskLimits): string[] {
  const words: string[] = [];
  if (limits.maxOrderValue) words.push(`one order worth at most ${formatMoney(limits.maxOrderValue)}`);
  if (limits.maxPositionPercent) words.push(`one company at most ${limits.maxPositionPercent}% of equity`);
  if (limits.maxOpenOrders !== null && limits.maxOpenOrders !== undefined) {
    words.push(`at most ${limits.maxOpenOrders.toLocaleString('en-US')} open order${limits.maxOpenOrders === 1 ? '' : 's'}`);
  }
  return words;
}
