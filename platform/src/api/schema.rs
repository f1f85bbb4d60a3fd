//! The schema: every area's queries and mutations merged into one, with the
//! limits every request runs under.

use std::sync::Arc;

use async_graphql::{MergedObject, Schema};

use super::codes::ErrorCodes;
use super::resolvers::admin::AdminMutation;
use super::resolvers::auth::AuthMutation;
use super::resolvers::bots::{BotMutation, BotQuery};
use super::resolvers::market::MarketQuery;
use super::resolvers::portfolio::PortfolioQuery;
use super::resolvers::scenarios::{ScenarioMutation, ScenarioQuery};
use super::resolvers::subscription::Subscription;
use super::resolvers::trading::{TradingMutation, TradingQuery};
use super::state::ApiState;

#[derive(MergedObject, Default)]
pub struct Query(
    TradingQuery,
    PortfolioQuery,
    MarketQuery,
    BotQuery,
    ScenarioQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    TradingMutation,
    AdminMutation,
    BotMutation,
    ScenarioMutation,
);

pub type MarketSchema = Schema<Query, Mutation, Subscription>;

/// Deep enough for any query the contract's types allow a client to need
/// (holdings { company { financials } } and the like), shallow enough that
/// a nested query cannot fan out without bound.
pub const MAX_DEPTH: usize = 10;
pub const MAX_COMPLEXITY: usize = 2_000;

pub fn build(state: Option<Arc<ApiState>>) -> MarketSchema {
    let builder = Schema::build(Query::default(), Mutation::default(), Subscription)
        .extension(ErrorCodes)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY);
    match state {
        Some(state) => builder.data(state).finish(),
        None => builder.finish(),
    }
}

/// The schema in SDL, as `schema.graphql` holds it.
pub fn sdl() -> String {
    build(None).sdl()
}
