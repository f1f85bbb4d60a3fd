//! Multi-row statements: many rows inserted, updated or deleted by one
//! statement text per table, which the driver prepares once per connection
//! and reuses (a text that changed with every batch would be parsed and
//! planned again each time).
//!
//! On SQLite a statement binds a VALUES list holding a power of two of rows,
//! cut to fit the bound-parameter limit: one of a dozen texts whatever the
//! batch size. On Postgres it binds one array per column and reads the rows
//! out with UNNEST: one text, whatever the batch size.

use std::iter::Peekable;

use sea_orm::sea_query::{ArrayType, ColumnType};
use sea_orm::{
    ActiveModelTrait, ColumnDef, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityName,
    EntityTrait, IdenStatic, Iterable, Statement, UpdateResult, Value,
};

/// The most parameters one statement binds: SQLite's default limit (32,766
/// since 3.32; Postgres allows 65,535), so that one code path fits both.
const MAX_PARAMS: usize = 32_766;

/// How many rows of `columns` bound values fit in one statement.
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (MAX_PARAMS / columns.max(1)).max(1)
}

/// What an insert does with a row whose `key` is already stored: overwrite
/// its `update` columns with the new row's.
pub(crate) struct Upsert<'a, C> {
    pub key: &'a [C],
    pub update: &'a [C],
}

/// Inserts every model, as few statements as the limit allows, each with
/// `upsert` when given. The columns are those set in the first model (an
/// auto-numbered key left unset is numbered by the database). Nothing is
/// sent for no models.
pub(crate) async fn insert_all<A, C, I>(
    db: &C,
    models: I,
    upsert: Option<Upsert<'_, <A::Entity as EntityTrait>::Column>>,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
    I: IntoIterator<Item = A>,
    I::IntoIter: ExactSizeIterator + Send,
{
    let mut models = models.into_iter().peekable();
    let Some(first) = models.peek() else {
        return Ok(());
    };
    let columns: Vec<_> = <A::Entity as EntityTrait>::Column::iter()
        .filter(|column| !first.is_not_set(*column))
        .collect();
    let table = A::Entity::default().table_name();
    let names = quoted(&columns);
    let tail = upsert.map_or_else(String::new, |upsert| {
        let update: Vec<String> = upsert
            .update
            .iter()
            .map(|c| format!("\"{0}\" = excluded.\"{0}\"", c.as_str()))
            .collect();
        format!(
            " ON CONFLICT ({}) DO UPDATE SET {}",
            quoted(upsert.key),
            update.join(", ")
        )
    });
    let rows = models.map(|mut model| {
        columns
            .iter()
            .map(|column| model.take(*column).into_value().unwrap_or(Value::Int(None)))
            .collect()
    });
    let head = format!("INSERT INTO \"{table}\" ({names}) ");
    let defs: Vec<ColumnDef> = columns.iter().map(ColumnTrait::def).collect();
    execute_with_rows(db, &defs, rows, |source| format!("{head}{source}{tail}")).await?;
    Ok(())
}

/// `"a", "b", ..`
fn quoted(columns: &[impl IdenStatic]) -> String {
    let names: Vec<String> = columns
        .iter()
        .map(|column| format!("\"{}\"", column.as_str()))
        .collect();
    names.join(", ")
}

/// The models with the last of each key kept, in the order of those last
/// occurrences: Postgres refuses an upsert that touches one row twice.
pub(crate) fn last_per_key<M, K>(models: &[M], key: impl Fn(&M) -> K) -> Vec<M>
where
    M: Clone,
    K: std::hash::Hash + Eq,
{
    let mut seen = std::collections::HashSet::with_capacity(models.len());
    let mut kept: Vec<M> = models
        .iter()
        .rev()
        .filter(|model| seen.insert(key(model)))
        .cloned()
        .collect();
    kept.reverse();
    kept
}

/// Sets columns of many rows of `E`'s table by key, one statement per
/// chunk: `UPDATE t SET a = v.column2, .. FROM (rows) AS v WHERE t.key =
/// v.column1`, which both backends run as a lookup of each row by the key's
/// index. Each row is its key followed by the new values of `columns`, in
/// order. Returns how many rows changed.
pub(crate) async fn update_by_key<E: EntityTrait>(
    db: &impl ConnectionTrait,
    key: E::Column,
    columns: &[E::Column],
    rows: Vec<Vec<Value>>,
) -> Result<u64, DbErr> {
    let table = E::default().table_name();
    let assignments: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, column)| format!("\"{}\" = v.column{}", column.as_str(), i + 2))
        .collect();
    let assignments = assignments.join(", ");
    let key_name = key.as_str();
    let defs: Vec<ColumnDef> = std::iter::once(key)
        .chain(columns.iter().copied())
        .map(|column| column.def())
        .collect();
    execute_with_rows(db, &defs, rows.into_iter(), |source| {
        format!(
            "UPDATE \"{table}\" SET {assignments} FROM ({source}) AS v WHERE \"{table}\".\"{key_name}\" = v.column1"
        )
    })
    .await
}

/// Deletes the rows of `E`'s table whose `key_columns` match one of `keys`,
/// one statement per chunk: `DELETE FROM t WHERE (a, b) IN (SELECT column1,
/// column2 FROM (rows) AS v)`. Both backends look each key up in an index
/// of `key_columns` for that form, where a plain list of tuples would scan
/// the table (SQLite) or OR together an index scan per key (Postgres).
/// Returns how many rows went.
pub(crate) async fn delete_by_keys<E: EntityTrait>(
    db: &impl ConnectionTrait,
    key_columns: &[E::Column],
    keys: Vec<Vec<Value>>,
) -> Result<u64, DbErr> {
    let table = E::default().table_name();
    let columns = quoted(key_columns);
    let selected: Vec<String> = (1..=key_columns.len())
        .map(|i| format!("column{i}"))
        .collect();
    let selected = selected.join(", ");
    let defs: Vec<ColumnDef> = key_columns.iter().map(ColumnTrait::def).collect();
    execute_with_rows(db, &defs, keys.into_iter(), |source| {
        format!(
            "DELETE FROM \"{table}\" WHERE ({columns}) IN (SELECT {selected} FROM ({source}) AS v)"
        )
    })
    .await
}

/// Runs the statements `statement` makes of the rows, given as a table
/// expression whose columns are named `column1`, `column2`, .. (the names
/// both backends give the columns of a VALUES list), one statement per
/// chunk. Returns the rows affected.
///
/// On SQLite the expression is a VALUES list of bound values, as many rows
/// as fit in the parameter limit rounded down to a power of two. On Postgres
/// it is `SELECT .. FROM UNNEST($1, $2, ..)` with one array per column: one
/// statement text per table whatever the number of rows, a few parameters,
/// and values Postgres reads in binary instead of parsing; as many rows as
/// fit in [`PG_STATEMENT_BYTES`].
///
/// Each chunk's values are made while the database runs the chunk before
/// (the rows are an iterator, read as they are needed), so that this work
/// is off the write's critical path.
async fn execute_with_rows(
    db: &impl ConnectionTrait,
    columns: &[ColumnDef],
    rows: impl ExactSizeIterator<Item = Vec<Value>> + Send,
    statement: impl Fn(&str) -> String + Send + Sync,
) -> Result<u64, DbErr> {
    let chunks = Chunks::new(db.get_database_backend(), columns, statement)?;
    let mut rows = rows.peekable();
    let mut next = chunks.next(&mut rows)?;
    let mut affected = 0;
    while let Some(current) = next {
        // `join` polls the execution first: the statement is on its way to
        // the database before the next one is made.
        let (result, made) =
            futures_util::future::join(db.execute_raw(current), async { chunks.next(&mut rows) })
                .await;
        affected += result?.rows_affected();
        next = made?;
    }
    Ok(affected)
}

/// Makes the statements of [`execute_with_rows`], one chunk of rows at a
/// time.
enum Chunks<F> {
    /// `tuple` is one row's placeholders, `(?, ?, ..)`.
    Sqlite {
        width: usize,
        tuple: String,
        statement: F,
    },
    Postgres {
        arrays: Vec<PgArray>,
        sql: String,
    },
}

impl<F: Fn(&str) -> String> Chunks<F> {
    fn new(backend: DbBackend, columns: &[ColumnDef], statement: F) -> Result<Self, DbErr> {
        if backend != DbBackend::Postgres {
            return Ok(Chunks::Sqlite {
                width: columns.len(),
                tuple: format!("({})", vec!["?"; columns.len()].join(", ")),
                statement,
            });
        }
        let arrays = columns
            .iter()
            .map(PgArray::of)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Chunks::Postgres {
            sql: statement(&unnest_source(&arrays)),
            arrays,
        })
    }

    /// The statement for the next chunk of `rows`, or `None` once they are
    /// all taken.
    fn next<I>(&self, rows: &mut Peekable<I>) -> Result<Option<Statement>, DbErr>
    where
        I: ExactSizeIterator<Item = Vec<Value>>,
    {
        if rows.peek().is_none() {
            return Ok(None);
        }
        let statement = match self {
            Chunks::Postgres { arrays, sql } => {
                let params = unnest_params(arrays, pg_chunk(arrays, rows).into_iter())?;
                Statement::from_sql_and_values(DbBackend::Postgres, sql.as_str(), params)
            }
            Chunks::Sqlite {
                width,
                tuple,
                statement,
            } => {
                let fit = rows.len().min(rows_per_statement(*width));
                let count = power_of_two_below(fit);
                let tuples = vec![tuple.as_str(); count].join(", ");
                let mut params = Vec::with_capacity(count * width);
                for row in rows.take(count) {
                    debug_assert_eq!(row.len(), *width);
                    params.extend(row);
                }
                let sql = statement(&format!("VALUES {tuples}"));
                Statement::from_sql_and_values(DbBackend::Sqlite, sql, params)
            }
        };
        Ok(Some(statement))
    }
}

/// The bytes of array elements one Postgres statement carries, at most.
///
/// sqlx 0.9.0 leaves Nagle's algorithm on for TCP connections
/// (transact-rs/sqlx#4335, fixed upstream by #4336, not released yet): a
/// request larger than the socket's first send buffer (16 KiB) goes out in
/// two writes, and the second waits for the server's delayed ACK, 40 ms,
/// on every statement. Requests under that size go out whole: the elements
/// plus, per array, a header of 20 bytes (at most a few dozen arrays), and
/// the bind message's own few bytes. Measured with `persist_load postgres`
/// over TCP: 3.3 k trades/s with one statement per table and batch; with
/// rows counted to 12,000 bytes at an estimated size each, 9.4-10.0 k; with
/// their exact size to this budget, 10.6-10.9 k.
const PG_STATEMENT_BYTES: usize = 15_000;

/// The bytes `row` adds to the arrays of a Postgres statement: per element
/// 4 of length and the value's own, and 5 more for a nullable column's flag.
fn pg_row_bytes(arrays: &[PgArray], row: &[Value]) -> usize {
    arrays
        .iter()
        .zip(row)
        .map(|(array, value)| {
            let bytes = match value {
                Value::String(Some(text)) => text.len(),
                Value::Bool(_) => 1,
                Value::Int(_) if array.element == ArrayType::Int => 4,
                _ => 8,
            };
            4 + bytes + if array.nullable { 5 } else { 0 }
        })
        .sum()
}

/// The next rows whose arrays fit in [`PG_STATEMENT_BYTES`] (at least one).
fn pg_chunk<I>(arrays: &[PgArray], rows: &mut Peekable<I>) -> Vec<Vec<Value>>
where
    I: Iterator<Item = Vec<Value>>,
{
    let mut chunk = Vec::new();
    let mut bytes = 0;
    while let Some(row) = rows.peek() {
        let size = pg_row_bytes(arrays, row);
        if !chunk.is_empty() && bytes + size > PG_STATEMENT_BYTES {
            break;
        }
        bytes += size;
        chunk.extend(rows.next());
    }
    chunk
}

/// How one column travels to Postgres: as an array of its type. An array
/// bound through sea-query holds no NULLs, so a nullable column travels as
/// its values (a placeholder where NULL) and an array of NULL flags.
struct PgArray {
    sql_type: &'static str,
    element: ArrayType,
    nullable: bool,
}

impl PgArray {
    fn of(column: &ColumnDef) -> Result<PgArray, DbErr> {
        let (sql_type, element) = match column.get_column_type() {
            ColumnType::BigInteger => ("int8", ArrayType::BigInt),
            ColumnType::Integer => ("int4", ArrayType::Int),
            ColumnType::Boolean => ("bool", ArrayType::Bool),
            ColumnType::String(_) | ColumnType::Text | ColumnType::Enum { .. } => {
                ("text", ArrayType::String)
            }
            other => return Err(DbErr::Custom(format!("no array form for {other:?}"))),
        };
        Ok(PgArray {
            sql_type,
            element,
            nullable: column.is_null(),
        })
    }

    /// `value` as an element of this array: `None` for NULL.
    fn element(&self, value: Value) -> Result<Option<Value>, DbErr> {
        let element = match (&self.element, value) {
            (ArrayType::BigInt, Value::BigInt(v)) => v.map(Value::from),
            (ArrayType::BigInt, Value::Int(v)) => v.map(|n| Value::from(i64::from(n))),
            (ArrayType::Int, Value::Int(v)) => v.map(Value::from),
            (ArrayType::Bool, Value::Bool(v)) => v.map(Value::from),
            (ArrayType::String, Value::String(v)) => v.map(Value::from),
            // An unset column of a model reads as an untyped NULL.
            (_, Value::Int(None)) => None,
            (_, other) => {
                return Err(DbErr::Custom(format!(
                    "{other:?} in a column of type {}",
                    self.sql_type
                )));
            }
        };
        if element.is_none() && !self.nullable {
            return Err(DbErr::Custom(format!(
                "NULL in a NOT NULL column of type {}",
                self.sql_type
            )));
        }
        Ok(element)
    }

    fn placeholder(&self) -> Value {
        match self.element {
            ArrayType::Int => Value::from(0_i32),
            ArrayType::Bool => Value::from(false),
            ArrayType::String => Value::from(String::new()),
            _ => Value::from(0_i64),
        }
    }
}

/// `SELECT c1 AS column1, CASE WHEN n2 THEN NULL ELSE c2 END AS column2, ..
/// FROM UNNEST($1::int8[], $2::text[], $3::bool[], ..) AS u(c1, c2, n2, ..)`
fn unnest_source(arrays: &[PgArray]) -> String {
    let mut selected = Vec::with_capacity(arrays.len());
    let mut params = Vec::new();
    let mut names = Vec::new();
    for (i, array) in arrays.iter().enumerate() {
        let n = i + 1;
        params.push(format!("${}::{}[]", params.len() + 1, array.sql_type));
        names.push(format!("c{n}"));
        if array.nullable {
            params.push(format!("${}::bool[]", params.len() + 1));
            names.push(format!("n{n}"));
            selected.push(format!(
                "CASE WHEN n{n} THEN NULL ELSE c{n} END AS column{n}"
            ));
        } else {
            selected.push(format!("c{n} AS column{n}"));
        }
    }
    format!(
        "SELECT {} FROM UNNEST({}) AS u({})",
        selected.join(", "),
        params.join(", "),
        names.join(", ")
    )
}

/// The parameters of [`unnest_source`] for `rows`: per column its array,
/// and for a nullable column its NULL flags after it.
fn unnest_params(
    arrays: &[PgArray],
    rows: impl Iterator<Item = Vec<Value>>,
) -> Result<Vec<Value>, DbErr> {
    let mut values: Vec<Vec<Value>> = arrays.iter().map(|_| Vec::new()).collect();
    let mut nulls: Vec<Vec<Value>> = arrays.iter().map(|_| Vec::new()).collect();
    for row in rows {
        if row.len() != arrays.len() {
            return Err(DbErr::Custom(format!(
                "a row of {} values for {} columns",
                row.len(),
                arrays.len()
            )));
        }
        for (j, (array, value)) in arrays.iter().zip(row).enumerate() {
            let element = array.element(value)?;
            if array.nullable {
                nulls[j].push(Value::from(element.is_none()));
            }
            values[j].push(element.unwrap_or_else(|| array.placeholder()));
        }
    }
    let mut params = Vec::with_capacity(arrays.len() * 2);
    for ((array, values), nulls) in arrays.iter().zip(values).zip(nulls) {
        params.push(Value::Array(array.element.clone(), Some(Box::new(values))));
        if array.nullable {
            params.push(Value::Array(ArrayType::Bool, Some(Box::new(nulls))));
        }
    }
    Ok(params)
}

/// The largest power of two no greater than `n` (at least 1).
fn power_of_two_below(n: usize) -> usize {
    1 << n.max(1).ilog2()
}

/// [`DbErr::RecordNotUpdated`] unless an update by primary key changed its
/// row.
pub(crate) fn expect_one(result: UpdateResult) -> Result<(), DbErr> {
    match result.rows_affected {
        0 => Err(DbErr::RecordNotUpdated),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_hold_a_power_of_two_of_rows() {
        assert_eq!(power_of_two_below(0), 1);
        assert_eq!(power_of_two_below(1), 1);
        assert_eq!(power_of_two_below(3), 2);
        assert_eq!(power_of_two_below(4096), 4096);
        assert_eq!(power_of_two_below(rows_per_statement(27)), 1024);
    }

    #[test]
    fn postgres_statements_stay_under_the_budget_by_the_rows_real_size() {
        let arrays = [
            PgArray {
                sql_type: "int8",
                element: ArrayType::BigInt,
                nullable: false,
            },
            PgArray {
                sql_type: "text",
                element: ArrayType::String,
                nullable: true,
            },
        ];
        let row =
            |n: i64, text: Option<&str>| vec![Value::from(n), Value::from(text.map(str::to_owned))];
        // A short text: 12 + 4 + 1 + 5 bytes a row.
        let short: Vec<_> = (0..2_000).map(|n| row(n, Some("a"))).collect();
        let long_text = "x".repeat(500);
        let long: Vec<_> = (0..100).map(|n| row(n, Some(&long_text))).collect();
        let mut rows = short.into_iter().chain(long).peekable();
        let mut chunks = Vec::new();
        while rows.peek().is_some() {
            chunks.push(pg_chunk(&arrays, &mut rows));
        }
        let sizes: Vec<usize> = chunks.iter().map(Vec::len).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 2_100, "every row, once");
        // 15,000 bytes hold 681 short rows (22 bytes) or 28 long ones (521):
        // the third statement ends its short rows with one long row.
        assert_eq!(sizes, [681, 681, 639, 28, 28, 28, 15]);
        for chunk in &chunks {
            let bytes: usize = chunk.iter().map(|r| pg_row_bytes(&arrays, r)).sum();
            assert!(
                bytes <= PG_STATEMENT_BYTES,
                "{bytes} bytes in one statement"
            );
        }
        let first: Vec<i64> = chunks
            .concat()
            .iter()
            .map(|r| match r[0] {
                Value::BigInt(Some(n)) => n,
                ref other => panic!("{other:?}"),
            })
            .collect();
        assert!(first[..2_000].iter().copied().eq(0..2_000), "in order");
        // A row larger than the budget still goes, alone.
        let huge = "y".repeat(PG_STATEMENT_BYTES);
        let mut rows = vec![row(1, Some(&huge)), row(2, None)]
            .into_iter()
            .peekable();
        assert_eq!(pg_chunk(&arrays, &mut rows).len(), 1);
        assert_eq!(pg_chunk(&arrays, &mut rows).len(), 1);
    }
}
