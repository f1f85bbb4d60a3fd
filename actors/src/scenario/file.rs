//! The scenario file as written (TOML), before its values are checked
//! against each other ([`super::spec`] does that). Every table refuses keys
//! it does not know; a wrong value is reported with its key path
//! (`bots[2].count`) and the line and column it is on.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// The file format this build reads.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub version: u32,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub seed: u64,
    /// RFC 3339, e.g. `2026-01-05T09:30:00Z`.
    pub start: String,
    pub duration: Span,
    /// Trading hours (UTC) on every simulated day; without it the market is
    /// open for the whole run.
    pub session: Option<SessionFile>,
    #[serde(default)]
    pub fees: FeesFile,
    pub companies: Vec<CompanyFile>,
    #[serde(default)]
    pub bots: Vec<BotGroupFile>,
    #[serde(default)]
    pub events: Vec<EventFile>,
    #[serde(default)]
    pub outputs: OutputsFile,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionFile {
    /// `HH:MM` (UTC).
    pub open: String,
    pub close: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeesFile {
    pub commission: Option<Fraction>,
    pub min_commission: Option<Amount>,
    pub sell_tax: Option<Fraction>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyFile {
    pub symbol: String,
    pub name: String,
    pub sector: String,
    pub shares_outstanding: u64,
    pub ipo_price: Amount,
    pub tick_size: Amount,
    /// The price band as a fraction around the reference (0.3 = +-30 %);
    /// without it the listing has no band.
    pub band: Option<Fraction>,
    /// Cash of the company's issuer account, which holds the shares no bot
    /// starts with and places the injected orders.
    pub issuer_cash: Option<Amount>,
    pub fundamental: Option<FundamentalFile>,
    /// Yearly reports published before the run, as bots read them with
    /// `ctx.financials`.
    #[serde(default)]
    pub financials: Vec<FinancialsFile>,
}

/// One yearly report, with the fields a CORPORATE account publishes live
/// (`publishFinancials`); amounts are signed (a loss is negative).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinancialsFile {
    pub year: i32,
    pub revenue: Amount,
    pub operating_profit: Amount,
    pub net_income: Amount,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundamentalFile {
    /// The value it reverts to; the IPO price when left out.
    pub mean: Option<Amount>,
    /// Reversion speed, per second.
    pub reversion: f64,
    /// Standard deviation of the value's change over one second, as a
    /// fraction of the mean.
    pub volatility: f64,
    /// Jumps per hour (Poisson).
    #[serde(default)]
    pub jump_rate: f64,
    /// Mean and standard deviation of a jump, as a fraction of the value.
    #[serde(default)]
    pub jump_mean: f64,
    #[serde(default)]
    pub jump_sd: f64,
    /// Time between two steps of the process (and rows of `fundamental.csv`).
    pub step: Option<Span>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotGroupFile {
    pub name: String,
    /// Relative to the scenario file.
    pub script: String,
    pub count: u32,
    pub cash: Amount,
    #[serde(default)]
    pub holdings: BTreeMap<String, u64>,
    /// The listings the bots see and trade; all of them when left out.
    pub symbols: Option<Vec<String>>,
    #[serde(default)]
    pub params: serde_json::Map<String, serde_json::Value>,
    pub wake: WakeFile,
    /// Between a bot's call and its orders reaching the book.
    pub latency: Option<Span>,
    /// Standard deviation of each bot's view of fundamental value, as a
    /// fraction of it.
    #[serde(default)]
    pub observation_noise: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WakeFile {
    /// `fixed`, `random` or `once`.
    pub kind: String,
    /// `fixed`: the interval.
    pub every: Option<Span>,
    /// `random`: the mean of the exponential interval.
    pub mean: Option<Span>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFile {
    /// From the start of the run.
    pub at: Span,
    /// `news`, `halt`, `resume`, `join`, `leave`, `order`, `dividend` or
    /// `earnings`.
    pub kind: String,
    pub symbol: Option<String>,
    pub headline: Option<String>,
    /// `news`, `earnings`: the signed change of fundamental value, as a
    /// fraction.
    pub impact: Option<f64>,
    /// `join`, `leave`: the bot group.
    pub group: Option<String>,
    /// `order`: `buy` or `sell`.
    pub side: Option<String>,
    pub quantity: Option<u64>,
    /// `order`: a limit price; a market order when left out.
    pub price: Option<Amount>,
    /// `dividend`: the cash paid per share, up to six decimals.
    pub amount: Option<Amount>,
    /// `earnings`: the yearly report it publishes.
    pub year: Option<i32>,
    pub revenue: Option<Amount>,
    pub operating_profit: Option<Amount>,
    pub net_income: Option<Amount>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputsFile {
    /// Any of `trades`, `quotes`, `book`, `orders`, `fundamental`.
    #[serde(default = "default_files")]
    pub files: Vec<String>,
    pub l1_interval: Option<Span>,
    pub l2_depth: Option<u32>,
}

impl Default for OutputsFile {
    fn default() -> OutputsFile {
        OutputsFile {
            files: default_files(),
            l1_interval: None,
            l2_depth: None,
        }
    }
}

fn default_files() -> Vec<String> {
    ["trades", "quotes", "fundamental"]
        .map(str::to_owned)
        .to_vec()
}

/// What went wrong in a file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The key path, e.g. `bots[2].count`; empty for the file as a whole.
    pub path: String,
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl FileError {
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> FileError {
        FileError {
            path: path.into(),
            message: message.into(),
            line: None,
            column: None,
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}

impl std::error::Error for FileError {}

/// Parse the text of a scenario file.
pub fn parse(text: &str) -> Result<ScenarioFile, FileError> {
    parse_toml(text)
}

/// Parse TOML text into `T`, with the key path, line and column of the
/// first error (the server's configuration file reads the same way).
pub fn parse_toml<T: de::DeserializeOwned>(text: &str) -> Result<T, FileError> {
    let deserializer = toml::Deserializer::parse(text).map_err(|e| toml_error("", &e, text))?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        toml_error(&path, e.inner(), text)
    })
}

fn toml_error(path: &str, error: &toml::de::Error, text: &str) -> FileError {
    let (line, column) = match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            (Some(line), Some(column))
        }
        None => (None, None),
    };
    FileError {
        path: path.to_owned(),
        message: error.message().trim().to_owned(),
        line,
        column,
    }
}

/// A length of time: `"250ms"`, `"20s"`, `"5m"`, `"1h30m"`, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(pub i64);

impl Span {
    pub fn parse(text: &str) -> Result<Span, String> {
        let bad =
            || format!("{text:?} is not a duration like \"250ms\", \"20s\", \"5m\" or \"1h30m\"");
        let mut rest = text.trim();
        if rest.is_empty() {
            return Err(bad());
        }
        let mut total: i64 = 0;
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
            if digits == 0 {
                return Err(bad());
            }
            let number: i64 = rest[..digits].parse().map_err(|_| bad())?;
            rest = &rest[digits..];
            let unit_len = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            let millis = match &rest[..unit_len] {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => return Err(bad()),
            };
            rest = &rest[unit_len..];
            total = number
                .checked_mul(millis)
                .and_then(|m| total.checked_add(m))
                .ok_or_else(bad)?;
        }
        Ok(Span(total))
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Span, D::Error> {
        let text = String::deserialize(deserializer)?;
        Span::parse(&text).map_err(de::Error::custom)
    }
}

/// A decimal number written as a string (`"100.25"`), an integer or a
/// float, kept exact: a float is read by its shortest decimal form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount(pub Decimal);

/// A decimal fraction such as a rate (`0.00015` or `"0.00015"`).
pub type Fraction = Amount;

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Amount, D::Error> {
        struct Decimals;
        impl Visitor<'_> for Decimals {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number such as \"100.25\"")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Amount, E> {
                text.trim()
                    .parse::<Decimal>()
                    .map(Amount)
                    .map_err(|_| E::custom(format!("{text:?} is not a decimal number")))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Amount, E> {
                Ok(Amount(Decimal::from(value)))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Amount, E> {
                Ok(Amount(Decimal::from(value)))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Amount, E> {
                self.visit_str(&value.to_string())
            }
        }
        deserializer.deserialize_any(Decimals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_their_units() {
        assert_eq!(Span::parse("250ms"), Ok(Span(250)));
        assert_eq!(Span::parse("1h30m"), Ok(Span(5_400_000)));
        assert_eq!(Span::parse("2h"), Ok(Span(7_200_000)));
        assert!(Span::parse("10").is_err());
        assert!(Span::parse("s").is_err());
        assert!(Span::parse("5 minutes").is_err());
        assert!(Span::parse("").is_err());
    }

    #[test]
    fn errors_name_the_key_path_and_line() {
        let text = "version = 1\nname = \"x\"\nseed = 1\nstart = \"2026-01-05T09:30:00Z\"\n\
                    duration = \"1h\"\n[[companies]]\nsymbol = \"A\"\nname = \"A\"\nsector = \"S\"\n\
                    shares_outstanding = -5\nipo_price = \"10\"\ntick_size = \"0.01\"\n";
        let error = parse(text).unwrap_err();
        assert_eq!(error.path, "companies[0].shares_outstanding");
        assert_eq!(error.line, Some(10));
        assert!(error.message.contains("-5"), "{error}");

        let error = parse("version = 1\ncolour = 3\n").unwrap_err();
        assert_eq!(error.path, "colour");
        assert!(error.message.contains("unknown field"), "{error}");
        assert_eq!((error.line, error.column), (Some(2), Some(1)));
    }
}
