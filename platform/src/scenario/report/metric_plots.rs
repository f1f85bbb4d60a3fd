//! What the sweep and `--runs` reports share: `stats.csv` read into
//! rows, each metric's plot (its mean with the 95 % interval and every
//! seed's value, against a swept key or across the seeds), the table, and
//! links to the run folders.

use std::collections::BTreeMap;
use std::path::Path;

use super::html::{Cell, Page, figure, note, slug, table};
use super::load::Csv;
use super::svg::{Chart, Layer, PALETTE, XAxis, escape};

/// A swept key and its values, in the sweep's order.
pub struct Key {
    pub name: String,
    pub values: Vec<String>,
}

/// A row of `stats.csv`.
pub struct Stat {
    pub values: Vec<String>,
    pub metric: String,
    pub mean: Option<f64>,
    pub interval: Option<(f64, f64)>,
}

/// One run's value of one metric.
pub struct Seeded {
    pub values: Vec<String>,
    pub seed: u64,
    pub metric: String,
    pub value: f64,
}

/// Everything the plots are made from.
pub struct Points {
    pub keys: Vec<Key>,
    pub stats: Vec<Stat>,
    pub seeds: Vec<Seeded>,
}

pub fn float(text: &str) -> Option<f64> {
    text.parse().ok()
}

/// The statistics table and its rows; the keys are the columns between
/// `point` and `metric`.
pub fn read_stats(dir: &Path) -> anyhow::Result<(Csv, Vec<Stat>)> {
    let csv = Csv::read(&dir.join("stats.csv"))?;
    let metric = csv
        .header
        .iter()
        .position(|h| h == "metric")
        .ok_or_else(|| anyhow::anyhow!("{}/stats.csv has no metric column", dir.display()))?;
    let mut stats = Vec::new();
    for row in csv.rows() {
        let low = float(row.get("ci95_low")?);
        let high = float(row.get("ci95_high")?);
        stats.push(Stat {
            values: csv.header[1..metric]
                .iter()
                .map(|k| row.get(k).map(str::to_owned))
                .collect::<anyhow::Result<_>>()?,
            metric: row.get("metric")?.to_owned(),
            mean: float(row.get("mean")?),
            interval: low.zip(high),
        });
    }
    Ok((csv, stats))
}

/// The metrics that have a mean somewhere, in the table's order, and
/// those that have none.
fn metrics(stats: &[Stat]) -> (Vec<&str>, Vec<&str>) {
    let mut order: Vec<&str> = Vec::new();
    for s in stats {
        if !order.contains(&s.metric.as_str()) {
            order.push(&s.metric);
        }
    }
    order
        .into_iter()
        .partition(|m| stats.iter().any(|s| s.metric == *m && s.mean.is_some()))
}

/// Which part of the summary a metric is from: the run, a company, a group.
fn part(metric: &str) -> String {
    match metric.strip_prefix("bots.") {
        Some(rest) => format!("bots.{}", rest.split('.').next().unwrap_or(rest)),
        None => match metric.split_once('.') {
            Some((symbol, _)) => symbol.to_owned(),
            None => "run".to_owned(),
        },
    }
}

/// `text` as a relative link to a run folder's summary, when it is there.
pub fn link(dir: &Path, folder: &str, text: &str) -> Cell {
    if dir.join(folder).join("summary.json").is_file() {
        let href: String = folder
            .bytes()
            .map(|b| match b {
                b'%' => "%25".to_owned(),
                b'"' => "%22".to_owned(),
                b => (b as char).to_string(),
            })
            .collect();
        Cell::Html(format!(
            "<a href=\"{}/summary.json\">{}</a>",
            escape(&href),
            escape(text)
        ))
    } else {
        Cell::Text(text.to_owned())
    }
}

pub fn stats_table(page: &mut Page, csv: &Csv) {
    page.heading("stats.csv", "stats");
    let header: Vec<&str> = csv.header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<Cell>> = csv
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&csv.header)
                .map(|(v, h)| match h.as_str() {
                    "metric" => Cell::Text(v.clone()),
                    _ if float(v).is_some() || v.is_empty() => Cell::Number(v.clone()),
                    _ => Cell::Text(v.clone()),
                })
                .collect()
        })
        .collect();
    page.push(&format!(
        "<details><summary>{} rows: per point and metric, n, mean, sd, min, max and the 95 % interval</summary>{}</details>",
        rows.len(),
        table(&header, &rows)
    ));
}

/// Every metric with a value, grouped by the part of the summary it is
/// from: against each key, or across the seeds without keys.
pub fn plots(page: &mut Page, points: &Points) {
    let (shown, empty) = metrics(&points.stats);
    let mut parts: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for metric in &shown {
        let p = part(metric);
        if !order.contains(&p) {
            order.push(p.clone());
        }
        parts.entry(p).or_default().push(metric);
    }
    for p in order {
        page.heading(&format!("Metrics: {p}"), &format!("metrics-{}", slug(&p)));
        let mut figures = Vec::new();
        for metric in &parts[&p] {
            if points.keys.is_empty() {
                figures.push(across_seeds(points, metric));
            }
            for k in 0..points.keys.len() {
                figures.push(against_key(points, metric, k));
            }
        }
        page.grid(&figures);
    }
    if !empty.is_empty() {
        page.push(&format!(
            "<p class=\"lead\">No run has a value for: {}.</p>",
            escape(&empty.join(", "))
        ));
    }
}

/// x of each of the key's values: the values themselves when all are
/// numbers, else their positions.
fn positions(key: &Key) -> (XAxis, Vec<f64>) {
    let numbers: Option<Vec<f64>> = key.values.iter().map(|v| float(v)).collect();
    let whole = key.values.iter().all(|v| v.parse::<i64>().is_ok());
    match numbers {
        Some(numbers) if whole => (XAxis::Integers, numbers),
        Some(numbers) => (XAxis::Numbers, numbers),
        None => (
            XAxis::Categories(key.values.clone()),
            (0..key.values.len()).map(|i| i as f64).collect(),
        ),
    }
}

fn against_key(points: &Points, metric: &str, k: usize) -> String {
    let key = &points.keys[k];
    let (axis, xs) = positions(key);
    let x_of = |values: &[String]| -> Option<f64> {
        key.values
            .iter()
            .position(|v| *v == values[k])
            .map(|i| xs[i])
    };
    // One line per combination of the other keys' values.
    let others = |values: &[String]| -> Vec<String> {
        values
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != k)
            .map(|(i, v)| format!("{}={v}", points.keys[i].name))
            .collect()
    };
    let mut groups: Vec<Vec<String>> = Vec::new();
    for s in points.stats.iter().filter(|s| s.metric == metric) {
        let g = others(&s.values);
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    let title = format!("{metric} against {}", key.name);
    let mut chart = Chart::new(
        &format!("sweep-{}-{}", slug(metric), slug(&key.name)),
        &title,
        &key.name,
        metric,
        axis,
    );
    chart.height = 280.0;
    let single = groups.len() <= 1;
    for (g, group) in groups.iter().enumerate() {
        let color = PALETTE[g % PALETTE.len()];
        let mut rows: Vec<(f64, &Stat)> = points
            .stats
            .iter()
            .filter(|s| s.metric == metric && others(&s.values) == *group)
            .filter_map(|s| Some((x_of(&s.values)?, s)))
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        let named = |name: &str| {
            if single {
                name.to_owned()
            } else {
                String::new()
            }
        };
        chart = chart
            .layer(Layer::Band {
                name: named("95% interval"),
                color,
                points: rows
                    .iter()
                    .filter_map(|(x, s)| s.interval.map(|(lo, hi)| (*x, lo, hi)))
                    .collect(),
            })
            .layer(Layer::Dots {
                name: named("a seed"),
                color,
                points: points
                    .seeds
                    .iter()
                    .filter(|s| s.metric == metric && others(&s.values) == *group)
                    .filter_map(|s| Some((x_of(&s.values)?, s.value)))
                    .collect(),
            })
            .layer(Layer::Line {
                name: if single {
                    "mean".into()
                } else {
                    group.join(", ")
                },
                color,
                points: rows
                    .iter()
                    .filter_map(|(x, s)| Some((*x, s.mean?)))
                    .collect(),
                dashed: false,
            });
    }
    figure(
        &title,
        "Mean over the seeds, 95 % interval shaded, a dot per seed.",
        &chart,
        "No values.",
    )
}

fn across_seeds(points: &Points, metric: &str) -> String {
    let values: Vec<(f64, f64)> = points
        .seeds
        .iter()
        .filter(|s| s.metric == metric)
        .map(|s| (s.seed as f64, s.value))
        .collect();
    if values.is_empty() {
        return note(metric, "No run has a value.");
    }
    let stat = points.stats.iter().find(|s| s.metric == metric);
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v.0), b.max(v.0))
        });
    let mut chart = Chart::new(
        &format!("seeds-{}", slug(metric)),
        metric,
        "seed",
        metric,
        XAxis::Integers,
    );
    chart.height = 260.0;
    if let Some((low, high)) = stat.and_then(|s| s.interval) {
        chart = chart.layer(Layer::Band {
            name: "95% interval".into(),
            color: PALETTE[0],
            points: vec![(lo, low, high), (hi, low, high)],
        });
    }
    if let Some(mean) = stat.and_then(|s| s.mean) {
        chart = chart.layer(Layer::Line {
            name: "mean".into(),
            color: PALETTE[0],
            points: vec![(lo, mean), (hi, mean)],
            dashed: true,
        });
    }
    chart = chart.layer(Layer::Dots {
        name: "a seed".into(),
        color: PALETTE[0],
        points: values,
    });
    figure(
        metric,
        "Each seed's value, the mean over the seeds and its 95 % interval.",
        &chart,
        "No values.",
    )
}
