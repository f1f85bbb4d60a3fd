//! Table retention for bots, through a running server and a restart: two
//! bots and a person trade on one day; 31 days later the bots' rows of that
//! day fold into daily summaries (volume, fees, end-of-day position and
//! cash) and go, the person's stay, the trades stay, a second fold changes
//! nothing, and the market comes back whole after a restart. On SQLite the
//! freed pages go back to the file system.

mod support;

use std::sync::Arc;
use std::time::Duration;

use marketlab::persistence::entities::{fill, ledger_entry, order, trade};
use marketlab::persistence::repo::bot_summaries;
use marketlab::persister::retention::{day_start, fold_bots};
use marketlab::startup::Settings;
use marketlab_actors::clock::{Clock, ManualClock};
use marketlab_actors::types::Timestamp;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait, QueryFilter,
    Statement,
};
use serde_json::{Value, json};
use support::app::{PASSWORD, TestApp, User, as_array, assert_dec, expect_data};
use support::db::Backend;

/// Buys 10 ACME at 100.00 when first started (not again after a restart).
const BUYER: &str = r#"
fn on_start(ctx) {
    if ctx.position("ACME") == 0 {
        ctx.buy("ACME", 100.00, 10);
    }
}
"#;

const BOT_FIELDS: &str = "id status account { id cash holdings { symbol quantity } }";

async fn bots(app: &TestApp, who: &User) -> Vec<Value> {
    let query = format!("{{ bots {{ {BOT_FIELDS} }} }}");
    let data = expect_data(
        app.gql(&query, json!({}), Some(&who.token)).await,
        &query,
        &json!({}),
    );
    as_array(&data["bots"])
}

fn held(bot: &Value) -> i64 {
    as_array(&bot["account"]["holdings"])
        .iter()
        .find(|h| h["symbol"] == "ACME")
        .map_or(0, |h| h["quantity"].as_i64().unwrap())
}

async fn rows_of(app: &TestApp, account: i64) -> (u64, u64, u64) {
    let db = app.db();
    let orders = order::Entity::find()
        .filter(order::Column::AccountId.eq(account))
        .count(db)
        .await
        .unwrap();
    let fills = fill::Entity::find()
        .filter(fill::Column::AccountId.eq(account))
        .count(db)
        .await
        .unwrap();
    let ledger = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::AccountId.eq(account))
        .count(db)
        .await
        .unwrap();
    (orders, fills, ledger)
}

async fn pragma(app: &TestApp, name: &str) -> i64 {
    let row = app
        .db()
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            format!("PRAGMA {name}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

async fn bots_rows_fold_into_daily_summaries(backend: Backend) {
    let start: chrono::DateTime<chrono::Utc> = "2026-03-02T10:00:00Z".parse().unwrap();
    let clock = Arc::new(ManualClock::new(Timestamp::from_datetime(start)));
    // The server's own daily fold is off: the test folds when it means to.
    let mut settings = Settings::default();
    settings.persister.projector.bot_detail_days = 0;
    let Some(mut app) = TestApp::spawn_with_clock(backend, settings, clock.clone()).await else {
        return;
    };
    let issuer = app.register("acme_corp", "CORPORATE").await;
    app.list_company("ACME", "Industrials", 1_000, "100.00", None, &issuer)
        .await;
    app.limit(&issuer, "ACME", "SELL", 30, "100.00").await;
    let pat = app.register("pat", "INDIVIDUAL").await;
    app.deposit(&pat, "1000.00").await;
    app.limit(&pat, "ACME", "BUY", 5, "100.00").await;

    let ines = app.register("ines", "INDIVIDUAL").await;
    app.admin_mutation(
        "mutation($id: ID!) { grantRole(accountId: $id, role: INSTRUCTOR) { role } }",
        json!({ "id": ines.id }),
    )
    .await;
    let saved = app
        .gql(
            "mutation($n: String!, $s: String!) { saveBotScript(name: $n, source: $s) { name } }",
            json!({ "n": "buyer", "s": BUYER }),
            Some(&ines.token),
        )
        .await;
    assert!(saved.get("errors").is_none(), "{saved}");
    let started = app
        .gql(
            "mutation($i: StartBotInput!) { startBots(input: $i) { id } }",
            json!({ "i": { "script": "buyer", "cash": "10000.00", "count": 2 } }),
            Some(&ines.token),
        )
        .await;
    assert!(started.get("errors").is_none(), "{started}");
    let mut ready = Vec::new();
    for _ in 0..200 {
        ready = bots(&app, &ines).await;
        if ready.len() == 2 && ready.iter().all(|b| held(b) == 10) {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        ready.iter().all(|b| held(b) == 10),
        "each bot bought 10: {ready:?}"
    );
    let bot_ids: Vec<i64> = ready
        .iter()
        .map(|b| b["account"]["id"].as_str().unwrap().parse().unwrap())
        .collect();
    let pat_id: i64 = pat.id.parse().unwrap();

    // A month later (everyone signs in again) the market goes on: Pat buys
    // one more share.
    clock.advance_millis(31 * 24 * 3600 * 1000);
    let issuer = app.login("acme_corp", PASSWORD).await;
    let pat = app.login("pat", PASSWORD).await;
    let ines = app.login("ines", PASSWORD).await;
    app.limit(&issuer, "ACME", "SELL", 1, "101.00").await;
    app.limit(&pat, "ACME", "BUY", 1, "101.00").await;
    app.stop().await;

    let trades = trade::Entity::find().count(app.db()).await.unwrap();
    assert_eq!(trades, 4, "Pat's, each bot's, and Pat's a month later");
    let pats_rows = rows_of(&app, pat_id).await;
    for &bot in &bot_ids {
        assert_eq!(
            rows_of(&app, bot).await,
            (1, 1, 3),
            "an order, a fill, three entries"
        );
    }

    let now = clock.now().0;
    let folded = fold_bots(app.db(), now, 30).await.unwrap();
    assert_eq!(folded.horizon, day_start(now) - 30 * bot_summaries::DAY);
    assert_eq!(folded.summaries, 2, "one day of one symbol for each bot");
    assert_eq!(
        (
            folded.deleted.orders,
            folded.deleted.fills,
            folded.deleted.ledger_entries
        ),
        (2, 2, 4),
        "each bot keeps its last ledger entry"
    );
    let day = day_start(Timestamp::from_datetime(start).0);
    for &bot in &bot_ids {
        let summaries = bot_summaries::for_account(app.db(), bot).await.unwrap();
        assert_eq!(summaries.len(), 1, "{summaries:?}");
        let s = &summaries[0];
        assert_eq!((s.day, s.symbol.as_str()), (day, "ACME"));
        assert_eq!((s.fills, s.bought, s.sold), (1, 10, 0));
        assert_eq!((s.bought_value, s.sold_value), (100_000, 0), "in cents");
        // The default commission: 0.015 % of 1,000.00.
        assert_eq!((s.commission, s.tax, s.realized_gain), (15, 0, 0));
        assert_eq!(s.end_position, 10);
        assert_eq!(s.end_cash, Some(899_985));
        assert_eq!(rows_of(&app, bot).await, (0, 0, 1));
    }
    assert_eq!(rows_of(&app, pat_id).await, pats_rows, "people's rows stay");
    assert_eq!(
        trade::Entity::find().count(app.db()).await.unwrap(),
        trades,
        "every trade stays"
    );

    let again = fold_bots(app.db(), now, 30).await.unwrap();
    assert_eq!((again.summaries, again.deleted.total()), (0, 0));
    if backend == Backend::Sqlite {
        assert_eq!(pragma(&app, "auto_vacuum").await, 2, "incremental");
        assert_eq!(pragma(&app, "freelist_count").await, 0, "pages given back");
    }

    // The market comes back whole: the bots hold their shares and cash.
    app.restart().await;
    let back = bots(&app, &ines).await;
    assert_eq!(back.len(), 2);
    for bot in &back {
        assert_eq!(held(bot), 10);
        assert_dec(&bot["account"]["cash"], "8999.85");
    }
    app.limit(&issuer, "ACME", "SELL", 1, "101.00").await;
    app.limit(&pat, "ACME", "BUY", 1, "101.00").await;
    assert_eq!(app.ledger(&pat, 50).await.len() as u64, pats_rows.2 + 2);
    app.stop().await;
}

api_tests!(bots_rows_fold_into_daily_summaries);
