//! The highest ids in use, to restart the market's id counters after them.

use sea_orm::sea_query::{Expr, Func, Query, QueryStatementBuilder, SelectStatement};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Iden, QueryResult};

use crate::persistence::entities::{account, bot, company, news, order};

/// The highest id of each kind the market hands out; `None` where there is
/// none yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MaxIds {
    pub account: Option<i64>,
    pub order: Option<i64>,
    pub book: Option<i32>,
    pub news: Option<i64>,
    pub bot: Option<i64>,
}

pub async fn max_ids(db: &impl ConnectionTrait) -> Result<MaxIds, DbErr> {
    let row = db
        .query_one(
            Query::select()
                .expr_as(max_of(account::Entity, account::Column::Id), "account")
                .expr_as(max_of(order::Entity, order::Column::Id), "order")
                .expr_as(max_of(company::Entity, company::Column::BookId), "book")
                .expr_as(max_of(news::Entity, news::Column::Id), "news")
                .expr_as(max_of(bot::Entity, bot::Column::Id), "bot"),
        )
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("a row of maxima".into()))?;
    Ok(MaxIds {
        account: get(&row, "account")?,
        order: get(&row, "order")?,
        book: get(&row, "book")?,
        news: get(&row, "news")?,
        bot: get(&row, "bot")?,
    })
}

/// `(SELECT MAX(column) FROM table)`.
fn max_of<E: EntityTrait>(entity: E, column: impl Iden + 'static) -> Expr {
    let select: SelectStatement = Query::select()
        .expr(Func::max(Expr::col(column)))
        .from(entity)
        .to_owned();
    Expr::SubQuery(None, Box::new(select.into_sub_query_statement()))
}

fn get<T: sea_orm::TryGetable>(row: &QueryResult, column: &str) -> Result<Option<T>, DbErr> {
    row.try_get("", column)
}
