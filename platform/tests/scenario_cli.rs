//! `marketlab scenario check` and `run`, the real binary: every shipped
//! scenario checks and runs to its (shortened) end; runs are byte-identical
//! for one seed, different for another, and the same alone as with
//! `--runs`; bad files are refused with the key or line at fault.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

fn run(file: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["scenario", "run", file, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = marketlab(&args);
    assert!(
        output.status.success(),
        "{file}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn every_shipped_scenario_checks_runs_to_its_end_and_can_run_live() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    for file in files {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let relative = format!("scenarios/{name}.toml");
        let check = marketlab(&["scenario", "check", &relative]);
        assert!(
            check.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let loaded = marketlab::scenario::load(&file).unwrap();
        assert_eq!(
            marketlab::scenario::live_problems(&loaded.scenario),
            Vec::<String>::new(),
            "{name} can run live"
        );
        let out = scratch("scenario", &name);
        run(&relative, &out, &["--duration", "3m"]);
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap())
                .unwrap();
        assert_eq!(summary["complete"], true, "{name}");
        assert_eq!(summary["conservation"], "ok", "{name}");
        assert!(summary["trades"].as_u64().unwrap() > 0, "{name}: no trades");
        assert!(summary["simulated_until"].as_str().unwrap() > summary["start"].as_str().unwrap());
        let trades = std::fs::read_to_string(out.join("trades.csv")).unwrap();
        assert!(trades.starts_with("time,symbol,seq,price,quantity,aggressor,buyer,seller\n"));
        assert!(out.join("timing.json").exists());
        std::fs::remove_dir_all(&out).unwrap();
    }
}

/// A file's settings: its lines from `version` on, less `keys`.
fn settings_without(file: &str, keys: &[&str]) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let start = text.find("version = 1").expect("a version line");
    text[start..]
        .lines()
        .filter(|line| !keys.iter().any(|k| line.starts_with(&format!("{k} = "))))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_full_day_is_rmsc03_over_the_whole_session() {
    let keys = ["name", "description", "duration"];
    assert_eq!(
        settings_without("scenarios/rmsc03_fullday.toml", &keys),
        settings_without("scenarios/abides_rmsc03.toml", &keys)
    );
    let day = marketlab::scenario::load(&root().join("scenarios/rmsc03_fullday.toml")).unwrap();
    assert_eq!(day.scenario.duration_ms, 6 * 3_600_000 + 1_800_000);
}

#[test]
fn runs_repeat_byte_for_byte_and_parallel_seeds_match_single_ones() {
    let file = "scenarios/flash_crash.toml";
    let (a, b, c) = (
        scratch("scenario", "a"),
        scratch("scenario", "b"),
        scratch("scenario", "c"),
    );
    run(file, &a, &["--duration", "2m", "--seed", "5"]);
    run(file, &b, &["--duration", "2m", "--seed", "5"]);
    run(file, &c, &["--duration", "2m", "--seed", "6"]);
    let (ha, hb, hc) = (hashes(&a), hashes(&b), hashes(&c));
    assert!(
        ha.contains_key("orders.csv") && ha.contains_key("book.csv"),
        "{ha:?}"
    );
    assert_eq!(ha, hb);
    assert_ne!(ha["trades.csv"], hc["trades.csv"]);

    let many = scratch("scenario", "many");
    run(
        file,
        &many,
        &["--duration", "2m", "--seed", "5", "--runs", "4"],
    );
    assert_eq!(hashes(&many.join("seed-5")), ha);
    assert_eq!(hashes(&many.join("seed-6")), hc);
    let combined: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(many.join("summary.json")).unwrap()).unwrap();
    assert_eq!(combined["seeds"], serde_json::json!([5, 6, 7, 8]));
    assert_eq!(combined["runs"].as_object().unwrap().len(), 4);
    for dir in [a, b, c, many] {
        std::fs::remove_dir_all(dir).unwrap();
    }
}

const GOOD: &str = r#"
version = 1
name = "bad"
seed = 1
start = "2026-01-05T09:30:00Z"
duration = "10m"

[[companies]]
symbol = "ACME"
name = "Acme"
sector = "Industrials"
shares_outstanding = 1000
ipo_price = "10.00"
tick_size = "0.01"
band = 0.3

[[bots]]
name = "noise"
script = "noise.rhai"
count = 2
cash = "100.00"
wake = { kind = "once" }
"#;

/// Check a variant of a good file; its complaint.
fn complaint(dir: &Path, name: &str, text: &str, script: &str) -> String {
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, text).unwrap();
    std::fs::write(dir.join("noise.rhai"), script).unwrap();
    let output = marketlab(&["scenario", "check", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "{name} passed");
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    stderr
}

#[test]
fn bad_files_are_refused_naming_the_key_or_line() {
    let dir = scratch("scenario", "bad");
    let script = "fn on_tick(ctx) { ctx.buy(\"ACME\", 10.0, 1); }\n";
    let ok = dir.join("good.toml");
    std::fs::write(&ok, GOOD).unwrap();
    std::fs::write(dir.join("noise.rhai"), script).unwrap();
    assert!(
        marketlab(&["scenario", "check", ok.to_str().unwrap()])
            .status
            .success()
    );

    let missing = complaint(&dir, "missing", &GOOD.replace("seed = 1\n", ""), script);
    assert!(missing.contains("missing field `seed`"), "{missing}");

    let unknown = complaint(
        &dir,
        "unknown",
        &GOOD.replace("count = 2", "count = 2\ncolour = 3"),
        script,
    );
    assert!(
        unknown.contains("bots[0].colour") && unknown.contains("unknown field"),
        "{unknown}"
    );
    assert!(unknown.contains("line 21, column 1"), "{unknown}");

    let negative = complaint(
        &dir,
        "negative",
        &GOOD.replace("count = 2", "count = -2"),
        script,
    );
    assert!(
        negative.contains("bots[0].count") && negative.contains("-2"),
        "{negative}"
    );

    let zero = complaint(
        &dir,
        "zero",
        &GOOD.replace("count = 2", "count = 0"),
        script,
    );
    assert!(zero.contains("bots[0].count: must be at least 1"), "{zero}");

    let nowhere = complaint(
        &dir,
        "nowhere",
        &GOOD.replace("noise.rhai", "absent.rhai"),
        script,
    );
    assert!(
        nowhere.contains("bots[0].script") && nowhere.contains("absent.rhai"),
        "{nowhere}"
    );

    let broken = complaint(
        &dir,
        "broken",
        GOOD,
        "fn on_tick(ctx) {\n    let x = ;\n}\n",
    );
    assert!(
        broken.contains("bots[0].script") && broken.contains("line 2"),
        "{broken}"
    );

    let wake = complaint(
        &dir,
        "wake",
        &GOOD.replace("\"once\"", "\"sometimes\""),
        script,
    );
    assert!(wake.contains("bots[0].wake.kind"), "{wake}");
    std::fs::remove_dir_all(dir).unwrap();
}
