//! The public audit of the GraphQL-over-HTTP specification (the
//! `graphql-http` npm package's `auditServer`), and graphql-js's standard
//! introspection query, run by Node against the real server. Every audit
//! must pass, the SHOULDs and MAYs included. Node.js and npm are on every
//! machine of this kind; the packages come from the npm registry through
//! `npm ci` and the committed lock file.

mod support;

use std::path::Path;
use std::process::Command;

use support::app::TestApp;
use support::db::Backend;

const AUDIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/graphql-http");

fn npm_ci(folder: &Path) {
    if folder.join("node_modules/graphql-http").is_dir() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(folder)
        .status()
        .expect("npm runs (the audit needs Node.js 20+ and npm)");
    assert!(status.success(), "npm ci in {} failed", folder.display());
}

#[actix_web::test]
async fn the_server_passes_every_graphql_over_http_audit() {
    let folder = Path::new(AUDIT);
    npm_ci(folder);
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let url = format!("{}/graphql", app.address);
    // Node runs while this thread waits for it: the server answers from
    // its own workers.
    let output = actix_web::rt::task::spawn_blocking({
        let folder = folder.to_owned();
        move || {
            Command::new("node")
                .args(["audit.mjs", &url])
                .current_dir(folder)
                .output()
                .expect("node runs")
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the GraphQL-over-HTTP audit found problems:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
