//! `marketlab scenario sweep FILE --set KEY=V1,V2 ... --seeds A..B`: every
//! point of the grid written into the file's text and checked (by the same
//! parser and checks as `scenario run`) before anything runs, then this
//! shard's runs on every core, each into its folder with a `run.json`;
//! unsharded, the merge of them all.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use anyhow::Context;
use sha2::{Digest, Sha256};
use toml_edit::DocumentMut;

use super::format::Format;
use super::grid::{Axis, Seeds, Sweep};
use super::load::{Loaded, load_text, read};
use super::merge::{RUN_FILE, RunRecord, merge, read_run};
use super::overrides::{KeyPath, literal, set, split_values};
use super::run::{Job, RunOutcome, run_jobs, write_json};
use super::shard::Shard;

/// One `--set KEY=V1,V2,...` as the command line gives it.
#[derive(Debug, Clone)]
pub struct Setting {
    key: KeyPath,
    axis: Axis,
}

impl std::str::FromStr for Setting {
    type Err = String;

    fn from_str(text: &str) -> Result<Setting, String> {
        let (key, values) = text
            .split_once('=')
            .ok_or_else(|| format!("{text:?} is not KEY=V1,V2,..."))?;
        let key = key.trim();
        let path = KeyPath::parse(key)?;
        let values = split_values(values);
        if values.iter().any(String::is_empty) {
            return Err(format!("{key}: a value is empty in {text:?}"));
        }
        Ok(Setting {
            key: path,
            axis: Axis {
                key: key.to_owned(),
                values,
            },
        })
    }
}

/// What `scenario sweep` was asked.
pub struct SweepRequest {
    pub file: PathBuf,
    pub sets: Vec<Setting>,
    pub seeds: Seeds,
    pub out: PathBuf,
    pub shard: Option<Shard>,
    pub format: Format,
}

/// What a sweep did.
pub struct SweepOutcome {
    /// Runs of this shard, and of the whole sweep.
    pub ran: usize,
    pub total: u64,
    pub complete: bool,
    /// Whether `manifest.json`, `sweep.csv`, `sweep.parquet` and `stats.csv`
    /// were written.
    pub merged: bool,
}

/// Every point of the grid, loaded and checked; every problem of every
/// point, each naming the key path and value, when there are any.
fn load_points(
    request: &SweepRequest,
    text: &str,
    sweep: &Sweep,
) -> Result<Vec<Loaded>, Vec<String>> {
    let doc: DocumentMut = text
        .parse()
        .map_err(|e| vec![format!("{}: {e}", request.file.display())])?;
    let base = request.file.parent().unwrap_or(Path::new("."));
    let mut problems: Vec<String> = sweep.folder_problems();
    let mut loaded = Vec::new();
    for point in 0..sweep.points() {
        let values = sweep.point(point);
        let mut edited = doc.clone();
        let mut applied = true;
        for (setting, value) in request.sets.iter().zip(&values) {
            if let Err(e) = set(&mut edited, &setting.key, literal(value)) {
                let problem = format!("--set {}={value}: {e}", setting.axis.key);
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
                applied = false;
            }
        }
        if !applied {
            continue;
        }
        let shown = match sweep.keys.len() {
            0 => request.file.display().to_string(),
            _ => format!("{} with {}", request.file.display(), sweep.shown(point)),
        };
        match load_text(&edited.to_string(), &shown, base) {
            Ok(point) => loaded.push(point),
            Err(found) => problems.extend(found),
        }
    }
    if problems.is_empty() {
        Ok(loaded)
    } else {
        Err(problems)
    }
}

/// Check the whole grid, then run this shard's share of it (all of it
/// unsharded, and merge).
pub fn sweep(request: SweepRequest, stop: &AtomicBool) -> anyhow::Result<SweepOutcome> {
    let text = read(&request.file).map_err(anyhow::Error::msg)?;
    let sweep = Sweep {
        scenario: request
            .file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        scenario_sha256: hex::encode(Sha256::digest(&text)),
        keys: request.sets.iter().map(|s| s.axis.clone()).collect(),
        seeds: request.seeds,
    };
    for (i, setting) in request.sets.iter().enumerate() {
        anyhow::ensure!(
            request.sets[..i]
                .iter()
                .all(|s| s.axis.key != setting.axis.key),
            "--set {} is given twice",
            setting.axis.key
        );
    }
    let total = sweep
        .runs()
        .context("the sweep has too many runs to count")?;
    let points = load_points(&request, &text, &sweep).map_err(|problems| {
        for problem in &problems {
            eprintln!("{problem}");
        }
        anyhow::anyhow!(
            "{} problem(s) in the sweep; nothing was run",
            problems.len()
        )
    })?;
    let mine: Vec<u64> = (0..total)
        .filter(|&i| request.shard.is_none_or(|s| s.has(i)))
        .collect();
    let jobs: Vec<Job<'_>> = mine
        .iter()
        .map(|&index| {
            let (point, run) = sweep.run(index);
            Job {
                loaded: &points[point as usize],
                seed: run.seed,
                dir: request.out.join(&run.folder),
                format: request.format,
                label: format!("run {index} ({})", run.folder),
            }
        })
        .collect();
    // Written once the run is whole: what a merge looks for.
    let record = |position: usize, job: &Job<'_>, outcome: &RunOutcome| -> anyhow::Result<()> {
        if !outcome.complete {
            return Ok(());
        }
        let (_, run) = sweep.run(mine[position]);
        let record = RunRecord {
            sweep: sweep.clone(),
            run,
        };
        write_json(&job.dir.join(RUN_FILE), &serde_json::to_value(record)?)
    };
    let outcomes = if jobs.is_empty() {
        Vec::new()
    } else {
        run_jobs(&jobs, stop, &record)?
    };
    let complete = outcomes.iter().all(|o| o.complete);
    let whole = request.shard.is_none_or(|s| s.count == 1);
    let merged = whole && complete;
    if merged {
        let found = jobs
            .iter()
            .map(|job| read_run(&job.dir))
            .collect::<anyhow::Result<Vec<_>>>()?;
        merge(&found, &request.out)?;
    }
    Ok(SweepOutcome {
        ran: outcomes.len(),
        total,
        complete,
        merged,
    })
}
