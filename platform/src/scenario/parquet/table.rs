//! One Parquet file written a row at a time: the rows are buffered per
//! column and written as a row group every [`ROW_GROUP`] rows, through the
//! crate's low-level column writers (no Arrow arrays in between). Nothing
//! from the wall clock goes in (the `created_by` is the crate's version), so
//! the same rows give the same bytes.

use std::io::Write;
use std::sync::Arc;

use ::parquet::basic::{Compression, LogicalType, Repetition, TimeUnit, Type as Physical};
use ::parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use ::parquet::errors::{ParquetError, Result};
use ::parquet::file::properties::WriterProperties;
use ::parquet::file::writer::SerializedFileWriter;
use ::parquet::schema::types::Type;

/// Rows per row group: large enough for good compression and a small
/// footer, small enough that a buffered group stays a few megabytes.
const ROW_GROUP: usize = 1 << 16;

/// What a column holds, and so its physical and logical type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Nanoseconds since the epoch: INT64 TIMESTAMP(NANOS, UTC).
    Time,
    /// UTF-8 text: BYTE_ARRAY STRING.
    Text,
    /// Cents, exact: INT64 DECIMAL(18, 2).
    Money,
    /// A count or number: INT64.
    Int,
    /// DOUBLE.
    Float,
}

/// A column of a file: its name, kind, and whether a row may leave it
/// empty (an OPTIONAL field, null where the CSV has an empty field).
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    pub name: &'a str,
    pub kind: Kind,
    pub optional: bool,
}

impl<'a> Column<'a> {
    pub const fn required(name: &'a str, kind: Kind) -> Column<'a> {
        Column {
            name,
            kind,
            optional: false,
        }
    }

    pub const fn optional(name: &'a str, kind: Kind) -> Column<'a> {
        Column {
            name,
            kind,
            optional: true,
        }
    }

    fn field(&self) -> Result<Type> {
        let (physical, logical) = match self.kind {
            Kind::Time => (
                Physical::INT64,
                Some(LogicalType::timestamp(true, TimeUnit::NANOS)),
            ),
            Kind::Text => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
            Kind::Money => (Physical::INT64, Some(LogicalType::decimal(2, 18))),
            Kind::Int => (Physical::INT64, None),
            Kind::Float => (Physical::DOUBLE, None),
        };
        let builder = Type::primitive_type_builder(self.name, physical)
            .with_repetition(if self.optional {
                Repetition::OPTIONAL
            } else {
                Repetition::REQUIRED
            })
            .with_logical_type(logical);
        match self.kind {
            Kind::Money => builder.with_precision(18).with_scale(2),
            _ => builder,
        }
        .build()
    }
}

/// One field of a row. `Int` serves the time, money and integer kinds
/// (nanoseconds, cents, counts); `Count` is an unsigned count, refused if
/// it does not fit an INT64.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    Int(i64),
    Count(u64),
    Text(&'a str),
    Float(f64),
    Null,
}

enum Values {
    Int(Vec<i64>),
    Text(Vec<ByteArray>),
    Float(Vec<f64>),
}

/// A column's buffered rows: the values present, and for an optional
/// column a definition level per row (1 present, 0 null).
struct Buffer {
    name: String,
    values: Values,
    levels: Option<Vec<i16>>,
}

impl Buffer {
    fn new(column: &Column<'_>) -> Buffer {
        Buffer {
            name: column.name.to_owned(),
            values: match column.kind {
                Kind::Time | Kind::Money | Kind::Int => Values::Int(Vec::new()),
                Kind::Text => Values::Text(Vec::new()),
                Kind::Float => Values::Float(Vec::new()),
            },
            levels: column.optional.then(Vec::new),
        }
    }

    fn push(&mut self, cell: Cell<'_>) -> Result<()> {
        let present = match (&mut self.values, cell) {
            (_, Cell::Null) => false,
            (Values::Int(v), Cell::Int(x)) => {
                v.push(x);
                true
            }
            (Values::Int(v), Cell::Count(x)) => {
                v.push(i64::try_from(x)?);
                true
            }
            (Values::Text(v), Cell::Text(x)) => {
                v.push(ByteArray::from(x));
                true
            }
            (Values::Float(v), Cell::Float(x)) => {
                v.push(x);
                true
            }
            (_, cell) => {
                return Err(ParquetError::General(format!(
                    "column {}: {cell:?} is not of its type",
                    self.name
                )));
            }
        };
        match &mut self.levels {
            Some(levels) => levels.push(i16::from(present)),
            None if !present => {
                return Err(ParquetError::General(format!(
                    "column {} cannot be empty",
                    self.name
                )));
            }
            None => {}
        }
        Ok(())
    }
}

pub struct Table<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    columns: Vec<Buffer>,
    rows: usize,
}

impl<W: Write + Send> Table<W> {
    /// A file of `columns` (snappy-compressed) into `out`.
    pub fn create(out: W, columns: &[Column<'_>]) -> Result<Table<W>> {
        let fields = columns
            .iter()
            .map(|c| c.field().map(Arc::new))
            .collect::<Result<Vec<_>>>()?;
        let schema = Type::group_type_builder("schema")
            .with_fields(fields)
            .build()?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        Ok(Table {
            writer: SerializedFileWriter::new(out, Arc::new(schema), Arc::new(properties))?,
            columns: columns.iter().map(Buffer::new).collect(),
            rows: 0,
        })
    }

    /// A row, a cell per column in order.
    pub fn push(&mut self, row: &[Cell<'_>]) -> Result<()> {
        if row.len() != self.columns.len() {
            return Err(ParquetError::General(format!(
                "a row of {} cells for {} columns",
                row.len(),
                self.columns.len()
            )));
        }
        for (column, &cell) in self.columns.iter_mut().zip(row) {
            column.push(cell)?;
        }
        self.rows += 1;
        if self.rows == ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    /// The buffered rows as a row group.
    fn flush(&mut self) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.writer.next_row_group()?;
        for column in &mut self.columns {
            let mut writer = group.next_column()?.ok_or_else(|| {
                ParquetError::General(format!("no column {} in the schema", column.name))
            })?;
            let levels = column.levels.as_deref();
            match &mut column.values {
                Values::Int(v) => {
                    writer.typed::<Int64Type>().write_batch(v, levels, None)?;
                    v.clear();
                }
                Values::Text(v) => {
                    writer
                        .typed::<ByteArrayType>()
                        .write_batch(v, levels, None)?;
                    v.clear();
                }
                Values::Float(v) => {
                    writer.typed::<DoubleType>().write_batch(v, levels, None)?;
                    v.clear();
                }
            }
            writer.close()?;
            if let Some(levels) = &mut column.levels {
                levels.clear();
            }
        }
        group.close()?;
        self.rows = 0;
        Ok(())
    }

    /// The last row group and the footer, flushed through to `out`.
    pub fn finish(mut self) -> Result<()> {
        self.flush()?;
        self.writer.close()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::fs::File;

    use super::*;
    use ::parquet::file::reader::{FileReader, SerializedFileReader};
    use ::parquet::record::Field;

    const COLUMNS: [Column<'_>; 3] = [
        Column::required("n", Kind::Int),
        Column::optional("name", Kind::Text),
        Column::optional("x", Kind::Float),
    ];

    #[test]
    fn rows_past_a_row_group_read_back_with_their_nulls() {
        let path =
            std::env::temp_dir().join(format!("marketlab-table-{}.parquet", std::process::id()));
        let mut table = Table::create(File::create(&path).unwrap(), &COLUMNS).unwrap();
        let rows = ROW_GROUP + 3;
        for n in 0..rows {
            let name = n.to_string();
            let odd = n % 2 == 1;
            table
                .push(&[
                    Cell::Count(n as u64),
                    if odd { Cell::Null } else { Cell::Text(&name) },
                    if odd {
                        Cell::Float(n as f64 / 2.0)
                    } else {
                        Cell::Null
                    },
                ])
                .unwrap();
        }
        table.finish().unwrap();

        let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
        assert_eq!(reader.metadata().num_row_groups(), 2);
        let read: Vec<Vec<Field>> = reader
            .into_iter()
            .map(|r| {
                r.unwrap()
                    .into_columns()
                    .into_iter()
                    .map(|(_, f)| f)
                    .collect()
            })
            .collect();
        assert_eq!(read.len(), rows);
        assert_eq!(
            read[4],
            [Field::Long(4), Field::Str("4".into()), Field::Null]
        );
        assert_eq!(
            read[rows - 2],
            [Field::Long(65_537), Field::Null, Field::Double(32_768.5)]
        );
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_cell_of_another_type_or_missing_is_refused() {
        let mut table = Table::create(Vec::new(), &COLUMNS).unwrap();
        let wrong = table.push(&[Cell::Text("1"), Cell::Null, Cell::Null]);
        assert!(wrong.unwrap_err().to_string().contains("column n"));
        let mut table = Table::create(Vec::new(), &COLUMNS).unwrap();
        let empty = table.push(&[Cell::Null, Cell::Null, Cell::Null]);
        assert!(empty.unwrap_err().to_string().contains("cannot be empty"));
        let mut table = Table::create(Vec::new(), &COLUMNS).unwrap();
        let short = table.push(&[Cell::Int(1)]);
        assert!(
            short
                .unwrap_err()
                .to_string()
                .contains("1 cells for 3 columns")
        );
        let mut table = Table::create(Vec::new(), &COLUMNS).unwrap();
        assert!(
            table
                .push(&[Cell::Count(u64::MAX), Cell::Null, Cell::Null])
                .is_err()
        );
    }
}
