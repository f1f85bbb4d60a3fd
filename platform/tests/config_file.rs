//! The configuration file end to end: its fees and band are what orders
//! pay and listings get over real HTTP; DAY orders expire at the session's
//! close by the server's clock while GTC ones rest on; and the real binary
//! prints the effective settings with their sources and secrets masked,
//! serves on what the file says, and refuses an unknown key by its path.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use marketlab::config::{self, Inputs};
use marketlab::startup::Settings;
use marketlab_actors::clock::ManualClock;
use marketlab_actors::types::Timestamp;
use serde_json::{Value, json};

use support::app::{TestApp, as_array, id_of};
use support::db::Backend;

const BIN: &str = env!("CARGO_BIN_EXE_marketlab");

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("marketlab-config-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The settings a file gives, with no environment or flags.
fn settings_from(dir: &Path, text: &str) -> Settings {
    let file = dir.join("marketlab.toml");
    std::fs::write(&file, text).unwrap();
    config::load(Inputs {
        file: Some(&file),
        env: &|_| None,
        flags: Vec::new(),
    })
    .expect("the file loads")
    .settings
}

fn fills(order: &Value) -> Vec<String> {
    as_array(&order["fills"])
        .iter()
        .map(|f| {
            format!(
                "{} @ {} fee {} tax {}",
                f["quantity"],
                f["price"].as_str().unwrap(),
                f["fee"].as_str().unwrap(),
                f["tax"].as_str().unwrap()
            )
        })
        .collect()
}

api_tests!(
    the_files_fees_and_band_apply_over_http,
    day_orders_expire_at_the_close_and_gtc_orders_rest_on,
);

async fn the_files_fees_and_band_apply_over_http(backend: Backend) {
    let dir = scratch(&format!("fees-{backend:?}"));
    let settings = settings_from(
        &dir,
        "[fees]\ncommission = \"0.001\"\nmin_commission = \"7.00\"\nsell_tax = \"0.003\"\n\
         [market]\ndefault_band_percent = \"10\"\n",
    );
    let Some(app) = TestApp::spawn_with(backend, settings).await else {
        return;
    };
    let corp = app.register("acme_corp", "CORPORATE").await;
    let alice = app.register("alice", "INDIVIDUAL").await;
    app.list_company("ACME", "Technology", 1_000, "100.00", None, &corp)
        .await;
    app.deposit(&alice, "20000.00").await;
    // A sell sets its minimum commission aside.
    app.deposit(&corp, "100.00").await;

    app.limit(&corp, "ACME", "SELL", 100, "100.00").await;
    // 60 x 100.00 = 6,000.00: commission 0.1% = 6.00, below the 7.00 minimum.
    let buy = app.limit(&alice, "ACME", "BUY", 60, "100.00").await;
    assert_eq!(fills(&buy), vec!["60 @ 100.00 fee 7.00 tax 0.00"]);
    // Each order pays its own minimum: 4,000.00 x 0.1% = 4.00 -> 7.00.
    let buy = app.limit(&alice, "ACME", "BUY", 40, "100.00").await;
    assert_eq!(fills(&buy), vec!["40 @ 100.00 fee 7.00 tax 0.00"]);
    // The issuer's one sell order: after each fill it owes the commission
    // and the 0.3% tax on its total so far (7.00 and 18.00 on 6,000.00;
    // 10.00 and 30.00 on 10,000.00), each fill paying the difference.
    let sell = app.my_orders(&corp).await;
    assert_eq!(
        fills(&sell[0]),
        vec![
            "60 @ 100.00 fee 7.00 tax 18.00",
            "40 @ 100.00 fee 3.00 tax 12.00"
        ]
    );

    // The band is +-10% of 100.00.
    let outside = app
        .error_code(
            "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }",
            json!({ "input": {
                "symbol": "ACME", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                "quantity": 1, "limitPrice": "110.01",
            }}),
            Some(&alice.token),
        )
        .await;
    assert_eq!(outside, "BAD_USER_INPUT");
    let inside = app.limit(&alice, "ACME", "BUY", 1, "110.00").await;
    assert_eq!(inside["status"], "OPEN");
}

async fn day_orders_expire_at_the_close_and_gtc_orders_rest_on(backend: Backend) {
    let dir = scratch(&format!("session-{backend:?}"));
    // 15:30 in Seoul is 06:30 UTC; the clock starts five minutes before.
    let settings = settings_from(
        &dir,
        "[session]\nclose = \"15:30\"\nutc_offset = \"+09:00\"\n",
    );
    let start: chrono::DateTime<chrono::Utc> = "2026-03-02T06:25:00Z".parse().unwrap();
    let clock = Arc::new(ManualClock::new(Timestamp::from_datetime(start)));
    let Some(mut app) = TestApp::spawn_with_clock(backend, settings, clock.clone()).await else {
        return;
    };
    let corp = app.register("acme_corp", "CORPORATE").await;
    let alice = app.register("alice", "INDIVIDUAL").await;
    app.list_company("ACME", "Technology", 1_000, "100.00", None, &corp)
        .await;
    app.deposit(&alice, "10000.00").await;
    let order = |tif: &str| {
        json!({
            "symbol": "ACME", "side": "BUY", "type": "LIMIT", "timeInForce": tif,
            "quantity": 10, "limitPrice": "95.00",
        })
    };
    let day = id_of(&app.place_order(&alice, order("DAY")).await);
    let gtc = id_of(&app.place_order(&alice, order("GTC")).await);

    // A minute before the close nothing expires.
    clock.advance_millis(4 * 60_000);
    actix_web::rt::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(app.order(&alice, &day).await["status"], "OPEN");

    clock.advance_millis(2 * 60_000);
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.order(&alice, &day).await["status"] != "EXPIRED" {
        assert!(Instant::now() < deadline, "the DAY order did not expire");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.order(&alice, &gtc).await["status"], "OPEN");
    // The DAY order's cash is free again; the GTC order still holds
    // 950.00 and its commission (0.14, half to even).
    let me = app.balances(&alice).await;
    assert_eq!(me["availableCash"], "9049.86");

    // Written down: a restart finds the same.
    app.restart().await;
    assert_eq!(app.order(&alice, &day).await["status"], "EXPIRED");
    assert_eq!(app.order(&alice, &gtc).await["status"], "OPEN");
}

fn marketlab(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).env("RUST_LOG", "warn");
    for name in [
        "DATABASE_URL",
        "MARKETLAB_DATABASE_URL",
        "MARKETLAB_JWT_SECRET",
        "MARKETLAB_CONFIG",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    command.output().expect("the binary runs")
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn config_print_shows_each_keys_source_and_masks_secrets() {
    let dir = scratch("print");
    let file = dir.join("marketlab.toml");
    std::fs::write(
        &file,
        "[server]\ndatabase_url = \"postgres://class:hunter2@db.local:5432/market\"\n\
         [fees]\ncommission = \"0.0005\"\n[rate_limit]\nper_second = 10\nburst = 20\n",
    )
    .unwrap();
    let name = file.to_str().unwrap();
    let output = marketlab(
        &["config", "print", "--config", name, "--rate-burst", "50"],
        &[
            ("MARKETLAB_JWT_SECRET", "jwt-secret-value"),
            ("MARKETLAB_RATE_LIMIT", "30"),
        ],
    );
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    for secret in ["hunter2", "jwt-secret-value"] {
        assert!(!stdout.contains(secret), "{stdout}");
    }
    for line in [
        "[server]".to_owned(),
        format!("database_url = \"postgres://class:****@db.local:5432/market\" # file {name}"),
        "jwt_secret = \"****\" # env MARKETLAB_JWT_SECRET".to_owned(),
        "bind = \"127.0.0.1:8080\" # default".to_owned(),
        format!("commission = \"0.0005\" # file {name}"),
        "per_second = 30 # env MARKETLAB_RATE_LIMIT".to_owned(),
        "burst = 50 # flag --rate-burst".to_owned(),
    ] {
        assert!(stdout.lines().any(|l| l == line), "{line}\n{stdout}");
    }
    // What it prints reads back as a file (the masked secrets aside).
    let printed = dir.join("printed.toml");
    std::fs::write(&printed, &stdout).unwrap();
    let again = marketlab(
        &["config", "print", "--config", printed.to_str().unwrap()],
        &[],
    );
    assert!(again.status.success(), "{}", text(&again).1);
    assert!(text(&again).0.contains("burst = 50 # file"));
}

#[test]
fn an_unknown_key_or_a_bad_value_stops_the_server_naming_it() {
    let dir = scratch("refused");
    let file = dir.join("marketlab.toml");
    std::fs::write(&file, "[fees]\ncomission = \"0.0002\"\n").unwrap();
    let name = file.to_str().unwrap();
    for command in ["serve", "print"] {
        let args: &[&str] = if command == "serve" {
            &["serve", "--config", name]
        } else {
            &["config", "print", "--config", name]
        };
        let output = marketlab(args, &[]);
        let (_, stderr) = text(&output);
        assert!(!output.status.success(), "{command}");
        assert!(
            stderr.contains(&format!("{name}: fees.comission: unknown key")),
            "{command}: {stderr}"
        );
    }
    let output = marketlab(&["serve"], &[("MARKETLAB_SELL_TAX", "0.0000001")]);
    assert!(!output.status.success());
    assert!(
        text(&output)
            .1
            .contains("env MARKETLAB_SELL_TAX: fees.sell_tax: rate 0.0000001 is finer than one part per million"),
        "{}",
        text(&output).1
    );
    // Bots' rows may not be folded while the journal still holds them.
    let output = marketlab(&["serve"], &[("MARKETLAB_BOT_DETAIL_DAYS", "3")]);
    assert!(!output.status.success());
    assert!(
        text(&output).1.contains(
            "env MARKETLAB_BOT_DETAIL_DAYS: persister.bot_detail_days: must be 0 (keep forever) \
             or at least the journal's retention (7 days of persister.journal_retention_hours)"
        ),
        "{}",
        text(&output).1
    );
}

#[actix_web::test]
async fn serve_listens_and_stores_where_the_file_says() {
    let dir = scratch("serve");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let file = dir.join("marketlab.toml");
    let database = dir.join("market.db");
    std::fs::write(
        &file,
        format!(
            "[server]\nbind = \"127.0.0.1:{port}\"\ndatabase_url = \"sqlite://{}?mode=rwc\"\n",
            database.display()
        ),
    )
    .unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--config", file.to_str().unwrap()])
        .env_remove("DATABASE_URL")
        .env_remove("MARKETLAB_DATABASE_URL")
        .env_remove("MARKETLAB_BIND")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(2))
        .finish();
    let deadline = Instant::now() + Duration::from_secs(60);
    let healthy = loop {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the server exited with {status}");
        }
        if let Ok(response) = client
            .get(format!("http://127.0.0.1:{port}/health"))
            .send()
            .await
            && response.status().is_success()
        {
            break true;
        }
        if Instant::now() > deadline {
            break false;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(healthy, "the server did not answer on the file's port");
    assert!(
        database.exists(),
        "the server did not create the file's database"
    );
}
