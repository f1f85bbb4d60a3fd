//! The replay binary end to end: a small hand-computed file, and bad input.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

/// A CSV file in the temp dir with a name no other test run uses; removed
/// when dropped.
struct TempCsv(PathBuf);

impl TempCsv {
    fn new(name: &str, text: &str) -> TempCsv {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "marketlab-replay-{name}-{}-{nanos}.csv",
            std::process::id()
        ));
        std::fs::write(&path, text).expect("writing the test CSV");
        TempCsv(path)
    }
}

impl Drop for TempCsv {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn replay(csv: &TempCsv) -> Output {
    Command::new(env!("CARGO_BIN_EXE_replay"))
        .arg(&csv.0)
        // Errors must read the same whether or not backtraces are on.
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("running replay")
}

#[test]
fn counts_a_hand_computed_session() {
    // line 2: ask 50 @ 101 rests
    // line 3: ask 30 @ 102 rests
    // line 4: ask 40 @ 103 rests
    // line 5: bid 10 @ 99 rests
    // line 6: buy 60 @ 102 takes 50 @ 101 and 10 @ 102 (two trades on two
    //         levels); 20 @ 102 is left
    // line 7: sell 15 @ 99 takes the 10 bid @ 99 (one trade); 5 rests @ 99
    // line 8: bid 7 @ 98 rests below the 99 ask
    // Left: asks 5 @ 99, 20 @ 102, 40 @ 103; bid 7 @ 98.
    let csv = TempCsv::new(
        "session",
        "side,price,qty\nS,101,50\nS,102,30\nS,103,40\nB,99,10\nB,102,60\nS,99,15\nB,98,7\n",
    );
    let output = replay(&csv);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some("orders=7 trades=3 resting=4 resting_bids=1 resting_asks=3")
    );
    let rate = lines.next().unwrap_or_default();
    assert!(rate.starts_with("rate="), "{stdout}");
    assert_eq!(lines.next(), None);
}

#[test]
fn a_malformed_line_is_an_error_naming_it() {
    let csv = TempCsv::new("bad", "side,price,qty\nB,100,10\nB,abc,10\nS,101,5\n");
    let output = replay(&csv);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(output.stdout.is_empty(), "{output:?}");
    // One line: the file, the line number and text, and what is wrong.
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: parsing "), "{stderr}");
    assert!(
        stderr.contains(": line 3: \"B,abc,10\": price must be a positive whole number"),
        "{stderr}"
    );
}

#[test]
fn replays_what_gen_orders_writes() {
    let generated = Command::new(env!("CARGO_BIN_EXE_gen_orders"))
        .args(["1000", "7"])
        .output()
        .expect("running gen_orders");
    assert!(generated.status.success(), "{generated:?}");
    let text = String::from_utf8(generated.stdout).expect("gen_orders writes UTF-8");
    assert_eq!(text.lines().count(), 1001);
    let csv = TempCsv::new("generated", &text);
    let output = replay(&csv);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("orders=1000 trades="), "{stdout}");
}

#[test]
fn a_missing_file_is_an_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_replay"))
        .arg(std::env::temp_dir().join("marketlab-replay-does-not-exist.csv"))
        .output()
        .expect("running replay");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stderr.contains("reading"), "{stderr}");
}
