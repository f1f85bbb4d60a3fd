//! `marketlab scenario check FILE`, `run FILE`, `sweep FILE`, `merge
//! DIR...` and `report DIR`: the file I/O, output files, progress, Ctrl-C,
//! parallel seeds, parameter sweeps and reports around the pure kernel in
//! `marketlab_actors::scenario`.

mod csv;
mod format;
mod grid;
pub mod live;
mod load;
mod merge;
mod metrics;
mod order_event;
mod overrides;
mod parquet;
mod report;
mod run;
mod seed_stats;
mod shard;
mod sweep;
mod tables;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Subcommand;
use marketlab_actors::scenario::file::Span;

pub use format::Format;
pub use live::{Control, LiveOptions, LiveRuns, live_problems, status_name, stop_interrupted};
pub use load::{Loaded, load};
pub use run::{RunOutcome, run_all};

use grid::Seeds;
use shard::Shard;
use sweep::{Setting, SweepRequest};

// Parsed once per process: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum ScenarioCommand {
    /// Check a scenario file and its scripts; every problem names its key.
    Check { file: PathBuf },
    /// Run a scenario headless and write its outputs.
    Run {
        file: PathBuf,
        /// Instead of the file's seed (with --runs: the first of K seeds).
        #[arg(long)]
        seed: Option<u64>,
        /// The folder for the outputs (default: out/<file name>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Run K seeds (seed, seed + 1, ...) in parallel, one folder each.
        #[arg(long, default_value_t = 1)]
        runs: u32,
        /// The files of the rows: trades.csv, ... or trades.parquet, ...
        #[arg(long, value_enum, default_value_t = Format::Csv, conflicts_with = "live")]
        format: Format,
        /// Instead of the file's duration, e.g. `5m`.
        #[arg(long, value_parser = parse_span)]
        duration: Option<Span>,
        /// Run it inside the server on the wall clock, with the API open
        /// (the server options below apply); it keeps serving after the
        /// run ends, until Ctrl-C.
        #[arg(long, conflicts_with_all = ["out", "runs"])]
        live: bool,
        /// With --live: run this many times faster than the wall clock.
        #[arg(long, default_value_t = 1, requires = "live",
              value_parser = clap::value_parser!(u32).range(1..=1000))]
        speed: u32,
        #[command(flatten)]
        server: crate::cli::ServerArgs,
    },
    /// Run a scenario over a grid of values times a range of seeds, one
    /// folder per run; unsharded, also manifest.json, sweep.csv,
    /// sweep.parquet and stats.csv.
    Sweep {
        file: PathBuf,
        /// A key path into the file and its values, e.g.
        /// `bots[1].count=2,4,8` or `fees.commission=0.0001,0.001`; each a
        /// TOML literal, or else a string. Repeat for a grid (the last key
        /// varies fastest).
        #[arg(long = "set", value_name = "KEY=V1,V2,...")]
        sets: Vec<Setting>,
        /// The seeds of every point: A..B, both included.
        #[arg(long, value_name = "A..B")]
        seeds: Seeds,
        /// The folder for the run folders (default: out/<file name>-sweep).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Run only the runs whose index % N == I (default: from
        /// SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, or from
        /// JOB_COMPLETION_INDEX with --shard-count).
        #[arg(long, value_name = "I/N")]
        shard: Option<Shard>,
        /// How many shards there are, for a Kubernetes Indexed Job (its
        /// completions).
        #[arg(long, value_name = "N")]
        shard_count: Option<u64>,
        /// The files of each run's rows: trades.csv, ... or trades.parquet, ...
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
    },
    /// Check that the run folders under DIR... are one whole sweep and write
    /// its manifest.json, sweep.csv, sweep.parquet and stats.csv into --out.
    Merge {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write one self-contained HTML page about a run, sweep or `--runs`
    /// folder: plots, stylized facts, statistics.
    Report {
        dir: PathBuf,
        /// The page (default: DIR/report.html).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn parse_span(text: &str) -> Result<Span, String> {
    Span::parse(text).and_then(|span| {
        if span.0 > 0 {
            Ok(span)
        } else {
            Err("must be longer than zero".into())
        }
    })
}

/// The server, with the scenario running in it, until Ctrl-C.
async fn run_live(
    loaded: &Loaded,
    options: LiveOptions,
    server: crate::cli::ServerArgs,
) -> anyhow::Result<()> {
    let problems = live_problems(&loaded.scenario);
    anyhow::ensure!(problems.is_empty(), "{}", problems.join("\n"));
    let app = crate::startup::Application::build(crate::startup::Settings {
        bot_seed: options.seed,
        bot_speedup: options.speed,
        fees: loaded.scenario.fees,
        ..server.effective(Vec::new())?.settings
    })
    .await?;
    let run = app.start_scenario(loaded, options).await?;
    tracing::info!(
        "listening on http://{}; scenario run {run} is live (pauseScenario, resumeScenario, stopScenario)",
        app.address()
    );
    app.run_until_stopped().await
}

/// Set when Ctrl-C is pressed: the runs stop at their next batch.
fn stop_on_ctrl_c() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\nstopping: the outputs so far are kept");
            on_signal.store(true, Ordering::SeqCst);
        }
    });
    stop
}

/// `out/<file name><suffix>`.
fn default_out(file: &Path, suffix: &str) -> PathBuf {
    let stem = file
        .file_stem()
        .map_or("scenario".into(), |s| s.to_string_lossy());
    PathBuf::from("out").join(format!("{stem}{suffix}"))
}

fn loaded(file: &Path) -> anyhow::Result<Loaded> {
    load(file).map_err(|problems| {
        for problem in &problems {
            eprintln!("{problem}");
        }
        anyhow::anyhow!("{} problem(s) in {}", problems.len(), file.display())
    })
}

impl ScenarioCommand {
    pub async fn run(self) -> anyhow::Result<()> {
        match self {
            ScenarioCommand::Check { file } => {
                let loaded = loaded(&file)?;
                for warning in &loaded.warnings {
                    eprintln!("warning: {warning}");
                }
                let s = &loaded.scenario;
                println!(
                    "{}: ok ({} companies, {} bot groups, {} bots, {} events)",
                    file.display(),
                    s.companies.len(),
                    s.groups.len(),
                    s.groups.iter().map(|g| u64::from(g.count)).sum::<u64>(),
                    s.events.len()
                );
                Ok(())
            }
            ScenarioCommand::Run {
                file,
                seed,
                out,
                runs,
                format,
                duration,
                live,
                speed,
                server,
            } => {
                let mut loaded = loaded(&file)?;
                if let Some(duration) = duration {
                    loaded.scenario.duration_ms = duration.0;
                }
                if live {
                    let seed = seed.unwrap_or(loaded.scenario.seed);
                    return run_live(&loaded, LiveOptions { seed, speed }, server).await;
                }
                if runs == 0 {
                    anyhow::bail!("--runs must be at least 1");
                }
                let first = seed.unwrap_or(loaded.scenario.seed);
                let seeds: Vec<u64> = (0..u64::from(runs))
                    .map(|k| first.wrapping_add(k))
                    .collect();
                let dir = out.unwrap_or_else(|| default_out(&file, ""));
                let stop = stop_on_ctrl_c();
                let outcomes = tokio::task::spawn_blocking(move || {
                    run_all(&loaded, &seeds, &dir, format, &stop).map(|o| (o, dir))
                })
                .await??;
                let (outcomes, dir) = outcomes;
                let complete = outcomes.iter().all(|o| o.complete);
                println!(
                    "{} run(s) written to {}{}",
                    outcomes.len(),
                    dir.display(),
                    if complete { "" } else { " (stopped early)" }
                );
                Ok(())
            }
            ScenarioCommand::Sweep {
                file,
                sets,
                seeds,
                out,
                shard,
                shard_count,
                format,
            } => {
                let shard = shard::resolve(shard, shard_count, |name| std::env::var(name).ok())
                    .map_err(anyhow::Error::msg)?;
                let out = out.unwrap_or_else(|| default_out(&file, "-sweep"));
                let request = SweepRequest {
                    file,
                    sets,
                    seeds,
                    out: out.clone(),
                    shard,
                    format,
                };
                let stop = stop_on_ctrl_c();
                let done =
                    tokio::task::spawn_blocking(move || sweep::sweep(request, &stop)).await??;
                let of = match shard {
                    Some(shard) => format!("shard {shard}: {} of {} runs", done.ran, done.total),
                    None => format!("{} runs", done.ran),
                };
                println!(
                    "{of} written to {}{}{}",
                    out.display(),
                    if done.merged {
                        " with manifest.json, sweep.csv, sweep.parquet and stats.csv"
                    } else {
                        ""
                    },
                    if done.complete {
                        ""
                    } else {
                        " (stopped early)"
                    }
                );
                Ok(())
            }
            ScenarioCommand::Merge { dirs, out } => {
                let found = merge::find(&dirs)?;
                let runs = merge::merge(&found, &out)?;
                println!(
                    "{runs} runs merged into {}/manifest.json, sweep.csv, sweep.parquet and stats.csv",
                    out.display()
                );
                Ok(())
            }
            ScenarioCommand::Report { dir, out } => {
                let path = report::report(&dir, out)?;
                println!("report written to {}", path.display());
                Ok(())
            }
        }
    }
}
