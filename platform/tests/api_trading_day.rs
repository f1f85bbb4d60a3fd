//! The whole story of a trading day, over HTTP against the running server:
//! an admin lists two companies in two sectors for two corporate issuers;
//! the issuers sell IPO shares; two individuals deposit, buy, partially
//! fill, cancel and sell; FIFO gains, sector weights, the ledger and the
//! leaderboard come out exactly as computed by hand below; a corporate
//! account publishes financials (an individual may not); delisting cancels
//! open orders and releases their reservations. On SQLite and Postgres.
//!
//! Fees (README): commission 0.015% on both sides, tax 0.18% on sells, each
//! on the order's cumulative notional, rounded half to even to the cent.
//!
//! The day, worked by hand (cash in currency units):
//!
//! | step | who | what | notional | commission | tax |
//! |---|---|---|---|---|---|
//! | 1 | alice, bob | deposit 20,000.00 each | | | |
//! | 2 | acme_corp | A1: sell 100 ACME @ 100.00; A2: sell 20 ACME @ 102.00 (rest) | | | |
//! | 3 | bolt_corp | B1: sell 100 BOLT @ 50.00 (rests) | | | |
//! | 4 | alice | buy 60 ACME @ 100.00: fills 60 of A1 | 6,000.00 | 0.90 | A1: 10.80 |
//! | 5 | bob | buy 50 ACME @ 101.00: fills the 40 left of A1 @ 100.00, 10 rest | 4,000.00 | 0.60 | A1: 7.20 |
//! | 6 | bob | cancels the rest | | | |
//! | 7 | alice | buy 20 ACME @ 102.00: fills A2 | 2,040.00 | 0.306 -> 0.31 | A2: 3.672 -> 3.67 |
//! | 8 | alice | buy 40 BOLT @ 50.00: fills 40 of B1 | 2,000.00 | 0.30 | B1: 3.60 |
//! | 9 | alice | sell 70 ACME @ 105.00 (rests); bob buys 70 @ 105.00 | 7,350.00 | 1.1025 -> 1.10 | alice: 13.23 |
//!
//! A1's two fills: the order's commission on 10,000.00 is 1.50 and its tax
//! 18.00; the first fill (6,000.00) pays 0.90 and 10.80, the second what is
//! left, 0.60 and 7.20.

mod support;

use rust_decimal::Decimal;
use serde_json::{Value, json};
use support::app::{
    ORDER_FIELDS, PASSWORD, TestApp, User, as_array, assert_dec, dec, holding, id_of, this_year,
};
use support::db::Backend;

async fn a_trading_day(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };

    // ---- accounts ----
    let acme_corp = app.register("acme_corp", "CORPORATE").await;
    let bolt_corp = app.register("bolt_corp", "CORPORATE").await;
    let alice = app.register("alice", "INDIVIDUAL").await;
    let bob = app.register("bob", "INDIVIDUAL").await;
    // Carol never deposits: her return is "0.00", not a division by zero.
    let carol = app.register("carol", "INDIVIDUAL").await;

    // ---- listing ----
    // Bands: ACME 70.00..=130.00, BOLT 35.00..=65.00 (IPO price +-30%).
    let acme = app
        .list_company("ACME", "Technology", 1_000, "100.00", None, &acme_corp)
        .await;
    assert_eq!(
        acme,
        json!({
            "symbol": "ACME", "name": "ACME Holdings", "sector": "Technology",
            "sharesOutstanding": 1000, "tickSize": "0.01", "lastPrice": null,
            "listed": true, "halted": false,
        })
    );
    app.list_company("BOLT", "Energy", 1_000, "50.00", Some("0.01"), &bolt_corp)
        .await;

    // The issuer holds every share as one lot at the IPO price.
    let corp = app.me(&acme_corp).await;
    assert_eq!(corp["role"], "CORPORATE");
    assert_eq!(corp["company"]["symbol"], "ACME");
    assert_eq!(corp["cash"], "0.00");
    let h = holding(&corp, "ACME").expect("the issuer holds ACME");
    assert_eq!(
        (h["quantity"].clone(), h["availableQuantity"].clone()),
        (json!(1000), json!(1000))
    );
    assert_dec(&h["averageCost"], "100");
    let lots = my_lots(&app, &acme_corp).await;
    assert_eq!(lots.len(), 1);
    assert_eq!(lots[0]["symbol"], "ACME");
    assert_eq!(lots[0]["quantity"], 1000);
    assert_eq!(lots[0]["remainingQuantity"], 1000);
    assert_eq!(lots[0]["price"], "100.00");

    // ---- step 1: deposits ----
    let entry = app.deposit(&alice, "20000.00").await;
    assert_eq!(entry["kind"], "DEPOSIT");
    assert_eq!(entry["amount"], "20000.00");
    assert_eq!(entry["cashBefore"], "0.00");
    assert_eq!(entry["cashAfter"], "20000.00");
    app.deposit(&bob, "20000.00").await;

    // ---- steps 2, 3: the issuers offer shares ----
    let a1 = app.limit(&acme_corp, "ACME", "SELL", 100, "100.00").await;
    assert_eq!(a1["status"], "OPEN");
    assert_eq!(a1["remainingQuantity"], 100);
    assert_eq!(a1["limitPrice"], "100.00");
    let a2 = app.limit(&acme_corp, "ACME", "SELL", 20, "102.00").await;
    let b1 = app.limit(&bolt_corp, "BOLT", "SELL", 100, "50.00").await;
    // Shares offered are reserved.
    let corp = app.balances(&acme_corp).await;
    assert_eq!(holding(&corp, "ACME").unwrap()["availableQuantity"], 880);

    // ---- step 4: alice buys 60 @ 100.00 ----
    // Notional 6,000.00; commission 6,000.00 x 0.00015 = 0.90.
    // alice: 20,000.00 - 6,000.00 - 0.90 = 13,999.10.
    let o = app.limit(&alice, "ACME", "BUY", 60, "100.00").await;
    let alice_buy1 = id_of(&o);
    assert_eq!(o["status"], "FILLED");
    assert_eq!(o["filledQuantity"], 60);
    assert_eq!(o["remainingQuantity"], 0);
    assert_dec(&o["averageFillPrice"], "100.00"); // an average: more places allowed
    assert_eq!(fills(&o), vec!["60 @ 100.00 fee 0.90 tax 0.00"]);
    assert_cash(&app, &alice, "13999.10", "13999.10").await;

    // ---- step 5: bob buys 50 @ 101.00, 40 fill @ 100.00, 10 rest ----
    // Reserved at placing: 50 x 101.00 = 5,050.00 + commission 0.7575 -> 0.76
    // = 5,050.76. The fill spends 4,000.00 + 0.60; 1,050.16 stays reserved
    // until the order ends.
    // bob: cash 20,000.00 - 4,000.60 = 15,999.40; available 15,999.40 - 1,050.16 = 14,949.24.
    let o = app.limit(&bob, "ACME", "BUY", 50, "101.00").await;
    let bob_partial = id_of(&o);
    assert_eq!(o["status"], "PARTIALLY_FILLED");
    assert_eq!(o["filledQuantity"], 40);
    assert_eq!(o["remainingQuantity"], 10);
    assert_dec(&o["averageFillPrice"], "100.00"); // an average: more places allowed
    assert_eq!(fills(&o), vec!["40 @ 100.00 fee 0.60 tax 0.00"]);
    assert_cash(&app, &bob, "15999.40", "14949.24").await;
    let book = order_book(&app, "ACME").await;
    assert_eq!(
        book["bids"],
        json!([{ "price": "101.00", "quantity": 10, "orders": 1 }])
    );
    assert_eq!(
        book["asks"],
        json!([{ "price": "102.00", "quantity": 20, "orders": 1 }])
    );

    // A1 is filled; the issuer's side of its two fills (see the table).
    // acme_corp: 6,000.00 - 0.90 - 10.80 + 4,000.00 - 0.60 - 7.20 = 9,980.50.
    let a1_now = app.order(&acme_corp, &id_of(&a1)).await;
    assert_eq!(a1_now["status"], "FILLED");
    assert_eq!(
        fills(&a1_now),
        vec![
            "60 @ 100.00 fee 0.90 tax 10.80",
            "40 @ 100.00 fee 0.60 tax 7.20"
        ]
    );
    assert_cash(&app, &acme_corp, "9980.50", "9980.50").await;

    // ---- step 6: bob cancels the rest; the reservation comes back ----
    let o = app.cancel(&bob, &bob_partial).await;
    assert_eq!(o["status"], "CANCELLED");
    assert_eq!(o["filledQuantity"], 40);
    assert_cash(&app, &bob, "15999.40", "15999.40").await;
    // Cancelling it again is refused and changes nothing.
    let code = app
        .error_code(
            "mutation($id: ID!) { cancelOrder(id: $id) { id } }",
            json!({ "id": bob_partial }),
            Some(&bob.token),
        )
        .await;
    assert_eq!(code, "CONFLICT", "cancelling a cancelled order");
    assert_cash(&app, &bob, "15999.40", "15999.40").await;

    // ---- step 7: alice buys 20 @ 102.00 (A2) ----
    // 2,040.00; commission 0.306 -> 0.31. alice: 13,999.10 - 2,040.31 = 11,958.79.
    let o = app.limit(&alice, "ACME", "BUY", 20, "102.00").await;
    let alice_buy2 = id_of(&o);
    assert_eq!(o["status"], "FILLED");
    assert_eq!(fills(&o), vec!["20 @ 102.00 fee 0.31 tax 0.00"]);
    // A2's side: tax 2,040.00 x 0.0018 = 3.672 -> 3.67.
    // acme_corp: 9,980.50 + 2,040.00 - 0.31 - 3.67 = 12,016.52.
    let a2_now = app.order(&acme_corp, &id_of(&a2)).await;
    assert_eq!(fills(&a2_now), vec!["20 @ 102.00 fee 0.31 tax 3.67"]);
    assert_cash(&app, &acme_corp, "12016.52", "12016.52").await;

    // ---- step 8: alice buys 40 BOLT @ 50.00 ----
    // 2,000.00; commission 0.30. alice: 11,958.79 - 2,000.30 = 9,958.49.
    let o = app.limit(&alice, "BOLT", "BUY", 40, "50.00").await;
    let alice_bolt = id_of(&o);
    assert_eq!(fills(&o), vec!["40 @ 50.00 fee 0.30 tax 0.00"]);
    // bolt_corp: 2,000.00 - 0.30 - 3.60 = 1,996.10; B1 keeps 60 on the book.
    assert_cash(&app, &bolt_corp, "1996.10", "1996.10").await;
    let b1_now = app.order(&bolt_corp, &id_of(&b1)).await;
    assert_eq!(b1_now["status"], "PARTIALLY_FILLED");
    assert_eq!(b1_now["remainingQuantity"], 60);

    assert_cash(&app, &alice, "9958.49", "9958.49").await;

    // ---- step 9: alice sells 70 @ 105.00, bob buys them ----
    let o = app.limit(&alice, "ACME", "SELL", 70, "105.00").await;
    let alice_sell = id_of(&o);
    assert_eq!(o["status"], "OPEN");
    let me = app.balances(&alice).await;
    let h = holding(&me, "ACME").unwrap();
    assert_eq!(
        (h["quantity"].clone(), h["availableQuantity"].clone()),
        (json!(80), json!(10))
    );

    // bob: 7,350.00 + 1.1025 -> 1.10. bob: 15,999.40 - 7,351.10 = 8,648.30.
    let o = app.limit(&bob, "ACME", "BUY", 70, "105.00").await;
    let bob_buy = id_of(&o);
    assert_eq!(o["status"], "FILLED");
    assert_eq!(fills(&o), vec!["70 @ 105.00 fee 1.10 tax 0.00"]);
    assert_cash(&app, &bob, "8648.30", "8648.30").await;

    // alice: 7,350.00 - commission 1.10 - tax 7,350.00 x 0.0018 = 13.23.
    // alice: 9,958.49 + 7,350.00 - 1.10 - 13.23 = 17,294.16.
    let o = app.order(&alice, &alice_sell).await;
    assert_eq!(o["status"], "FILLED");
    assert_eq!(fills(&o), vec!["70 @ 105.00 fee 1.10 tax 13.23"]);
    assert_cash(&app, &alice, "17294.16", "17294.16").await;

    // ---- FIFO gains ----
    // The sale's costs, 1.10 + 13.23 = 14.33, are split over the lots it
    // consumes pro rata to shares, the last lot taking what is left:
    // lot 1 (60 @ 100.00, buy fee 0.90): all 60 shares.
    //   sale costs 14.33 x 60 / 70 = 12.2828... -> 12.28; buy fee 0.90.
    //   gain (105.00 - 100.00) x 60 - 0.90 - 12.28 = 300.00 - 13.18 = 286.82
    // lot 2 (20 @ 102.00, buy fee 0.31): 10 of 20 shares.
    //   sale costs 14.33 - 12.28 = 2.05; buy fee 0.31 x 10 / 20 = 0.155 -> 0.16 (half to even).
    //   gain (105.00 - 102.00) x 10 - 0.16 - 2.05 = 30.00 - 2.21 = 27.79
    // total 314.61. Left: 10 shares of lot 2 carrying 0.31 - 0.16 = 0.15 of
    // its fee: cost 1,020.15, average cost 102.015.
    let year = this_year();
    let report = app
        .data(
            "query($y: Int!) { capitalGains(year: $y) { year totalGain exemption taxableGain \
                taxRate estimatedTax realized { symbol quantity buyPrice sellPrice gain acquiredAt soldAt } } }",
            json!({ "y": year }),
            Some(&alice.token),
        )
        .await["capitalGains"]
        .clone();
    assert_eq!(report["year"], year);
    let rows: Vec<String> = as_array(&report["realized"])
        .iter()
        .map(|r| {
            format!(
                "{} {} bought {} sold {} gain {}",
                s(&r["symbol"]),
                r["quantity"],
                s(&r["buyPrice"]),
                s(&r["sellPrice"]),
                s(&r["gain"])
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            "ACME 60 bought 100.00 sold 105.00 gain 286.82",
            "ACME 10 bought 102.00 sold 105.00 gain 27.79",
        ],
        "one realized gain per lot, oldest first"
    );
    // Korean overseas-stock rules: 2,500,000.00 exempt, 22% on the rest.
    assert_eq!(report["totalGain"], "314.61");
    assert_eq!(report["exemption"], "2500000.00");
    assert_eq!(report["taxableGain"], "0.00");
    assert_dec(&report["taxRate"], "0.22");
    assert_eq!(report["estimatedTax"], "0.00");
    // bob sold nothing.
    let bob_report = app
        .data(
            "query($y: Int!) { capitalGains(year: $y) { totalGain realized { gain } } }",
            json!({ "y": year }),
            Some(&bob.token),
        )
        .await["capitalGains"]
        .clone();
    assert_eq!(bob_report, json!({ "totalGain": "0.00", "realized": [] }));

    // ---- holdings and lots ----
    // alice: ACME 10 (cost 1,020.15, avg 102.015), BOLT 40 (2,000.30, avg 50.0075).
    // Last prices: ACME 105.00, BOLT 50.00.
    let me = app.me(&alice).await;
    assert_eq!(me["realizedGains"], "314.61");
    assert_eq!(me["cash"], "17294.16");
    let h = holding(&me, "ACME").unwrap();
    assert_eq!(h["quantity"], 10);
    assert_eq!(h["availableQuantity"], 10);
    assert_dec(&h["averageCost"], "102.015");
    assert_eq!(h["marketValue"], "1050.00");
    assert_dec(&h["unrealizedGain"], "29.85"); // 1,050.00 - 1,020.15
    let h = holding(&me, "BOLT").unwrap();
    assert_eq!(h["quantity"], 40);
    assert_dec(&h["averageCost"], "50.0075");
    assert_eq!(h["marketValue"], "2000.00");
    assert_dec(&h["unrealizedGain"], "-0.30"); // 2,000.00 - 2,000.30

    let mut lots: Vec<String> = my_lots(&app, &alice)
        .await
        .iter()
        .map(|l| {
            format!(
                "{} {} of {} @ {}",
                s(&l["symbol"]),
                l["remainingQuantity"],
                l["quantity"],
                s(&l["price"])
            )
        })
        .collect();
    lots.sort();
    assert_eq!(
        lots,
        vec!["ACME 10 of 20 @ 102.00", "BOLT 40 of 40 @ 50.00"],
        "the first ACME lot is sold out; half of the second is left"
    );

    // bob: ACME 110 in two lots, 40 @ 100.00 (fee 0.60) and 70 @ 105.00
    // (fee 1.10): cost 11,351.70, average 103.1972727... -> 103.197273.
    let me = app.me(&bob).await;
    let h = holding(&me, "ACME").unwrap();
    assert_eq!(h["quantity"], 110);
    assert_dec(&h["averageCost"], "103.197273");
    assert_eq!(h["marketValue"], "11550.00");
    assert_dec(&h["unrealizedGain"], "198.30");
    assert_eq!(me["realizedGains"], "0.00");

    // acme_corp sold 120 of its IPO lot (1,000 @ 100.00, no fee):
    // -11.70 - 7.80 + (102.00 - 100.00) x 20 - 3.98 = 16.52.
    let me = app.me(&acme_corp).await;
    assert_eq!(me["realizedGains"], "16.52");
    assert_eq!(holding(&me, "ACME").unwrap()["quantity"], 880);

    // ---- sector weights ----
    // alice: Energy 40 x 50.00 = 2,000.00, Technology 10 x 105.00 = 1,050.00;
    // total 3,050.00. 2,000/3,050 = 0.6557377... -> 0.655737; 1,050/3,050 =
    // 0.3442622... -> 0.344262; they sum to 0.999999 and the largest (Energy)
    // takes the residue: 0.655738 + 0.344262 = 1.
    let weights = sector_weights(&app, &alice).await;
    assert_eq!(weights.len(), 2);
    assert_eq!(weights[0]["sector"], "Energy");
    assert_eq!(weights[0]["marketValue"], "2000.00");
    assert_dec(&weights[0]["weight"], "0.655738");
    assert_eq!(weights[1]["sector"], "Technology");
    assert_eq!(weights[1]["marketValue"], "1050.00");
    assert_dec(&weights[1]["weight"], "0.344262");
    let sum: Decimal = weights.iter().map(|w| dec(&w["weight"])).sum();
    assert_eq!(sum, Decimal::ONE, "weights sum to exactly 1");
    let weights = sector_weights(&app, &bob).await;
    assert_eq!(weights.len(), 1);
    assert_eq!(weights[0]["sector"], "Technology");
    assert_eq!(weights[0]["marketValue"], "11550.00");
    assert_dec(&weights[0]["weight"], "1");

    // ---- the ledger, newest first ----
    // alice: DEPOSIT, then BUY + FEE per buy fill, SELL + FEE + TAX for the sale.
    // Each entry: KIND AMOUNT CASH_BEFORE -> CASH_AFTER SYMBOL #ORDER.
    let ledger = app.ledger(&alice, 50).await;
    let expected = vec![
        format!("TAX -13.23 17307.39 -> 17294.16 ACME #{alice_sell}"),
        format!("FEE -1.10 17308.49 -> 17307.39 ACME #{alice_sell}"),
        format!("SELL 7350.00 9958.49 -> 17308.49 ACME #{alice_sell}"),
        format!("FEE -0.30 9958.79 -> 9958.49 BOLT #{alice_bolt}"),
        format!("BUY -2000.00 11958.79 -> 9958.79 BOLT #{alice_bolt}"),
        format!("FEE -0.31 11959.10 -> 11958.79 ACME #{alice_buy2}"),
        format!("BUY -2040.00 13999.10 -> 11959.10 ACME #{alice_buy2}"),
        format!("FEE -0.90 14000.00 -> 13999.10 ACME #{alice_buy1}"),
        format!("BUY -6000.00 20000.00 -> 14000.00 ACME #{alice_buy1}"),
        "DEPOSIT 20000.00 0.00 -> 20000.00 - -".to_owned(),
    ];
    assert_eq!(ledger_lines(&ledger), expected);
    // limit takes the newest.
    let newest = app.ledger(&alice, 2).await;
    assert_eq!(ledger_lines(&newest), expected[..2]);

    let ledger = app.ledger(&bob, 50).await;
    let expected = vec![
        format!("FEE -1.10 8649.40 -> 8648.30 ACME #{bob_buy}"),
        format!("BUY -7350.00 15999.40 -> 8649.40 ACME #{bob_buy}"),
        format!("FEE -0.60 16000.00 -> 15999.40 ACME #{bob_partial}"),
        format!("BUY -4000.00 20000.00 -> 16000.00 ACME #{bob_partial}"),
        "DEPOSIT 20000.00 0.00 -> 20000.00 - -".to_owned(),
    ];
    assert_eq!(ledger_lines(&ledger), expected);

    // ---- market data ----
    let trades = trades(&app, "ACME").await;
    let printed: Vec<String> = trades
        .iter()
        .map(|t| {
            format!(
                "{} @ {} {}",
                t["quantity"],
                s(&t["price"]),
                s(&t["aggressorSide"])
            )
        })
        .collect();
    assert_eq!(
        printed,
        vec![
            "60 @ 100.00 BUY",
            "40 @ 100.00 BUY",
            "20 @ 102.00 BUY",
            "70 @ 105.00 BUY"
        ]
    );
    let company = app
        .data(
            "query { company(symbol: \"ACME\") { lastPrice marketCap \
                quote { symbol last bid ask volume } } }",
            json!({}),
            None,
        )
        .await["company"]
        .clone();
    assert_eq!(company["lastPrice"], "105.00");
    assert_eq!(company["marketCap"], "105000.00"); // 105.00 x 1,000 shares
    assert_eq!(company["quote"]["last"], "105.00");
    assert_eq!(company["quote"]["bid"], Value::Null);
    assert_eq!(company["quote"]["ask"], Value::Null);
    assert_eq!(company["quote"]["volume"], 190); // 60 + 40 + 20 + 70

    let sectors = app
        .data(
            "query { sectors { name companies { symbol } } }",
            json!({}),
            None,
        )
        .await;
    let mut sectors: Vec<String> = as_array(&sectors["sectors"])
        .iter()
        .map(|sector| {
            let mut symbols: Vec<String> = as_array(&sector["companies"])
                .iter()
                .map(|c| s(&c["symbol"]).to_owned())
                .collect();
            symbols.sort();
            format!("{}: {}", s(&sector["name"]), symbols.join(","))
        })
        .collect();
    sectors.sort();
    assert_eq!(sectors, vec!["Energy: BOLT", "Technology: ACME"]);

    // ---- leaderboard: individuals only ----
    // alice: 17,294.16 + 10 x 105.00 + 40 x 50.00 = 20,344.16;
    //   (20,344.16 - 20,000.00) / 20,000.00 x 100 = 1.7208 -> 1.72
    // bob:   8,648.30 + 110 x 105.00 = 20,198.30; 198.30 / 200 = 0.9915 -> 0.99
    // carol: 0.00, no deposits -> "0.00"
    let board = app
        .data(
            "query { leaderboard(limit: 20) { rank equity returnPercent account { id username role } } }",
            json!({}),
            None,
        )
        .await;
    let board: Vec<String> = as_array(&board["leaderboard"])
        .iter()
        .map(|e| {
            assert_eq!(e["account"]["role"], "INDIVIDUAL", "{e}");
            format!(
                "{}. {} equity {} return {}",
                e["rank"],
                s(&e["account"]["id"]),
                s(&e["equity"]),
                dec(&e["returnPercent"]).normalize()
            )
        })
        .collect();
    assert_eq!(
        board,
        vec![
            format!("1. {} equity 20344.16 return 1.72", alice.id),
            format!("2. {} equity 20198.30 return 0.99", bob.id),
            format!("3. {} equity 0.00 return 0", carol.id),
        ]
    );
    let top = app
        .data(
            "query { leaderboard(limit: 1) { rank account { username } } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(
        top["leaderboard"],
        json!([{ "rank": 1, "account": { "username": "alice" } }])
    );

    // ---- financials ----
    // EPS = net income / shares outstanding = 150,000.00 / 1,000 = 150.
    let financials = json!({ "input": {
        "year": 2025, "revenue": "1000000.00", "operatingProfit": "200000.00", "netIncome": "150000.00",
    }});
    const PUBLISH: &str = "mutation($input: FinancialsInput!) { publishFinancials(input: $input) { \
        symbol year revenue operatingProfit netIncome eps publishedAt } }";
    let report = app
        .data(PUBLISH, financials.clone(), Some(&acme_corp.token))
        .await["publishFinancials"]
        .clone();
    assert_eq!(
        report["symbol"], "ACME",
        "a corporate account reports for its own company"
    );
    assert_eq!(report["year"], 2025);
    assert_eq!(report["revenue"], "1000000.00");
    assert_eq!(report["operatingProfit"], "200000.00");
    assert_eq!(report["netIncome"], "150000.00");
    assert_dec(&report["eps"], "150");
    assert_eq!(
        app.error_code(PUBLISH, financials.clone(), Some(&alice.token))
            .await,
        "FORBIDDEN",
        "an individual cannot publish financials"
    );
    assert_eq!(
        app.error_code(PUBLISH, financials, None).await,
        "UNAUTHENTICATED"
    );
    let listed = app
        .data(
            "query { company(symbol: \"ACME\") { financials { symbol year netIncome eps } } \
                     bolt: company(symbol: \"BOLT\") { financials { year } } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(
        listed["company"]["financials"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(listed["company"]["financials"][0]["year"], 2025);
    assert_eq!(listed["company"]["financials"][0]["netIncome"], "150000.00");
    assert_eq!(listed["bolt"]["financials"], json!([]));

    // ---- delisting ----
    // Open orders on ACME before it goes:
    //   bob buys 10 @ 99.00: reserves 990.00 + 0.1485 -> 0.15 = 990.15
    //   alice offers her 10 @ 120.00; acme_corp offers 50 @ 110.00.
    let bob_bid = app.limit(&bob, "ACME", "BUY", 10, "99.00").await;
    assert_eq!(bob_bid["status"], "OPEN");
    assert_cash(&app, &bob, "8648.30", "7658.15").await;
    let alice_ask = app.limit(&alice, "ACME", "SELL", 10, "120.00").await;
    let corp_ask = app.limit(&acme_corp, "ACME", "SELL", 50, "110.00").await;
    // A bid on BOLT stays: delisting ACME leaves BOLT alone.
    let me = app.balances(&alice).await;
    assert_eq!(holding(&me, "ACME").unwrap()["availableQuantity"], 0);

    let delisted = app
        .admin_mutation(
            "mutation { delistCompany(symbol: \"ACME\") { symbol listed } }",
            json!({}),
        )
        .await;
    assert_eq!(
        delisted["delistCompany"],
        json!({ "symbol": "ACME", "listed": false })
    );

    for (who, order) in [
        (&bob, &bob_bid),
        (&alice, &alice_ask),
        (&acme_corp, &corp_ask),
    ] {
        let o = app.order(who, &id_of(order)).await;
        assert_eq!(o["status"], "CANCELLED", "delisting cancels {o}");
        assert!(
            o["reason"].as_str().is_some_and(|r| !r.is_empty()),
            "an order the exchange cancelled says why: {o}"
        );
    }
    // Reservations released: available equals total again.
    assert_cash(&app, &bob, "8648.30", "8648.30").await;
    let me = app.balances(&alice).await;
    let h = holding(&me, "ACME").unwrap();
    assert_eq!(
        (h["quantity"].clone(), h["availableQuantity"].clone()),
        (json!(10), json!(10))
    );
    let me = app.balances(&acme_corp).await;
    let h = holding(&me, "ACME").unwrap();
    assert_eq!(
        (h["quantity"].clone(), h["availableQuantity"].clone()),
        (json!(880), json!(880))
    );
    // BOLT's open order is untouched.
    let b1_now = app.order(&bolt_corp, &id_of(&b1)).await;
    assert_eq!(b1_now["status"], "PARTIALLY_FILLED");
    assert_eq!(b1_now["remainingQuantity"], 60);

    let listed = app
        .data(
            "query { companies { symbol } all: companies(includeDelisted: true) { symbol listed } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(listed["companies"], json!([{ "symbol": "BOLT" }]));
    let mut all = as_array(&listed["all"]);
    all.sort_by_key(|c| c["symbol"].as_str().unwrap().to_owned());
    assert_eq!(
        all,
        vec![
            json!({ "symbol": "ACME", "listed": false }),
            json!({ "symbol": "BOLT", "listed": true }),
        ]
    );
    // No new orders on a delisted symbol, and nothing is reserved for one.
    let before = app.balances(&bob).await;
    let response = app
        .gql(
            &format!("mutation($input: PlaceOrderInput!) {{ placeOrder(input: $input) {{ {ORDER_FIELDS} }} }}"),
            json!({ "input": {
                "symbol": "ACME", "side": "BUY", "type": "LIMIT", "quantity": 1, "limitPrice": "100.00",
            }}),
            Some(&bob.token),
        )
        .await;
    assert!(
        response["errors"].as_array().is_some_and(|e| !e.is_empty()),
        "an order on a delisted symbol is refused: {response}"
    );
    assert_eq!(app.balances(&bob).await, before);

    // The individuals can still log in with their passwords.
    let again = app.login("alice", PASSWORD).await;
    assert_eq!(again.id, alice.id);
}

/// Each fill of an order as "QTY @ PRICE fee FEE tax TAX".
fn fills(order: &Value) -> Vec<String> {
    as_array(&order["fills"])
        .iter()
        .map(|f| {
            format!(
                "{} @ {} fee {} tax {}",
                f["quantity"],
                s(&f["price"]),
                s(&f["fee"]),
                s(&f["tax"])
            )
        })
        .collect()
}

/// A JSON string's text ("<null>" for null, so a mismatch still prints).
fn s(value: &Value) -> &str {
    value.as_str().unwrap_or("<null>")
}

/// Asserts `me { cash availableCash }`.
async fn assert_cash(app: &TestApp, who: &User, cash: &str, available: &str) {
    let me = app.balances(who).await;
    assert_eq!(
        (s(&me["cash"]), s(&me["availableCash"])),
        (cash, available),
        "{}: (cash, availableCash)",
        who.username
    );
}

async fn my_lots(app: &TestApp, who: &User) -> Vec<Value> {
    let data = app
        .data(
            "query { myLots { id symbol acquiredAt quantity remainingQuantity price } }",
            json!({}),
            Some(&who.token),
        )
        .await;
    as_array(&data["myLots"])
}

async fn sector_weights(app: &TestApp, who: &User) -> Vec<Value> {
    let data = app
        .data(
            "query { sectorWeights { sector marketValue weight } }",
            json!({}),
            Some(&who.token),
        )
        .await;
    as_array(&data["sectorWeights"])
}

async fn order_book(app: &TestApp, symbol: &str) -> Value {
    app.data(
        "query($s: String!) { orderBook(symbol: $s) { symbol sequence \
            bids { price quantity orders } asks { price quantity orders } } }",
        json!({ "s": symbol }),
        None,
    )
    .await["orderBook"]
        .clone()
}

/// The symbol's trades, oldest first (by sequence).
async fn trades(app: &TestApp, symbol: &str) -> Vec<Value> {
    let data = app
        .data(
            "query($s: String!) { trades(symbol: $s) { id symbol price quantity aggressorSide executedAt sequence } }",
            json!({ "s": symbol }),
            None,
        )
        .await;
    let mut trades = as_array(&data["trades"]);
    trades.sort_by_key(|t| t["sequence"].as_i64().unwrap());
    for pair in trades.windows(2) {
        assert!(pair[0]["sequence"].as_i64() < pair[1]["sequence"].as_i64());
    }
    trades
}

/// A ledger entry as "KIND AMOUNT CASH_BEFORE -> CASH_AFTER SYMBOL #ORDER"
/// ("-" where there is none).
fn ledger_lines(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| {
            let order = e["orderId"]
                .as_str()
                .map_or("-".to_owned(), |id| format!("#{id}"));
            format!(
                "{} {} {} -> {} {} {order}",
                s(&e["kind"]),
                s(&e["amount"]),
                s(&e["cashBefore"]),
                s(&e["cashAfter"]),
                e["symbol"].as_str().unwrap_or("-"),
            )
        })
        .collect()
}

api_tests!(a_trading_day);
