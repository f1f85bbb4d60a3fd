//! The report of a `scenario run --runs K` folder: each seed's stylized
//! facts from its `seed-N` folder, then each metric of `stats.csv` across
//! the seeds.

use std::path::Path;

use serde_json::Value;

use super::super::metrics::columns;
use super::html::{Cell, Page, meta, table, verdict};
use super::load::{json, series};
use super::metric_plots::{Points, Seeded, link, plots, read_stats, stats_table};
use super::run::{Company, Span, minute_returns};
use super::stats;
use super::svg::escape;

pub fn report(dir: &Path) -> anyhow::Result<String> {
    let summary = json(&dir.join("summary.json"))?;
    let (table_csv, stats) = read_stats(dir)?;
    let runs: Vec<(u64, &Value)> = summary
        .get("runs")
        .and_then(Value::as_object)
        .map(|r| {
            r.iter()
                .filter_map(|(seed, s)| Some((seed.parse().ok()?, s)))
                .collect()
        })
        .unwrap_or_default();
    let mut runs = runs;
    runs.sort_by_key(|r| r.0);
    let mut seeds = Vec::new();
    for metric in columns(runs.iter().map(|r| r.1)) {
        for (seed, s) in &runs {
            if let Some(number) = metric.read(s) {
                seeds.push(Seeded {
                    values: Vec::new(),
                    seed: *seed,
                    metric: metric.name.clone(),
                    value: number.value,
                });
            }
        }
    }
    let scenario = summary
        .get("scenario")
        .and_then(Value::as_str)
        .unwrap_or("scenario");
    let title = format!("{scenario}: {} seeds", runs.len());
    let mut page = Page::new(
        &title,
        "The same scenario over several seeds: each run's stylized facts, then each metric's value per seed with the mean and its 95 % confidence interval.",
    );
    page.push(&meta(&[
        ("Scenario", escape(scenario)),
        (
            "Scenario SHA-256",
            format!(
                "<code>{}</code>",
                escape(
                    summary
                        .get("scenario_sha256")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                )
            ),
        ),
        (
            "Seeds",
            runs.iter()
                .map(|r| r.0.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]));
    page.heading("Stylized facts per seed", "facts");
    page.push(&seed_facts(dir, &runs)?);
    plots(
        &mut page,
        &Points {
            keys: Vec::new(),
            stats,
            seeds,
        },
    );
    stats_table(&mut page, &table_csv);
    Ok(page.finish(&title))
}

/// Each seed's facts, from its folder's tables.
fn seed_facts(dir: &Path, runs: &[(u64, &Value)]) -> anyhow::Result<String> {
    let mut rows = Vec::new();
    for (seed, summary) in runs {
        let folder = format!("seed-{seed}");
        let run_dir = dir.join(&folder);
        let tables = super::tables(&run_dir);
        let span = Span::of(summary)?;
        let trades = tables.trades()?;
        let quotes = tables.quotes()?;
        for symbol in summary
            .get("companies")
            .and_then(Value::as_object)
            .map(|c| c.keys().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            let company = Company {
                symbol,
                trades: series(&trades, symbol),
                quotes: series(&quotes, symbol),
                fundamental: None,
            };
            let (returns, _) = minute_returns(&company, span);
            let mut row = vec![
                link(dir, &folder, &seed.to_string()),
                Cell::Text(symbol.clone()),
            ];
            row.push(Cell::Number(returns.len().to_string()));
            for fact in stats::facts(&returns) {
                row.push(Cell::Html(format!(
                    "{} {}",
                    escape(&fact.value),
                    verdict(fact.pass)
                )));
            }
            rows.push(row);
        }
    }
    let rules = stats::facts(&[]);
    let header: Vec<String> = rules
        .iter()
        .map(|f| format!("{} ({})", f.name, f.rule))
        .collect();
    let mut columns = vec!["Seed", "Company", "Returns"];
    columns.extend(header.iter().map(String::as_str));
    Ok(table(&columns, &rows))
}
