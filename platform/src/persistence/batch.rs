//! Multi-row statements, cut to fit the backends' bound-parameter limits.
//!
//! Each statement holds a power of two of rows, so that a table is written
//! with one of a dozen statement texts whatever the batch size: the driver
//! prepares each once per connection and reuses it (a text that changed with
//! every batch would be parsed and planned again each time).

use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, DbErr, EntityName, EntityTrait, IdenStatic,
    Iterable, Statement, UpdateResult, Value,
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
pub(crate) async fn insert_all<A, C>(
    db: &C,
    models: impl IntoIterator<Item = A>,
    upsert: Option<Upsert<'_, <A::Entity as EntityTrait>::Column>>,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
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
    let rows: Vec<Vec<Value>> = models
        .map(|mut model| {
            columns
                .iter()
                .map(|column| model.take(*column).into_value().unwrap_or(Value::Int(None)))
                .collect()
        })
        .collect();
    if db.get_database_backend() == DbBackend::Postgres {
        let names: Vec<&str> = columns.iter().map(|c| c.as_str()).collect();
        let sql = format!(
            "INSERT INTO \"{table}\" ({0}) SELECT {0} FROM json_populate_recordset(NULL::\"{table}\", $1::json){tail}",
            quoted(&columns)
        );
        for chunk in rows.chunks(JSON_ROWS) {
            let json = json_records(&names, chunk)?;
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql.as_str(),
                [Value::from(json)],
            ))
            .await?;
        }
        return Ok(());
    }
    let head = format!("INSERT INTO \"{table}\" ({names}) VALUES ");
    execute_with_values(db, &head, &tail, columns.len(), rows).await?;
    Ok(())
}

/// Rows per statement of a Postgres insert from JSON: any number fits one
/// parameter; this bounds the size of one request.
const JSON_ROWS: usize = 8192;

/// The rows as a JSON array of objects keyed by column name, which
/// `json_populate_recordset` turns into rows of the table's type. Postgres
/// then parses one statement per table whatever the batch size, and binds
/// one parameter instead of one per value.
fn json_records(names: &[&str], rows: &[Vec<Value>]) -> Result<String, DbErr> {
    let mut json = String::with_capacity(rows.len() * names.len() * 16);
    json.push('[');
    for (i, row) in rows.iter().enumerate() {
        json.push_str(if i == 0 { "{" } else { ",{" });
        for (j, (name, value)) in names.iter().zip(row).enumerate() {
            if j > 0 {
                json.push(',');
            }
            json.push('"');
            json.push_str(name);
            json.push_str("\":");
            json_value(&mut json, value)?;
        }
        json.push('}');
    }
    json.push(']');
    Ok(json)
}

fn json_value(json: &mut String, value: &Value) -> Result<(), DbErr> {
    use std::fmt::Write;
    match value {
        Value::BigInt(Some(n)) => write!(json, "{n}").expect("writing to a String"),
        Value::Int(Some(n)) => write!(json, "{n}").expect("writing to a String"),
        Value::Bool(Some(b)) => json.push_str(if *b { "true" } else { "false" }),
        Value::String(Some(s)) => {
            json.push_str(&serde_json::to_string(s).map_err(|e| DbErr::Custom(e.to_string()))?)
        }
        Value::BigInt(None) | Value::Int(None) | Value::Bool(None) | Value::String(None) => {
            json.push_str("null")
        }
        other => return Err(DbErr::Custom(format!("no JSON form for {other:?}"))),
    }
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
/// chunk: `UPDATE t SET a = v.column2, .. FROM (VALUES (..), ..) AS v WHERE
/// t.key = v.column1`, which both backends accept (both name the columns of
/// a VALUES list column1, column2, ...) and run as a lookup of each row by
/// the key's index. Each row is its key followed by the new values of
/// `columns`, in order. Returns how many rows changed.
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
    let head = format!(
        "UPDATE \"{table}\" SET {} FROM (VALUES ",
        assignments.join(", ")
    );
    let tail = format!(") AS v WHERE \"{table}\".\"{}\" = v.column1", key.as_str());
    execute_with_values(db, &head, &tail, columns.len() + 1, rows).await
}

/// Deletes the rows of `E`'s table whose `key_columns` match one of `keys`,
/// one statement per chunk: `DELETE FROM t WHERE (a, b) IN (SELECT column1,
/// column2 FROM (VALUES (..), ..) AS v)`. Both backends look each key up in
/// an index of `key_columns` for that form, where a plain list of tuples
/// would scan the table (SQLite) or OR together an index scan per key
/// (Postgres). Returns how many rows went.
pub(crate) async fn delete_by_keys<E: EntityTrait>(
    db: &impl ConnectionTrait,
    key_columns: &[E::Column],
    keys: Vec<Vec<Value>>,
) -> Result<u64, DbErr> {
    let table = E::default().table_name();
    let columns: Vec<String> = key_columns
        .iter()
        .map(|column| format!("\"{}\"", column.as_str()))
        .collect();
    let selected: Vec<String> = (1..=key_columns.len())
        .map(|i| format!("column{i}"))
        .collect();
    let head = format!(
        "DELETE FROM \"{table}\" WHERE ({}) IN (SELECT {} FROM (VALUES ",
        columns.join(", "),
        selected.join(", ")
    );
    execute_with_values(db, &head, ") AS v)", key_columns.len(), keys).await
}

/// Runs `head (..), (..), .. tail` with the rows as the bound tuples: as
/// many rows per statement as fit, rounded down to a power of two. Returns
/// the rows affected.
async fn execute_with_values(
    db: &impl ConnectionTrait,
    head: &str,
    tail: &str,
    width: usize,
    rows: Vec<Vec<Value>>,
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let mut affected = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let fit = rows.len().min(rows_per_statement(width));
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(power_of_two_below(fit)).collect();
        let mut params = Vec::with_capacity(chunk.len() * width);
        let mut tuples = Vec::with_capacity(chunk.len());
        for row in chunk {
            debug_assert_eq!(row.len(), width);
            let marks: Vec<String> = row
                .into_iter()
                .map(|value| {
                    params.push(value);
                    placeholder(backend, params.len())
                })
                .collect();
            tuples.push(format!("({})", marks.join(", ")));
        }
        let sql = format!("{head}{}{tail}", tuples.join(", "));
        affected += db
            .execute_raw(Statement::from_sql_and_values(backend, sql, params))
            .await?
            .rows_affected();
    }
    Ok(affected)
}

/// The largest power of two no greater than `n` (at least 1).
fn power_of_two_below(n: usize) -> usize {
    1 << n.max(1).ilog2()
}

/// The `n`th (from 1) bound parameter in the backend's syntax.
fn placeholder(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
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
}
