//! The numbers of a run's `summary.json`, flattened to named columns for
//! the sweep table and the statistics across seeds: the run's own, then
//! per company (`ACME.return_volatility`, `ACME.autocorrelation.1`), then
//! per bot group (`bots.noise_acme.pnl`), companies and groups in name
//! order. Read from the file, so a merge sees what each run wrote.

use std::collections::BTreeSet;

use serde_json::Value;

/// The run's numbers, in this order.
const RUN: [&str; 4] = [
    "events_processed",
    "trades",
    "orders_refused",
    "fees_and_taxes",
];

/// A company's numbers, in this order, and how many lags a list holds.
const COMPANY: [(&str, usize); 17] = [
    ("volume", 0),
    ("trades", 0),
    ("vwap", 0),
    ("open", 0),
    ("high", 0),
    ("low", 0),
    ("close", 0),
    ("samples", 0),
    ("return_volatility", 0),
    ("excess_kurtosis", 0),
    ("autocorrelation", 5),
    ("abs_autocorrelation", 5),
    ("mean_spread", 0),
    ("median_spread", 0),
    ("mean_touch_depth", 0),
    ("dividends_paid", 0),
    ("dividends_skipped", 0),
];

/// A company's fields the summary leaves out when they are zero.
const ZERO_WHEN_ABSENT: [&str; 2] = ["dividends_paid", "dividends_skipped"];

/// A bot group's numbers, in this order; a dot steps into an object (the
/// refusals by reason; `no_shares` is the no-short-selling rule).
const GROUP: [&str; 9] = [
    "bots",
    "pnl",
    "equity",
    "trades",
    "orders",
    "refused.no_cash",
    "refused.no_shares",
    "refused.other",
    "script_errors",
];

/// Where a column's number is in a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    Run(&'static str),
    Company {
        symbol: String,
        field: &'static str,
        lag: Option<usize>,
    },
    Group {
        name: String,
        field: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metric {
    pub name: String,
    place: Place,
}

/// One number as a run wrote it: the text for the sweep table (integers
/// and exact decimals as they are, floats as [`float`] writes them) and
/// its value for the statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub text: String,
    pub value: f64,
}

/// The columns for a set of summaries: every company and group any of them
/// has (a sweep may change which there are).
pub fn columns<'a>(summaries: impl IntoIterator<Item = &'a Value> + Clone) -> Vec<Metric> {
    let names = |table: &str| -> BTreeSet<String> {
        summaries
            .clone()
            .into_iter()
            .filter_map(|s| s.get(table).and_then(Value::as_object))
            .flat_map(|map| map.keys().cloned())
            .collect()
    };
    let mut out: Vec<Metric> = RUN
        .iter()
        .map(|&field| Metric {
            name: field.to_owned(),
            place: Place::Run(field),
        })
        .collect();
    for symbol in names("companies") {
        for &(field, lags) in &COMPANY {
            let lags: Vec<Option<usize>> = match lags {
                0 => vec![None],
                n => (1..=n).map(Some).collect(),
            };
            for lag in lags {
                out.push(Metric {
                    name: match lag {
                        None => format!("{symbol}.{field}"),
                        Some(lag) => format!("{symbol}.{field}.{lag}"),
                    },
                    place: Place::Company {
                        symbol: symbol.clone(),
                        field,
                        lag,
                    },
                });
            }
        }
    }
    for name in names("groups") {
        for &field in &GROUP {
            out.push(Metric {
                name: format!("bots.{name}.{field}"),
                place: Place::Group {
                    name: name.clone(),
                    field,
                },
            });
        }
    }
    out
}

impl Metric {
    /// This column's number in `summary`, if it has one.
    pub fn read(&self, summary: &Value) -> Option<Number> {
        let value = match &self.place {
            Place::Run(field) => summary.get(field)?,
            Place::Company { symbol, field, lag } => {
                let company = summary.get("companies")?.get(symbol)?;
                match (company.get(field), lag) {
                    (None, _) if ZERO_WHEN_ABSENT.contains(field) => return number(&0.into()),
                    (Some(list), Some(lag)) => list.get(lag - 1)?,
                    (found, _) => found?,
                }
            }
            Place::Group { name, field } => field
                .split('.')
                .try_fold(summary.get("groups")?.get(name)?, |v, key| v.get(key))?,
        };
        number(value)
    }
}

/// A float in its shortest form that reads back to the same value, with
/// an exponent when it is very small or large (`1e-7`, `0.25`, `3.0`):
/// the same bytes for the same value, every time.
pub fn float(value: f64) -> String {
    format!("{value:?}")
}

fn number(value: &Value) -> Option<Number> {
    match value {
        Value::Number(n) => {
            let text = match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => u.to_string(),
                (_, Some(i)) => i.to_string(),
                _ => float(n.as_f64()?),
            };
            Some(Number {
                value: n.as_f64()?,
                text,
            })
        }
        Value::String(text) => Some(Number {
            value: text.parse().ok()?,
            text: text.clone(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use marketlab_actors::scenario::stats::CompanyTape;
    use marketlab_actors::types::{Money, Quantity};
    use serde_json::json;

    #[test]
    fn every_number_of_a_company_summary_has_a_column() {
        let mut tape = CompanyTape::default();
        tape.trade(Money(10_000), Quantity(5));
        tape.dividends_paid = 100;
        tape.dividends_skipped = 1;
        let written = serde_json::to_value(tape.summary()).unwrap();
        let fields: BTreeSet<&str> = written.as_object().unwrap().keys().map(|k| &**k).collect();
        let listed: BTreeSet<&str> = COMPANY.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, listed);
    }

    #[test]
    fn columns_flatten_companies_lags_and_groups_in_name_order() {
        let a = json!({
            "events_processed": 10, "trades": 2, "orders_refused": 0, "fees_and_taxes": "1.50",
            "companies": {"ZED": {"volume": 5, "vwap": 10.25, "autocorrelation": [0.5, null, -0.1, 0.0, 1e-7]},
                          "ACME": {"volume": 7, "close": "99.95", "vwap": null}},
            "groups": {"noise": {"pnl": "-3.20", "bots": 4, "refused": {"no_shares": 2}}},
        });
        let b = json!({"companies": {"BOLT": {"volume": 1}}, "groups": {}});
        let columns = columns([&a, &b]);
        let names: Vec<&str> = columns.iter().map(|m| &*m.name).collect();
        assert_eq!(
            &names[..5],
            [
                "events_processed",
                "trades",
                "orders_refused",
                "fees_and_taxes",
                "ACME.volume"
            ]
        );
        assert_eq!(names.len(), 4 + 3 * 25 + 9);
        assert_eq!(names[4 + 25], "BOLT.volume");
        assert_eq!(names[4 + 2 * 25 + 10], "ZED.autocorrelation.1");
        assert_eq!(names[4 + 3 * 25 + 1], "bots.noise.pnl");

        let read = |name: &str, summary: &Value| {
            columns
                .iter()
                .find(|m| m.name == name)
                .unwrap()
                .read(summary)
                .map(|n| (n.text, n.value))
        };
        assert_eq!(read("fees_and_taxes", &a), Some(("1.50".into(), 1.5)));
        assert_eq!(read("ACME.close", &a), Some(("99.95".into(), 99.95)));
        assert_eq!(read("ACME.vwap", &a), None);
        assert_eq!(read("ZED.vwap", &a), Some(("10.25".into(), 10.25)));
        assert_eq!(read("ZED.autocorrelation.2", &a), None);
        assert_eq!(
            read("ZED.autocorrelation.5", &a),
            Some(("1e-7".into(), 1e-7))
        );
        assert_eq!(read("ZED.dividends_paid", &a), Some(("0".into(), 0.0)));
        assert_eq!(read("BOLT.volume", &a), None, "no such company in a");
        assert_eq!(read("bots.noise.pnl", &a), Some(("-3.20".into(), -3.2)));
        assert_eq!(read("bots.noise.pnl", &b), None);
        assert_eq!(
            read("bots.noise.refused.no_shares", &a),
            Some(("2".into(), 2.0))
        );
        assert_eq!(read("bots.noise.refused.no_cash", &a), None);
    }
}
