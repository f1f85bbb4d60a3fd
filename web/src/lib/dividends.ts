// Declaring a dividend: the form checked as the server checks it, and what
// was declared in words.
import { big, decimalsOf, formatMoney, placesOf, type Decimal } from './money';
import { formatDateTime, fromLocalInput } from './time';

/** The declare form, as typed (times as datetime-local values). */
export interface DividendForm {
  symbol: string;
  amountPerShare: string;
  record: string;
  pay: string;
}

export type DividendErrors = Partial<Record<keyof DividendForm, string>>;

export interface DividendInput {
  symbol: string;
  amountPerShare: Decimal;
  recordTime: string;
  payTime: string;
}

/** Per share the server keeps millionths. */
const PER_SHARE_DECIMALS = 6;

/** `declareDividend`'s input, or what is wrong with the form: the record time may not be before `now`, nor the pay time before the record time. */
export function dividendInput(form: DividendForm, now: Date): { input: DividendInput } | { errors: DividendErrors } {
  const errors: DividendErrors = {};
  if (form.symbol === '') errors.symbol = 'choose a company';
  const amount = form.amountPerShare.trim();
  const places = decimalsOf(amount);
  if (places === null || big(amount).eq(0)) errors.amountPerShare = 'an amount per share like 0.125';
  else if (places > PER_SHARE_DECIMALS) errors.amountPerShare = `${PER_SHARE_DECIMALS} decimals at most`;
  const recordTime = fromLocalInput(form.record);
  const payTime = fromLocalInput(form.pay);
  if (recordTime === null) errors.record = 'a date and time';
  else if (new Date(recordTime) < now) errors.record = 'not in the past';
  if (payTime === null) errors.pay = 'a date and time';
  else if (recordTime !== null && payTime < recordTime) errors.pay = 'not before the record time';
  if (Object.keys(errors).length > 0 || recordTime === null || payTime === null) return { errors };
  return { input: { symbol: form.symbol, amountPerShare: amount, recordTime, payTime } };
}

/** What was declared, in words. */
export function declaredWords(d: { symbol: string; amountPerShare: Decimal; recordTime: string; payTime: string }): string {
  const amount = formatMoney(d.amountPerShare, placesOf(d.amountPerShare));
  return `Declared ${amount} a share on ${d.symbol}: holders at ${formatDateTime(d.recordTime)} are paid at ${formatDateTime(d.payTime)}.`;
}
