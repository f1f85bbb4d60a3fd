//! `marketlab bot check FILE`, the real binary: every shipped script
//! compiles and lists what it defines; a broken one fails with its line and
//! column, and a missing file says so.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn check(file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marketlab"))
        .args(["bot", "check"])
        .arg(file)
        .output()
        .expect("the binary runs")
}

fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts")
}

#[test]
fn every_shipped_script_passes_and_lists_its_entry_points() {
    for (name, entries) in [
        (
            "market_maker",
            &["on_start/1", "on_tick/1", "on_fill/2"][..],
        ),
        ("noise_trader", &["on_tick/1"]),
        ("momentum", &["on_tick/1"]),
        ("mean_reversion", &["on_tick/1"]),
        ("value_investor", &["on_start/1", "on_tick/1", "on_news/2"]),
    ] {
        let out = check(&scripts().join(format!("{name}.rhai")));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{name}: {out:?}");
        assert!(stdout.contains("compiles"), "{name}: {stdout}");
        for entry in entries {
            assert!(
                stdout.contains(&format!("defines {entry}")),
                "{name}: {stdout}"
            );
        }
    }
}

#[test]
fn a_broken_script_fails_with_its_line_and_column() {
    let dir = std::env::temp_dir().join(format!("marketlab-bot-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("broken.rhai");
    std::fs::write(
        &file,
        "fn on_tick(ctx) {\n    ctx.buy(\"ACME\", 1.0, 1;\n}\n",
    )
    .unwrap();
    let out = check(&file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a broken script fails: {out:?}");
    assert!(stderr.contains("line 2, column"), "{stderr}");

    let out = check(&dir.join("missing.rhai"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    std::fs::remove_dir_all(&dir).unwrap();
}
