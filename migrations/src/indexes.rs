//! Named indexes. Every index has a name, so that a constraint violation
//! says which rule it broke and a later migration can drop it by name.

use sea_orm_migration::prelude::*;

/// A plain index over `columns`, in order.
pub(crate) async fn plain<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: impl IntoIterator<Item = C>,
) -> Result<(), DbErr>
where
    T: IntoIden,
    C: IntoIden,
{
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    manager.create_index(index).await
}

/// A unique index over `columns`. Rows with a NULL in one of them never
/// conflict, on both backends.
pub(crate) async fn unique<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: impl IntoIterator<Item = C>,
) -> Result<(), DbErr>
where
    T: IntoIden,
    C: IntoIden,
{
    let mut index = Index::create();
    index.name(name).table(table).unique();
    for column in columns {
        index.col(column);
    }
    manager.create_index(index).await
}

/// Builds the unique index `name` over (`owner`, `key`) anew: with
/// `only_keyed`, it covers only the rows whose `key` is set (NULLs never
/// conflict, so the rule is the same and keyless rows cost no entry).
pub(crate) async fn rebuild_unique_key<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    (owner, key): (C, C),
    only_keyed: bool,
) -> Result<(), DbErr>
where
    T: IntoIden + Clone,
    C: IntoIden + Clone,
{
    manager
        .drop_index(Index::drop().name(name).table(table.clone()).to_owned())
        .await?;
    let mut index = Index::create();
    index
        .name(name)
        .table(table)
        .col(owner)
        .col(key.clone())
        .unique();
    if only_keyed {
        index.and_where(Expr::col(key).is_not_null());
    }
    manager.create_index(index).await
}

/// Drops `tables` in the order given (children before parents).
pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: impl IntoIterator<Item = DynIden>,
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(table).to_owned())
            .await?;
    }
    Ok(())
}
