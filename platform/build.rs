//! Builds the web client (`web/`) with npm so that the binary can embed it
//! (`src/web.rs`). npm runs only when the client's sources change: `npm ci`
//! when `node_modules` is missing or older than `package-lock.json`, then
//! `npm run build` (codegen against `schema.graphql`, type check, Vite) into
//! `web/dist`.

use std::path::{Path, PathBuf};
use std::process::Command;

const NEED_NODE: &str = "building the web client needs Node.js 20 or newer with npm on PATH: install them and build again";

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let root = manifest
        .parent()
        .expect("platform/ sits in the workspace")
        .to_path_buf();
    let web = root.join("web");
    for input in [
        "src",
        "index.html",
        "package.json",
        "package-lock.json",
        "vite.config.ts",
        "tsconfig.json",
        "codegen.ts",
    ] {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }
    println!(
        "cargo:rerun-if-changed={}",
        root.join("schema.graphql").display()
    );

    check_node();
    // One build at a time: two cargo commands (or profiles) may run this
    // script at once, and both would write web/dist.
    let lock = std::fs::File::create(web.join(".build.lock")).expect("web/ is writable");
    lock.lock().expect("web/.build.lock can be locked");
    if needs_install(&web) {
        npm(&web, &["ci", "--no-audit", "--no-fund"]);
    }
    npm(&web, &["run", "build"]);
}

/// Node 20 or newer and npm, or one sentence saying what to install.
fn check_node() {
    let major = Command::new("node")
        .arg("--version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| {
            let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
            version
                .strip_prefix('v')?
                .split('.')
                .next()?
                .parse::<u32>()
                .ok()
        });
    let npm = Command::new("npm")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !npm || major.is_none_or(|major| major < 20) {
        panic!("{NEED_NODE}");
    }
}

fn needs_install(web: &Path) -> bool {
    let installed = web.join("node_modules").join(".package-lock.json");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    match (
        modified(&installed),
        modified(&web.join("package-lock.json")),
    ) {
        (Some(installed), Some(lock)) => installed < lock,
        _ => true,
    }
}

fn npm(web: &Path, args: &[&str]) {
    let status = Command::new("npm")
        .args(args)
        .current_dir(web)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        // Cargo reads a build script's stdout as instructions.
        .stdout(std::io::stderr())
        .status()
        .unwrap_or_else(|_| panic!("{NEED_NODE}"));
    assert!(
        status.success(),
        "`npm {}` in web/ failed ({status}); its output is above",
        args.join(" ")
    );
}
