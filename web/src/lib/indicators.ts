// The company chart's indicators: the lines each series answered draws,
// in which pane and colour, and the period typed for the overlays.
import type { Decimal } from './money';

export type Study = 'SMA' | 'EMA' | 'BOLLINGER' | 'RSI';

/** In the order the toggles show them; all but RSI are drawn over the candles. */
export const STUDIES: Study[] = ['SMA', 'EMA', 'BOLLINGER', 'RSI'];
export const OVERLAY_PERIOD = 20;
export const RSI_PERIOD = 14;
/** The longest period the server computes. */
export const MAX_PERIOD = 200;

export const STUDY_COLORS: Record<Study, string> = {
  SMA: '#e7b34a',
  EMA: '#c678dd',
  BOLLINGER: '#4fc3d9',
  RSI: '#4f9dff',
};

/** "SMA 20", "Bollinger 20", "RSI 14". */
export function studyLabel(study: Study, period: number): string {
  const name = study === 'BOLLINGER' ? 'Bollinger' : study;
  return `${name} ${study === 'RSI' ? RSI_PERIOD : period}`;
}

/** The period typed for the overlays, when it is one the server takes (1 to 200). */
export function parsePeriod(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,3}$/.test(trimmed)) return null;
  const period = Number(trimmed);
  return period >= 1 && period <= MAX_PERIOD ? period : null;
}

export interface IndicatorPoint {
  start: string;
  value: Decimal;
  upper?: Decimal | null;
  lower?: Decimal | null;
}

export interface IndicatorSeries {
  kind: string;
  points: IndicatorPoint[];
}

export interface Line {
  /** SMA, EMA, RSI, or BOLLINGER_UPPER, BOLLINGER_MIDDLE, BOLLINGER_LOWER. */
  key: string;
  color: string;
  dashed: boolean;
  /** 0 over the candles, 1 in the pane below them. */
  pane: 0 | 1;
  points: { start: string; value: Decimal }[];
}

function isStudy(kind: string): kind is Study {
  return (STUDIES as string[]).includes(kind);
}

/** The lines to draw for the series answered: one each, three for Bollinger's bands. */
export function indicatorLines(series: IndicatorSeries[]): Line[] {
  return series.flatMap((s): Line[] => {
    if (!isStudy(s.kind)) return [];
    const color = STUDY_COLORS[s.kind];
    const values = s.points.map((p) => ({ start: p.start, value: p.value }));
    if (s.kind !== 'BOLLINGER') return [{ key: s.kind, color, dashed: false, pane: s.kind === 'RSI' ? 1 : 0, points: values }];
    const band = (edge: 'upper' | 'lower') =>
      s.points.flatMap((p) => {
        const value = p[edge];
        return value ? [{ start: p.start, value }] : [];
      });
    return [
      { key: 'BOLLINGER_UPPER', color, dashed: false, pane: 0, points: band('upper') },
      { key: 'BOLLINGER_MIDDLE', color, dashed: true, pane: 0, points: values },
      { key: 'BOLLINGER_LOWER', color, dashed: false, pane: 0, points: band('lower') },
    ];
  });
}

/** Whether a line of these points shows: it takes two. */
export function drawable(points: unknown[]): boolean {
  return points.length > 1;
}

/** The studies asked for that have no line to draw yet: the market has not traded enough candles of the interval. */
export function undefinedStudies(series: IndicatorSeries[]): Study[] {
  return series.flatMap((s) => (isStudy(s.kind) && !drawable(s.points) ? [s.kind] : []));
}
