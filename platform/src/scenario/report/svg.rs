//! Small SVG charts: lines, shaded bands, bars and dots over a numeric,
//! clock or categorical x axis and a numeric y axis with "nice" ticks.
//! Written by hand so the report needs no font files or plotting crate,
//! and with fixed float formatting so the same data give the same bytes.

use std::fmt::Write;

/// Distinct colours, readable on white (the "tab10" palette).
pub const PALETTE: [&str; 10] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];

const WIDTH: f64 = 640.0;
/// Rough width of a character of the 12 px tick labels, to keep them
/// apart and make room for them.
const CHAR: f64 = 7.2;
/// Beyond this many points a line is drawn from each pixel column's
/// first, lowest, highest and last point: the same picture, a smaller file.
const THIN_ABOVE: usize = 1500;

#[derive(Debug, Clone)]
pub enum XAxis {
    Numbers,
    /// Numbers with whole ticks: seeds, counts.
    Integers,
    /// Seconds since midnight UTC, labelled as clock times.
    Clock,
    /// Names at x = 0, 1, 2, ...
    Categories(Vec<String>),
}

#[derive(Debug, Clone)]
pub enum Layer {
    Line {
        name: String,
        color: &'static str,
        points: Vec<(f64, f64)>,
        dashed: bool,
    },
    /// A shaded area between `low` and `high` at each x.
    Band {
        name: String,
        color: &'static str,
        points: Vec<(f64, f64, f64)>,
    },
    /// Bars from zero to y, between x0 and x1.
    Bars {
        name: String,
        color: &'static str,
        bars: Vec<(f64, f64, f64)>,
    },
    Dots {
        name: String,
        color: &'static str,
        points: Vec<(f64, f64)>,
    },
}

impl Layer {
    fn name(&self) -> &str {
        match self {
            Layer::Line { name, .. }
            | Layer::Band { name, .. }
            | Layer::Bars { name, .. }
            | Layer::Dots { name, .. } => name,
        }
    }

    fn color(&self) -> &'static str {
        match self {
            Layer::Line { color, .. }
            | Layer::Band { color, .. }
            | Layer::Bars { color, .. }
            | Layer::Dots { color, .. } => color,
        }
    }

    /// Every (x, y) the layer needs on the chart.
    fn extent(&self) -> Vec<(f64, f64)> {
        match self {
            Layer::Line { points, .. } | Layer::Dots { points, .. } => points.clone(),
            Layer::Band { points, .. } => points
                .iter()
                .flat_map(|&(x, low, high)| [(x, low), (x, high)])
                .collect(),
            Layer::Bars { bars, .. } => bars
                .iter()
                .flat_map(|&(x0, x1, y)| [(x0, 0.0), (x1, y)])
                .collect(),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Layer::Line { points, .. } | Layer::Dots { points, .. } => points.is_empty(),
            Layer::Band { points, .. } => points.is_empty(),
            Layer::Bars { bars, .. } => bars.is_empty(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub id: String,
    /// For screen readers; the page shows its own heading.
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_axis: XAxis,
    pub layers: Vec<Layer>,
    pub height: f64,
}

impl Chart {
    pub fn new(id: &str, title: &str, x_label: &str, y_label: &str, x_axis: XAxis) -> Chart {
        Chart {
            id: id.to_owned(),
            title: title.to_owned(),
            x_label: x_label.to_owned(),
            y_label: y_label.to_owned(),
            x_axis,
            layers: Vec::new(),
            height: 300.0,
        }
    }

    pub fn layer(mut self, layer: Layer) -> Chart {
        self.layers.push(layer);
        self
    }

    /// Whether there is anything to draw.
    pub fn has_data(&self) -> bool {
        self.layers.iter().any(|l| !l.is_empty())
    }

    pub fn render(&self) -> String {
        let points: Vec<(f64, f64)> = self
            .layers
            .iter()
            .flat_map(Layer::extent)
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        let (x_lo, x_hi) = match &self.x_axis {
            XAxis::Categories(names) => (-0.5, names.len() as f64 - 0.5),
            _ => padded(range(points.iter().map(|p| p.0)), self.has_dots()),
        };
        let (lo, hi) = range(points.iter().map(|p| p.1));
        // A dot on the frame's edge would be cut in half: leave it room,
        // but never below zero for values that are not.
        let (y_lo, y_hi) = match padded((lo, hi), self.has_dots()) {
            (padded_lo, padded_hi) if lo >= 0.0 => (padded_lo.max(0.0), padded_hi),
            padded => padded,
        };
        let y_step = nice_step(y_hi - y_lo, 5.0);
        let (y_lo, y_hi) = (
            (y_lo / y_step + 1e-9).floor() * y_step,
            (y_hi / y_step - 1e-9).ceil() * y_step,
        );
        let y_ticks: Vec<(f64, String)> = ticks(y_lo, y_hi, y_step)
            .into_iter()
            .map(|v| (v, number(v, y_step)))
            .collect();
        let widest = y_ticks
            .iter()
            .map(|t| t.1.chars().count())
            .max()
            .unwrap_or(1);
        let legend = self.legend_rows();
        let left = 30.0 + widest as f64 * CHAR + 8.0;
        let top = 12.0 + legend.len() as f64 * 18.0;
        let frame = Frame {
            left,
            top,
            width: WIDTH - left - 16.0,
            height: self.height - top - 44.0,
            x: (x_lo, x_hi),
            y: (y_lo, y_hi),
        };
        let x_ticks = self.x_ticks(&frame);

        let mut out = String::new();
        let _ = write!(
            out,
            "<svg id=\"{id}\" class=\"chart\" viewBox=\"0 0 {WIDTH:.0} {h:.0}\" role=\"img\" \
             aria-labelledby=\"{id}-title\" xmlns=\"http://www.w3.org/2000/svg\" \
             font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\" font-size=\"12\">\
             <title id=\"{id}-title\">{title}</title>\
             <clipPath id=\"{id}-clip\"><rect x=\"{l:.2}\" y=\"{t:.2}\" width=\"{w:.2}\" height=\"{ph:.2}\"/></clipPath>",
            id = escape(&self.id),
            h = self.height,
            title = escape(&self.title),
            l = frame.left,
            t = frame.top,
            w = frame.width,
            ph = frame.height,
        );
        frame.grid(&mut out, &x_ticks, &y_ticks);
        let _ = write!(out, "<g clip-path=\"url(#{}-clip)\">", escape(&self.id));
        for layer in &self.layers {
            frame.draw(&mut out, layer);
        }
        out.push_str("</g>");
        frame.axes(&mut out, &self.x_label, &self.y_label, self.height);
        self.draw_legend(&mut out, &legend, frame.left);
        out.push_str("</svg>");
        out
    }

    fn has_dots(&self) -> bool {
        self.layers.iter().any(|l| matches!(l, Layer::Dots { .. }))
    }

    /// The named layers, wrapped into rows that fit the width.
    fn legend_rows(&self) -> Vec<Vec<&Layer>> {
        let mut rows: Vec<Vec<&Layer>> = Vec::new();
        let mut used = f64::INFINITY;
        for layer in self.layers.iter().filter(|l| !l.name().is_empty()) {
            let width = legend_width(layer.name());
            if used + width > WIDTH - 120.0 {
                rows.push(Vec::new());
                used = 0.0;
            }
            used += width;
            if let Some(row) = rows.last_mut() {
                row.push(layer);
            }
        }
        rows
    }

    fn draw_legend(&self, out: &mut String, rows: &[Vec<&Layer>], left: f64) {
        for (i, row) in rows.iter().enumerate() {
            let y = 14.0 + i as f64 * 18.0;
            let mut x = left;
            for layer in row {
                let swatch = match layer {
                    Layer::Line { dashed, .. } => format!(
                        "<line x1=\"{x:.2}\" y1=\"{y:.2}\" x2=\"{:.2}\" y2=\"{y:.2}\" stroke=\"{}\" stroke-width=\"2\"{}/>",
                        x + 16.0,
                        layer.color(),
                        if *dashed {
                            " stroke-dasharray=\"4 3\""
                        } else {
                            ""
                        }
                    ),
                    Layer::Dots { .. } => format!(
                        "<circle cx=\"{:.2}\" cy=\"{y:.2}\" r=\"3.5\" fill=\"{}\"/>",
                        x + 8.0,
                        layer.color()
                    ),
                    Layer::Band { .. } | Layer::Bars { .. } => format!(
                        "<rect x=\"{x:.2}\" y=\"{:.2}\" width=\"16\" height=\"10\" fill=\"{}\"{}/>",
                        y - 5.0,
                        layer.color(),
                        if matches!(layer, Layer::Band { .. }) {
                            " fill-opacity=\"0.25\""
                        } else {
                            ""
                        }
                    ),
                };
                out.push_str(&swatch);
                let _ = write!(
                    out,
                    "<text x=\"{:.2}\" y=\"{:.2}\" fill=\"#333\">{}</text>",
                    x + 21.0,
                    y + 4.0,
                    escape(layer.name())
                );
                x += legend_width(layer.name());
            }
        }
    }

    /// Ticks as many as fit without their labels touching.
    fn x_ticks(&self, frame: &Frame) -> Vec<(f64, String)> {
        let (lo, hi) = frame.x;
        match &self.x_axis {
            XAxis::Categories(names) => {
                let room = (frame.width / names.len().max(1) as f64 / CHAR) as usize;
                names
                    .iter()
                    .enumerate()
                    .map(|(i, name)| (i as f64, shorten(name, room.max(3))))
                    .collect()
            }
            axis => {
                for target in (2..=10).rev() {
                    let candidate: Vec<(f64, String)> = match axis {
                        XAxis::Clock => {
                            let step = clock_step(hi - lo, target as f64);
                            ticks(lo, hi, step)
                                .into_iter()
                                .map(|v| (v, clock(v, step)))
                                .collect()
                        }
                        _ => {
                            let mut step = nice_step(hi - lo, target as f64);
                            if matches!(axis, XAxis::Integers) {
                                step = step.max(1.0);
                            }
                            ticks(lo, hi, step)
                                .into_iter()
                                .map(|v| (v, number(v, step)))
                                .collect()
                        }
                    };
                    let widest = candidate
                        .iter()
                        .map(|t| t.1.chars().count())
                        .max()
                        .unwrap_or(0) as f64
                        * CHAR;
                    if candidate.len() as f64 * (widest + 16.0) <= frame.width {
                        return candidate;
                    }
                }
                Vec::new()
            }
        }
    }
}

fn legend_width(name: &str) -> f64 {
    name.chars().count() as f64 * CHAR + 36.0
}

/// The plot area and the data range it shows.
struct Frame {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    x: (f64, f64),
    y: (f64, f64),
}

impl Frame {
    fn px(&self, x: f64) -> f64 {
        self.left + (x - self.x.0) / (self.x.1 - self.x.0) * self.width
    }

    fn py(&self, y: f64) -> f64 {
        self.top + self.height - (y - self.y.0) / (self.y.1 - self.y.0) * self.height
    }

    fn grid(&self, out: &mut String, x_ticks: &[(f64, String)], y_ticks: &[(f64, String)]) {
        let bottom = self.top + self.height;
        let _ = write!(
            out,
            "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"#fbfbfd\"/>",
            self.left, self.top, self.width, self.height
        );
        for (y, label) in y_ticks {
            let py = self.py(*y);
            let _ = write!(
                out,
                "<line x1=\"{:.2}\" y1=\"{py:.2}\" x2=\"{:.2}\" y2=\"{py:.2}\" stroke=\"#e3e3e8\"/>\
                 <text x=\"{:.2}\" y=\"{:.2}\" text-anchor=\"end\" fill=\"#555\">{}</text>",
                self.left,
                self.left + self.width,
                self.left - 6.0,
                py + 4.0,
                escape(label)
            );
        }
        for (x, label) in x_ticks {
            let px = self.px(*x);
            let _ = write!(
                out,
                "<line x1=\"{px:.2}\" y1=\"{:.2}\" x2=\"{px:.2}\" y2=\"{bottom:.2}\" stroke=\"#eeeef2\"/>\
                 <line x1=\"{px:.2}\" y1=\"{bottom:.2}\" x2=\"{px:.2}\" y2=\"{:.2}\" stroke=\"#888\"/>\
                 <text x=\"{px:.2}\" y=\"{:.2}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
                self.top,
                bottom + 4.0,
                bottom + 16.0,
                escape(label)
            );
        }
        if self.y.0 < 0.0 && self.y.1 > 0.0 {
            let py = self.py(0.0);
            let _ = write!(
                out,
                "<line x1=\"{:.2}\" y1=\"{py:.2}\" x2=\"{:.2}\" y2=\"{py:.2}\" stroke=\"#999\"/>",
                self.left,
                self.left + self.width
            );
        }
    }

    fn axes(&self, out: &mut String, x_label: &str, y_label: &str, height: f64) {
        let bottom = self.top + self.height;
        let middle = self.top + self.height / 2.0;
        let _ = write!(
            out,
            "<path d=\"M{l:.2},{t:.2}V{b:.2}H{r:.2}\" fill=\"none\" stroke=\"#888\"/>\
             <text x=\"{cx:.2}\" y=\"{xy:.2}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#333\">{x}</text>\
             <text transform=\"translate(14 {middle:.2}) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\" fill=\"#333\">{y}</text>",
            l = self.left,
            t = self.top,
            b = bottom,
            r = self.left + self.width,
            cx = self.left + self.width / 2.0,
            xy = height - 8.0,
            x = escape(x_label),
            y = escape(y_label),
        );
    }

    fn draw(&self, out: &mut String, layer: &Layer) {
        match layer {
            Layer::Line {
                color,
                points,
                dashed,
                ..
            } => {
                let pixels: Vec<(f64, f64)> = points
                    .iter()
                    .map(|&(x, y)| (self.px(x), self.py(y)))
                    .collect();
                let pixels = if pixels.len() > THIN_ABOVE {
                    thin(&pixels)
                } else {
                    pixels
                };
                if pixels.is_empty() {
                    return;
                }
                let mut d = String::new();
                for (i, (x, y)) in pixels.iter().enumerate() {
                    let _ = write!(d, "{}{x:.2},{y:.2}", if i == 0 { "M" } else { "L" });
                }
                let _ = write!(
                    out,
                    "<path class=\"data\" d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.6\" stroke-linejoin=\"round\"{}/>",
                    if *dashed {
                        " stroke-dasharray=\"5 4\""
                    } else {
                        ""
                    }
                );
            }
            Layer::Band { color, points, .. } => {
                if points.is_empty() {
                    return;
                }
                let mut d = String::new();
                for (i, &(x, _, high)) in points.iter().enumerate() {
                    let _ = write!(
                        d,
                        "{}{:.2},{:.2}",
                        if i == 0 { "M" } else { "L" },
                        self.px(x),
                        self.py(high)
                    );
                }
                for &(x, low, _) in points.iter().rev() {
                    let _ = write!(d, "L{:.2},{:.2}", self.px(x), self.py(low));
                }
                let _ = write!(
                    out,
                    "<path class=\"data band\" d=\"{d}Z\" fill=\"{color}\" fill-opacity=\"0.18\" stroke=\"none\"/>"
                );
            }
            Layer::Bars { color, bars, .. } => {
                for &(x0, x1, y) in bars {
                    let (a, b) = (self.px(x0), self.px(x1));
                    let (top, bottom) = (self.py(y.max(0.0)), self.py(y.min(0.0)));
                    let gap = ((b - a) * 0.08).min(1.0);
                    let _ = write!(
                        out,
                        "<rect class=\"data\" x=\"{:.2}\" y=\"{top:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"{color}\"/>",
                        a + gap / 2.0,
                        (b - a - gap).max(0.5),
                        (bottom - top).max(0.5)
                    );
                }
            }
            Layer::Dots { color, points, .. } => {
                for &(x, y) in points {
                    let _ = write!(
                        out,
                        "<circle class=\"data\" cx=\"{:.2}\" cy=\"{:.2}\" r=\"3\" fill=\"{color}\" fill-opacity=\"0.65\"/>",
                        self.px(x),
                        self.py(y)
                    );
                }
            }
        }
    }
}

/// Per pixel column: the first, lowest, highest and last point, in order.
fn thin(pixels: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < pixels.len() {
        let column = pixels[start].0.floor();
        let end = pixels[start..]
            .iter()
            .position(|p| p.0.floor() != column)
            .map_or(pixels.len(), |n| start + n);
        let run = &pixels[start..end];
        let low = (0..run.len()).min_by(|&a, &b| run[a].1.total_cmp(&run[b].1));
        let high = (0..run.len()).max_by(|&a, &b| run[a].1.total_cmp(&run[b].1));
        let mut keep: Vec<usize> = [Some(0), low, high, Some(run.len() - 1)]
            .into_iter()
            .flatten()
            .collect();
        keep.sort_unstable();
        keep.dedup();
        out.extend(keep.into_iter().map(|i| run[i]));
        start = end;
    }
    out
}

/// The lowest and highest of `values`, apart when they are one value.
fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi > lo {
        (lo, hi)
    } else {
        let half = if lo == 0.0 { 1.0 } else { lo.abs() * 0.05 };
        (lo - half, hi + half)
    }
}

/// Room on both sides so dots at the ends are whole.
fn padded((lo, hi): (f64, f64), pad: bool) -> (f64, f64) {
    if pad {
        let margin = (hi - lo) * 0.05;
        (lo - margin, hi + margin)
    } else {
        (lo, hi)
    }
}

/// 1, 2, 2.5 or 5 times a power of ten, about `span / target`.
pub fn nice_step(span: f64, target: f64) -> f64 {
    let raw = (span / target).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    let normal = raw / magnitude;
    let nice = [1.0, 2.0, 2.5, 5.0]
        .into_iter()
        .find(|&n| normal <= n * (1.0 + 1e-9))
        .unwrap_or(10.0);
    nice * magnitude
}

/// Multiples of `step` from `lo` to `hi`.
pub fn ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// `value` with as many decimals as `step` needs.
pub fn number(value: f64, step: f64) -> String {
    let mut decimals = 0;
    while decimals < 12 {
        let scaled = step * 10f64.powi(decimals);
        if (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0) {
            break;
        }
        decimals += 1;
    }
    let text = format!("{value:.*}", decimals as usize);
    // No "-0" for a tick at zero.
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) if !rest.chars().all(|c| c == '0' || c == '.') => ("-", rest),
        Some(rest) => ("", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = digits.split_at(digits.find('.').unwrap_or(digits.len()));
    format!("{sign}{}{fraction}", grouped(whole))
}

/// Thousands apart with commas from five digits on: 12,500 and 2,000,000.
fn grouped(digits: &str) -> String {
    if digits.len() < 5 {
        return digits.to_owned();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A step of whole seconds, minutes or hours for a clock axis.
fn clock_step(span: f64, target: f64) -> f64 {
    const STEPS: [f64; 16] = [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
        10800.0, 21600.0,
    ];
    STEPS
        .into_iter()
        .find(|&s| s * target >= span)
        .unwrap_or(43200.0)
}

/// `HH:MM`, or `HH:MM:SS` for steps below a minute.
fn clock(seconds: f64, step: f64) -> String {
    let s = seconds.round() as i64;
    let (h, m, sec) = (s.div_euclid(3600) % 24, s.div_euclid(60) % 60, s % 60);
    if step < 60.0 {
        format!("{h:02}:{m:02}:{sec:02}")
    } else {
        format!("{h:02}:{m:02}")
    }
}

fn shorten(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(room.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_and_their_labels() {
        assert_eq!(nice_step(10.0, 5.0), 2.0);
        assert_eq!(nice_step(1.0, 4.0), 0.25);
        assert_eq!(nice_step(0.0007, 5.0), 0.0002);
        assert_eq!(ticks(-0.3, 1.1, 0.5), [-0.0, 0.5, 1.0]);
        assert_eq!(number(0.5, 0.25), "0.50");
        assert_eq!(number(-0.0, 0.5), "0.0");
        assert_eq!(number(1200.0, 200.0), "1200");
        assert_eq!(number(-2_500_000.0, 500_000.0), "-2,500,000");
        assert_eq!(number(12_500.5, 0.5), "12,500.5");
        assert_eq!(number(0.0004, 0.0002), "0.0004");
    }

    #[test]
    fn clock_ticks() {
        // 2 hours in about 6 ticks: every 30 minutes.
        assert_eq!(clock_step(7200.0, 6.0), 1800.0);
        assert_eq!(clock(34200.0, 1800.0), "09:30");
        assert_eq!(clock(34215.0, 15.0), "09:30:15");
    }

    #[test]
    fn thinning_keeps_each_columns_extremes_in_order() {
        let pixels = [
            (0.1, 5.0),
            (0.5, 9.0),
            (0.6, 1.0),
            (0.9, 4.0),
            (0.95, 3.0),
            (1.2, 2.0),
        ];
        assert_eq!(
            thin(&pixels),
            [(0.1, 5.0), (0.5, 9.0), (0.6, 1.0), (0.95, 3.0), (1.2, 2.0)]
        );
    }

    #[test]
    fn a_chart_is_deterministic_and_escaped() {
        let chart = Chart::new("c", "a < b", "x", "y", XAxis::Numbers).layer(Layer::Line {
            name: "A & B".into(),
            color: PALETTE[0],
            points: vec![(0.0, 1.0), (1.0, 2.0), (2.0, 1.5)],
            dashed: false,
        });
        let svg = chart.render();
        assert_eq!(svg, chart.render());
        assert!(svg.starts_with("<svg id=\"c\"") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"c-title\">a &lt; b</title>"));
        assert!(svg.contains("A &amp; B") && svg.contains("class=\"data\""));
    }
}
