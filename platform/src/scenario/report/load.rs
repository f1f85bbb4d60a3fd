//! A folder's files as the report needs them: a run's tables as series per
//! symbol behind [`Tables`] (so another file format can stand in for the
//! CSV files), its `summary.json`, and a sweep's `stats.csv`, `sweep.csv`
//! and `manifest.json` as rows of text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde_json::Value;

/// Nanoseconds since the Unix epoch.
pub type Nanos = i64;

#[derive(Debug, Clone, PartialEq)]
pub struct Trade {
    pub at: Nanos,
    pub price: f64,
    pub quantity: f64,
}

/// The top of the book at one sample; a side without orders is `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub at: Nanos,
    pub bid: Option<(f64, f64)>,
    pub ask: Option<(f64, f64)>,
}

impl Quote {
    pub fn mid(&self) -> Option<f64> {
        Some((self.bid?.0 + self.ask?.0) / 2.0)
    }
}

/// One series per symbol, in symbol order.
pub type BySymbol<T> = BTreeMap<String, Vec<T>>;

/// One symbol's rows of a table the run wrote (none when it has no rows
/// for it); `None` when it did not write the table.
pub fn series<'a, T>(table: &'a Option<BySymbol<T>>, symbol: &str) -> Option<&'a [T]> {
    table
        .as_ref()
        .map(|t| t.get(symbol).map_or(&[][..], Vec::as_slice))
}

/// A run's tables; `None` for a table the run did not write.
pub trait Tables {
    fn trades(&self) -> anyhow::Result<Option<BySymbol<Trade>>>;
    fn quotes(&self) -> anyhow::Result<Option<BySymbol<Quote>>>;
    /// The fundamental value, `(time, value)`.
    fn fundamental(&self) -> anyhow::Result<Option<BySymbol<(Nanos, f64)>>>;
}

/// The CSV files `scenario run` writes.
pub struct CsvTables {
    dir: PathBuf,
}

/// Tables a run folder may hold, by their output name.
const TABLES: [&str; 5] = ["trades", "quotes", "book", "orders", "fundamental"];

/// Whether the run folder holds any table as a `.{extension}` file.
pub fn has_tables(dir: &Path, extension: &str) -> bool {
    TABLES
        .iter()
        .any(|t| dir.join(format!("{t}.{extension}")).is_file())
}

impl CsvTables {
    pub fn new(dir: &Path) -> CsvTables {
        CsvTables {
            dir: dir.to_owned(),
        }
    }

    /// Rows of `name` as maps of column to field, or `None` without it.
    fn read(&self, name: &str) -> anyhow::Result<Option<Csv>> {
        let path = self.dir.join(name);
        if !path.is_file() {
            return Ok(None);
        }
        Csv::read(&path).map(Some)
    }
}

impl Tables for CsvTables {
    fn trades(&self) -> anyhow::Result<Option<BySymbol<Trade>>> {
        let Some(csv) = self.read("trades.csv")? else {
            return Ok(None);
        };
        csv.by_symbol(|row| {
            Ok(Trade {
                at: time(row.get("time")?)?,
                price: number(row.get("price")?)?,
                quantity: number(row.get("quantity")?)?,
            })
        })
        .map(Some)
    }

    fn quotes(&self) -> anyhow::Result<Option<BySymbol<Quote>>> {
        let Some(csv) = self.read("quotes.csv")? else {
            return Ok(None);
        };
        let level = |row: &Fields<'_>, price: &str, size: &str| -> anyhow::Result<_> {
            let (price, size) = (row.get(price)?, row.get(size)?);
            Ok(if price.is_empty() {
                None
            } else {
                Some((number(price)?, number(size)?))
            })
        };
        csv.by_symbol(|row| {
            Ok(Quote {
                at: time(row.get("time")?)?,
                bid: level(row, "bid", "bid_size")?,
                ask: level(row, "ask", "ask_size")?,
            })
        })
        .map(Some)
    }

    fn fundamental(&self) -> anyhow::Result<Option<BySymbol<(Nanos, f64)>>> {
        let Some(csv) = self.read("fundamental.csv")? else {
            return Ok(None);
        };
        csv.by_symbol(|row| Ok((time(row.get("time")?)?, number(row.get("value")?)?)))
            .map(Some)
    }
}

pub fn time(text: &str) -> anyhow::Result<Nanos> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .and_then(|t| t.timestamp_nanos_opt())
        .with_context(|| format!("{text:?} is not an RFC 3339 time"))
}

pub fn number(text: &str) -> anyhow::Result<f64> {
    text.parse()
        .with_context(|| format!("{text:?} is not a number"))
}

/// A CSV file: its header and rows, each split into fields.
pub struct Csv {
    path: PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One row with its column names.
pub struct Fields<'a> {
    csv: &'a Csv,
    line: usize,
}

impl Fields<'_> {
    pub fn get(&self, column: &str) -> anyhow::Result<&str> {
        let i = self
            .csv
            .header
            .iter()
            .position(|h| h == column)
            .with_context(|| format!("{} has no column {column}", self.csv.path.display()))?;
        Ok(self.csv.rows[self.line].get(i).map_or("", String::as_str))
    }
}

impl Csv {
    pub fn read(path: &Path) -> anyhow::Result<Csv> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut lines = text.lines().map(split);
        let header = lines
            .next()
            .with_context(|| format!("{} is empty", path.display()))?;
        Ok(Csv {
            path: path.to_owned(),
            header,
            rows: lines.collect(),
        })
    }

    pub fn rows(&self) -> impl Iterator<Item = Fields<'_>> {
        (0..self.rows.len()).map(|line| Fields { csv: self, line })
    }

    /// Each row made into a `T` by `make`, grouped by its `symbol`; an
    /// error names the file and line.
    fn by_symbol<T>(
        &self,
        make: impl Fn(&Fields<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<BySymbol<T>> {
        let mut out: BySymbol<T> = BTreeMap::new();
        for row in self.rows() {
            let at = || format!("{} line {}", self.path.display(), row.line + 2);
            let item = make(&row).with_context(at)?;
            let symbol = row.get("symbol").with_context(at)?;
            out.entry(symbol.to_owned()).or_default().push(item);
        }
        Ok(out)
    }
}

/// A CSV line's fields, a quoted field unquoted (`""` inside for `"`).
pub fn split(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

pub fn json(path: &Path) -> anyhow::Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_split_at_commas_outside_quotes() {
        assert_eq!(split("a,,b"), ["a", "", "b"]);
        assert_eq!(split("0,\"\"\"a,b\"\"\",7"), ["0", "\"a,b\"", "7"]);
    }

    #[test]
    fn times_are_nanoseconds_since_the_epoch() {
        assert_eq!(
            time("1970-01-01T00:00:01.000000005Z").unwrap(),
            1_000_000_005
        );
        assert!(time("09:30").is_err());
    }
}
