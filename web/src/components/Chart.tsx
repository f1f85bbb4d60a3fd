import { useEffect, useRef } from 'react';
import {
  AreaSeries,
  CandlestickSeries,
  ColorType,
  createChart,
  LineSeries,
  LineStyle,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { Candle } from '../lib/book';
import { drawable, type Line } from '../lib/indicators';
import { toChartNumber, type Decimal } from '../lib/money';

function newChart(box: HTMLElement): IChartApi {
  return createChart(box, {
    autoSize: true,
    layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: '#9aa4b2', fontFamily: 'inherit' },
    grid: { vertLines: { color: '#1f2733' }, horzLines: { color: '#1f2733' } },
    timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#2a3441', rightOffset: 6, barSpacing: 10 },
    rightPriceScale: { borderColor: '#2a3441' },
  });
}

function seconds(at: string): UTCTimestamp {
  return (Date.parse(at) / 1000) as UTCTimestamp;
}

function point(c: Candle) {
  return {
    time: seconds(c.start),
    open: toChartNumber(c.open),
    high: toChartNumber(c.high),
    low: toChartNumber(c.low),
    close: toChartNumber(c.close),
  };
}

/** RSI's overbought and oversold levels, drawn as guides in its pane. */
const RSI_GUIDES = [70, 30];

/** Draws the visible `lines` on the chart: each kept, changed, added or removed by its key; the pane below the candles only while a line is in it. */
function drawLines(chart: IChartApi, drawn: Map<string, ISeriesApi<'Line'>>, all: Line[]) {
  const lines = all.filter((l) => drawable(l.points));
  const keys = new Set(lines.map((l) => l.key));
  for (const [key, series] of drawn) {
    if (!keys.has(key)) {
      chart.removeSeries(series);
      drawn.delete(key);
    }
  }
  for (const line of lines) {
    let series = drawn.get(line.key);
    if (!series) {
      series = chart.addSeries(
        LineSeries,
        {
          color: line.color,
          lineWidth: line.pane === 0 ? 1 : 2,
          lineStyle: line.dashed ? LineStyle.Dashed : LineStyle.Solid,
          priceLineVisible: false,
          lastValueVisible: line.pane === 1,
          crosshairMarkerVisible: false,
          priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
        },
        line.pane,
      );
      if (line.pane === 1) {
        for (const price of RSI_GUIDES) {
          series.createPriceLine({ price, color: '#3a4655', lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: true, title: '' });
        }
        chart.panes()[1]?.setStretchFactor(0.3);
      }
      drawn.set(line.key, series);
    }
    series.setData(line.points.map((p) => ({ time: seconds(p.start), value: toChartNumber(p.value) })));
  }
  if (!lines.some((l) => l.pane === 1) && chart.panes().length > 1) chart.removePane(1);
}

/** Candles, oldest first; the last one may be forming; indicator `lines` over them and in a pane below. */
export function CandleChart({ candles, resetKey, lines }: { candles: Candle[]; resetKey: string; lines: Line[] }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const series = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const drawn = useRef(new Map<string, ISeriesApi<'Line'>>());
  const shown = useRef<{ key: string; count: number }>({ key: '', count: 0 });

  useEffect(() => {
    if (!box.current) return;
    const c = newChart(box.current);
    series.current = c.addSeries(CandlestickSeries, {
      upColor: '#2fbf71',
      downColor: '#e5534b',
      wickUpColor: '#2fbf71',
      wickDownColor: '#e5534b',
      borderVisible: false,
      priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
    });
    chart.current = c;
    shown.current = { key: '', count: 0 };
    const lineSeries = drawn.current;
    return () => {
      c.remove();
      chart.current = null;
      series.current = null;
      lineSeries.clear();
    };
  }, []);

  useEffect(() => {
    const s = series.current;
    if (!s) return;
    const last = candles[candles.length - 1];
    const same = shown.current.key === resetKey;
    if (same && last && (candles.length === shown.current.count || candles.length === shown.current.count + 1)) {
      s.update(point(last));
    } else {
      s.setData(candles.map(point));
      if (!same) chart.current?.timeScale().scrollToRealTime();
    }
    shown.current = { key: resetKey, count: candles.length };
  }, [candles, resetKey]);

  useEffect(() => {
    if (chart.current) drawLines(chart.current, drawn.current, lines);
  }, [lines]);

  const drawnKeys = lines
    .filter((l) => drawable(l.points))
    .map((l) => l.key)
    .join(' ');
  return <div className="chart" ref={box} data-testid="chart" data-lines={drawnKeys} />;
}

/** An equity curve, oldest point first, scaled to fit. */
export function EquityChart({ points }: { points: { at: string; equity: Decimal }[] }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const series = useRef<ISeriesApi<'Area'> | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const c = newChart(box.current);
    series.current = c.addSeries(AreaSeries, {
      lineColor: '#4f9dff',
      topColor: 'rgba(79, 157, 255, 0.35)',
      bottomColor: 'rgba(79, 157, 255, 0.02)',
      lineWidth: 2,
      priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
    });
    chart.current = c;
    return () => {
      c.remove();
      chart.current = null;
      series.current = null;
    };
  }, []);

  useEffect(() => {
    series.current?.setData(points.map((p) => ({ time: seconds(p.at), value: toChartNumber(p.equity) })));
    chart.current?.timeScale().fitContent();
  }, [points]);

  return <div className="chart equity-chart" ref={box} data-testid="equity-chart" />;
}
