//! How the binaries end: an error is printed on one line with its causes
//! (`error: parsing x.csv: line 3: "B,abc,10": price must be ...`) and the
//! exit code is 1. Printing it here rather than returning it from `main`
//! avoids anyhow's debug format, which also dumps a backtrace whenever
//! RUST_BACKTRACE is set.

use std::process::ExitCode;

pub fn run(body: impl FnOnce() -> anyhow::Result<()>) -> ExitCode {
    match body() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
