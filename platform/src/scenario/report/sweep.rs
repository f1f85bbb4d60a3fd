//! The report of a sweep folder: `manifest.json`, `sweep.csv` and
//! `stats.csv` as each metric against each swept key, the table, the runs.

use std::path::Path;

use serde_json::Value;

use super::html::{Cell, Page, meta, table};
use super::load::{Csv, json};
use super::metric_plots::{Key, Points, Seeded, float, link, plots, read_stats, stats_table};
use super::svg::escape;

pub fn report(dir: &Path) -> anyhow::Result<String> {
    let manifest = json(&dir.join("manifest.json"))?;
    let keys: Vec<Key> = manifest
        .get("keys")
        .and_then(Value::as_array)
        .map(|keys| {
            keys.iter()
                .map(|k| Key {
                    name: k
                        .get("key")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    values: k
                        .get("values")
                        .and_then(Value::as_array)
                        .map(|v| {
                            v.iter()
                                .filter_map(|v| v.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let (table_csv, stats) = read_stats(dir)?;
    let sweep = Csv::read(&dir.join("sweep.csv"))?;
    let mut seeds = Vec::new();
    let seed_column = sweep.header.iter().position(|h| h == "seed").unwrap_or(0);
    for row in sweep.rows() {
        let values: Vec<String> = keys
            .iter()
            .map(|k| row.get(&k.name).map(str::to_owned))
            .collect::<anyhow::Result<_>>()?;
        let seed: u64 = row.get("seed")?.parse()?;
        for metric in &sweep.header[seed_column + 1..] {
            if let Some(value) = float(row.get(metric)?) {
                seeds.push(Seeded {
                    values: values.clone(),
                    seed,
                    metric: metric.clone(),
                    value,
                });
            }
        }
    }
    let scenario = manifest
        .get("scenario")
        .and_then(Value::as_str)
        .unwrap_or("scenario");
    let title = format!("{scenario}: sweep report");
    let mut page = Page::new(
        &title,
        "Each metric's mean over the seeds with its 95 % confidence interval (shaded) and every seed's value (dots), against each swept key.",
    );
    let runs = manifest
        .get("runs")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let seeds_range = manifest.get("seeds").map_or_else(String::new, |s| {
        format!(
            "{}..{}",
            s.get("first").map_or_else(String::new, Value::to_string),
            s.get("last").map_or_else(String::new, Value::to_string)
        )
    });
    page.push(&meta(&[
        ("Scenario", escape(scenario)),
        (
            "Scenario SHA-256",
            format!(
                "<code>{}</code>",
                escape(
                    manifest
                        .get("scenario_sha256")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                )
            ),
        ),
        (
            "Swept",
            escape(
                &keys
                    .iter()
                    .map(|k| format!("{} = {}", k.name, k.values.join(", ")))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ),
        ("Seeds", escape(&seeds_range)),
        ("Runs", runs.len().to_string()),
    ]));
    let points = Points { keys, stats, seeds };
    plots(&mut page, &points);
    stats_table(&mut page, &table_csv);
    page.heading("Runs", "runs");
    let rows: Vec<Vec<Cell>> = runs
        .iter()
        .map(|run| {
            let folder = run
                .get("folder")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let parameters = run
                .get("parameters")
                .and_then(Value::as_object)
                .map(|p| {
                    p.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            vec![
                Cell::Number(run.get("index").map_or_else(String::new, Value::to_string)),
                Cell::Text(parameters),
                Cell::Number(run.get("seed").map_or_else(String::new, Value::to_string)),
                link(dir, folder, folder),
            ]
        })
        .collect();
    page.push(&table(&["Index", "Parameters", "Seed", "Folder"], &rows));
    Ok(page.finish(&title))
}
