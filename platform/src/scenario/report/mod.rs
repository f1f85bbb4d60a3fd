//! `marketlab scenario report DIR [--out FILE]`: one self-contained HTML
//! page (inline CSS and SVG, no scripts, nothing fetched) about a run
//! folder, a sweep folder or a `--runs K` folder, the same bytes for the
//! same folder.

mod html;
mod load;
mod metric_plots;
mod parquet_tables;
mod run;
mod runs;
mod stats;
mod svg;
mod sweep;

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde_json::Value;

use load::{CsvTables, Tables};
use parquet_tables::ParquetTables;

/// What a folder holds, told by its files.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Run,
    Sweep,
    /// `scenario run --runs K`: a `seed-N` folder per seed.
    Runs,
}

fn kind(dir: &Path) -> anyhow::Result<Kind> {
    let has = |name: &str| dir.join(name).is_file();
    if has("manifest.json") && has("stats.csv") && has("sweep.csv") {
        return Ok(Kind::Sweep);
    }
    if has("summary.json") {
        let summary = load::json(&dir.join("summary.json"))?;
        if summary.get("runs").is_some_and(Value::is_object) {
            anyhow::ensure!(
                has("stats.csv"),
                "{} has the summary of several seeds but no stats.csv",
                dir.display()
            );
            return Ok(Kind::Runs);
        }
        return Ok(Kind::Run);
    }
    let runs = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
        .any(|e| e.path().join(super::merge::RUN_FILE).is_file());
    if runs {
        anyhow::bail!(
            "{} holds a sweep's run folders but not its tables: run `marketlab scenario merge {0} --out {0}` first",
            dir.display()
        );
    }
    anyhow::bail!(
        "{} is neither a run folder (summary.json) nor a sweep folder (manifest.json, sweep.csv, stats.csv)",
        dir.display()
    )
}

/// A run folder's tables: its CSV files, or the Parquet files of a run
/// made with `--format parquet`.
fn tables(dir: &Path) -> Box<dyn Tables> {
    if load::has_tables(dir, "parquet") && !load::has_tables(dir, "csv") {
        Box::new(ParquetTables::new(dir))
    } else {
        Box::new(CsvTables::new(dir))
    }
}

/// Write the report of `dir` into `out` (default `DIR/report.html`); its
/// path.
pub fn report(dir: &Path, out: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let page = match kind(dir)? {
        Kind::Run => run::report(dir, tables(dir).as_ref())?,
        Kind::Sweep => sweep::report(dir)?,
        Kind::Runs => runs::report(dir)?,
    };
    let path = out.unwrap_or_else(|| dir.join("report.html"));
    std::fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}
