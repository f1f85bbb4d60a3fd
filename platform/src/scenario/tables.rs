//! `sweep.csv` (a row per run) and `stats.csv` (per parameter point and
//! metric, the statistics across its seeds), as text: fixed columns in a
//! fixed order, floats as [`float`] writes them, so the same runs give
//! the same bytes.

use std::collections::BTreeMap;

use serde_json::Value;

use super::grid::Axis;
use super::metrics::{Metric, columns, float};
use super::seed_stats::Estimate;

/// A run as the tables see it.
pub struct Row<'a> {
    pub index: u64,
    /// Its point of the grid, and that point's values in key order.
    pub point: u64,
    pub values: Vec<&'a str>,
    pub seed: u64,
    pub summary: &'a Value,
}

/// A CSV field, quoted when it has to be.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn line(out: &mut String, fields: impl IntoIterator<Item = String>) {
    let fields: Vec<String> = fields.into_iter().map(|f| field(&f)).collect();
    out.push_str(&fields.join(","));
    out.push('\n');
}

/// `index,<keys>,seed,<metrics>`: a row per run, in `rows`' order.
pub fn sweep_csv(keys: &[Axis], rows: &[Row<'_>]) -> String {
    let metrics = columns(rows.iter().map(|r| r.summary));
    let mut out = String::new();
    line(
        &mut out,
        std::iter::once("index".to_owned())
            .chain(keys.iter().map(|a| a.key.clone()))
            .chain(["seed".to_owned()])
            .chain(metrics.iter().map(|m| m.name.clone())),
    );
    for row in rows {
        line(
            &mut out,
            std::iter::once(row.index.to_string())
                .chain(row.values.iter().map(|v| (*v).to_owned()))
                .chain([row.seed.to_string()])
                .chain(
                    metrics
                        .iter()
                        .map(|m| m.read(row.summary).map(|n| n.text).unwrap_or_default()),
                ),
        );
    }
    out
}

/// `point,<keys>,metric,n,mean,sd,min,max,ci95_low,ci95_high`: per point
/// (in grid order) and metric, over the runs that have a value for it, in
/// `rows`' order.
pub fn stats_csv(keys: &[Axis], rows: &[Row<'_>]) -> String {
    let metrics: Vec<Metric> = columns(rows.iter().map(|r| r.summary));
    let mut points: BTreeMap<u64, Vec<&Row<'_>>> = BTreeMap::new();
    for row in rows {
        points.entry(row.point).or_default().push(row);
    }
    let mut out = String::new();
    line(
        &mut out,
        std::iter::once("point".to_owned())
            .chain(keys.iter().map(|a| a.key.clone()))
            .chain(
                [
                    "metric",
                    "n",
                    "mean",
                    "sd",
                    "min",
                    "max",
                    "ci95_low",
                    "ci95_high",
                ]
                .map(str::to_owned),
            ),
    );
    let shown = |v: Option<f64>| v.map(float).unwrap_or_default();
    for (point, runs) in &points {
        for metric in &metrics {
            let values: Vec<f64> = runs
                .iter()
                .filter_map(|r| metric.read(r.summary))
                .map(|n| n.value)
                .collect();
            let e = Estimate::of(&values);
            let (low, high) = e.interval().unzip();
            line(
                &mut out,
                std::iter::once(point.to_string())
                    .chain(runs[0].values.iter().map(|v| (*v).to_owned()))
                    .chain([
                        metric.name.clone(),
                        e.n.to_string(),
                        shown(e.mean),
                        shown(e.sd),
                        shown(e.min),
                        shown(e.max),
                        shown(low),
                        shown(high),
                    ]),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_of_two_points_with_two_seeds() {
        let keys = vec![Axis {
            key: "fees.commission".into(),
            values: vec!["0.001".into(), "\"a,b\"".into()],
        }];
        let s = [
            json!({"trades": 1, "fees_and_taxes": "1.00", "companies": {}, "groups": {}}),
            json!({"trades": 2, "fees_and_taxes": "2.50", "companies": {}, "groups": {}}),
            json!({"trades": 3, "fees_and_taxes": null, "companies": {}, "groups": {}}),
            json!({"trades": 5, "companies": {}, "groups": {}}),
        ];
        let rows: Vec<Row<'_>> = (0..4)
            .map(|i| Row {
                index: i,
                point: i / 2,
                values: vec![keys[0].values[(i / 2) as usize].as_str()],
                seed: 7 + i % 2,
                summary: &s[i as usize],
            })
            .collect();
        assert_eq!(
            sweep_csv(&keys, &rows),
            "index,fees.commission,seed,events_processed,trades,orders_refused,fees_and_taxes\n\
             0,0.001,7,,1,,1.00\n\
             1,0.001,8,,2,,2.50\n\
             2,\"\"\"a,b\"\"\",7,,3,,\n\
             3,\"\"\"a,b\"\"\",8,,5,,\n"
        );
        let stats = stats_csv(&keys, &rows);
        let lines: Vec<&str> = stats.lines().collect();
        assert_eq!(
            lines[0],
            "point,fees.commission,metric,n,mean,sd,min,max,ci95_low,ci95_high"
        );
        assert_eq!(lines[1], "0,0.001,events_processed,0,,,,,,");
        // 1 and 2: sd 0.7071..., half width 12.706205 * 0.5 = 6.3531025
        assert_eq!(
            lines[2],
            "0,0.001,trades,2,1.5,0.7071067811865476,1.0,2.0,-4.8531025,7.8531025"
        );
        // 1.00 and 2.50: half width 12.706205 * 0.75
        assert_eq!(
            lines[4],
            "0,0.001,fees_and_taxes,2,1.75,1.0606601717798212,1.0,2.5,-7.77965375,11.27965375"
        );
        assert_eq!(lines[8], "1,\"\"\"a,b\"\"\",fees_and_taxes,0,,,,,,");
        assert_eq!(lines.len(), 9);
    }
}
