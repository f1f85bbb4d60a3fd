//! Multi-row statements, cut to fit the backends' bound-parameter limits.

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, IdenStatic, Iterable,
    Statement, UpdateResult, Value,
};

/// The most parameters one statement binds: SQLite's default limit (32,766
/// since 3.32; Postgres allows 65,535), so that one code path fits both.
const MAX_PARAMS: usize = 32_766;

/// How many rows of `columns` bound values fit in one statement.
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (MAX_PARAMS / columns.max(1)).max(1)
}

/// Inserts every model, as few statements as the limit allows, each with
/// `on_conflict` when given. Nothing is sent for no models.
pub(crate) async fn insert_all<A, C>(
    db: &C,
    models: impl IntoIterator<Item = A>,
    on_conflict: Option<&OnConflict>,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    let columns = <A::Entity as EntityTrait>::Column::iter().count();
    let per_statement = rows_per_statement(columns);
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let chunk: Vec<A> = models.by_ref().take(per_statement).collect();
        let mut insert = <A::Entity as EntityTrait>::insert_many(chunk);
        if let Some(on_conflict) = on_conflict {
            insert = insert.on_conflict(on_conflict.clone());
        }
        insert.exec_without_returning(db).await?;
    }
    Ok(())
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

/// Runs `head (..), (..), .. tail` with the rows as the bound tuples, as
/// many rows per statement as fit. Returns the rows affected.
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
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(rows_per_statement(width)).collect();
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
