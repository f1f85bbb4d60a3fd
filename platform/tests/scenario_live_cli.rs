//! `marketlab scenario run FILE --live`, the real binary: the shipped
//! classroom scenario runs inside the server (sped up), with the API open,
//! to its end, and its run lands in the database; `--live` refuses the
//! headless-only flags.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_marketlab");
const ADMIN: &str = "liveadmin";
const PASSWORD: &str = "live-admin-password";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn gql(client: &awc::Client, base: &str, query: &str, token: Option<&str>) -> Value {
    let mut request = client.post(format!("{base}/graphql"));
    if let Some(token) = token {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    let mut response = request
        .send_json(&json!({ "query": query }))
        .await
        .expect("the server answers");
    response.json().limit(1 << 20).await.expect("a JSON answer")
}

#[actix_web::test]
async fn the_classroom_runs_live_to_its_end_and_is_recorded() {
    let dir = std::env::temp_dir().join(format!("marketlab-live-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("class.db").display());
    let created = Command::new(BIN)
        .args([
            "admin",
            "create",
            "--username",
            ADMIN,
            "--password",
            PASSWORD,
        ])
        .args(["--database-url", &url])
        .output()
        .unwrap();
    assert!(created.status.success(), "{created:?}");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let log = dir.join("live.log");
    let file = std::fs::File::create(&log).unwrap();
    let child = Command::new(BIN)
        .args(["scenario", "run", "scenarios/classroom.toml", "--live"])
        .args(["--speed", "50", "--duration", "30s"])
        .args([
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &url,
        ])
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .unwrap();
    let _server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(10))
        .finish();
    let log_text = || std::fs::read_to_string(&log).unwrap_or_default();

    let deadline = Instant::now() + Duration::from_secs(90);
    let token = loop {
        assert!(
            Instant::now() < deadline,
            "no server in 90 s:\n{}",
            log_text()
        );
        let login = format!(
            r#"mutation {{ login(username: "{ADMIN}", password: "{PASSWORD}") {{ accessToken }} }}"#
        );
        if let Ok(mut response) = client
            .post(format!("{base}/graphql"))
            .send_json(&json!({ "query": login }))
            .await
        {
            let body: Value = response.json().await.unwrap_or_default();
            if let Some(token) = body["data"]["login"]["accessToken"].as_str() {
                break token.to_owned();
            }
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    };

    let run = loop {
        assert!(
            Instant::now() < deadline,
            "the run did not finish:\n{}",
            log_text()
        );
        let body = gql(
            &client,
            &base,
            "query { scenarioRuns { name seed status summary } }",
            Some(&token),
        )
        .await;
        let runs = body["data"]["scenarioRuns"].as_array().cloned();
        if let Some(run) = runs.and_then(|r| r.first().cloned())
            && run["status"] == "FINISHED"
        {
            break run;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(run["name"], "classroom");
    assert_eq!(run["seed"], "51");
    let summary: Value = serde_json::from_str(run["summary"].as_str().unwrap()).unwrap();
    assert_eq!(summary["speed"], 50);
    assert_eq!(summary["scenario_ms_run"], 30_000);
    let companies: Vec<&String> = summary["companies"].as_object().unwrap().keys().collect();
    assert_eq!(companies, ["ACME", "BOLT", "CORE"]);
    let groups = summary["groups"].as_object().unwrap();
    assert_eq!(groups.len(), 6, "{groups:?}");
    assert_eq!(groups["noise_acme"]["bots"], 5);
    assert!(
        summary["companies"]["ACME"]["trades"].as_u64().unwrap() > 0,
        "{summary}"
    );

    // The server keeps serving after the run: the companies, halted.
    let body = gql(
        &client,
        &base,
        "query { companies { symbol halted } }",
        None,
    )
    .await;
    let companies = body["data"]["companies"].as_array().unwrap();
    assert_eq!(companies.len(), 3);
    assert!(
        companies.iter().all(|c| c["halted"] == true),
        "{companies:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn live_refuses_the_headless_flags() {
    for extra in [
        &["--live", "--runs", "2"][..],
        &["--live", "--out", "x"],
        &["--speed", "5"],
    ] {
        let output = Command::new(BIN)
            .args(["scenario", "run", "scenarios/classroom.toml"])
            .args(extra)
            .current_dir(root())
            .output()
            .unwrap();
        assert!(!output.status.success(), "{extra:?} was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("cannot be used with") || stderr.contains("required"),
            "{extra:?}: {stderr}"
        );
    }
}
