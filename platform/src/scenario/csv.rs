//! The CSV files of a run. Byte-stable: fixed columns, times as RFC 3339
//! with nanoseconds, money as exact decimals, the fundamental value with
//! four decimals; nothing from the wall clock.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use chrono::SecondsFormat;
use marketlab_actors::scenario::record::{
    BookRow, FundamentalRow, OrderRow, QuoteRow, Recorder, TradeRow,
};
use marketlab_actors::scenario::spec::Outputs;
use marketlab_actors::types::{Money, Quantity, Timestamp};

use super::order_event::{order_columns, side_name};

pub struct CsvRecorder {
    trades: Option<BufWriter<File>>,
    quotes: Option<BufWriter<File>>,
    book: Option<BufWriter<File>>,
    orders: Option<BufWriter<File>>,
    fundamental: Option<BufWriter<File>>,
    /// The first write that failed: rows after it are dropped, and
    /// [`CsvRecorder::finish`] reports it.
    failed: Option<io::Error>,
}

fn open(dir: &Path, wanted: bool, name: &str, header: &str) -> io::Result<Option<BufWriter<File>>> {
    if !wanted {
        return Ok(None);
    }
    let mut out = BufWriter::with_capacity(1 << 16, File::create(dir.join(name))?);
    writeln!(out, "{header}")?;
    Ok(Some(out))
}

impl CsvRecorder {
    pub fn create(dir: &Path, outputs: &Outputs) -> io::Result<CsvRecorder> {
        Ok(CsvRecorder {
            trades: open(
                dir,
                outputs.trades,
                "trades.csv",
                "time,symbol,seq,price,quantity,aggressor,buyer,seller",
            )?,
            quotes: open(
                dir,
                outputs.quotes,
                "quotes.csv",
                "time,symbol,bid,bid_size,ask,ask_size,last",
            )?,
            book: open(
                dir,
                outputs.book,
                "book.csv",
                "time,symbol,side,level,price,size,orders",
            )?,
            orders: open(
                dir,
                outputs.orders,
                "orders.csv",
                "time,symbol,seq,event,order_id,account,side,price,quantity,reason",
            )?,
            fundamental: open(
                dir,
                outputs.fundamental,
                "fundamental.csv",
                "time,symbol,value",
            )?,
            failed: None,
        })
    }

    /// Flush every file.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(error) = self.failed.take() {
            return Err(error);
        }
        for out in [
            &mut self.trades,
            &mut self.quotes,
            &mut self.book,
            &mut self.orders,
            &mut self.fundamental,
        ]
        .into_iter()
        .flatten()
        {
            out.flush()?;
        }
        Ok(())
    }

    fn write(
        failed: &mut Option<io::Error>,
        out: &mut Option<BufWriter<File>>,
        row: std::fmt::Arguments<'_>,
    ) {
        if failed.is_some() {
            return;
        }
        if let Some(out) = out
            && let Err(error) = out.write_fmt(row)
        {
            *failed = Some(error);
        }
    }
}

fn time(at: Timestamp) -> String {
    at.to_datetime().to_rfc3339_opts(SecondsFormat::Nanos, true)
}

fn money(value: Money) -> String {
    value.to_decimal().to_string()
}

fn level(level: Option<(Money, Quantity)>) -> (String, String) {
    level.map_or((String::new(), String::new()), |(price, size)| {
        (money(price), size.0.to_string())
    })
}

impl Recorder for CsvRecorder {
    fn trade(&mut self, row: &TradeRow<'_>) {
        Self::write(
            &mut self.failed,
            &mut self.trades,
            format_args!(
                "{},{},{},{},{},{},{},{}\n",
                time(row.at),
                row.symbol,
                row.seq,
                money(row.price),
                row.quantity.0,
                side_name(row.aggressor),
                row.buyer,
                row.seller
            ),
        );
    }

    fn quote(&mut self, row: &QuoteRow) {
        let (bid, bid_size) = level(row.bid);
        let (ask, ask_size) = level(row.ask);
        let last = row.last.map(money).unwrap_or_default();
        Self::write(
            &mut self.failed,
            &mut self.quotes,
            format_args!(
                "{},{},{bid},{bid_size},{ask},{ask_size},{last}\n",
                time(row.at),
                row.symbol
            ),
        );
    }

    fn book(&mut self, row: &BookRow<'_>) {
        let at = time(row.at);
        for (name, levels) in [("bid", row.bids), ("ask", row.asks)] {
            for (i, l) in levels.iter().enumerate() {
                Self::write(
                    &mut self.failed,
                    &mut self.book,
                    format_args!(
                        "{at},{},{name},{},{},{},{}\n",
                        row.symbol,
                        i + 1,
                        money(row.tick.to_money(l.price)),
                        l.quantity.0,
                        l.orders
                    ),
                );
            }
        }
    }

    fn order(&mut self, row: &OrderRow<'_>) {
        let Some(o) = order_columns(row) else { return };
        Self::write(
            &mut self.failed,
            &mut self.orders,
            format_args!(
                "{},{},{},{},{},{},{},{},{},{}\n",
                time(row.at),
                row.symbol,
                o.seq.map(|s| s.to_string()).unwrap_or_default(),
                o.event,
                o.order_id,
                row.account,
                o.side.map(side_name).unwrap_or_default(),
                o.price.map(money).unwrap_or_default(),
                o.quantity.map(|q| q.0.to_string()).unwrap_or_default(),
                o.reason.replace(',', ";")
            ),
        );
    }

    fn fundamental(&mut self, row: &FundamentalRow) {
        Self::write(
            &mut self.failed,
            &mut self.fundamental,
            format_args!("{},{},{:.4}\n", time(row.at), row.symbol, row.value / 100.0),
        );
    }
}
