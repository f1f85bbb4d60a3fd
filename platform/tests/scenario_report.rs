//! `marketlab scenario report`, the real binary: a 30-minute RMSC03 run's
//! page has every plot with data, the stylized facts with values and the
//! same bytes twice; a plot whose file the run did not write becomes a
//! note; a run written as Parquet has the same plots and facts; a sweep's page has a plot per
//! metric and key, a `--runs` folder's the facts of every seed. Where
//! Chromium is installed it renders each page headless and finds the same
//! plots in the DOM.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

#[path = "support/outputs.rs"]
mod outputs;
use outputs::{hashes, root, scratch};

fn marketlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marketlab"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> String {
    let output = marketlab(args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn report(dir: &Path) -> String {
    ok(&["scenario", "report", dir.to_str().unwrap()]);
    std::fs::read_to_string(dir.join("report.html")).unwrap()
}

/// Each `<svg ...>...</svg>` of the page.
fn charts(page: &str) -> Vec<&str> {
    page.match_indices("<svg ")
        .map(|(at, _)| {
            let end = page[at..].find("</svg>").unwrap();
            &page[at..at + end]
        })
        .collect()
}

fn chart<'a>(page: &'a str, id: &str) -> &'a str {
    charts(page)
        .into_iter()
        .find(|svg| svg.starts_with(&format!("<svg id=\"{id}\"")))
        .unwrap_or_else(|| panic!("no chart {id}"))
}

/// Nothing outside the file: no scripts, no fetched resources.
fn self_contained(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("<script"));
    let outside = page
        .replace("xmlns=\"http://www.w3.org/2000/svg\"", "")
        .contains("http");
    assert!(!outside, "the page refers to an address");
}

/// The number of `<svg` elements in the DOM Chromium builds from `page`,
/// or `None` without Chromium.
fn rendered_charts(page: &Path) -> Option<usize> {
    let chromium = ["/usr/bin/chromium", "chromium"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok());
    let Some(chromium) = chromium else {
        eprintln!("chromium is not installed: the headless rendering is not checked");
        return None;
    };
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--dump-dom",
            &format!("file://{}", page.canonicalize().unwrap().display()),
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(
        String::from_utf8_lossy(&output.stdout)
            .matches("<svg")
            .count(),
    )
}

const PLOTS: [&str; 6] = ["price", "returns", "acf", "spread", "depth", "volume"];

#[test]
fn a_run_report_has_every_plot_and_the_stylized_facts() {
    let dir = scratch("report", "run");
    let started = Instant::now();
    ok(&[
        "scenario",
        "run",
        "scenarios/abides_rmsc03.toml",
        "--duration",
        "30m",
        "--out",
        dir.to_str().unwrap(),
    ]);
    eprintln!(
        "30 minutes of RMSC03 in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let before = hashes(&dir);
    let page = report(&dir);
    // It adds its page and changes nothing else.
    let mut after = hashes(&dir);
    assert!(after.remove("report.html").is_some());
    assert_eq!(after, before);
    self_contained(&page);
    assert_eq!(charts(&page).len(), PLOTS.len() + 1);
    for id in PLOTS
        .map(|p| format!("{p}-ABM"))
        .iter()
        .chain(&["pnl".to_owned()])
    {
        let svg = chart(&page, id);
        assert!(svg.contains("class=\"data"), "{id} draws nothing");
        assert!(svg.contains("<title"), "{id} has no title");
    }
    // The fundamental beside the price; the normal beside the histogram.
    assert!(chart(&page, "price-ABM").contains("fundamental"));
    assert!(chart(&page, "returns-ABM").contains("normal, same mean and variance"));
    for fact in [
        "Fat tails",
        "Volatility clustering",
        "No autocorrelation beyond lag 1",
    ] {
        let row = &page[page.find(&format!("<td>{fact}</td>")).unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        // Fact, rule, value, result: the value starts with a number.
        let cells: Vec<&str> = row.split("<td>").skip(1).collect();
        assert_eq!(cells.len(), 4, "{row}");
        let value = cells[2].trim_end_matches("</td>");
        let number = value.split(' ').next().unwrap();
        assert!(number.parse::<f64>().is_ok(), "{fact}: {value}");
        assert!(
            row.contains("class=\"pass\"") || row.contains("class=\"fail\""),
            "{row}"
        );
    }
    assert!(
        page.contains("From n = 29 one-minute log returns"),
        "30 minutes"
    );
    for group in ["noise", "value", "momentum", "market_maker"] {
        assert!(page.contains(&format!("<td>{group}</td>")), "{group}");
    }

    let again = dir.join("again.html");
    ok(&[
        "scenario",
        "report",
        dir.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read_to_string(&again).unwrap(),
        page,
        "the same bytes"
    );
    if let Some(found) = rendered_charts(&dir.join("report.html")) {
        assert_eq!(found, PLOTS.len() + 1);
    }

    // Without quotes.csv, spread and depth become notes saying what to ask.
    let partial = scratch("report", "partial");
    for file in ["summary.json", "trades.csv", "fundamental.csv"] {
        std::fs::copy(dir.join(file), partial.join(file)).unwrap();
    }
    let page = report(&partial);
    assert_eq!(charts(&page).len(), PLOTS.len() + 1 - 2);
    assert_eq!(
        page.matches("Needs quotes.csv: add &quot;quotes&quot;")
            .count(),
        2
    );

    // The same run written as Parquet gives the same plots and facts.
    let parquet = scratch("report", "parquet");
    ok(&[
        "scenario",
        "run",
        "scenarios/abides_rmsc03.toml",
        "--duration",
        "30m",
        "--format",
        "parquet",
        "--out",
        parquet.to_str().unwrap(),
    ]);
    assert!(!parquet.join("trades.csv").exists());
    let from_parquet = report(&parquet);
    let from_csv = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let ids = |page: &str| -> Vec<String> {
        charts(page)
            .iter()
            .map(|svg| svg.split('"').nth(1).unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&from_parquet), ids(&from_csv));
    let facts = |page: &str| {
        let table = &page[page.find("Stylized facts").unwrap()..];
        table[..table.find("</table>").unwrap()].to_owned()
    };
    assert_eq!(facts(&from_parquet), facts(&from_csv));
}

/// The metrics of `stats.csv` with a mean somewhere.
fn metrics_with_values(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("stats.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let metric = header.iter().position(|h| *h == "metric").unwrap();
    let mean = header.iter().position(|h| *h == "mean").unwrap();
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        if !fields[mean].is_empty() && !out.iter().any(|m| m == fields[metric]) {
            out.push(fields[metric].to_owned());
        }
    }
    out
}

fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// RMSC03 cut to `duration`, its scripts found from anywhere.
fn rmsc03(dir: &Path, duration: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join("scenarios/abides_rmsc03.toml")).unwrap();
    assert!(text.contains("duration = \"2h\""), "RMSC03 lasts 2h");
    let scripts = root().join("scripts").canonicalize().unwrap();
    let text = text
        .replace("duration = \"2h\"", &format!("duration = \"{duration}\""))
        .replace("../scripts/", &format!("{}/", scripts.display()));
    let file = dir.join("rmsc03.toml");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn a_sweep_report_has_a_plot_per_metric_and_key() {
    let files = scratch("report", "sweep-file");
    let file = rmsc03(&files, "5m");
    let dir = scratch("report", "sweep");
    ok(&[
        "scenario",
        "sweep",
        file.to_str().unwrap(),
        "--set",
        "fees.commission=0.0001,0.001",
        "--set",
        "bots[2].count=5,25",
        "--seeds",
        "1..2",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let page = report(&dir);
    self_contained(&page);
    let metrics = metrics_with_values(&dir);
    assert!(metrics.len() > 20, "{metrics:?}");
    let keys = ["fees.commission", "bots[2].count"];
    assert_eq!(charts(&page).len(), metrics.len() * keys.len());
    for metric in &metrics {
        for key in keys {
            let svg = chart(&page, &format!("sweep-{}-{}", slug(metric), slug(key)));
            assert!(svg.contains("class=\"data"), "{metric} against {key}");
        }
    }
    // Two lines per plot, one per value of the other key, and the table.
    let svg = chart(&page, "sweep-ABM-volume-fees-commission");
    assert!(svg.contains("bots[2].count=5") && svg.contains("bots[2].count=25"));
    assert!(page.contains("<td>ABM.volume</td>"));
    assert!(page.contains("href=\"fees.commission=0.0001,bots.2.count=5,seed=1/summary.json\""));
    if let Some(found) = rendered_charts(&dir.join("report.html")) {
        assert_eq!(found, charts(&page).len());
    }
}

#[test]
fn a_runs_report_has_each_seeds_facts_and_each_metric() {
    let dir: PathBuf = scratch("report", "runs");
    ok(&[
        "scenario",
        "run",
        "scenarios/abides_rmsc03.toml",
        "--runs",
        "2",
        "--duration",
        "30m",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let page = report(&dir);
    self_contained(&page);
    let metrics = metrics_with_values(&dir);
    assert_eq!(charts(&page).len(), metrics.len());
    for metric in &metrics {
        assert!(chart(&page, &format!("seeds-{}", slug(metric))).contains("class=\"data"));
    }
    for seed in [1, 2] {
        assert!(page.contains(&format!("<a href=\"seed-{seed}/summary.json\">{seed}</a>")));
    }
    assert_eq!(page.matches("<td>ABM</td>").count(), 2);
}
