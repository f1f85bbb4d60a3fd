//! Running a loaded scenario: as fast as the machine allows, one run per
//! thread for `--runs` and sweeps, with progress on a terminal and plain
//! lines otherwise. A stop request (Ctrl-C) ends each run at the next batch of
//! events; what was written stays, with a summary marked incomplete.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use marketlab_actors::scenario::{Kernel, Progress};
use serde_json::{Value, json};

use super::format::Format;
use super::load::Loaded;
use super::tables::{Row, stats_csv};

/// Events between two looks at the stop flag and the progress display.
const BATCH: u64 = 20_000;
/// Native stack of a run's thread: Rhai needs more than the default when a
/// script nests deeply (see the bot host's docs).
const STACK: usize = 8 << 20;

#[derive(Debug, Clone, PartialEq)]
pub struct RunOutcome {
    pub seed: u64,
    pub summary: Value,
    pub complete: bool,
}

/// One run to make: what, with which seed, into which folder.
pub struct Job<'a> {
    pub loaded: &'a Loaded,
    pub seed: u64,
    pub dir: PathBuf,
    pub format: Format,
    /// How progress lines and errors name it (`seed 7`).
    pub label: String,
}

/// Called on a run's thread after it ended well, with its job and where
/// that is in the list.
pub type Done<'a> = dyn Fn(usize, &Job<'_>, &RunOutcome) -> anyhow::Result<()> + Sync + 'a;

/// Run `seeds` of one scenario: `dir` gets the outputs, or, for several
/// seeds, one `seed-N` folder each, a combined `summary.json` and the
/// statistics across them in `stats.csv`.
pub fn run_all(
    loaded: &Loaded,
    seeds: &[u64],
    dir: &Path,
    format: Format,
    stop: &AtomicBool,
) -> anyhow::Result<Vec<RunOutcome>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let several = seeds.len() > 1;
    let jobs: Vec<Job<'_>> = seeds
        .iter()
        .map(|&seed| Job {
            loaded,
            seed,
            dir: if several {
                dir.join(format!("seed-{seed}"))
            } else {
                dir.to_owned()
            },
            format,
            label: format!("seed {seed}"),
        })
        .collect();
    let outcomes = run_jobs(&jobs, stop, &|_, _, _| Ok(()))?;
    if !several {
        return Ok(outcomes);
    }
    let combined = json!({
        "scenario": loaded.scenario.name,
        "scenario_sha256": loaded.file_sha256,
        "seeds": seeds,
        "runs": outcomes
            .iter()
            .map(|o| (o.seed.to_string(), o.summary.clone()))
            .collect::<serde_json::Map<_, _>>(),
    });
    write_json(&dir.join("summary.json"), &combined)?;
    let rows: Vec<Row<'_>> = outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| Row {
            index: i as u64,
            point: 0,
            values: Vec::new(),
            seed: o.seed,
            summary: &o.summary,
        })
        .collect();
    let path = dir.join("stats.csv");
    std::fs::write(&path, stats_csv(&[], &rows))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(outcomes)
}

/// Run `jobs` over the available cores (a single one with a progress bar
/// on a terminal), each into its folder; the outcomes in `jobs`' order, or
/// the first job's error once every job has ended.
pub fn run_jobs(
    jobs: &[Job<'_>],
    stop: &AtomicBool,
    done: &Done<'_>,
) -> anyhow::Result<Vec<RunOutcome>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(jobs.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, anyhow::Result<RunOutcome>)>> = Mutex::new(Vec::new());
    let show = Display::new(jobs.len() == 1);
    std::thread::scope(|s| -> anyhow::Result<()> {
        for _ in 0..workers {
            std::thread::Builder::new()
                .stack_size(STACK)
                .spawn_scoped(s, || {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(job) = jobs.get(i) else { break };
                        let result = std::fs::create_dir_all(&job.dir)
                            .with_context(|| format!("cannot create {}", job.dir.display()))
                            .and_then(|()| run_one(job, stop, &show))
                            .and_then(|outcome| {
                                done(i, job, &outcome)?;
                                Ok(outcome)
                            });
                        results
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((i, result));
                    }
                })?;
        }
        Ok(())
    })?;
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, result)| result).collect()
}

fn run_one(job: &Job<'_>, stop: &AtomicBool, show: &Display) -> anyhow::Result<RunOutcome> {
    let Job {
        loaded,
        seed,
        dir,
        format,
        label,
    } = job;
    let (seed, dir) = (*seed, dir.as_path());
    let mut scenario = loaded.scenario.clone();
    scenario.seed = seed;
    let outputs = scenario.outputs;
    let mut kernel = Kernel::new(scenario, loaded.scripts.clone())?;
    let mut recorder = format
        .create(dir, &outputs)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let started = Instant::now();
    loop {
        let finished = kernel.run(BATCH, &mut *recorder)?;
        show.progress(label, kernel.progress(), started.elapsed());
        if finished || stop.load(Ordering::SeqCst) {
            break;
        }
    }
    let wall = started.elapsed();
    show.done(label, kernel.progress(), wall);
    recorder
        .finish()
        .with_context(|| format!("writing the outputs in {}", dir.display()))?;

    let summary = kernel.summary();
    let complete = summary.complete;
    let mut value = serde_json::to_value(&summary)?;
    if let Value::Object(map) = &mut value {
        map.insert("scenario_sha256".into(), json!(loaded.file_sha256));
        map.insert("script_sha256".into(), json!(loaded.script_sha256));
        map.insert(
            "conservation".into(),
            json!(
                kernel
                    .check_conservation()
                    .err()
                    .unwrap_or_else(|| "ok".into())
            ),
        );
    }
    write_json(&dir.join("summary.json"), &value)?;
    let events = kernel.progress().events;
    let seconds = wall.as_secs_f64();
    write_json(
        &dir.join("timing.json"),
        &json!({
            "wall_seconds": seconds,
            "events_processed": events,
            "events_per_second": if seconds > 0.0 { events as f64 / seconds } else { 0.0 },
        }),
    )?;
    kernel
        .check_conservation()
        .map_err(|e| anyhow::anyhow!("{label}: the run broke conservation: {e}"))?;
    Ok(RunOutcome {
        seed,
        summary: value,
        complete,
    })
}

pub fn write_json(path: &Path, value: &Value) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// A bar redrawn in place on a terminal; a line per tenth of simulated
/// time otherwise (and always for parallel runs, whose lines would fight).
struct Display {
    bar: bool,
    last: Mutex<(Instant, u32)>,
}

impl Display {
    fn new(single: bool) -> Display {
        Display {
            bar: single && std::io::stderr().is_terminal(),
            last: Mutex::new((Instant::now(), 0)),
        }
    }

    fn progress(&self, label: &str, p: Progress, elapsed: Duration) {
        let span = (p.end.0 - p.start.0).max(1) as f64;
        let fraction = ((p.now.0 - p.start.0) as f64 / span).clamp(0.0, 1.0);
        let rate = p.events as f64 / elapsed.as_secs_f64().max(1e-9);
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if self.bar {
            if last.0.elapsed() < Duration::from_millis(100) {
                return;
            }
            last.0 = Instant::now();
            let filled = (fraction * 30.0) as usize;
            eprint!(
                "\r[{}{}] {} {:>5.1}%  {:>10.0} events/s  {} trades ",
                "#".repeat(filled),
                ".".repeat(30 - filled),
                p.now.to_datetime().format("%Y-%m-%d %H:%M:%S"),
                fraction * 100.0,
                rate,
                p.trades
            );
            let _ = std::io::stderr().flush();
        } else {
            let tenth = (fraction * 10.0) as u32;
            if tenth > last.1 && tenth < 10 {
                last.1 = tenth;
                eprintln!(
                    "{label}: {}0% simulated ({}), {} events, {:.0} events/s, {} trades",
                    tenth,
                    p.now.to_datetime().format("%H:%M:%S"),
                    p.events,
                    rate,
                    p.trades
                );
            }
        }
    }

    fn done(&self, label: &str, p: Progress, wall: Duration) {
        if self.bar {
            eprintln!();
        }
        eprintln!(
            "{label}: {} events, {} trades in {:.2} s ({:.0} events/s), simulated until {}",
            p.events,
            p.trades,
            wall.as_secs_f64(),
            p.events as f64 / wall.as_secs_f64().max(1e-9),
            p.now
        );
    }
}
