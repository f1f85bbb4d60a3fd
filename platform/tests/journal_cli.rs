//! `marketlab journal export` and `marketlab journal verify`, with the real
//! binary, on a market that traded a little: the feed is JSON lines in
//! journal order with the trades and deposits in it, verify agrees with the
//! tables the server left, and names the account whose cash was changed
//! behind the journal's back.

mod support;

use std::process::{Command, Output};

use sea_orm::ConnectionTrait;
use serde_json::Value;
use support::app::TestApp;
use support::db::Backend;

const BIN: &str = env!("CARGO_BIN_EXE_marketlab");

/// `marketlab journal ARGS... --database URL`.
fn journal(url: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("journal")
        .args(args)
        .args(["--database", url])
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn export_and_verify(backend: Backend) {
    let Some(mut app) = TestApp::spawn(backend).await else {
        return;
    };
    let issuer = app.register("acme_corp", "CORPORATE").await;
    let alice = app.register("alice", "INDIVIDUAL").await;
    let bob = app.register("bob", "INDIVIDUAL").await;
    app.list_company("ACME", "Technology", 1_000, "20.00", None, &issuer)
        .await;
    app.deposit(&alice, "5000.00").await;
    app.deposit(&bob, "3000.00").await;
    app.limit(&issuer, "ACME", "SELL", 30, "20.00").await;
    app.limit(&alice, "ACME", "BUY", 30, "20.00").await;
    app.limit(&alice, "ACME", "SELL", 10, "21.00").await;
    app.limit(&bob, "ACME", "BUY", 10, "21.00").await;
    app.stop().await;

    let url = app.db_url.clone();
    let exported = journal(&url, &["export", "--from", "1"]);
    let feed = text(&exported.stdout);
    assert!(
        exported.status.success(),
        "export fails: {}",
        text(&exported.stderr)
    );
    let lines: Vec<Value> = feed
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let seqs: Vec<i64> = lines
        .iter()
        .map(|l| l["seq"].as_i64().expect("a seq"))
        .collect();
    assert!(seqs.is_sorted(), "batches out of order: {seqs:?}");
    assert!(
        lines
            .iter()
            .any(|l| l["event"] == "listed" && l["listing"]["symbol"] == "ACME"),
        "the listing is in the feed"
    );
    let trades: Vec<&Value> = lines
        .iter()
        .filter(|l| l["event"].get("Trade").is_some())
        .collect();
    assert_eq!(trades.len(), 2, "both crossings traded: {trades:?}");
    assert_eq!(
        (trades[0]["price"].as_str(), trades[1]["price"].as_str()),
        (Some("20.00"), Some("21.00")),
        "each trade carries its price in money"
    );
    assert_eq!(trades[0]["event"]["Trade"]["quantity"], 30);
    let alice_id: u64 = alice.id.parse().expect("account ids are numbers");
    let deposits = lines
        .iter()
        .filter(|l| l["event"] == "account" && l["account"] == alice_id)
        .flat_map(|l| {
            l["changes"]["history"]["entries"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter(|entry| entry["kind"] == "Deposit")
        .count();
    assert_eq!(deposits, 1, "alice's deposit is in the feed");

    // --to and --out give the same lines as the whole feed on stdout.
    let last = seqs.last().expect("the feed has lines").to_string();
    let out = std::env::temp_dir().join(format!("journal-{}.jsonl", uuid::Uuid::new_v4()));
    let to_file = journal(
        &url,
        &[
            "export",
            "--from",
            "1",
            "--to",
            &last,
            "--out",
            &out.to_string_lossy(),
        ],
    );
    assert!(
        to_file.status.success(),
        "export --out fails: {}",
        text(&to_file.stderr)
    );
    let written = std::fs::read_to_string(&out).expect("the feed file is written");
    std::fs::remove_file(&out).ok();
    assert_eq!(written, feed);

    let compacted = journal(&url, &["export", "--from", "0"]);
    assert!(
        !compacted.status.success(),
        "a compacted batch cannot be exported"
    );
    assert!(
        text(&compacted.stderr).contains("the first batch kept is 1"),
        "{}",
        text(&compacted.stderr)
    );
    let unknown = journal(&url, &["export", "--from", "1", "--format", "xml"]);
    assert!(!unknown.status.success(), "only jsonl is a format");

    let verified = journal(&url, &["verify"]);
    let report = text(&verified.stdout);
    assert!(
        verified.status.success(),
        "verify fails on the server's own tables: {report}{}",
        text(&verified.stderr)
    );
    assert!(
        report.contains("0 differ; books: 1 ok, 0 differ"),
        "{report}"
    );

    app.db()
        .execute_unprepared(&format!(
            "UPDATE accounts SET cash = cash + 1 WHERE id = {}",
            alice.id
        ))
        .await
        .expect("the cash is changed behind the journal's back");
    let tampered = journal(&url, &["verify"]);
    let report = text(&tampered.stdout);
    assert!(
        !tampered.status.success(),
        "verify misses the change: {report}"
    );
    assert!(
        report.contains("1 differ; books: 1 ok, 0 differ"),
        "{report}"
    );
    assert!(
        report.contains(&format!("account {}: journal sha256", alice.id)),
        "{report}"
    );
    assert!(report.contains("cash_cents: journal"), "{report}");
    assert!(
        text(&tampered.stderr)
            .contains("the tables differ from the journal: 1 account(s), 0 book(s)"),
        "{}",
        text(&tampered.stderr)
    );
}

api_tests!(export_and_verify);
