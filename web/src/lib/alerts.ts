// Price alerts: the kinds in words, the level checked before it is sent,
// and what an alert says once it fired.
import type { AlertKind } from '../../generated/graphql';
import { big, formatMoney, isDecimal, type Decimal } from './money';

export const ALERT_KINDS: AlertKind[] = ['PRICE_ABOVE', 'PRICE_BELOW', 'CHANGE_UP', 'CHANGE_DOWN'];

/** What the kind picker says of each kind. */
export const KIND_LABELS: Record<AlertKind, string> = {
  PRICE_ABOVE: 'Price rises to',
  PRICE_BELOW: 'Price falls to',
  CHANGE_UP: 'Up by %',
  CHANGE_DOWN: 'Down by %',
};

/** A change from the session's reference price, in percent; else the level is a price. */
export function isChange(kind: AlertKind): boolean {
  return kind === 'CHANGE_UP' || kind === 'CHANGE_DOWN';
}

/** What is wrong with a level typed for `kind`, or null: a price to the cent, or a percent with two decimals at most. */
export function levelError(kind: AlertKind, text: string): string | null {
  const level = text.trim();
  if (!isChange(kind)) {
    if (!isDecimal(level)) return 'a price like 101.25';
    return big(level).gt(0) ? null : 'must be above zero';
  }
  if (!isDecimal(level) || big(level).lte(0)) return 'a percent above zero, like 5 or 2.5';
  if (kind === 'CHANGE_DOWN' && big(level).gte(100)) return 'a fall of less than 100%';
  return null;
}

export interface AlertTerms {
  symbol: string;
  kind: AlertKind;
  level: Decimal;
  triggerPrice: Decimal;
}

/** The alert's condition in words: "rises to 101.25", "up 5.00%". */
export function alertCondition(alert: AlertTerms): string {
  switch (alert.kind) {
    case 'PRICE_ABOVE':
      return `rises to ${formatMoney(alert.level)}`;
    case 'PRICE_BELOW':
      return `falls to ${formatMoney(alert.level)}`;
    case 'CHANGE_UP':
      return `up ${formatMoney(alert.level)}%`;
    case 'CHANGE_DOWN':
      return `down ${formatMoney(alert.level)}%`;
  }
}

/** What setting an alert did: a change is set at the price it was turned into. */
export function setWords(alert: AlertTerms): string {
  const at = isChange(alert.kind) ? `, at ${formatMoney(alert.triggerPrice)}` : '';
  return `Alert set: ${alert.symbol} ${alertCondition(alert)}${at}.`;
}

/** What the notice of a fired alert says. */
export function firedWords(alert: AlertTerms & { firedPrice?: Decimal | null }): string {
  const traded = alert.firedPrice ? `: traded at ${formatMoney(alert.firedPrice)}` : '';
  const level = formatMoney(alert.level);
  const trigger = formatMoney(alert.triggerPrice);
  switch (alert.kind) {
    case 'PRICE_ABOVE':
      return `${alert.symbol} rose to ${level}${traded}.`;
    case 'PRICE_BELOW':
      return `${alert.symbol} fell to ${level}${traded}.`;
    case 'CHANGE_UP':
      return `${alert.symbol} rose ${level}% to ${trigger}${traded}.`;
    case 'CHANGE_DOWN':
      return `${alert.symbol} fell ${level}% to ${trigger}${traded}.`;
  }
}
