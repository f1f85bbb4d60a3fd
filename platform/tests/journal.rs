//! Journal first, tables after, through the running server: an answered
//! request is in the journal while the tables may lag; the caller's own
//! reads wait for the tables to show its changes (and only its changes).

mod support;

use std::time::Duration;

use marketlab::persistence::repo::{journal, ledger};
use support::app::TestApp;
use support::db::Backend;

/// Long enough for a read to answer if it were not waiting.
const PATIENCE: Duration = Duration::from_millis(500);

async fn a_deposit_then_the_ledger_shows_it_while_the_tables_lag(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let alice = app.register("alice", "INDIVIDUAL").await;
    let bob = app.register("bob", "INDIVIDUAL").await;
    app.deposit(&alice, "100.00").await;
    app.deposit(&bob, "50.00").await;
    assert_eq!(app.ledger(&alice, 10).await.len(), 1);
    let alice_id: i64 = alice.id.parse().unwrap();

    app.hold_projection(true);
    app.deposit(&alice, "25.00").await;
    let progress = app.journal();
    assert!(
        progress.committed() > progress.projected(),
        "the answered deposit is in the journal ({}) ahead of the tables ({})",
        progress.committed(),
        progress.projected()
    );
    assert!(journal::count(app.db()).await.unwrap() > 0);
    assert_eq!(
        ledger::for_account(app.db(), alice_id).await.unwrap().len(),
        1,
        "the tables do not have the deposit yet"
    );

    // Bob did nothing since: his reads do not wait for Alice's backlog.
    let bobs = actix_web::rt::time::timeout(PATIENCE, app.ledger(&bob, 10))
        .await
        .expect("a read with nothing of its own pending answers at once");
    assert_eq!(bobs.len(), 1);
    // Alice's read waits for her deposit to reach the tables...
    let waited = actix_web::rt::time::timeout(PATIENCE, app.ledger(&alice, 10)).await;
    assert!(
        waited.is_err(),
        "the ledger answered before the tables held the deposit: {waited:?}"
    );
    // ... and shows it once they do.
    app.hold_projection(false);
    let entries = app.ledger(&alice, 10).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0]["kind"], "DEPOSIT");
    assert_eq!(entries[0]["amount"], "25.00");
    assert_eq!(entries[0]["cashAfter"], "125.00");
}

api_tests!(a_deposit_then_the_ledger_shows_it_while_the_tables_lag);
