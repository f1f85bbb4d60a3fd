//! The report of one run folder: a header from `summary.json`, then per
//! company its stylized facts and six plots from the run's tables, then
//! each bot group's P&L.

use std::path::Path;

use serde_json::Value;

use super::html::{Cell, Page, figure, meta, note, slug, table, verdict};
use super::load::{Nanos, Quote, Tables, Trade, json, series, time};
use super::stats::{self, Fact, LAGS};
use super::svg::{Chart, Layer, PALETTE, XAxis, escape};

const SECOND: Nanos = 1_000_000_000;
const MINUTE: Nanos = 60 * SECOND;
const DAY: Nanos = 86_400 * SECOND;

/// What a company's report is drawn from.
pub struct Company<'a> {
    pub symbol: &'a str,
    pub trades: Option<&'a [Trade]>,
    pub quotes: Option<&'a [Quote]>,
    pub fundamental: Option<&'a [(Nanos, f64)]>,
}

/// The run's clock: where it starts and ends, and what x a time has on a
/// clock axis.
#[derive(Clone, Copy)]
pub struct Span {
    pub start: Nanos,
    pub end: Nanos,
}

impl Span {
    pub fn of(summary: &Value) -> anyhow::Result<Span> {
        let field = |name: &str| -> anyhow::Result<Nanos> {
            let text = summary
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| anyhow::anyhow!("summary.json has no {name}"))?;
            time(text)
        };
        Ok(Span {
            start: field("start")?,
            end: field("simulated_until")?,
        })
    }

    fn x(&self, at: Nanos) -> f64 {
        (at - self.start.div_euclid(DAY) * DAY) as f64 / SECOND as f64
    }
}

/// The 1-minute log returns and where their prices come from: the last
/// trade of each minute, or the mid quote without trades.
pub fn minute_returns(company: &Company<'_>, span: Span) -> (Vec<f64>, &'static str) {
    let sample = |times: Vec<Nanos>, values: Vec<f64>| {
        stats::log_returns(&stats::sample_every(
            &times,
            &values,
            span.start + MINUTE,
            // Up to the whole minute the run ends in: its last event is a
            // moment before its end.
            span.start + (span.end - span.start + MINUTE - 1).div_euclid(MINUTE) * MINUTE,
            MINUTE,
        ))
    };
    if let Some(trades) = company.trades.filter(|t| !t.is_empty()) {
        let returns = sample(
            trades.iter().map(|t| t.at).collect(),
            trades.iter().map(|t| t.price).collect(),
        );
        return (returns, "the last trade price of each minute");
    }
    let mids: Vec<(Nanos, f64)> = company
        .quotes
        .unwrap_or_default()
        .iter()
        .filter_map(|q| Some((q.at, q.mid()?)))
        .collect();
    let returns = sample(
        mids.iter().map(|m| m.0).collect(),
        mids.iter().map(|m| m.1).collect(),
    );
    (returns, "the mid quote at the end of each minute")
}

/// Why a plot is missing: the file and the output that writes it.
fn needs(file: &str, output: &str) -> String {
    format!("Needs {file}: add \"{output}\" to the scenario's [outputs] files and run it again.")
}

pub fn report(dir: &Path, tables: &dyn Tables) -> anyhow::Result<String> {
    let summary = json(&dir.join("summary.json"))?;
    let span = Span::of(&summary)?;
    let trades = tables.trades()?;
    let quotes = tables.quotes()?;
    let fundamental = tables.fundamental()?;
    let name = summary
        .get("scenario")
        .and_then(Value::as_str)
        .unwrap_or("scenario");
    let title = format!("{name}: run report");
    let mut page = Page::new(
        &title,
        "One run of a MarketLab scenario: its stylized facts, prices, returns, spread, depth, volume and the bot groups' P&L.",
    );
    page.push(&header(&summary, span));
    let symbols: Vec<&String> = summary
        .get("companies")
        .and_then(Value::as_object)
        .map(|c| c.keys().collect())
        .unwrap_or_default();
    for symbol in symbols {
        let company = Company {
            symbol,
            trades: series(&trades, symbol),
            quotes: series(&quotes, symbol),
            fundamental: series(&fundamental, symbol),
        };
        section(&mut page, &company, span);
    }
    page.heading("Bot groups", "groups");
    page.push(&groups(&summary));
    Ok(page.finish(&title))
}

fn header(summary: &Value, span: Span) -> String {
    let text = |name: &str| match summary.get(name) {
        Some(Value::String(s)) => escape(s),
        Some(Value::Null) | None => "–".into(),
        Some(other) => escape(&other.to_string()),
    };
    // Rounded: the last event is a moment before the end.
    let minutes = (span.end - span.start + MINUTE / 2) / MINUTE;
    let mut scripts = String::new();
    if let Some(map) = summary.get("script_sha256").and_then(Value::as_object) {
        for (script, hash) in map {
            scripts.push_str(&format!(
                "<code>{}</code> {}<br>",
                escape(hash.as_str().unwrap_or_default()),
                escape(script)
            ));
        }
    }
    meta(&[
        ("Scenario", text("scenario")),
        ("Seed", text("seed")),
        (
            "Simulated span",
            format!(
                "{} to {} ({}h {:02}m){}",
                text("start"),
                text("simulated_until"),
                minutes / 60,
                minutes % 60,
                if summary.get("complete") == Some(&Value::Bool(false)) {
                    ", stopped early"
                } else {
                    ""
                }
            ),
        ),
        ("Trades", text("trades")),
        ("Events processed", text("events_processed")),
        ("Fees and taxes", text("fees_and_taxes")),
        ("Conservation", text("conservation")),
        ("Engine", text("engine_version")),
        (
            "Scenario SHA-256",
            format!("<code>{}</code>", text("scenario_sha256")),
        ),
        ("Script SHA-256", scripts),
    ])
}

fn section(page: &mut Page, company: &Company<'_>, span: Span) {
    let id = slug(company.symbol);
    page.heading(company.symbol, &format!("company-{id}"));
    let (returns, source) = minute_returns(company, span);
    page.push(&facts_table(&stats::facts(&returns), returns.len(), source));
    page.grid(&[
        price(company, span, &id),
        histogram(&returns, source, &id),
        autocorrelation(&returns, &id),
        spread(company, span, &id),
        depth(company, span, &id),
        volume(company, span, &id),
    ]);
}

pub fn facts_table(facts: &[Fact], n: usize, source: &str) -> String {
    let rows: Vec<Vec<Cell>> = facts
        .iter()
        .map(|f| {
            vec![
                Cell::Text(f.name.into()),
                Cell::Text(f.rule.into()),
                Cell::Text(f.value.clone()),
                Cell::Html(verdict(f.pass)),
            ]
        })
        .collect();
    format!(
        "<h3>Stylized facts</h3><p class=\"lead\">From n = {n} one-minute log returns of {}.</p>{}",
        escape(source),
        table(&["Fact", "Rule", "Value", "Result"], &rows)
    )
}

fn clock_chart(id: &str, title: &str, y_label: &str) -> Chart {
    Chart::new(id, title, "time (UTC)", y_label, XAxis::Clock)
}

fn price(company: &Company<'_>, span: Span, id: &str) -> String {
    let title = "Price and fundamental value";
    let (points, name): (Vec<(f64, f64)>, &str) = match (company.trades, company.quotes) {
        (Some(trades), _) if !trades.is_empty() => (
            trades.iter().map(|t| (span.x(t.at), t.price)).collect(),
            "last trade",
        ),
        (_, Some(quotes)) => (
            quotes
                .iter()
                .filter_map(|q| Some((span.x(q.at), q.mid()?)))
                .collect(),
            "mid quote",
        ),
        _ => (Vec::new(), ""),
    };
    if points.is_empty() {
        return note(
            title,
            &format!("No prices: {}", needs("trades.csv or quotes.csv", "trades")),
        );
    }
    let mut chart = clock_chart(&format!("price-{id}"), title, "price").layer(Layer::Line {
        name: name.into(),
        color: PALETTE[0],
        points,
        dashed: false,
    });
    let caption = match company.fundamental {
        Some(values) => {
            chart = chart.layer(Layer::Line {
                name: "fundamental".into(),
                color: PALETTE[1],
                points: values.iter().map(|&(t, v)| (span.x(t), v)).collect(),
                dashed: true,
            });
            format!("The {name} price against the fundamental value.")
        }
        None => format!(
            "The {name} price. {}",
            needs("fundamental.csv", "fundamental")
        ),
    };
    figure(title, &caption, &chart, "")
}

fn histogram(returns: &[f64], source: &str, id: &str) -> String {
    let title = "Distribution of 1-minute returns";
    let bp: Vec<f64> = returns.iter().map(|r| r * 1e4).collect();
    let (Some(mean), Some(variance)) = (stats::mean(&bp), stats::variance(&bp)) else {
        return note(title, "Too few one-minute prices for returns.");
    };
    let sd = variance.sqrt();
    let (lo, hi) = bp
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if sd <= 0.0 || hi <= lo {
        return note(
            title,
            "Every one-minute return is the same: nothing to plot.",
        );
    }
    let bins = ((bp.len() as f64).sqrt().ceil() as usize).clamp(8, 40);
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0usize; bins];
    for v in &bp {
        counts[(((v - lo) / width) as usize).min(bins - 1)] += 1;
    }
    let n = bp.len() as f64;
    let bars = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let x0 = lo + i as f64 * width;
            (x0, x0 + width, c as f64 / (n * width))
        })
        .collect();
    let (from, to) = (lo - width, hi + width);
    let curve = (0..=200)
        .map(|i| {
            let x = from + (to - from) * i as f64 / 200.0;
            (x, stats::normal_density(x, mean, sd))
        })
        .collect();
    let chart = Chart::new(
        &format!("returns-{id}"),
        title,
        "1-minute log return (basis points)",
        "density (per bp)",
        XAxis::Numbers,
    )
    .layer(Layer::Bars {
        name: "returns".into(),
        color: PALETTE[0],
        bars,
    })
    .layer(Layer::Line {
        name: "normal, same mean and variance".into(),
        color: PALETTE[3],
        points: curve,
        dashed: false,
    });
    figure(
        title,
        &format!(
            "n = {} returns of {source}; mean {mean:.2} bp, sd {sd:.2} bp.",
            bp.len()
        ),
        &chart,
        "",
    )
}

fn autocorrelation(returns: &[f64], id: &str) -> String {
    let title = "Autocorrelation of returns and |returns|";
    let absolute: Vec<f64> = returns.iter().map(|r| r.abs()).collect();
    let bars = |values: &[f64], offset: f64| -> Vec<(f64, f64, f64)> {
        stats::acf(values, LAGS)
            .into_iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let lag = (i + 1) as f64;
                Some((lag + offset, lag + offset + 0.36, v?))
            })
            .collect()
    };
    let (plain, abs) = (bars(returns, -0.38), bars(&absolute, 0.02));
    if plain.is_empty() && abs.is_empty() {
        return note(title, "Too few one-minute returns for an autocorrelation.");
    }
    let limit = stats::band(returns.len());
    let chart = Chart::new(
        &format!("acf-{id}"),
        title,
        "lag (minutes)",
        "autocorrelation",
        XAxis::Numbers,
    )
    .layer(Layer::Band {
        name: "95% band ±1.96/√n".into(),
        color: PALETTE[7],
        points: vec![(0.5, -limit, limit), (LAGS as f64 + 0.5, -limit, limit)],
    })
    .layer(Layer::Bars {
        name: "returns".into(),
        color: PALETTE[0],
        bars: plain,
    })
    .layer(Layer::Bars {
        name: "|returns|".into(),
        color: PALETTE[1],
        bars: abs,
    });
    figure(
        title,
        &format!(
            "Lags 1–{LAGS} of the 1-minute returns; the band is ±{limit:.3} (n = {}).",
            returns.len()
        ),
        &chart,
        "",
    )
}

fn spread(company: &Company<'_>, span: Span, id: &str) -> String {
    let title = "Spread at the touch";
    let Some(quotes) = company.quotes else {
        return note(title, &needs("quotes.csv", "quotes"));
    };
    let points = quotes
        .iter()
        .filter_map(|q| Some((span.x(q.at), (q.ask?.0 - q.bid?.0) * 100.0)))
        .collect();
    let chart = clock_chart(&format!("spread-{id}"), title, "spread (cents)").layer(Layer::Line {
        name: String::new(),
        color: PALETTE[2],
        points,
        dashed: false,
    });
    figure(
        title,
        "Best ask minus best bid at each quote sample, when both sides are quoted.",
        &chart,
        "No sample has both sides quoted.",
    )
}

fn depth(company: &Company<'_>, span: Span, id: &str) -> String {
    let title = "Depth at the touch";
    let Some(quotes) = company.quotes else {
        return note(title, &needs("quotes.csv", "quotes"));
    };
    let points = quotes
        .iter()
        .filter(|q| q.bid.is_some() || q.ask.is_some())
        .map(|q| {
            let size = |level: Option<(f64, f64)>| level.map_or(0.0, |l| l.1);
            (span.x(q.at), size(q.bid) + size(q.ask))
        })
        .collect();
    let chart =
        clock_chart(&format!("depth-{id}"), title, "shares (bid + ask size)").layer(Layer::Line {
            name: String::new(),
            color: PALETTE[4],
            points,
            dashed: false,
        });
    figure(
        title,
        "Shares at the best bid plus at the best ask, at each quote sample.",
        &chart,
        "The book is empty at every sample.",
    )
}

fn volume(company: &Company<'_>, span: Span, id: &str) -> String {
    let title = "Volume per minute";
    let Some(trades) = company.trades else {
        return note(title, &needs("trades.csv", "trades"));
    };
    let mut minutes: Vec<(Nanos, f64)> = Vec::new();
    for t in trades {
        let minute = span.start + (t.at - span.start).div_euclid(MINUTE) * MINUTE;
        match minutes.last_mut() {
            Some(last) if last.0 == minute => last.1 += t.quantity,
            _ => minutes.push((minute, t.quantity)),
        }
    }
    let bars = minutes
        .iter()
        .map(|&(m, q)| (span.x(m), span.x(m + MINUTE), q))
        .collect();
    let chart = clock_chart(&format!("volume-{id}"), title, "shares traded").layer(Layer::Bars {
        name: String::new(),
        color: PALETTE[9],
        bars,
    });
    figure(
        title,
        "Shares traded in each minute of the run.",
        &chart,
        "No trades.",
    )
}

fn groups(summary: &Value) -> String {
    let Some(groups) = summary.get("groups").and_then(Value::as_object) else {
        return note("P&L per bot group", "summary.json has no bot groups.");
    };
    let money = |g: &Value, field: &str| {
        g.get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let count = |g: &Value, field: &str| g.get(field).map_or_else(String::new, Value::to_string);
    let names: Vec<String> = groups.keys().cloned().collect();
    let bars = groups
        .values()
        .enumerate()
        .filter_map(|(i, g)| {
            let pnl: f64 = money(g, "pnl").parse().ok()?;
            Some((i as f64 - 0.35, i as f64 + 0.35, pnl))
        })
        .collect();
    let chart = Chart::new(
        "pnl",
        "P&L per bot group",
        "bot group",
        "P&L (all bots of the group)",
        XAxis::Categories(names),
    )
    .layer(Layer::Bars {
        name: String::new(),
        color: PALETTE[0],
        bars,
    });
    let rows: Vec<Vec<Cell>> = groups
        .iter()
        .map(|(name, g)| {
            vec![
                Cell::Text(name.clone()),
                Cell::Number(count(g, "bots")),
                Cell::Number(money(g, "pnl")),
                Cell::Number(money(g, "equity")),
                Cell::Number(count(g, "trades")),
                Cell::Number(count(g, "script_errors")),
            ]
        })
        .collect();
    format!(
        "<div class=\"grid\">{}<div class=\"card\">{}</div></div>",
        figure(
            "P&L per bot group",
            "Equity at the end less equity at the start, every bot of the group together, shares at the last trade price.",
            &chart,
            "No group has a P&L.",
        ),
        table(
            &["Group", "Bots", "P&L", "Equity", "Trades", "Script errors"],
            &rows
        )
    )
}
