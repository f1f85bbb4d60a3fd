//! A run's Parquet files (`scenario run --format parquet`) as the report's
//! [`Tables`]: the same series the CSV files give, read with the crate's
//! row reader (times are INT64 nanoseconds, money DECIMAL(18, 2) cents).

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context;
use parquet::data_type::Decimal;
use parquet::file::reader::SerializedFileReader;
use parquet::record::{Field, Row};

use super::load::{BySymbol, Nanos, Quote, Tables, Trade};

pub struct ParquetTables {
    dir: PathBuf,
}

impl ParquetTables {
    pub fn new(dir: &Path) -> ParquetTables {
        ParquetTables {
            dir: dir.to_owned(),
        }
    }

    /// Each row of `name` made into a `T` by `make`, grouped by its
    /// `symbol`; `None` without the file. An error names the file and row.
    fn by_symbol<T>(
        &self,
        name: &str,
        make: impl Fn(&Row) -> anyhow::Result<T>,
    ) -> anyhow::Result<Option<BySymbol<T>>> {
        let path = self.dir.join(name);
        if !path.is_file() {
            return Ok(None);
        }
        let file = File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let reader = SerializedFileReader::new(file)
            .with_context(|| format!("{} is not a Parquet file", path.display()))?;
        let mut out = BySymbol::new();
        for (i, row) in reader.into_iter().enumerate() {
            let at = || format!("{} row {}", path.display(), i + 1);
            let row = row.with_context(at)?;
            let item = make(&row).with_context(at)?;
            let Field::Str(symbol) = cell(&row, "symbol").with_context(at)? else {
                anyhow::bail!("{}: the symbol is not text", at());
            };
            out.entry(symbol.clone())
                .or_insert_with(Vec::new)
                .push(item);
        }
        Ok(Some(out))
    }
}

fn cell<'a>(row: &'a Row, column: &str) -> anyhow::Result<&'a Field> {
    row.get_column_iter()
        .find(|(name, _)| *name == column)
        .map(|(_, field)| field)
        .with_context(|| format!("no column {column}"))
}

fn nanos(row: &Row, column: &str) -> anyhow::Result<Nanos> {
    match cell(row, column)? {
        Field::Long(n) => Ok(*n),
        other => anyhow::bail!("{column} is {other:?}, not a time in nanoseconds"),
    }
}

fn count(row: &Row, column: &str) -> anyhow::Result<f64> {
    match cell(row, column)? {
        Field::Long(n) => Ok(*n as f64),
        other => anyhow::bail!("{column} is {other:?}, not a whole number"),
    }
}

/// A DECIMAL(18, 2) cell in currency units; `None` for a null.
fn money(row: &Row, column: &str) -> anyhow::Result<Option<f64>> {
    match cell(row, column)? {
        Field::Null => Ok(None),
        Field::Decimal(Decimal::Int64 { value, scale, .. }) => {
            Ok(Some(i64::from_be_bytes(*value) as f64 / 10f64.powi(*scale)))
        }
        other => anyhow::bail!("{column} is {other:?}, not an INT64 decimal"),
    }
}

/// A side of the book: its price and size, or `None` when it had none.
fn level(row: &Row, price: &str, size: &str) -> anyhow::Result<Option<(f64, f64)>> {
    Ok(match money(row, price)? {
        Some(price) => Some((price, count(row, size)?)),
        None => None,
    })
}

impl Tables for ParquetTables {
    fn trades(&self) -> anyhow::Result<Option<BySymbol<Trade>>> {
        self.by_symbol("trades.parquet", |row| {
            Ok(Trade {
                at: nanos(row, "time")?,
                price: money(row, "price")?.context("a trade without a price")?,
                quantity: count(row, "quantity")?,
            })
        })
    }

    fn quotes(&self) -> anyhow::Result<Option<BySymbol<Quote>>> {
        self.by_symbol("quotes.parquet", |row| {
            Ok(Quote {
                at: nanos(row, "time")?,
                bid: level(row, "bid", "bid_size")?,
                ask: level(row, "ask", "ask_size")?,
            })
        })
    }

    fn fundamental(&self) -> anyhow::Result<Option<BySymbol<(Nanos, f64)>>> {
        self.by_symbol("fundamental.parquet", |row| match cell(row, "value")? {
            Field::Double(value) => Ok((nanos(row, "time")?, *value)),
            other => anyhow::bail!("value is {other:?}, not a double"),
        })
    }
}
