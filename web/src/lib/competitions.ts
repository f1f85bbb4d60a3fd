// Class competitions: the create form checked and turned into the API's
// input (fees typed as percents, sent as fractions).
import { limitsInput, type LimitsForm, type RiskLimits } from './limits';
import { big, decimalsOf, isDecimal, percentToFraction, type Decimal } from './money';
import { fromLocalInput } from './time';

/** The create form, as typed (times as datetime-local values, fee rates as percents). */
export interface CompetitionForm extends LimitsForm {
  name: string;
  startingCash: string;
  start: string;
  end: string;
  symbols: string[];
  joinCode: string;
  commission: string;
  minCommission: string;
  sellTax: string;
}

export interface CompetitionInput {
  name: string;
  startingCash: Decimal;
  startTime: string;
  endTime: string;
  symbols: string[] | null;
  joinCode: string | null;
  commission?: Decimal;
  minCommission?: Decimal;
  sellTax?: Decimal;
  riskLimits: RiskLimits | null;
}

export type CompetitionErrors = Partial<Record<keyof CompetitionForm, string>>;

/**
 * A fee rate typed as a percent ("0.015"): the fraction the API takes ("0.00015"), or
 * what is wrong with it. The server keeps rates to a millionth, from 0 to 1: a percent
 * from 0 to 100 with 4 decimals at most.
 */
export function feeRate(text: string, example: string): { fraction: Decimal } | { error: string } {
  const percent = text.trim();
  const places = decimalsOf(percent);
  if (places === null || big(percent).gt(100)) return { error: `a percent from 0 to 100, like ${example}` };
  if (places > 4) return { error: '4 decimals at most (0.0001%)' };
  return { fraction: percentToFraction(percent) };
}

/** The least commission an order pays: money to the cent, 0 for none; or what is wrong with it. */
export function minCommissionError(text: string): string | null {
  const places = decimalsOf(text);
  if (places === null) return 'an amount like 1.00, or 0';
  return places > 2 ? 'to the cent: 2 decimals at most' : null;
}

/** `createCompetition`'s input, or what is wrong with the form. A fee left empty is not sent: the market's applies. */
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
  const fees: Pick<CompetitionInput, 'commission' | 'minCommission' | 'sellTax'> = {};
  for (const [field, example] of [
    ['commission', '0.015'],
    ['sellTax', '0.18'],
  ] as const) {
    if (form[field].trim() === '') continue;
    const rate = feeRate(form[field], example);
    if ('error' in rate) errors[field] = rate.error;
    else fees[field] = rate.fraction;
  }
  const minCommission = form.minCommission.trim();
  if (minCommission !== '') {
    const wrong = minCommissionError(minCommission);
    if (wrong) errors.minCommission = wrong;
    else fees.minCommission = minCommission;
  }
  const checked = limitsInput(form);
  if ('errors' in checked) Object.assign(errors, checked.errors);
  if (Object.keys(errors).length > 0 || startTime === null || endTime === null || 'errors' in checked) return { errors };
  return {
    input: {
      name,
      startingCash: form.startingCash.trim(),
      startTime,
      endTime,
      symbols: form.symbols.length > 0 ? [...form.symbols].sort() : null,
      joinCode: joinCode === '' ? null : joinCode,
      ...fees,
      riskLimits: Object.keys(checked.limits).length > 0 ? checked.limits : null,
    },
  };
}
