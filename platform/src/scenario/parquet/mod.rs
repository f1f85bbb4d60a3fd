//! The Parquet files of a run (`--format parquet`): the columns and rows
//! of the CSV files, typed. Times are INT64 TIMESTAMP(NANOS, UTC), money
//! exact INT64 DECIMAL(18, 2) (the cents as they are), counts INT64, text
//! UTF-8 strings, and a field the CSV leaves empty is null in an OPTIONAL
//! column. The fundamental value is the DOUBLE `value / 100` unrounded (the
//! CSV rounds it to four decimals). Also the sweep table, `sweep.parquet`.

mod sweep;
mod table;

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use ::parquet::errors::{ParquetError, Result};
use marketlab_actors::scenario::record::{
    BookRow, FundamentalRow, OrderRow, QuoteRow, Recorder, TradeRow,
};
use marketlab_actors::scenario::spec::Outputs;
use marketlab_actors::types::{Money, Quantity};

use super::order_event::{order_columns, side_name};
use table::{Cell, Column, Kind, Table};

pub use sweep::write_sweep;

type ParquetFile = Table<BufWriter<File>>;

const TRADES: [Column<'_>; 8] = [
    Column::required("time", Kind::Time),
    Column::required("symbol", Kind::Text),
    Column::required("seq", Kind::Int),
    Column::required("price", Kind::Money),
    Column::required("quantity", Kind::Int),
    Column::required("aggressor", Kind::Text),
    Column::required("buyer", Kind::Text),
    Column::required("seller", Kind::Text),
];

const QUOTES: [Column<'_>; 7] = [
    Column::required("time", Kind::Time),
    Column::required("symbol", Kind::Text),
    Column::optional("bid", Kind::Money),
    Column::optional("bid_size", Kind::Int),
    Column::optional("ask", Kind::Money),
    Column::optional("ask_size", Kind::Int),
    Column::optional("last", Kind::Money),
];

const BOOK: [Column<'_>; 7] = [
    Column::required("time", Kind::Time),
    Column::required("symbol", Kind::Text),
    Column::required("side", Kind::Text),
    Column::required("level", Kind::Int),
    Column::required("price", Kind::Money),
    Column::required("size", Kind::Int),
    Column::required("orders", Kind::Int),
];

const ORDERS: [Column<'_>; 10] = [
    Column::required("time", Kind::Time),
    Column::required("symbol", Kind::Text),
    Column::optional("seq", Kind::Int),
    Column::required("event", Kind::Text),
    Column::required("order_id", Kind::Int),
    Column::required("account", Kind::Text),
    Column::optional("side", Kind::Text),
    Column::optional("price", Kind::Money),
    Column::optional("quantity", Kind::Int),
    Column::optional("reason", Kind::Text),
];

const FUNDAMENTAL: [Column<'_>; 3] = [
    Column::required("time", Kind::Time),
    Column::required("symbol", Kind::Text),
    Column::required("value", Kind::Float),
];

pub struct ParquetRecorder {
    trades: Option<ParquetFile>,
    quotes: Option<ParquetFile>,
    book: Option<ParquetFile>,
    orders: Option<ParquetFile>,
    fundamental: Option<ParquetFile>,
    /// The first write that failed: rows after it are dropped, and
    /// [`ParquetRecorder::finish`] reports it.
    failed: Option<ParquetError>,
}

fn open(
    dir: &Path,
    wanted: bool,
    name: &str,
    columns: &[Column<'_>],
) -> Result<Option<ParquetFile>> {
    if !wanted {
        return Ok(None);
    }
    let out = BufWriter::with_capacity(1 << 16, File::create(dir.join(name))?);
    Table::create(out, columns).map(Some)
}

fn money(value: Money) -> Cell<'static> {
    Cell::Int(value.0)
}

fn quantity(value: Quantity) -> Cell<'static> {
    Cell::Count(value.0)
}

fn level(level: Option<(Money, Quantity)>) -> [Cell<'static>; 2] {
    level.map_or([Cell::Null, Cell::Null], |(price, size)| {
        [money(price), quantity(size)]
    })
}

impl ParquetRecorder {
    pub fn create(dir: &Path, outputs: &Outputs) -> Result<ParquetRecorder> {
        Ok(ParquetRecorder {
            trades: open(dir, outputs.trades, "trades.parquet", &TRADES)?,
            quotes: open(dir, outputs.quotes, "quotes.parquet", &QUOTES)?,
            book: open(dir, outputs.book, "book.parquet", &BOOK)?,
            orders: open(dir, outputs.orders, "orders.parquet", &ORDERS)?,
            fundamental: open(
                dir,
                outputs.fundamental,
                "fundamental.parquet",
                &FUNDAMENTAL,
            )?,
            failed: None,
        })
    }

    /// Write every file's last row group and footer.
    pub fn finish(mut self) -> Result<()> {
        if let Some(error) = self.failed.take() {
            return Err(error);
        }
        [
            self.trades,
            self.quotes,
            self.book,
            self.orders,
            self.fundamental,
        ]
        .into_iter()
        .flatten()
        .try_for_each(Table::finish)
    }

    fn write(failed: &mut Option<ParquetError>, table: &mut Option<ParquetFile>, row: &[Cell<'_>]) {
        if failed.is_some() {
            return;
        }
        if let Some(table) = table
            && let Err(error) = table.push(row)
        {
            *failed = Some(error);
        }
    }
}

impl Recorder for ParquetRecorder {
    fn trade(&mut self, row: &TradeRow<'_>) {
        Self::write(
            &mut self.failed,
            &mut self.trades,
            &[
                Cell::Int(row.at.0),
                Cell::Text(row.symbol.as_str()),
                Cell::Count(row.seq),
                money(row.price),
                quantity(row.quantity),
                Cell::Text(side_name(row.aggressor)),
                Cell::Text(row.buyer),
                Cell::Text(row.seller),
            ],
        );
    }

    fn quote(&mut self, row: &QuoteRow) {
        let [bid, bid_size] = level(row.bid);
        let [ask, ask_size] = level(row.ask);
        Self::write(
            &mut self.failed,
            &mut self.quotes,
            &[
                Cell::Int(row.at.0),
                Cell::Text(row.symbol.as_str()),
                bid,
                bid_size,
                ask,
                ask_size,
                row.last.map_or(Cell::Null, money),
            ],
        );
    }

    fn book(&mut self, row: &BookRow<'_>) {
        for (name, levels) in [("bid", row.bids), ("ask", row.asks)] {
            for (depth, l) in (1..).zip(levels) {
                Self::write(
                    &mut self.failed,
                    &mut self.book,
                    &[
                        Cell::Int(row.at.0),
                        Cell::Text(row.symbol.as_str()),
                        Cell::Text(name),
                        Cell::Count(depth),
                        money(row.tick.to_money(l.price)),
                        quantity(l.quantity),
                        Cell::Count(u64::from(l.orders)),
                    ],
                );
            }
        }
    }

    fn order(&mut self, row: &OrderRow<'_>) {
        let Some(o) = order_columns(row) else { return };
        Self::write(
            &mut self.failed,
            &mut self.orders,
            &[
                Cell::Int(row.at.0),
                Cell::Text(row.symbol.as_str()),
                o.seq.map_or(Cell::Null, Cell::Count),
                Cell::Text(o.event),
                Cell::Count(o.order_id.0),
                Cell::Text(row.account),
                o.side.map_or(Cell::Null, |s| Cell::Text(side_name(s))),
                o.price.map_or(Cell::Null, money),
                o.quantity.map_or(Cell::Null, quantity),
                // The CSV's empty reason is a null here too; the text is
                // kept as it is (the CSV turns a comma into `;`).
                match &*o.reason {
                    "" => Cell::Null,
                    reason => Cell::Text(reason),
                },
            ],
        );
    }

    fn fundamental(&mut self, row: &FundamentalRow) {
        Self::write(
            &mut self.failed,
            &mut self.fundamental,
            &[
                Cell::Int(row.at.0),
                Cell::Text(row.symbol.as_str()),
                Cell::Float(row.value / 100.0),
            ],
        );
    }
}
