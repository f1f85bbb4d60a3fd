// Money and prices arrive as decimal strings ("1250.50") and stay exact:
// arithmetic is Big (decimal), never a JS float. Numbers appear only where a
// chart needs a coordinate.
import Big from 'big.js';

Big.RM = Big.roundHalfEven;
Big.DP = 20;

export type Decimal = string;

export { Big };

export function big(value: Decimal | number | Big): Big {
  return new Big(value);
}

/** True when `text` is a plain decimal the API accepts: no exponent, at most two places. */
export function isDecimal(text: string, places = 2): boolean {
  return new RegExp(`^\\d+(\\.\\d{1,${places}})?$`).test(text.trim());
}

/**
 * The decimals `text`'s value needs ("0.0150" → 3, "12.00" → 0), or null when it is not a
 * plain decimal (no sign, no exponent). The server counts places after normalising, so
 * trailing zeros are free there, and here.
 */
export function decimalsOf(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  return t.includes('.') ? t.replace(/0+$/, '').split('.')[1].length : 0;
}

/** A percent as typed ("0.015") as the fraction the API takes ("0.00015"), exactly. */
export function percentToFraction(percent: Decimal): Decimal {
  return big(percent.trim()).div(100).toFixed();
}

function group(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1234567.5" → "1,234,567.50"; null → "—". */
export function formatMoney(value: Decimal | Big | null | undefined, places = 2): string {
  if (value === null || value === undefined || value === '') return '—';
  const fixed = big(value).toFixed(places);
  const negative = fixed.startsWith('-');
  const [integer, fraction] = (negative ? fixed.slice(1) : fixed).split('.');
  const text = fraction === undefined ? group(integer) : `${group(integer)}.${fraction}`;
  return negative ? `−${text}` : text;
}

/** The decimal places to show `value` exactly, at least `min` ("0.125" → 3): per-share dividends have up to six. */
export function placesOf(value: Decimal, min = 2): number {
  return Math.max(min, value.split('.')[1]?.length ?? 0);
}

/** With an explicit sign: "+12.30", "−4.00", "0.00". */
export function formatSigned(value: Decimal | Big | null | undefined, places = 2): string {
  if (value === null || value === undefined || value === '') return '—';
  const b = big(value);
  const text = formatMoney(b, places);
  return b.gt(0) ? `+${text}` : text;
}

/** A percent already in percent ("1.234" → "+1.23%"). */
export function formatPercent(value: Decimal | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `${formatSigned(value, 2)}%`;
}

/** A fraction as a percent: "0.052345" → "5.23%", signed "+5.23%" (ratios from the API are fractions). */
export function formatFraction(value: Decimal | null | undefined, signed = false, places = 2): string {
  if (value === null || value === undefined || value === '') return '—';
  const percent = big(value).times(100);
  return `${signed ? formatSigned(percent, places) : formatMoney(percent, places)}%`;
}

/** A fee rate (a fraction) as a percent to its last place, three at least so rates line up: "0.00015" → "0.015%", "0.000125" → "0.0125%". */
export function formatRate(fraction: Decimal): string {
  const percent = big(fraction).times(100).toFixed();
  return `${formatMoney(percent, Math.max(3, decimalsOf(percent) ?? 0))}%`;
}

/** A share 0..1 as a percent ("0.25" → "25.0%"). */
export function formatShare(value: Decimal): string {
  return `${big(value).times(100).toFixed(1)}%`;
}

/** -1, 0 or 1, for colouring. */
export function sign(value: Decimal | Big | null | undefined): number {
  if (value === null || value === undefined || value === '') return 0;
  return big(value).cmp(0);
}

export function sum(values: (Decimal | Big)[]): Big {
  return values.reduce<Big>((acc, v) => acc.plus(v), big(0));
}

/** Rounded to cents, half to even, as the server rounds. */
export function toCents(value: Big): Decimal {
  return value.round(2, Big.roundHalfEven).toFixed(2);
}

/** Whether `price` is a whole number of `tick`s. */
export function onTick(price: Decimal, tick: Decimal): boolean {
  return big(price).mod(tick).eq(0);
}

/** For chart coordinates only. */
export function toChartNumber(value: Decimal): number {
  return Number(value);
}
