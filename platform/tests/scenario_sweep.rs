//! `marketlab scenario sweep` and `merge`, the real binary, on a one-minute
//! market: the grid's order and folder names; a run's folder is what
//! `scenario run` writes for the file edited by hand; shards merged are
//! byte-for-byte the unsharded sweep; bad keys, values and shards are
//! refused with nothing written; a merge refuses missing runs, duplicates
//! and mixed sweeps; `--runs` writes the same statistics as a sweep.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

#[path = "support/outputs.rs"]
mod outputs;
#[path = "support/tiny.rs"]
mod tiny;
use outputs::{hashes, root, scratch};
use tiny::tiny;

const SHARD_VARS: [&str; 3] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "JOB_COMPLETION_INDEX",
];

/// The binary with `args`, the shard variables only as `env` gives them.
fn marketlab(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_marketlab"));
    command.args(args).current_dir(root());
    for var in SHARD_VARS {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    command.output().expect("the binary runs")
}

fn ok(args: &[&str], env: &[(&str, &str)]) -> String {
    let output = marketlab(args, env);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What a refused command said.
fn refused(args: &[&str], env: &[(&str, &str)]) -> String {
    let output = marketlab(args, env);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "{args:?} passed");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    stderr
}

fn write_tiny(dir: &Path) -> String {
    let file = dir.join("tiny.toml");
    std::fs::write(&file, tiny()).unwrap();
    file.to_str().unwrap().to_owned()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_sweep_runs_its_grid_into_named_folders_each_like_the_file_edited_by_hand() {
    let dir = scratch("sweep", "grid");
    let file = write_tiny(&dir);
    let out = dir.join("sweep");
    let printed = ok(
        &[
            "scenario",
            "sweep",
            &file,
            "--set",
            "bots[1].count=2,4",
            "--set",
            "fees.commission=0.0001,0.001",
            "--seeds",
            "3..4",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(printed.contains("8 runs written"), "{printed}");

    let folders: Vec<String> = (0..8)
        .map(|i| {
            format!(
                "bots.1.count={},fees.commission={},seed={}",
                ["2", "4"][i / 4],
                ["0.0001", "0.001"][i / 2 % 2],
                3 + i % 2
            )
        })
        .collect();
    let mut expected: Vec<String> = folders.clone();
    expected.extend(["manifest.json", "stats.csv", "sweep.csv", "sweep.parquet"].map(String::from));
    expected.sort();
    assert_eq!(names(&out), expected);

    let file_sha = hex::encode(Sha256::digest(tiny()));
    let manifest = json(&out.join("manifest.json"));
    assert_eq!(manifest["scenario"], "tiny.toml");
    assert_eq!(manifest["scenario_sha256"], file_sha.as_str());
    assert_eq!(
        manifest["keys"],
        serde_json::json!([
            {"key": "bots[1].count", "values": ["2", "4"]},
            {"key": "fees.commission", "values": ["0.0001", "0.001"]},
        ])
    );
    assert_eq!(
        manifest["seeds"],
        serde_json::json!({"first": 3, "last": 4})
    );
    let runs = manifest["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 8);
    for (i, run) in runs.iter().enumerate() {
        assert_eq!(run["index"], i);
        assert_eq!(run["folder"], folders[i].as_str());
        assert_eq!(run["seed"], 3 + i % 2);
        let record = json(&out.join(&folders[i]).join("run.json"));
        assert_eq!(record["index"], i);
        assert_eq!(record["scenario_sha256"], file_sha.as_str());
        assert_eq!(record["parameters"], run["parameters"]);
    }
    assert_eq!(
        runs[5]["parameters"],
        serde_json::json!({"bots[1].count": "4", "fees.commission": "0.0001"})
    );

    let sweep = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let lines: Vec<&str> = sweep.lines().collect();
    assert_eq!(lines.len(), 9);
    assert!(
        lines[0].starts_with(
            "index,bots[1].count,fees.commission,seed,events_processed,trades,orders_refused,\
             fees_and_taxes,ACME.volume,ACME.trades,ACME.vwap,"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].ends_with(
            ",bots.noise.bots,bots.noise.pnl,bots.noise.equity,bots.noise.trades,bots.noise.orders,\
             bots.noise.refused.no_cash,bots.noise.refused.no_shares,bots.noise.refused.other,\
             bots.noise.script_errors"
        ),
        "{}",
        lines[0]
    );
    let header: Vec<&str> = lines[0].split(',').collect();
    let trades_at = header.iter().position(|h| *h == "trades").unwrap();
    let trades: Vec<u64> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(trades_at).unwrap().parse().unwrap())
        .collect();
    for (i, line) in lines[1..].iter().enumerate() {
        let summary = json(&out.join(&folders[i]).join("summary.json"));
        assert_eq!(summary["trades"], trades[i]);
        assert!(line.starts_with(&format!(
            "{i},{},{},{},",
            ["2", "4"][i / 4],
            ["0.0001", "0.001"][i / 2 % 2],
            3 + i % 2
        )));
    }
    assert!(trades.iter().all(|&t| t > 0), "{trades:?}");

    let stats = std::fs::read_to_string(out.join("stats.csv")).unwrap();
    let lines: Vec<&str> = stats.lines().collect();
    assert_eq!(
        lines[0],
        "point,bots[1].count,fees.commission,metric,n,mean,sd,min,max,ci95_low,ci95_high"
    );
    assert_eq!(lines.len(), 1 + 4 * (header.len() - 4));
    let row = lines
        .iter()
        .find(|l| l.starts_with("3,4,0.001,trades,"))
        .unwrap();
    let (a, b) = (trades[6] as f64, trades[7] as f64);
    let mean = (a + b) / 2.0;
    assert!(
        row.starts_with(&format!("3,4,0.001,trades,2,{mean:?},")),
        "{row} ({a}, {b})"
    );

    // The last run, against the file with its values written in by hand.
    let hand = dir.join("hand.toml");
    std::fs::write(
        &hand,
        tiny().replace("commission = \"0.00015\"", "commission = 0.001"),
    )
    .unwrap();
    let single = dir.join("single");
    ok(
        &[
            "scenario",
            "run",
            hand.to_str().unwrap(),
            "--seed",
            "4",
            "--out",
            single.to_str().unwrap(),
        ],
        &[],
    );
    let mut swept = hashes(&out.join(&folders[7]));
    assert!(swept.remove("run.json").is_some());
    assert_eq!(swept, hashes(&single));
    let summary = json(&single.join("summary.json"));
    assert_eq!(
        summary["scenario_sha256"],
        hex::encode(Sha256::digest(std::fs::read(&hand).unwrap())).as_str()
    );

    // And with a bot count that differs from the file's.
    std::fs::write(
        &hand,
        tiny()
            .replace("count = 4", "count = 2")
            .replace("commission = \"0.00015\"", "commission = 0.0001"),
    )
    .unwrap();
    ok(
        &[
            "scenario",
            "run",
            hand.to_str().unwrap(),
            "--seed",
            "3",
            "--out",
            single.to_str().unwrap(),
        ],
        &[],
    );
    let mut swept = hashes(&out.join(&folders[0]));
    swept.remove("run.json");
    assert_eq!(swept, hashes(&single));
    std::fs::remove_dir_all(dir).unwrap();
}

fn sweep_args<'a>(file: &'a str, out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "scenario",
        "sweep",
        file,
        "--set",
        "bots[1].count=2,4",
        "--seeds",
        "1..3",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn shards_merged_are_the_unsharded_sweep_byte_for_byte() {
    let dir = scratch("sweep", "shards");
    let file = write_tiny(&dir);
    let whole = dir.join("whole");
    ok(&sweep_args(&file, &whole, &[]), &[]);

    let shards: Vec<PathBuf> = (0..3).map(|i| dir.join(format!("shard{i}"))).collect();
    let printed = ok(&sweep_args(&file, &shards[0], &["--shard", "0/3"]), &[]);
    assert!(printed.contains("shard 0/3: 2 of 6 runs"), "{printed}");
    ok(
        &sweep_args(&file, &shards[1], &[]),
        &[
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ],
    );
    ok(
        &sweep_args(&file, &shards[2], &["--shard-count", "3"]),
        &[("JOB_COMPLETION_INDEX", "2")],
    );
    let folder = |i: usize| format!("bots.1.count={},seed={}", ["2", "4"][i / 3], 1 + i % 3);
    for (s, shard) in shards.iter().enumerate() {
        let mut expected: Vec<String> = (0..6).filter(|i| i % 3 == s).map(folder).collect();
        expected.sort();
        assert_eq!(names(shard), expected, "shard {s}: run folders only");
        for name in &expected {
            assert_eq!(
                hashes(&shard.join(name)),
                hashes(&whole.join(name)),
                "{name}"
            );
        }
    }

    let merged = dir.join("merged");
    let printed = ok(
        &[
            "scenario",
            "merge",
            shards[0].to_str().unwrap(),
            shards[1].to_str().unwrap(),
            shards[2].to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
        ],
        &[],
    );
    assert!(printed.contains("6 runs merged"), "{printed}");
    assert_eq!(
        names(&merged),
        ["manifest.json", "stats.csv", "sweep.csv", "sweep.parquet"]
    );
    for name in ["manifest.json", "sweep.csv", "sweep.parquet", "stats.csv"] {
        assert_eq!(
            std::fs::read(merged.join(name)).unwrap(),
            std::fs::read(whole.join(name)).unwrap(),
            "{name}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_keys_values_and_shards_are_refused_before_anything_is_written() {
    let dir = scratch("sweep", "bad");
    let file = write_tiny(&dir);
    let out = dir.join("out");
    let out_arg = out.to_str().unwrap();
    let sweep = |set: &str, extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec![
            "scenario", "sweep", &file, "--set", set, "--seeds", "1..2", "--out", out_arg,
        ];
        args.extend_from_slice(extra);
        let said = refused(&args, env);
        assert!(!out.exists(), "{set} {extra:?}: something was written");
        said
    };
    let said = sweep("bots[5].count=1", &[], &[]);
    assert!(
        said.contains("bots[5].count=1") && said.contains("bots has 2 (from bots[0] to bots[1])"),
        "{said}"
    );
    let said = sweep("bots[0].colour=3", &[], &[]);
    assert!(
        said.contains("with bots[0].colour=3")
            && said.contains("bots[0].colour")
            && said.contains("unknown field"),
        "{said}"
    );
    let said = sweep("bots[0].count=1,0", &[], &[]);
    assert!(
        said.contains("with bots[0].count=0: bots[0].count: must be at least 1")
            && !said.contains("count=1:"),
        "{said}"
    );
    let said = sweep("duration=1m,forever", &[], &[]);
    assert!(
        said.contains("duration=forever") && said.contains("duration"),
        "{said}"
    );
    let said = sweep("duration.x=1", &[], &[]);
    assert!(said.contains("duration is a string, not a table"), "{said}");
    let said = sweep("bots[0].count=1", &["--shard", "3/3"], &[]);
    assert!(said.contains("shard 3 of 3 does not exist"), "{said}");
    let said = sweep(
        "bots[0].count=1",
        &[],
        &[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ],
    );
    assert!(
        said.contains("SLURM_ARRAY_TASK_ID=3") && said.contains("--array=0-2"),
        "{said}"
    );
    let said = sweep("bots[0].count=1", &[], &[("SLURM_ARRAY_TASK_ID", "1")]);
    assert!(said.contains("SLURM_ARRAY_TASK_COUNT is not"), "{said}");
    let said = sweep("bots[0].count=1", &[], &[("JOB_COMPLETION_INDEX", "1")]);
    assert!(said.contains("give --shard-count"), "{said}");

    // An optional key the file leaves out is fine, its table made for it.
    ok(
        &[
            "scenario",
            "sweep",
            &file,
            "--set",
            "fees.min_commission=0.01",
            "--set",
            "outputs.l2_depth=3",
            "--seeds",
            "1",
            "--out",
            out_arg,
        ],
        &[],
    );
    assert!(
        out.join("fees.min_commission=0.01,outputs.l2_depth=3,seed=1/summary.json")
            .exists()
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_merge_refuses_missing_runs_duplicates_and_mixed_sweeps() {
    let dir = scratch("sweep", "merge");
    let file = write_tiny(&dir);
    let (a, b, c) = (dir.join("a"), dir.join("b"), dir.join("c"));
    let args = |out: &Path, values: &str, shard: &str| -> Vec<String> {
        [
            "scenario", "sweep", &file, "--set", values, "--seeds", "1..2", "--out",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([out.display().to_string(), "--shard".into(), shard.into()])
        .collect()
    };
    for (out, values, shard) in [
        (&a, "bots[1].count=2,4", "0/2"),
        (&b, "bots[1].count=2,4", "1/2"),
        (&c, "bots[1].count=2,3", "0/2"),
    ] {
        let args = args(out, values, shard);
        ok(&args.iter().map(String::as_str).collect::<Vec<_>>(), &[]);
    }
    let merged = dir.join("merged");
    let merge = |dirs: &[&Path]| -> Vec<String> {
        let mut args: Vec<String> = vec!["scenario".into(), "merge".into()];
        args.extend(dirs.iter().map(|d| d.display().to_string()));
        args.extend(["--out".into(), merged.display().to_string()]);
        args
    };
    let run =
        |args: Vec<String>| refused(&args.iter().map(String::as_str).collect::<Vec<_>>(), &[]);

    let said = run(merge(&[&a]));
    assert!(
        said.contains(
            "2 of 4 runs are missing: run 1 (bots.1.count=2,seed=2), run 3 (bots.1.count=4,seed=2)"
        ),
        "{said}"
    );
    let said = run(merge(&[&a, &b, &c]));
    assert!(
        said.contains("are from different sweeps: values of bots[1].count"),
        "{said}"
    );
    let said = run(merge(&[&a, &b, &a]));
    assert!(
        said.contains("run 0 (bots.1.count=2,seed=1) is there twice"),
        "{said}"
    );
    // A run stopped before its end has no run.json: it is missing.
    std::fs::remove_file(b.join("bots.1.count=4,seed=2/run.json")).unwrap();
    let said = run(merge(&[&a, &b]));
    assert!(
        said.contains("1 of 4 runs are missing: run 3 (bots.1.count=4,seed=2)"),
        "{said}"
    );
    assert!(!merged.exists());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn several_seeds_of_a_run_write_the_statistics_a_sweep_of_them_does() {
    let dir = scratch("sweep", "runs");
    let file = write_tiny(&dir);
    let (runs, sweep) = (dir.join("runs"), dir.join("sweep"));
    ok(
        &[
            "scenario",
            "run",
            &file,
            "--seed",
            "1",
            "--runs",
            "3",
            "--out",
            runs.to_str().unwrap(),
        ],
        &[],
    );
    ok(
        &[
            "scenario",
            "sweep",
            &file,
            "--seeds",
            "1..3",
            "--out",
            sweep.to_str().unwrap(),
        ],
        &[],
    );
    let stats = std::fs::read_to_string(runs.join("stats.csv")).unwrap();
    assert!(stats.starts_with("point,metric,n,mean,sd,min,max,ci95_low,ci95_high\n"));
    let trades: Vec<f64> = (1..=3)
        .map(|s| {
            json(&runs.join(format!("seed-{s}/summary.json")))["trades"]
                .as_f64()
                .unwrap()
        })
        .collect();
    let mean = trades.iter().sum::<f64>() / 3.0;
    let min = trades.iter().copied().fold(f64::INFINITY, f64::min);
    let row = stats.lines().find(|l| l.starts_with("0,trades,")).unwrap();
    let fields: Vec<&str> = row.split(',').collect();
    assert_eq!(fields[2], "3");
    assert_eq!(fields[3], format!("{mean:?}"));
    assert_eq!(fields[5], format!("{min:?}"));
    assert!(fields[7].parse::<f64>().unwrap() < mean && fields[8].parse::<f64>().unwrap() > mean);
    assert_eq!(
        stats,
        std::fs::read_to_string(sweep.join("stats.csv")).unwrap()
    );
    assert!(sweep.join("seed=2/summary.json").exists());
    std::fs::remove_dir_all(dir).unwrap();
}
