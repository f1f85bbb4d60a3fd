//! The repositories of accounts and sign-in, the listed market, bots and
//! scenario runs, each function on both backends.

mod support;

use marketlab::persistence::entities::enums::{BotStatus, Role, RunStatus};
use marketlab::persistence::entities::{
    account, bot, bot_script, company, financial_report, news, refresh_token,
};
use marketlab::persistence::repo::accounts::Balances;
use marketlab::persistence::repo::ids::{MaxIds, max_ids};
use marketlab::persistence::repo::{
    accounts, audit, bot_scripts, bots, companies, financials, news as news_repo, orders,
    refresh_tokens, scenario_runs, sectors,
};
use sea_orm::{DatabaseConnection, DbErr};
use support::rows::{self, ALICE, BOB, ISSUER, T0};

async fn accounts_are_stored_found_and_balanced(db: &DatabaseConnection) {
    rows::market(db).await;
    let alice = accounts::find(db, ALICE).await.unwrap().unwrap();
    assert_eq!(alice, rows::account(ALICE, "alice"));
    assert_eq!(accounts::find(db, 404).await.unwrap(), None);
    assert_eq!(
        accounts::find_by_username(db, "bob").await.unwrap(),
        Some(rows::account(BOB, "bob"))
    );
    assert_eq!(accounts::find_by_username(db, "carol").await.unwrap(), None);

    // A group of bots, more than one statement holds.
    let bots: Vec<account::Model> = (1_000..4_000)
        .map(|id| account::Model {
            role: Role::Bot,
            password_hash: None,
            ..rows::account(id, &format!("bot{id}"))
        })
        .collect();
    accounts::insert_many(db, &bots).await.unwrap();
    let all = accounts::all(db).await.unwrap();
    assert_eq!(all.len(), 3 + bots.len());
    assert!(all.windows(2).all(|pair| pair[0].id < pair[1].id));
    assert_eq!(all.last(), bots.last());

    // Balances of thousands of accounts in one call; the last for an
    // account wins.
    let mut balances: Vec<Balances> = (1_000..4_000)
        .map(|id| Balances {
            account_id: id,
            cash: id * 3,
            reserved_cash: id,
            realized_gains: -id,
        })
        .collect();
    balances.push(Balances {
        account_id: 1_000,
        cash: 7,
        reserved_cash: 0,
        realized_gains: 1,
    });
    accounts::update_balances(db, &balances).await.unwrap();
    let first = accounts::find(db, 1_000).await.unwrap().unwrap();
    assert_eq!(
        (first.cash, first.reserved_cash, first.realized_gains),
        (7, 0, 1)
    );
    let last = accounts::find(db, 3_999).await.unwrap().unwrap();
    assert_eq!(
        (
            last.cash,
            last.reserved_cash,
            last.realized_gains,
            last.username.as_str()
        ),
        (11_997, 3_999, -3_999, "bot3999")
    );
    let unknown = Balances {
        account_id: 404,
        cash: 1,
        reserved_cash: 0,
        realized_gains: 0,
    };
    assert!(matches!(
        accounts::update_balances(db, &[unknown]).await,
        Err(DbErr::RecordNotUpdated)
    ));
    accounts::update_balances(db, &[]).await.unwrap();

    accounts::set_role(db, ALICE, Role::Instructor)
        .await
        .unwrap();
    accounts::set_company(db, ISSUER, Some("ACME"))
        .await
        .unwrap();
    assert_eq!(
        accounts::find(db, ALICE).await.unwrap().unwrap().role,
        Role::Instructor
    );
    assert_eq!(
        accounts::find(db, ISSUER)
            .await
            .unwrap()
            .unwrap()
            .company_symbol,
        Some("ACME".to_owned())
    );
    accounts::set_company(db, ISSUER, None).await.unwrap();
    assert_eq!(
        accounts::find(db, ISSUER)
            .await
            .unwrap()
            .unwrap()
            .company_symbol,
        None
    );
    assert!(matches!(
        accounts::set_role(db, 404, Role::Admin).await,
        Err(DbErr::RecordNotUpdated)
    ));
}

fn token(hash: &str, account_id: i64, expires_at: i64) -> refresh_token::Model {
    refresh_token::Model {
        token_hash: hash.to_owned(),
        account_id,
        expires_at,
        revoked_at: None,
        replaced_by: None,
        created_at: T0,
    }
}

async fn refresh_tokens_rotate_once_and_revoke(db: &DatabaseConnection) {
    rows::market(db).await;
    let day = 86_400 * 1_000_000_000;
    refresh_tokens::insert(db, &token("h1", ALICE, T0 + day))
        .await
        .unwrap();
    assert_eq!(
        refresh_tokens::find(db, "h1").await.unwrap(),
        Some(token("h1", ALICE, T0 + day))
    );

    let now = T0 + 10;
    assert!(
        refresh_tokens::rotate(db, "h1", &token("h2", ALICE, T0 + 2 * day), now)
            .await
            .unwrap()
    );
    let old = refresh_tokens::find(db, "h1").await.unwrap().unwrap();
    assert_eq!(
        (old.revoked_at, old.replaced_by.as_deref()),
        (Some(now), Some("h2"))
    );
    // A second use of a rotated token, an unknown one or an expired one is
    // refused and stores nothing.
    assert!(
        !refresh_tokens::rotate(db, "h1", &token("h3", ALICE, T0 + 2 * day), now)
            .await
            .unwrap()
    );
    assert!(
        !refresh_tokens::rotate(db, "nope", &token("h3", ALICE, T0 + 2 * day), now)
            .await
            .unwrap()
    );
    assert!(
        !refresh_tokens::rotate(db, "h2", &token("h3", ALICE, T0 + 3 * day), T0 + 2 * day)
            .await
            .unwrap()
    );
    assert_eq!(refresh_tokens::find(db, "h3").await.unwrap(), None);

    refresh_tokens::insert(db, &token("b1", BOB, T0 + day))
        .await
        .unwrap();
    refresh_tokens::insert(db, &token("b2", BOB, T0 + day))
        .await
        .unwrap();
    assert!(refresh_tokens::revoke(db, "b1", now).await.unwrap());
    assert!(!refresh_tokens::revoke(db, "b1", now).await.unwrap());
    assert_eq!(
        refresh_tokens::revoke_all_for(db, BOB, now).await.unwrap(),
        1
    );
    assert_eq!(
        refresh_tokens::find(db, "b2")
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(now)
    );

    // h1, b1 and b2 expire after a day, h2 after two.
    assert_eq!(
        refresh_tokens::delete_expired(db, T0 + day + 1)
            .await
            .unwrap(),
        3
    );
    assert!(refresh_tokens::find(db, "h2").await.unwrap().is_some());
}

async fn audit_entries_are_numbered_newest_first(db: &DatabaseConnection) {
    rows::market(db).await;
    let first = audit::insert(db, ISSUER, "LIST", r#"{"symbol":"ACME"}"#, T0)
        .await
        .unwrap();
    let second = audit::insert(db, ISSUER, "HALT", r#"{"symbol":null}"#, T0 + 1)
        .await
        .unwrap();
    assert!(second > first);
    let recent = audit::recent(db, 10).await.unwrap();
    assert_eq!(
        recent
            .iter()
            .map(|e| (e.id, e.action.as_str(), e.detail.as_str()))
            .collect::<Vec<_>>(),
        [
            (second, "HALT", r#"{"symbol":null}"#),
            (first, "LIST", r#"{"symbol":"ACME"}"#)
        ]
    );
    assert_eq!(audit::recent(db, 1).await.unwrap().len(), 1);
}

async fn sectors_and_companies(db: &DatabaseConnection) {
    rows::market(db).await;
    sectors::ensure(db, "Tech").await.unwrap();
    sectors::ensure(db, "Energy").await.unwrap();
    assert_eq!(sectors::all(db).await.unwrap(), ["Energy", "Tech"]);

    assert_eq!(
        companies::find(db, "ACME").await.unwrap(),
        Some(rows::company("ACME", 1))
    );
    assert_eq!(companies::find(db, "NOPE").await.unwrap(), None);
    companies::set_sector(db, "BOLT", "Energy").await.unwrap();
    assert!(companies::set_sector(db, "BOLT", "Nowhere").await.is_err());
    let symbols =
        |list: Vec<company::Model>| list.into_iter().map(|c| c.symbol).collect::<Vec<_>>();
    assert_eq!(
        symbols(companies::in_sector(db, "Energy").await.unwrap()),
        ["BOLT"]
    );
    assert_eq!(symbols(companies::all(db).await.unwrap()), ["ACME", "BOLT"]);
    // A sector with companies cannot go; an empty one can.
    assert!(sectors::delete(db, "Energy").await.is_err());
    sectors::ensure(db, "Empty").await.unwrap();
    assert!(sectors::delete(db, "Empty").await.unwrap());
    assert!(!sectors::delete(db, "Empty").await.unwrap());

    companies::set_halted(db, "ACME", true).await.unwrap();
    assert_eq!(companies::set_all_halted(db, true).await.unwrap(), 1);
    assert!(companies::all(db).await.unwrap().iter().all(|c| c.halted));
    assert_eq!(companies::set_all_halted(db, false).await.unwrap(), 2);
    companies::set_listed(db, "BOLT", false).await.unwrap();
    assert!(!companies::find(db, "BOLT").await.unwrap().unwrap().listed);
    assert!(matches!(
        companies::set_halted(db, "NOPE", true).await,
        Err(DbErr::RecordNotUpdated)
    ));

    companies::set_last_seqs(
        db,
        &[
            ("ACME".to_owned(), 10),
            ("BOLT".to_owned(), 3),
            ("ACME".to_owned(), 12),
        ],
    )
    .await
    .unwrap();
    let seqs: Vec<(String, i64)> = companies::all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.symbol, c.last_seq))
        .collect();
    assert_eq!(seqs, [("ACME".to_owned(), 12), ("BOLT".to_owned(), 3)]);
    assert!(matches!(
        companies::set_last_seqs(db, &[("NOPE".to_owned(), 1)]).await,
        Err(DbErr::RecordNotUpdated)
    ));

    // Another company may not take a book number already given.
    assert!(
        companies::insert(db, &rows::company("CORE", 1))
            .await
            .is_err()
    );
}

fn report(symbol: &str, year: i32, net_income: i64) -> financial_report::Model {
    financial_report::Model {
        symbol: symbol.to_owned(),
        year,
        revenue: 100_000_000,
        operating_profit: 20_000_000,
        net_income,
        published_at: T0 + i64::from(year),
    }
}

async fn financial_reports_are_replaced_per_year(db: &DatabaseConnection) {
    rows::market(db).await;
    financials::upsert(db, &report("ACME", 2025, 5))
        .await
        .unwrap();
    financials::upsert(db, &report("ACME", 2024, 4))
        .await
        .unwrap();
    financials::upsert(db, &report("BOLT", 2025, -3))
        .await
        .unwrap();
    financials::upsert(db, &report("ACME", 2025, 6))
        .await
        .unwrap();
    assert_eq!(
        financials::for_symbol(db, "ACME").await.unwrap(),
        [report("ACME", 2024, 4), report("ACME", 2025, 6)]
    );
    assert_eq!(financials::all(db).await.unwrap().len(), 3);
    assert!(
        financials::upsert(db, &report("NOPE", 2025, 1))
            .await
            .is_err()
    );
}

async fn news_comes_newest_first(db: &DatabaseConnection) {
    let item = |id: i64, symbol: Option<&str>, at: i64| news::Model {
        id,
        symbol: symbol.map(str::to_owned),
        headline: format!("headline {id}"),
        impact_ppm: -150_000,
        at,
    };
    news_repo::insert(db, &item(1, Some("ACME"), T0))
        .await
        .unwrap();
    news_repo::insert(db, &item(2, None, T0 + 5)).await.unwrap();
    news_repo::insert(db, &item(3, Some("ZZZ"), T0 + 1))
        .await
        .unwrap();
    assert_eq!(
        news_repo::recent(db, 2).await.unwrap(),
        [item(2, None, T0 + 5), item(3, Some("ZZZ"), T0 + 1)]
    );
}

async fn bots_and_their_scripts(db: &DatabaseConnection) {
    rows::market(db).await;
    let script = |source: &str, at| bot_script::Model {
        name: "maker".to_owned(),
        source: source.to_owned(),
        updated_at: at,
    };
    bot_scripts::upsert(db, &script("fn on_tick(ctx) {}", T0))
        .await
        .unwrap();
    bot_scripts::upsert(db, &script("fn on_tick(ctx) { 1 }", T0 + 1))
        .await
        .unwrap();
    assert_eq!(
        bot_scripts::find(db, "maker").await.unwrap(),
        Some(script("fn on_tick(ctx) { 1 }", T0 + 1))
    );
    assert_eq!(bot_scripts::all(db).await.unwrap().len(), 1);

    let bot = |id, account_id| bot::Model {
        id,
        script: "maker".to_owned(),
        account_id,
        status: BotStatus::Running,
        error: None,
        params: r#"{"spread":"0.02"}"#.to_owned(),
        created_at: T0,
        scenario_run_id: None,
    };
    bots::insert(db, &bot(1, ALICE)).await.unwrap();
    bots::insert(db, &bot(2, BOB)).await.unwrap();
    let orphan = bot::Model {
        script: "missing".to_owned(),
        ..bot(3, BOB)
    };
    assert!(bots::insert(db, &orphan).await.is_err());

    bots::set_status(db, 2, BotStatus::Failed, Some("line 3, column 7: boom"))
        .await
        .unwrap();
    assert_eq!(bots::find(db, 1).await.unwrap(), Some(bot(1, ALICE)));
    let failed = bots::find(db, 2).await.unwrap().unwrap();
    assert_eq!(
        (failed.status, failed.error.as_deref()),
        (BotStatus::Failed, Some("line 3, column 7: boom"))
    );
    assert_eq!(bots::all(db).await.unwrap().len(), 2);
    assert_eq!(
        bots::with_status(db, BotStatus::Running).await.unwrap(),
        [bot(1, ALICE)]
    );
    bots::set_status(db, 2, BotStatus::Stopped, None)
        .await
        .unwrap();
    assert_eq!(bots::find(db, 2).await.unwrap().unwrap().error, None);
    assert!(matches!(
        bots::set_status(db, 9, BotStatus::Stopped, None).await,
        Err(DbErr::RecordNotUpdated)
    ));
    let of_run = bot::Model {
        scenario_run_id: Some(7),
        ..bot(4, ALICE)
    };
    bots::insert(db, &of_run).await.unwrap();
    assert_eq!(bots::of_run(db, 7).await.unwrap(), [of_run]);
    assert_eq!(bots::of_run(db, 8).await.unwrap(), []);
}

async fn scenario_runs_start_and_finish(db: &DatabaseConnection) {
    let seed = u64::MAX as i64;
    let first = scenario_runs::start(db, "crash", seed, "abc123", T0)
        .await
        .unwrap();
    let second = scenario_runs::start(db, "calm", 7, "def456", T0 + 1)
        .await
        .unwrap();
    scenario_runs::finish(
        db,
        first,
        RunStatus::Finished,
        T0 + 9,
        Some(r#"{"volume":5}"#),
    )
    .await
    .unwrap();
    let run = scenario_runs::find(db, first).await.unwrap().unwrap();
    assert_eq!(run.seed as u64, u64::MAX);
    assert_eq!(
        (run.status, run.finished_at, run.summary.as_deref()),
        (RunStatus::Finished, Some(T0 + 9), Some(r#"{"volume":5}"#))
    );
    let recent = scenario_runs::recent(db, 10).await.unwrap();
    assert_eq!(
        recent.iter().map(|r| (r.id, r.status)).collect::<Vec<_>>(),
        [(second, RunStatus::Running), (first, RunStatus::Finished)]
    );
    assert!(matches!(
        scenario_runs::finish(db, 999, RunStatus::Failed, T0, None).await,
        Err(DbErr::RecordNotUpdated)
    ));

    // A restart stops the runs it cut short, and only those.
    let third = scenario_runs::start(db, "class", 1, "0f0f", T0 + 2)
        .await
        .unwrap();
    scenario_runs::set_status(db, third, RunStatus::Paused)
        .await
        .unwrap();
    assert_eq!(
        scenario_runs::interrupt_unfinished(db, T0 + 20)
            .await
            .unwrap(),
        [second, third]
    );
    let statuses: Vec<_> = scenario_runs::recent(db, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.status, r.finished_at))
        .collect();
    assert_eq!(
        statuses,
        [
            (third, RunStatus::Stopped, Some(T0 + 20)),
            (second, RunStatus::Stopped, Some(T0 + 20)),
            (first, RunStatus::Finished, Some(T0 + 9)),
        ]
    );
    assert_eq!(
        scenario_runs::interrupt_unfinished(db, T0 + 30)
            .await
            .unwrap(),
        Vec::<i64>::new()
    );
}

async fn max_ids_restart_the_counters(db: &DatabaseConnection) {
    assert_eq!(max_ids(db).await.unwrap(), MaxIds::default());
    rows::market(db).await;
    orders::upsert(db, &rows::order(41, ALICE)).await.unwrap();
    orders::upsert(db, &rows::order(7, BOB)).await.unwrap();
    assert_eq!(
        max_ids(db).await.unwrap(),
        MaxIds {
            account: Some(BOB),
            order: Some(41),
            book: Some(2),
            news: None,
            bot: None,
        }
    );
}

on_both_backends!(
    accounts_are_stored_found_and_balanced,
    refresh_tokens_rotate_once_and_revoke,
    audit_entries_are_numbered_newest_first,
    sectors_and_companies,
    financial_reports_are_replaced_per_year,
    news_comes_newest_first,
    bots_and_their_scripts,
    scenario_runs_start_and_finish,
    max_ids_restart_the_counters,
);
