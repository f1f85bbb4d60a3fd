//! `sweep.parquet`: the rows and columns of `sweep.csv`, typed. `index` and
//! `seed` are INT64, a swept key's value is its text as given, and every
//! metric is an OPTIONAL DOUBLE, null where the CSV's field is empty.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use anyhow::Context;

use super::table::{Cell, Column, Kind, Table};
use crate::scenario::grid::Axis;
use crate::scenario::metrics::columns;
use crate::scenario::tables::Row;

/// Write the table of `rows` (swept over `keys`) to `path`.
pub fn write_sweep(path: &Path, keys: &[Axis], rows: &[Row<'_>]) -> anyhow::Result<()> {
    let metrics = columns(rows.iter().map(|r| r.summary));
    let schema: Vec<Column<'_>> = std::iter::once(Column::required("index", Kind::Int))
        .chain(keys.iter().map(|a| Column::required(&a.key, Kind::Text)))
        .chain([Column::required("seed", Kind::Int)])
        .chain(
            metrics
                .iter()
                .map(|m| Column::optional(&m.name, Kind::Float)),
        )
        .collect();
    let write = || -> ::parquet::errors::Result<()> {
        let mut table = Table::create(BufWriter::new(File::create(path)?), &schema)?;
        for row in rows {
            let cells: Vec<Cell<'_>> = std::iter::once(Cell::Count(row.index))
                .chain(row.values.iter().map(|v| Cell::Text(v)))
                .chain([Cell::Count(row.seed)])
                .chain(metrics.iter().map(|m| {
                    m.read(row.summary)
                        .map_or(Cell::Null, |n| Cell::Float(n.value))
                }))
                .collect();
            table.push(&cells)?;
        }
        table.finish()
    };
    write().with_context(|| format!("cannot write {}", path.display()))
}
