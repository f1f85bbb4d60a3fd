// Risk limits on an account's orders (on one account, or on every player of
// a competition): the three fields typed into a form, checked as the server
// checks them, and limits in words.
import { big, decimalsOf, formatMoney, type Decimal } from './money';

export interface RiskLimits {
  maxOrderValue?: Decimal | null;
  maxPositionPercent?: Decimal | null;
  maxOpenOrders?: number | null;
}

/** The limits as typed; an empty field is no limit. */
export interface LimitsForm {
  maxOrderValue: string;
  maxPositionPercent: string;
  maxOpenOrders: string;
}

export type LimitsErrors = Partial<Record<keyof LimitsForm, string>>;

export const NO_LIMITS: LimitsForm = { maxOrderValue: '', maxPositionPercent: '', maxOpenOrders: '' };

/** The most open orders a limit may allow: the server takes 1 to 100,000. */
const MAX_OPEN_ORDERS = 100_000;

/**
 * `RiskLimitsInput` with only the limits typed, or what is wrong with them. The
 * server takes an order value to the cent and above 0, a percent above 0 and at most
 * 100 in steps of 0.0001 (it keeps a millionth of equity), and 1 to 100,000 orders.
 */
export function limitsInput(form: LimitsForm): { limits: RiskLimits } | { errors: LimitsErrors } {
  const limits: RiskLimits = {};
  const errors: LimitsErrors = {};
  const value = form.maxOrderValue.trim();
  if (value !== '') {
    const places = decimalsOf(value);
    if (places === null || big(value).eq(0)) errors.maxOrderValue = 'an amount like 5000.00';
    else if (places > 2) errors.maxOrderValue = 'to the cent: 2 decimals at most';
    else limits.maxOrderValue = value;
  }
  const percent = form.maxPositionPercent.trim();
  if (percent !== '') {
    const places = decimalsOf(percent);
    if (places === null || big(percent).eq(0) || big(percent).gt(100)) errors.maxPositionPercent = 'a percent above 0, at most 100';
    else if (places > 4) errors.maxPositionPercent = '4 decimals at most';
    else limits.maxPositionPercent = percent;
  }
  const count = form.maxOpenOrders.trim();
  if (count !== '') {
    if (/^\d{1,6}$/.test(count) && Number(count) >= 1 && Number(count) <= MAX_OPEN_ORDERS) limits.maxOpenOrders = Number(count);
    else errors.maxOpenOrders = 'a whole number from 1 to 100,000';
  }
  return Object.keys(errors).length > 0 ? { errors } : { limits };
}

/** `setRiskLimits`'s arguments: the account and the limits typed (none typed lifts them all), or what is wrong with them. */
export function accountLimitsInput(
  accountId: string,
  form: LimitsForm,
): { accountId: string; limits: RiskLimits } | { errors: LimitsErrors & { accountId?: string } } {
  const id = accountId.trim();
  const checked = limitsInput(form);
  const errors: LimitsErrors & { accountId?: string } = 'errors' in checked ? { ...checked.errors } : {};
  if (!/^\d{1,18}$/.test(id)) errors.accountId = 'an account ID, as its portfolio page shows it';
  if ('errors' in checked || errors.accountId) return { errors };
  return { accountId: id, limits: checked.limits };
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

/** What setting an account's limits did, from the account and limits the server answers. */
export function limitsSetWords(account: { id: string; username: string }, limits: RiskLimits): string {
  const who = `${account.username} (account ${account.id})`;
  const words = limitsInWords(limits);
  return words.length > 0 ? `Risk limits on ${who}: ${words.join('; ')}.` : `${who} has no risk limits now.`;
}
