import { describe, expect, it } from 'vitest';
import { drawable, indicatorLines, parsePeriod, studyLabel, undefinedStudies } from './indicators';

describe('chart indicators', () => {
  it('labels each study with its period; RSI keeps 14', () => {
    expect(studyLabel('SMA', 20)).toBe('SMA 20');
    expect(studyLabel('BOLLINGER', 5)).toBe('Bollinger 5');
    expect(studyLabel('RSI', 20)).toBe('RSI 14');
  });
  it('takes a period the server computes: 1 to 200', () => {
    expect(parsePeriod(' 20 ')).toBe(20);
    expect(parsePeriod('1')).toBe(1);
    expect(parsePeriod('200')).toBe(200);
    expect(parsePeriod('0')).toBeNull();
    expect(parsePeriod('201')).toBeNull();
    expect(parsePeriod('2.5')).toBeNull();
    expect(parsePeriod('')).toBeNull();
  });
  it('draws a line per series over the candles, RSI below them, three for Bollinger', () => {
    const start = '2026-12-07T09:00:00Z';
    const lines = indicatorLines([
      { kind: 'SMA', points: [{ start, value: '100.1234' }] },
      { kind: 'BOLLINGER', points: [{ start, value: '100.5000', upper: '102.0000', lower: '99.0000' }] },
      { kind: 'RSI', points: [{ start, value: '55.5000' }] },
    ]);
    expect(lines.map((l) => [l.key, l.pane, l.dashed])).toEqual([
      ['SMA', 0, false],
      ['BOLLINGER_UPPER', 0, false],
      ['BOLLINGER_MIDDLE', 0, true],
      ['BOLLINGER_LOWER', 0, false],
      ['RSI', 1, false],
    ]);
    expect(lines[1].points).toEqual([{ start, value: '102.0000' }]);
    expect(lines[2].points).toEqual([{ start, value: '100.5000' }]);
    expect(lines[3].points).toEqual([{ start, value: '99.0000' }]);
    // A kind this chart does not draw is left out.
    expect(indicatorLines([{ kind: 'MACD', points: [{ start, value: '1' }] }])).toEqual([]);
  });
  it('names the studies that have no line to draw yet: a line takes two points', () => {
    const point = (minute: number) => ({ start: `2026-12-07T09:0${minute}:00Z`, value: '1' });
    expect(drawable([])).toBe(false);
    expect(drawable([point(0)])).toBe(false);
    expect(drawable([point(0), point(1)])).toBe(true);
    expect(
      undefinedStudies([
        { kind: 'SMA', points: [] },
        { kind: 'EMA', points: [point(0), point(1)] },
        { kind: 'RSI', points: [point(0)] },
      ]),
    ).toEqual(['SMA', 'RSI']);
  });
});
