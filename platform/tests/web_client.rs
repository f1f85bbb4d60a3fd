//! The web client's own tests, run by `cargo test`: its unit tests (Vitest)
//! and its browser tests (Playwright in Debian's Chromium) against this
//! build's `marketlab` binary serving `--demo` on fresh SQLite databases.
//! `build.rs` has already installed the client's packages and built it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn web_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../web")
}

fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM_PATH")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.exists(),
        "the browser tests need Debian's Chromium at {}: run `apt-get update && apt-get install -y chromium` (or set CHROMIUM_PATH)",
        path.display()
    );
    path
}

fn npm(args: &[&str]) -> Command {
    let mut command = Command::new("npm");
    command
        .args(args)
        .current_dir(web_dir())
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    command
}

#[test]
fn unit_and_browser_tests_pass() {
    let chromium = chromium();
    let unit = npm(&["test"]).status().expect("npm runs");
    assert!(
        unit.success(),
        "the web client's unit tests failed ({unit}); their output is above"
    );

    // This build's binary, or another one named by MARKETLAB_BIN (e.g. the
    // release build).
    let binary =
        std::env::var_os("MARKETLAB_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_marketlab").into());
    let browser = npm(&["run", "e2e"])
        .env("MARKETLAB_BIN", binary)
        .env("CHROMIUM_PATH", &chromium)
        .status()
        .expect("npm runs");
    assert!(
        browser.success(),
        "the web client's browser tests failed ({browser}); their output is above, screenshots in web/test-results/"
    );
}
