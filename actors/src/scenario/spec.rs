//! A scenario checked whole: every value in range and on its tick, every
//! name it refers to defined. What the kernel runs.

use std::collections::BTreeMap;

use rand::rngs::ChaCha8Rng;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::file::{
    Amount, BotGroupFile, CompanyFile, EventFile, FORMAT_VERSION, FileError, FinancialsFile,
    ScenarioFile,
};
use super::rng;
use crate::account::OrderRequest;
use crate::book::{OrderKind, TimeInForce};
use crate::bots::{Entry, Financials};
use crate::ledger::FeeSchedule;
use crate::ledger::dividends::per_share_micros;
use crate::types::{Money, Price, Quantity, Rate, Side, Symbol, TickSize, Timestamp};

const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub seed: u64,
    pub start: Timestamp,
    pub duration_ms: i64,
    /// Trading hours as milliseconds after midnight UTC, `[open, close)`.
    pub session: Option<(i64, i64)>,
    pub fees: FeeSchedule,
    pub companies: Vec<Company>,
    pub groups: Vec<BotGroup>,
    /// In the order of the file; the kernel fires them by time.
    pub events: Vec<TimedEvent>,
    pub outputs: Outputs,
}

#[derive(Debug, Clone)]
pub struct Company {
    pub symbol: Symbol,
    pub name: String,
    pub sector: String,
    pub shares: Quantity,
    pub ipo_price: Money,
    pub tick: TickSize,
    pub band_bps: Option<u32>,
    pub issuer_cash: Money,
    pub fundamental: Option<FundamentalSpec>,
    /// Published before the run, oldest year first (as the live server
    /// hands them to bots).
    pub financials: Vec<Financials>,
}

/// An Ornstein-Uhlenbeck value with Poisson jumps, in cents (as a float:
/// it never reaches a book; bots see it rounded to the cent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FundamentalSpec {
    pub mean: f64,
    /// Per second.
    pub reversion: f64,
    /// Cents per square root of a second.
    pub sigma: f64,
    /// Jumps per second.
    pub jump_rate: f64,
    /// Fractions of the value.
    pub jump_mean: f64,
    pub jump_sd: f64,
    pub step_ms: i64,
}

#[derive(Debug, Clone)]
pub struct BotGroup {
    pub name: String,
    /// As written in the file (the caller resolves it and compiles it).
    pub script: String,
    pub count: u32,
    pub cash: Money,
    pub holdings: Vec<(usize, Quantity)>,
    /// Indices into [`Scenario::companies`].
    pub symbols: Vec<usize>,
    pub params: serde_json::Map<String, serde_json::Value>,
    pub wake: Wake,
    pub latency_ms: i64,
    pub observation_noise: f64,
    /// The group's first `join`/`leave` event is a join: it is not in the
    /// market before it.
    pub joins_later: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    Fixed {
        every_ms: i64,
    },
    Random {
        mean_ms: i64,
    },
    /// One call of `on_tick`, at a uniformly random time of the run.
    Once,
}

impl Wake {
    /// Nanoseconds from now to the bot's next `on_tick`, after a call of
    /// `entry` in which the script asked for `asked_ms` (`ctx.wake_in`),
    /// with `remaining_ns` of the run left; `None`: no tick is due. The
    /// kernel and a live run of a scenario share this rule.
    pub fn next_in(
        self,
        entry: Entry,
        asked_ms: Option<i64>,
        remaining_ns: i64,
        rng: &mut ChaCha8Rng,
    ) -> Option<i64> {
        const NANOS: i64 = Timestamp::NANOS_PER_MILLI;
        match (self, entry, asked_ms) {
            (Wake::Once, Entry::Start, _) => {
                Some((rng::uniform(rng) * remaining_ns.max(1) as f64) as i64)
            }
            (Wake::Once, _, _) => None,
            (_, _, Some(ms)) => Some(ms.max(1) * NANOS),
            (Wake::Fixed { every_ms }, Entry::Start, None) => {
                Some((rng::uniform(rng) * every_ms as f64 * NANOS as f64) as i64)
            }
            (Wake::Fixed { every_ms }, Entry::Tick, None) => Some(every_ms * NANOS),
            (Wake::Random { mean_ms }, Entry::Start | Entry::Tick, None) => {
                Some(((rng::exponential(rng, mean_ms as f64) * NANOS as f64) as i64).max(1))
            }
            (_, _, None) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimedEvent {
    /// Milliseconds after the start.
    pub at_ms: i64,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// `symbol` `None`: market-wide (every company's value moves).
    News {
        symbol: Option<usize>,
        headline: String,
        impact_ppm: i64,
    },
    Halt {
        symbol: Option<usize>,
    },
    Resume {
        symbol: Option<usize>,
    },
    Join {
        group: usize,
    },
    Leave {
        group: usize,
    },
    /// A cash dividend of so many millionths per share, paid at once from
    /// the issuer's cash to every other holder, half to even to the cent.
    Dividend {
        symbol: usize,
        per_share_micros: i64,
    },
    /// The company publishes a yearly report (replacing one of the same
    /// year, as `publishFinancials` does); the value, when it has one,
    /// moves by `impact_ppm` as news would move it.
    Earnings {
        symbol: usize,
        report: Financials,
        impact_ppm: i64,
    },
    /// Placed by the company's issuer account.
    Order {
        symbol: usize,
        side: Side,
        quantity: Quantity,
        price: Option<Price>,
    },
}

impl EventKind {
    /// The companies whose value the event moves, and by how much (parts
    /// per million); `None` for all of them. The kernel and a live run
    /// share it.
    pub fn value_shock(&self) -> Option<(Option<usize>, i64)> {
        match *self {
            EventKind::News {
                symbol, impact_ppm, ..
            } => Some((symbol, impact_ppm)),
            EventKind::Earnings {
                symbol, impact_ppm, ..
            } if impact_ppm != 0 => Some((Some(symbol), impact_ppm)),
            _ => None,
        }
    }
}

/// `report` in `reports` (oldest year first), replacing a report of the same
/// year as the live server's publish does.
pub fn publish(reports: &mut Vec<Financials>, report: Financials) {
    match reports.binary_search_by_key(&report.year, |r| r.year) {
        Ok(i) => reports[i] = report,
        Err(i) => reports.insert(i, report),
    }
}

/// The order an `order` event injects for `symbol`: a limit order rests
/// (GTC), one without a price is a market order for what the book holds
/// (IOC).
pub fn injected_order(
    symbol: Symbol,
    side: Side,
    quantity: Quantity,
    price: Option<Price>,
) -> OrderRequest {
    let (kind, tif) = match price {
        Some(price) => (OrderKind::Limit { price }, TimeInForce::Gtc),
        None => (OrderKind::Market, TimeInForce::Ioc),
    };
    OrderRequest {
        symbol,
        side,
        kind,
        tif,
        quantity,
        client_order_id: None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outputs {
    pub trades: bool,
    pub quotes: bool,
    pub book: bool,
    pub orders: bool,
    pub fundamental: bool,
    pub l1_interval_ms: i64,
    pub l2_depth: usize,
}

impl Scenario {
    /// Check a parsed file; every problem found, not just the first.
    pub fn from_file(file: &ScenarioFile) -> Result<Scenario, Vec<FileError>> {
        let mut errors = Vec::new();
        let mut e = |path: String, message: String| errors.push(FileError::at(path, message));

        if file.version != FORMAT_VERSION {
            e(
                "version".into(),
                format!(
                    "this build reads version {FORMAT_VERSION}, not {}",
                    file.version
                ),
            );
        }
        let start = match chrono::DateTime::parse_from_rfc3339(&file.start) {
            Ok(at) => Timestamp::from_datetime(at.to_utc()),
            Err(_) => {
                e(
                    "start".into(),
                    format!(
                        "{:?} is not an RFC 3339 time like \"2026-01-05T09:30:00Z\"",
                        file.start
                    ),
                );
                Timestamp(0)
            }
        };
        if file.duration.0 <= 0 {
            e("duration".into(), "must be longer than zero".into());
        }
        let session = file.session.as_ref().and_then(|session| {
            let open = time_of_day(&session.open).map_err(|m| e("session.open".into(), m));
            let close = time_of_day(&session.close).map_err(|m| e("session.close".into(), m));
            match (open, close) {
                (Ok(open), Ok(close)) if open < close => Some((open, close)),
                (Ok(_), Ok(_)) => {
                    e("session.close".into(), "must be after session.open".into());
                    None
                }
                _ => None,
            }
        });
        let fees = fee_schedule(file, &mut e);

        let mut companies: Vec<Company> = Vec::new();
        for (i, company) in file.companies.iter().enumerate() {
            if let Some(company) = check_company(&format!("companies[{i}]"), company, &mut e) {
                if companies.iter().any(|c| c.symbol == company.symbol) {
                    e(
                        format!("companies[{i}].symbol"),
                        format!("{} is listed twice", company.symbol),
                    );
                }
                companies.push(company);
            }
        }
        if file.companies.is_empty() {
            e(
                "companies".into(),
                "a scenario needs at least one company".into(),
            );
        }
        let find_symbol = |text: &str| companies.iter().position(|c| c.symbol.as_str() == text);

        // A group whose first join or leave (in time) is a join waits for it.
        let mut firsts: BTreeMap<&str, (i64, bool)> = BTreeMap::new();
        for event in &file.events {
            if let (Some(group), "join" | "leave") = (event.group.as_deref(), event.kind.as_str()) {
                let first = firsts
                    .entry(group)
                    .or_insert((event.at.0, event.kind == "join"));
                if event.at.0 < first.0 {
                    *first = (event.at.0, event.kind == "join");
                }
            }
        }
        let joined: Vec<&str> = firsts
            .into_iter()
            .filter(|(_, (_, join))| *join)
            .map(|(group, _)| group)
            .collect();
        let mut groups: Vec<BotGroup> = Vec::new();
        for (i, group) in file.bots.iter().enumerate() {
            let path = format!("bots[{i}]");
            if file.bots[..i].iter().any(|g| g.name == group.name) {
                e(
                    format!("{path}.name"),
                    format!("{:?} names two groups", group.name),
                );
            }
            if let Some(group) = check_group(&path, group, &find_symbol, &joined, &mut e) {
                groups.push(group);
            }
        }
        // The shares bots start with come out of what the company issued.
        for (c, company) in companies.iter().enumerate() {
            let given: u128 = groups
                .iter()
                .flat_map(|g| g.holdings.iter().map(move |h| (g.count, h)))
                .filter(|(_, (symbol, _))| *symbol == c)
                .map(|(count, (_, quantity))| u128::from(count) * u128::from(quantity.0))
                .sum();
            if given > u128::from(company.shares.0) {
                e(
                    "bots".into(),
                    format!(
                        "the groups start with {given} shares of {} but it issues {}",
                        company.symbol, company.shares.0
                    ),
                );
            }
        }

        let mut events = Vec::new();
        for (i, event) in file.events.iter().enumerate() {
            let path = format!("events[{i}]");
            if event.at.0 < 0 || event.at.0 > file.duration.0 {
                e(
                    format!("{path}.at"),
                    "must be within the run's duration".into(),
                );
            }
            if let Some(kind) =
                check_event(&path, event, &companies, &file.bots, &find_symbol, &mut e)
            {
                events.push(TimedEvent {
                    at_ms: event.at.0,
                    kind,
                });
            }
        }

        let outputs = check_outputs(file, &mut e);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Scenario {
            name: file.name.clone(),
            seed: file.seed,
            start,
            duration_ms: file.duration.0,
            session,
            fees,
            companies,
            groups,
            events,
            outputs,
        })
    }

    pub fn end(&self) -> Timestamp {
        self.start.plus_millis(self.duration_ms)
    }

    /// The market is open at `at` (always, without session hours).
    pub fn in_session(&self, at: Timestamp) -> bool {
        let Some((open, close)) = self.session else {
            return true;
        };
        let of_day = (at.0 / Timestamp::NANOS_PER_MILLI).rem_euclid(DAY_MS);
        open <= of_day && of_day < close
    }

    /// Every session opening and closing inside the run, in time order:
    /// `(time, true)` opens, `(time, false)` closes.
    pub fn session_changes(&self) -> Vec<(Timestamp, bool)> {
        let Some((open, close)) = self.session else {
            return Vec::new();
        };
        let start_ms = self.start.0 / Timestamp::NANOS_PER_MILLI;
        let end_ms = start_ms + self.duration_ms;
        let mut changes = Vec::new();
        let mut day = start_ms.div_euclid(DAY_MS) * DAY_MS;
        while day < end_ms {
            for (offset, opens) in [(open, true), (close, false)] {
                let at = day + offset;
                if at > start_ms && at < end_ms {
                    changes.push((Timestamp::from_millis(at), opens));
                }
            }
            day += DAY_MS;
        }
        changes
    }
}

type Report<'a> = dyn FnMut(String, String) + 'a;

fn time_of_day(text: &str) -> Result<i64, String> {
    let bad = || format!("{text:?} is not a time of day like \"09:30\"");
    let (hours, minutes) = text.split_once(':').ok_or_else(bad)?;
    let hours: i64 = hours.parse().map_err(|_| bad())?;
    let minutes: i64 = minutes.parse().map_err(|_| bad())?;
    if !(0..=24).contains(&hours) || !(0..60).contains(&minutes) || hours * 60 + minutes > 1440 {
        return Err(bad());
    }
    Ok((hours * 60 + minutes) * 60_000)
}

fn money(path: &str, amount: Amount, e: &mut Report<'_>) -> Option<Money> {
    match Money::from_decimal(amount.0) {
        Ok(money) if !money.is_negative() => Some(money),
        Ok(_) => {
            e(path.into(), "must not be negative".into());
            None
        }
        Err(error) => {
            e(path.into(), error.to_string());
            None
        }
    }
}

fn rate(path: &str, amount: Amount, e: &mut Report<'_>) -> Option<Rate> {
    Rate::from_decimal(amount.0)
        .map_err(|error| e(path.into(), error.to_string()))
        .ok()
}

fn fee_schedule(file: &ScenarioFile, e: &mut Report<'_>) -> FeeSchedule {
    let defaults = FeeSchedule::default();
    let commission = file
        .fees
        .commission
        .and_then(|r| rate("fees.commission", r, e))
        .unwrap_or(defaults.commission());
    let minimum = file
        .fees
        .min_commission
        .and_then(|m| money("fees.min_commission", m, e))
        .unwrap_or(defaults.min_commission());
    let tax = file
        .fees
        .sell_tax
        .and_then(|r| rate("fees.sell_tax", r, e))
        .unwrap_or(defaults.sell_tax());
    FeeSchedule::new(commission, minimum, tax).unwrap_or(defaults)
}

fn finite(path: String, value: f64, e: &mut Report<'_>) -> f64 {
    if !value.is_finite() || value < 0.0 {
        e(path, "must be a number of at least 0".into());
        return 0.0;
    }
    value
}

fn check_company(path: &str, company: &CompanyFile, e: &mut Report<'_>) -> Option<Company> {
    let symbol = Symbol::new(&company.symbol)
        .map_err(|error| e(format!("{path}.symbol"), error.to_string()))
        .ok();
    if company.shares_outstanding == 0 {
        e(
            format!("{path}.shares_outstanding"),
            "must be at least 1".into(),
        );
    }
    let tick = money(&format!("{path}.tick_size"), company.tick_size, e).and_then(|tick| {
        TickSize::new(tick)
            .map_err(|error| e(format!("{path}.tick_size"), error.to_string()))
            .ok()
    });
    let ipo_price = money(&format!("{path}.ipo_price"), company.ipo_price, e);
    if let (Some(tick), Some(price)) = (tick, ipo_price)
        && (price.0 <= 0 || price.0 % tick.money().0 != 0)
    {
        e(
            format!("{path}.ipo_price"),
            format!(
                "{} must be positive and on the tick size {}",
                price.to_decimal(),
                tick.money().to_decimal()
            ),
        );
    }
    let band_bps = company.band.and_then(|band| {
        let bps = (band.0 * Decimal::from(10_000)).to_u32();
        match bps {
            Some(bps) if bps > 0 && bps <= 10_000 && (band.0 * Decimal::from(10_000)).fract().is_zero() => Some(bps),
            _ => {
                e(
                    format!("{path}.band"),
                    "must be a fraction above 0 and at most 1, in whole basis points (0.3 = +-30 %)".into(),
                );
                None
            }
        }
    });
    let issuer_cash = company.issuer_cash.map_or(Some(Money::ZERO), |cash| {
        money(&format!("{path}.issuer_cash"), cash, e)
    });
    let fundamental = company.fundamental.as_ref().and_then(|f| {
        let fpath = format!("{path}.fundamental");
        let mean = match f.mean {
            Some(mean) => money(&format!("{fpath}.mean"), mean, e)?,
            None => ipo_price?,
        };
        if mean.0 <= 0 {
            e(format!("{fpath}.mean"), "must be positive".into());
        }
        let step_ms = f.step.map_or(1_000, |s| s.0);
        if step_ms <= 0 {
            e(format!("{fpath}.step"), "must be longer than zero".into());
        }
        let mean = mean.0 as f64;
        Some(FundamentalSpec {
            mean,
            reversion: finite(format!("{fpath}.reversion"), f.reversion, e),
            sigma: finite(format!("{fpath}.volatility"), f.volatility, e) * mean,
            jump_rate: finite(format!("{fpath}.jump_rate"), f.jump_rate, e) / 3_600.0,
            jump_mean: if f.jump_mean.is_finite() {
                f.jump_mean
            } else {
                e(format!("{fpath}.jump_mean"), "must be a number".into());
                0.0
            },
            jump_sd: finite(format!("{fpath}.jump_sd"), f.jump_sd, e),
            step_ms,
        })
    });
    let mut financials: Vec<Financials> = Vec::new();
    for (i, report) in company.financials.iter().enumerate() {
        let rpath = format!("{path}.financials[{i}]");
        let Some(report) = check_report(&rpath, report, e) else {
            continue;
        };
        if financials.iter().any(|r| r.year == report.year) {
            e(
                format!("{rpath}.year"),
                format!("{} is reported twice", report.year),
            );
            continue;
        }
        publish(&mut financials, report);
    }
    Some(Company {
        symbol: symbol?,
        name: company.name.clone(),
        sector: company.sector.clone(),
        shares: Quantity(company.shares_outstanding),
        ipo_price: ipo_price?,
        tick: tick?,
        band_bps,
        issuer_cash: issuer_cash?,
        fundamental,
        financials,
    })
}

/// The years the live server accepts (`publishFinancials`).
const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// A yearly report's amounts to the cent; negative ones are losses.
fn check_report(path: &str, report: &FinancialsFile, e: &mut Report<'_>) -> Option<Financials> {
    if !YEARS.contains(&report.year) {
        e(
            format!("{path}.year"),
            format!("{} is not a year from 1900 to 9999", report.year),
        );
    }
    let amount = |key: &str, amount: Amount, e: &mut Report<'_>| {
        Money::from_decimal(amount.0)
            .map_err(|error| e(format!("{path}.{key}"), error.to_string()))
            .ok()
    };
    let revenue = amount("revenue", report.revenue, e);
    let operating_profit = amount("operating_profit", report.operating_profit, e);
    let net_income = amount("net_income", report.net_income, e);
    if !YEARS.contains(&report.year) {
        return None;
    }
    Some(Financials {
        year: report.year,
        revenue: revenue?,
        operating_profit: operating_profit?,
        net_income: net_income?,
    })
}

fn check_group(
    path: &str,
    group: &BotGroupFile,
    find_symbol: &dyn Fn(&str) -> Option<usize>,
    joined: &[&str],
    e: &mut Report<'_>,
) -> Option<BotGroup> {
    if group.count == 0 {
        e(format!("{path}.count"), "must be at least 1".into());
    }
    if group.script.trim().is_empty() {
        e(format!("{path}.script"), "must name a script file".into());
    }
    let cash = money(&format!("{path}.cash"), group.cash, e);
    let mut holdings = Vec::new();
    for (symbol, quantity) in &group.holdings {
        match find_symbol(symbol) {
            Some(index) if *quantity > 0 => holdings.push((index, Quantity(*quantity))),
            Some(_) => {}
            None => e(
                format!("{path}.holdings.{symbol}"),
                format!("{symbol} is not one of the companies"),
            ),
        }
    }
    let symbols = match &group.symbols {
        None => Vec::new(),
        Some(list) if list.is_empty() => {
            e(
                format!("{path}.symbols"),
                "must name at least one company".into(),
            );
            Vec::new()
        }
        Some(list) => list
            .iter()
            .enumerate()
            .filter_map(|(i, symbol)| {
                let found = find_symbol(symbol);
                if found.is_none() {
                    e(
                        format!("{path}.symbols[{i}]"),
                        format!("{symbol} is not one of the companies"),
                    );
                }
                found
            })
            .collect(),
    };
    let wake_path = format!("{path}.wake");
    let wake = match group.wake.kind.as_str() {
        "fixed" => match group.wake.every {
            Some(every) if every.0 > 0 => Some(Wake::Fixed { every_ms: every.0 }),
            Some(_) => {
                e(
                    format!("{wake_path}.every"),
                    "must be longer than zero".into(),
                );
                None
            }
            None => {
                e(
                    format!("{wake_path}.every"),
                    "a fixed wake-up needs `every`".into(),
                );
                None
            }
        },
        "random" => match group.wake.mean {
            Some(mean) if mean.0 > 0 => Some(Wake::Random { mean_ms: mean.0 }),
            Some(_) => {
                e(
                    format!("{wake_path}.mean"),
                    "must be longer than zero".into(),
                );
                None
            }
            None => {
                e(
                    format!("{wake_path}.mean"),
                    "a random wake-up needs `mean`".into(),
                );
                None
            }
        },
        "once" => Some(Wake::Once),
        other => {
            e(
                format!("{wake_path}.kind"),
                format!("{other:?} is not one of \"fixed\", \"random\", \"once\""),
            );
            None
        }
    };
    let latency_ms = group.latency.map_or(0, |l| l.0);
    let observation_noise = finite(
        format!("{path}.observation_noise"),
        group.observation_noise,
        e,
    );
    Some(BotGroup {
        name: group.name.clone(),
        script: group.script.clone(),
        count: group.count,
        cash: cash?,
        holdings,
        symbols,
        params: group.params.clone(),
        wake: wake?,
        latency_ms,
        observation_noise,
        joins_later: joined.contains(&group.name.as_str()),
    })
}

fn check_event(
    path: &str,
    event: &EventFile,
    companies: &[Company],
    groups: &[BotGroupFile],
    find_symbol: &dyn Fn(&str) -> Option<usize>,
    e: &mut Report<'_>,
) -> Option<EventKind> {
    let allowed: &[&str] = match event.kind.as_str() {
        "news" => &["symbol", "headline", "impact"],
        "halt" | "resume" => &["symbol"],
        "join" | "leave" => &["group"],
        "order" => &["symbol", "side", "quantity", "price"],
        "dividend" => &["symbol", "amount"],
        "earnings" => &[
            "symbol",
            "impact",
            "year",
            "revenue",
            "operating_profit",
            "net_income",
        ],
        other => {
            e(
                format!("{path}.kind"),
                format!(
                    "{other:?} is not one of \"news\", \"halt\", \"resume\", \"join\", \"leave\", \"order\", \"dividend\", \"earnings\""
                ),
            );
            return None;
        }
    };
    let given = [
        ("symbol", event.symbol.is_some()),
        ("headline", event.headline.is_some()),
        ("impact", event.impact.is_some()),
        ("group", event.group.is_some()),
        ("side", event.side.is_some()),
        ("quantity", event.quantity.is_some()),
        ("price", event.price.is_some()),
        ("amount", event.amount.is_some()),
        ("year", event.year.is_some()),
        ("revenue", event.revenue.is_some()),
        ("operating_profit", event.operating_profit.is_some()),
        ("net_income", event.net_income.is_some()),
    ];
    for (key, present) in given {
        if present && !allowed.contains(&key) {
            e(
                format!("{path}.{key}"),
                format!("a {} event takes no `{key}`", event.kind),
            );
        }
    }
    let symbol = match &event.symbol {
        None => None,
        Some(text) => match find_symbol(text) {
            Some(index) => Some(index),
            None => {
                e(
                    format!("{path}.symbol"),
                    format!("{text} is not one of the companies"),
                );
                return None;
            }
        },
    };
    let mut group = || match &event.group {
        None => {
            e(
                format!("{path}.group"),
                format!("a {} event needs `group`", event.kind),
            );
            None
        }
        Some(name) => {
            let found = groups.iter().position(|g| &g.name == name);
            if found.is_none() {
                e(
                    format!("{path}.group"),
                    format!("{name:?} is not one of the bot groups"),
                );
            }
            found
        }
    };
    match event.kind.as_str() {
        "news" => {
            let impact_ppm = impact_ppm(path, event, e)?;
            let Some(headline) = event.headline.clone() else {
                e(format!("{path}.headline"), "news needs a headline".into());
                return None;
            };
            Some(EventKind::News {
                symbol,
                headline,
                impact_ppm,
            })
        }
        "earnings" => {
            let impact_ppm = impact_ppm(path, event, e)?;
            earnings(path, event, symbol, impact_ppm, e)
        }
        "halt" => Some(EventKind::Halt { symbol }),
        "resume" => Some(EventKind::Resume { symbol }),
        "join" => group().map(|group| EventKind::Join { group }),
        "leave" => group().map(|group| EventKind::Leave { group }),
        "dividend" => {
            let Some(symbol) = symbol else {
                e(format!("{path}.symbol"), "a dividend needs `symbol`".into());
                return None;
            };
            let Some(amount) = event.amount else {
                e(
                    format!("{path}.amount"),
                    "a dividend needs `amount`, the cash per share".into(),
                );
                return None;
            };
            match per_share_micros(amount.0) {
                Ok(per_share_micros) => Some(EventKind::Dividend {
                    symbol,
                    per_share_micros,
                }),
                Err(why) => {
                    e(format!("{path}.amount"), why);
                    None
                }
            }
        }
        _ => {
            let Some(symbol) = symbol else {
                e(format!("{path}.symbol"), "an order needs `symbol`".into());
                return None;
            };
            let side = match event.side.as_deref() {
                Some("buy") => Side::Buy,
                Some("sell") => Side::Sell,
                _ => {
                    e(
                        format!("{path}.side"),
                        "an order needs `side`, \"buy\" or \"sell\"".into(),
                    );
                    return None;
                }
            };
            let quantity = match event.quantity {
                Some(q) if q > 0 => Quantity(q),
                _ => {
                    e(
                        format!("{path}.quantity"),
                        "an order needs a `quantity` of at least 1".into(),
                    );
                    return None;
                }
            };
            let tick = companies[symbol].tick;
            let price = match event.price {
                None => None,
                Some(amount) => {
                    let price = tick
                        .price(amount.0)
                        .map_err(|error| e(format!("{path}.price"), error.to_string()))
                        .ok()?;
                    Some(price)
                }
            };
            Some(EventKind::Order {
                symbol,
                side,
                quantity,
                price,
            })
        }
    }
}

/// `impact` in parts per million (none: 0).
fn impact_ppm(path: &str, event: &EventFile, e: &mut Report<'_>) -> Option<i64> {
    let impact = event.impact.unwrap_or(0.0);
    if !impact.is_finite() || impact <= -1.0 {
        e(
            format!("{path}.impact"),
            "must be a fraction above -1".into(),
        );
        return None;
    }
    Some((impact * 1e6).round() as i64)
}

/// An `earnings` event: a company and every field of its report.
fn earnings(
    path: &str,
    event: &EventFile,
    symbol: Option<usize>,
    impact_ppm: i64,
    e: &mut Report<'_>,
) -> Option<EventKind> {
    if symbol.is_none() {
        e(
            format!("{path}.symbol"),
            "an earnings event needs `symbol`".into(),
        );
    }
    let mut needs = |key: &str, present: bool| {
        if !present {
            e(
                format!("{path}.{key}"),
                format!("an earnings event needs `{key}`"),
            );
        }
    };
    needs("year", event.year.is_some());
    needs("revenue", event.revenue.is_some());
    needs("operating_profit", event.operating_profit.is_some());
    needs("net_income", event.net_income.is_some());
    let report = FinancialsFile {
        year: event.year?,
        revenue: event.revenue?,
        operating_profit: event.operating_profit?,
        net_income: event.net_income?,
    };
    let report = check_report(path, &report, e)?;
    Some(EventKind::Earnings {
        symbol: symbol?,
        report,
        impact_ppm,
    })
}

fn check_outputs(file: &ScenarioFile, e: &mut Report<'_>) -> Outputs {
    let mut outputs = Outputs {
        trades: false,
        quotes: false,
        book: false,
        orders: false,
        fundamental: false,
        l1_interval_ms: file.outputs.l1_interval.map_or(1_000, |s| s.0),
        l2_depth: file.outputs.l2_depth.map_or(5, |d| d as usize),
    };
    let mut seen = BTreeMap::new();
    for (i, name) in file.outputs.files.iter().enumerate() {
        let flag = match name.as_str() {
            "trades" => &mut outputs.trades,
            "quotes" => &mut outputs.quotes,
            "book" => &mut outputs.book,
            "orders" => &mut outputs.orders,
            "fundamental" => &mut outputs.fundamental,
            other => {
                e(
                    format!("outputs.files[{i}]"),
                    format!(
                        "{other:?} is not one of \"trades\", \"quotes\", \"book\", \"orders\", \"fundamental\""
                    ),
                );
                continue;
            }
        };
        *flag = true;
        if seen.insert(name.as_str(), i).is_some() {
            e(
                format!("outputs.files[{i}]"),
                format!("{name:?} is listed twice"),
            );
        }
    }
    if outputs.l1_interval_ms <= 0 {
        e(
            "outputs.l1_interval".into(),
            "must be longer than zero".into(),
        );
    }
    if outputs.book && outputs.l2_depth == 0 {
        e(
            "outputs.l2_depth".into(),
            "must be at least 1 when `book` is written".into(),
        );
    }
    outputs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::file::parse;

    const BASE: &str = r#"
version = 1
name = "t"
seed = 1
start = "2026-01-05T09:30:00Z"
duration = "1h"

[[companies]]
symbol = "ACME"
name = "Acme"
sector = "Industrials"
shares_outstanding = 1000
ipo_price = "10.00"
tick_size = "0.01"
"#;

    fn check(extra: &str) -> Result<Scenario, Vec<String>> {
        let file = parse(&format!("{BASE}{extra}")).map_err(|e| vec![e.to_string()])?;
        Scenario::from_file(&file).map_err(|errors| errors.iter().map(|e| e.to_string()).collect())
    }

    const REPORT_2024: &str = "[[companies.financials]]\nyear = 2024\nrevenue = \"1000.50\"\n\
                               operating_profit = 100\nnet_income = \"-20.25\"\n";

    #[test]
    fn a_companys_financials_are_kept_to_the_cent_oldest_year_first() {
        let scenario = check(&format!(
            "{REPORT_2024}[[companies.financials]]\nyear = 2023\nrevenue = 900\n\
             operating_profit = 90\nnet_income = 60\n"
        ))
        .unwrap();
        let reports = &scenario.companies[0].financials;
        assert_eq!(
            reports.iter().map(|r| r.year).collect::<Vec<_>>(),
            [2023, 2024]
        );
        assert_eq!(
            reports[1],
            Financials {
                year: 2024,
                revenue: Money(100_050),
                operating_profit: Money(10_000),
                net_income: Money(-2_025),
            }
        );
    }

    #[test]
    fn financials_name_the_key_path_of_what_is_wrong() {
        let twice = check(&format!("{REPORT_2024}{REPORT_2024}")).unwrap_err();
        assert_eq!(
            twice,
            ["companies[0].financials[1].year: 2024 is reported twice"]
        );
        let fine = check(&REPORT_2024.replace("\"1000.50\"", "\"1000.505\"")).unwrap_err();
        assert!(
            fine[0].starts_with("companies[0].financials[0].revenue: "),
            "{fine:?}"
        );
        let year = check(&REPORT_2024.replace("2024", "24")).unwrap_err();
        assert_eq!(
            year,
            ["companies[0].financials[0].year: 24 is not a year from 1900 to 9999"]
        );
        let unknown = check(&format!("{REPORT_2024}eps = 1\n")).unwrap_err();
        assert!(
            unknown[0].starts_with("companies[0].financials[0].eps: unknown field"),
            "{unknown:?}"
        );
    }

    const EARNINGS: &str = "[[events]]\nat = \"30m\"\nkind = \"earnings\"\nsymbol = \"ACME\"\n\
                            year = 2025\nrevenue = 1200\noperating_profit = 80\nnet_income = 40\n";

    #[test]
    fn an_earnings_event_carries_a_whole_report_and_an_optional_impact() {
        let scenario = check(&format!("{EARNINGS}impact = -0.15\n")).unwrap();
        let kind = &scenario.events[0].kind;
        assert_eq!(
            *kind,
            EventKind::Earnings {
                symbol: 0,
                report: Financials {
                    year: 2025,
                    revenue: Money(120_000),
                    operating_profit: Money(8_000),
                    net_income: Money(4_000),
                },
                impact_ppm: -150_000,
            }
        );
        assert_eq!(kind.value_shock(), Some((Some(0), -150_000)));
        let quiet = check(EARNINGS).unwrap();
        assert_eq!(quiet.events[0].kind.value_shock(), None);

        let missing = check(&EARNINGS.replace("net_income = 40\n", "")).unwrap_err();
        assert_eq!(
            missing,
            ["events[0].net_income: an earnings event needs `net_income`"]
        );
        let nobody = check(&EARNINGS.replace("symbol = \"ACME\"\n", "")).unwrap_err();
        assert_eq!(
            nobody,
            ["events[0].symbol: an earnings event needs `symbol`"]
        );
        let headline = check(&format!("{EARNINGS}headline = \"x\"\n")).unwrap_err();
        assert_eq!(
            headline,
            ["events[0].headline: a earnings event takes no `headline`"]
        );
        let year = check(&format!("{EARNINGS}\n[[events]]\nat = \"1m\"\nkind = \"order\"\nsymbol = \"ACME\"\nside = \"buy\"\nquantity = 1\nyear = 2025\n")).unwrap_err();
        assert_eq!(year, ["events[1].year: a order event takes no `year`"]);
    }

    #[test]
    fn publishing_a_year_again_replaces_it() {
        let report = |year, cents| Financials {
            year,
            revenue: Money(cents),
            operating_profit: Money(cents),
            net_income: Money(cents),
        };
        let mut reports = vec![report(2023, 1), report(2025, 3)];
        publish(&mut reports, report(2024, 2));
        publish(&mut reports, report(2025, 4));
        assert_eq!(reports, [report(2023, 1), report(2024, 2), report(2025, 4)]);
    }
}
