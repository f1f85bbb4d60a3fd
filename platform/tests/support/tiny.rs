//! A minute of one company, two market makers and a few noise traders: the
//! scenario the sweep and Parquet tests run. Included by path (`#[path]`)
//! beside `outputs.rs`, whose `root` it takes.

use super::outputs::root;

/// The file's text, its scripts by absolute path.
pub fn tiny() -> String {
    let scripts = root().join("scripts");
    let scripts = scripts.to_str().unwrap();
    format!(
        r#"version = 1
name = "tiny"
seed = 1
start = "2026-01-05T09:30:00Z"
duration = "1m"

[fees]
commission = "0.00015"     # of the notional

[[companies]]
symbol = "ACME"
name = "Acme"
sector = "Industrials"
shares_outstanding = 1_000_000
ipo_price = "100.00"
tick_size = "0.01"
band = 0.3

[companies.fundamental]
reversion = 0.0005
volatility = 0.0002
step = "1s"

[[bots]]
name = "mm"
script = "{scripts}/market_maker.rhai"
count = 2
cash = "2000000.00"
holdings = {{ ACME = 20000 }}
wake = {{ kind = "fixed", every = "2s" }}
params = {{ spread_bps = 20, size = 200, requote_ms = 2000, value_weight = 0.3 }}

[[bots]]
name = "noise"
script = "{scripts}/noise_trader.rhai"
count = 4
cash = "50000.00"
holdings = {{ ACME = 200 }}
wake = {{ kind = "random", mean = "2s" }}
params = {{ rate = 0.5, max_qty = 50, interval_ms = 2000 }}
"#
    )
}
