//! The order file that `gen_orders` writes and `replay` reads: a header line
//! `side,price,qty`, then one limit order a line, side `B` or `S`, price in
//! ticks, quantity in shares. Deliberately tiny, so it needs no csv crate.

use std::fmt;
use std::io::{self, Write};

use anyhow::{Context, bail};
use marketlab_actors::types::{Price, Quantity, Side};

pub const HEADER: &str = "side,price,qty";

/// A limit order as the file states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOrder {
    pub side: Side,
    pub price: Price,
    pub quantity: Quantity,
}

/// A parsed order and the (1-based) line it came from; replay uses the line
/// number as the order's id and account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub order: CsvOrder,
}

/// Why one line is not an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    FieldCount(usize),
    Side(String),
    Price(String),
    Quantity(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::FieldCount(n) => {
                write!(f, "expected 3 fields `side,price,qty`, found {n}")
            }
            ParseError::Side(s) => write!(f, "side must be B or S, found {s:?}"),
            ParseError::Price(s) => {
                write!(
                    f,
                    "price must be a positive whole number of ticks, found {s:?}"
                )
            }
            ParseError::Quantity(s) => {
                write!(
                    f,
                    "quantity must be a whole number from 1 to {}, found {s:?}",
                    u64::MAX
                )
            }
        }
    }
}

impl std::error::Error for ParseError {}

/// Parse one data line (no header). Fields may carry surrounding spaces and
/// the line a trailing `\r` (files written on Windows).
pub fn parse_line(line: &str) -> Result<CsvOrder, ParseError> {
    let fields: Vec<&str> = line
        .trim_end_matches('\r')
        .split(',')
        .map(str::trim)
        .collect();
    let [side, price, quantity] = fields[..] else {
        return Err(ParseError::FieldCount(fields.len()));
    };
    let side = match side {
        "B" => Side::Buy,
        "S" => Side::Sell,
        other => return Err(ParseError::Side(other.to_owned())),
    };
    let price = price
        .parse::<i64>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| ParseError::Price(price.to_owned()))?;
    let quantity = quantity
        .parse::<u64>()
        .ok()
        .filter(|q| *q > 0)
        .ok_or_else(|| ParseError::Quantity(quantity.to_owned()))?;
    Ok(CsvOrder {
        side,
        price: Price(price),
        quantity: Quantity(quantity),
    })
}

/// Parse a whole file: the header, then orders. Blank lines are skipped;
/// anything else that is not an order is an error naming its line.
pub fn parse_orders(text: &str) -> anyhow::Result<Vec<Row>> {
    let mut lines = text.lines().zip(1u64..);
    match lines.next() {
        Some((header, _)) if header.trim_end_matches('\r').trim() == HEADER => {}
        Some((other, _)) => bail!("line 1: expected the header `{HEADER}`, found {other:?}"),
        None => bail!("the file is empty: expected the header `{HEADER}`"),
    }
    lines
        .filter(|(line, _)| !line.trim().is_empty())
        .map(|(text, line)| {
            let order = parse_line(text).with_context(|| format!("line {line}: {text:?}"))?;
            Ok(Row { line, order })
        })
        .collect()
}

/// Write orders in the file format, header first.
pub fn write_orders(
    out: &mut impl Write,
    orders: impl IntoIterator<Item = CsvOrder>,
) -> io::Result<()> {
    writeln!(out, "{HEADER}")?;
    for o in orders {
        let side = match o.side {
            Side::Buy => 'B',
            Side::Sell => 'S',
        };
        writeln!(out, "{side},{},{}", o.price, o.quantity)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(side: Side, price: i64, quantity: u64) -> CsvOrder {
        CsvOrder {
            side,
            price: Price(price),
            quantity: Quantity(quantity),
        }
    }

    #[test]
    fn parses_valid_lines() {
        assert_eq!(parse_line("B,1885,300"), Ok(order(Side::Buy, 1885, 300)));
        assert_eq!(parse_line(" S , 1 , 1 \r"), Ok(order(Side::Sell, 1, 1)));
        assert_eq!(
            parse_line(&format!("S,{},{}", i64::MAX, u64::MAX)),
            Ok(order(Side::Sell, i64::MAX, u64::MAX))
        );
    }

    #[test]
    fn rejects_malformed_lines() {
        assert_eq!(parse_line("B,1885"), Err(ParseError::FieldCount(2)));
        assert_eq!(parse_line("B,1,2,3"), Err(ParseError::FieldCount(4)));
        assert_eq!(parse_line("b,1885,1"), Err(ParseError::Side("b".into())));
        assert_eq!(
            parse_line("B,18.5,1"),
            Err(ParseError::Price("18.5".into()))
        );
        assert_eq!(parse_line("B,0,1"), Err(ParseError::Price("0".into())));
        assert_eq!(parse_line("B,-3,1"), Err(ParseError::Price("-3".into())));
        assert_eq!(parse_line("B,5,0"), Err(ParseError::Quantity("0".into())));
        assert_eq!(parse_line("B,5,-1"), Err(ParseError::Quantity("-1".into())));
        let too_big = "18446744073709551616"; // u64::MAX + 1
        assert_eq!(
            parse_line(&format!("B,5,{too_big}")),
            Err(ParseError::Quantity(too_big.into()))
        );
    }

    #[test]
    fn parses_a_file_with_line_numbers() {
        let rows = parse_orders("side,price,qty\r\nB,10,5\r\n\r\nS,11,7\r\n").unwrap();
        assert_eq!(
            rows,
            vec![
                Row {
                    line: 2,
                    order: order(Side::Buy, 10, 5)
                },
                Row {
                    line: 4,
                    order: order(Side::Sell, 11, 7)
                },
            ]
        );
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse_orders("side,price,qty\nB,10,5\nB,x,5\n").unwrap_err();
        assert!(
            format!("{err:#}").starts_with("line 3: \"B,x,5\": price must be"),
            "{err:#}"
        );
        let err = parse_orders("B,10,5\n").unwrap_err();
        assert!(
            err.to_string().starts_with("line 1: expected the header"),
            "{err}"
        );
        assert!(parse_orders("").is_err());
    }

    #[test]
    fn written_orders_parse_back() {
        let orders = vec![order(Side::Buy, 1880, 100), order(Side::Sell, 1893, 1000)];
        let mut text = Vec::new();
        write_orders(&mut text, orders.iter().copied()).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert_eq!(text, "side,price,qty\nB,1880,100\nS,1893,1000\n");
        let back: Vec<CsvOrder> = parse_orders(&text)
            .unwrap()
            .iter()
            .map(|r| r.order)
            .collect();
        assert_eq!(back, orders);
    }
}
