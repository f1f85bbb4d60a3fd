//! `marketlab scenario merge DIR... --out OUT`, and the end of every
//! unsharded sweep: the run folders of one sweep (each found by its
//! `run.json`, written when the run completed) checked to be all there
//! exactly once, then `manifest.json`, `sweep.csv`, `sweep.parquet` and
//! `stats.csv` written from them. The run folders stay where they are.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::grid::{Run, Sweep};
use super::parquet::write_sweep;
use super::run::write_json;
use super::tables::{Row, stats_csv, sweep_csv};

/// What marks a run folder of a sweep, and a run that completed.
pub const RUN_FILE: &str = "run.json";

/// A run folder's `run.json`: its sweep, and which run of it it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    #[serde(flatten)]
    pub sweep: Sweep,
    #[serde(flatten)]
    pub run: Run,
}

/// A run folder found on disk.
#[derive(Debug)]
pub struct Found {
    pub dir: PathBuf,
    pub record: RunRecord,
}

#[derive(Serialize)]
struct Manifest<'a> {
    #[serde(flatten)]
    sweep: &'a Sweep,
    runs: Vec<&'a Run>,
}

/// The run folder at `dir`.
pub fn read_run(dir: &Path) -> anyhow::Result<Found> {
    let path = dir.join(RUN_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let record = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a sweep's run.json", path.display()))?;
    Ok(Found {
        dir: dir.to_owned(),
        record,
    })
}

/// Every run folder right under `dirs`, in path order.
pub fn find(dirs: &[PathBuf]) -> anyhow::Result<Vec<Found>> {
    let mut folders = Vec::new();
    for dir in dirs {
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        for entry in entries {
            let path = entry
                .with_context(|| format!("cannot read {}", dir.display()))?
                .path();
            if path.join(RUN_FILE).is_file() {
                folders.push(path);
            }
        }
    }
    folders.sort();
    folders.iter().map(|dir| read_run(dir)).collect()
}

/// What tells two sweeps apart, the first thing that does.
fn difference(a: &Sweep, b: &Sweep) -> String {
    let keys = |s: &Sweep| s.keys.iter().map(|k| k.key.clone()).collect::<Vec<_>>();
    if a.scenario_sha256 != b.scenario_sha256 || a.scenario != b.scenario {
        return format!(
            "scenario {} (SHA-256 {}) and {} (SHA-256 {})",
            a.scenario, a.scenario_sha256, b.scenario, b.scenario_sha256
        );
    }
    if keys(a) != keys(b) {
        return format!("keys {:?} and {:?}", keys(a), keys(b));
    }
    if let Some((x, y)) = a.keys.iter().zip(&b.keys).find(|(x, y)| x != y) {
        return format!("values of {}: {:?} and {:?}", x.key, x.values, y.values);
    }
    format!(
        "seeds {}..{} and {}..{}",
        a.seeds.first, a.seeds.last, b.seeds.first, b.seeds.last
    )
}

/// Check that `found` is one whole sweep and write its manifest and tables
/// into `out`; the number of runs.
pub fn merge(found: &[Found], out: &Path) -> anyhow::Result<u64> {
    let first = found
        .first()
        .context("no run folders (folders with a run.json) to merge")?;
    let sweep = &first.record.sweep;
    for other in found {
        if other.record.sweep != *sweep {
            anyhow::bail!(
                "{} and {} are from different sweeps: {}",
                first.dir.display(),
                other.dir.display(),
                difference(sweep, &other.record.sweep)
            );
        }
    }
    let total = sweep
        .runs()
        .and_then(|n| usize::try_from(n).ok())
        .context("the sweep has too many runs to merge")?;
    let mut slots: Vec<Option<&Found>> = vec![None; total];
    let mut problems = Vec::new();
    for run in found {
        let index = run.record.run.index;
        let slot = usize::try_from(index)
            .ok()
            .and_then(|i| slots.get_mut(i))
            .with_context(|| {
                format!(
                    "{}: run {index} is not one of its sweep's {total}",
                    run.dir.display()
                )
            })?;
        let (_, expected) = sweep.run(index);
        anyhow::ensure!(
            expected == run.record.run,
            "{}: its run.json does not describe run {index} of its sweep ({})",
            run.dir.display(),
            expected.folder
        );
        anyhow::ensure!(
            run.dir.file_name() == Some(expected.folder.as_ref()),
            "{}: run {index} belongs in a folder named {}",
            run.dir.display(),
            expected.folder
        );
        match slot {
            Some(other) => problems.push(format!(
                "run {index} ({}) is there twice: {} and {}",
                expected.folder,
                other.dir.display(),
                run.dir.display()
            )),
            None => *slot = Some(run),
        }
    }
    let missing: Vec<usize> = (0..total).filter(|&i| slots[i].is_none()).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing
            .iter()
            .take(20)
            .map(|&i| format!("run {i} ({})", sweep.run(i as u64).1.folder))
            .collect();
        problems.push(format!(
            "{} of {total} runs are missing: {}{}",
            missing.len(),
            shown.join(", "),
            if missing.len() > shown.len() {
                ", ..."
            } else {
                ""
            }
        ));
    }
    anyhow::ensure!(problems.is_empty(), "{}", problems.join("\n"));

    let runs: Vec<&Found> = slots.into_iter().flatten().collect();
    let summaries = runs
        .iter()
        .map(|run| {
            let path = run.dir.join("summary.json");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str::<Value>(&text)
                .with_context(|| format!("{} is not JSON", path.display()))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let rows: Vec<Row<'_>> = runs
        .iter()
        .zip(&summaries)
        .map(|(run, summary)| {
            let (point, _) = sweep.run(run.record.run.index);
            Row {
                index: run.record.run.index,
                point,
                values: sweep.point(point),
                seed: run.record.run.seed,
                summary,
            }
        })
        .collect();
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    write_json(
        &out.join("manifest.json"),
        &serde_json::to_value(Manifest {
            sweep,
            runs: runs.iter().map(|r| &r.record.run).collect(),
        })?,
    )?;
    for (name, text) in [
        ("sweep.csv", sweep_csv(&sweep.keys, &rows)),
        ("stats.csv", stats_csv(&sweep.keys, &rows)),
    ] {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    write_sweep(&out.join("sweep.parquet"), &sweep.keys, &rows)?;
    Ok(total as u64)
}
