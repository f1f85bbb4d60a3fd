//! The schema: every area's queries and mutations merged into one, with the
//! limits every request runs under.

use std::sync::Arc;

use async_graphql::{MergedObject, MergedSubscription, Schema};

use super::codes::ErrorCodes;
use super::limits::{DocumentLimits, LIMITS};
use super::resolvers::admin::AdminMutation;
use super::resolvers::auth::AuthMutation;
use super::resolvers::bots::{BotMutation, BotQuery};
use super::resolvers::competitions::{
    CompetitionMutation, CompetitionQuery, CompetitionSubscription,
};
use super::resolvers::dividends::{DividendMutation, DividendQuery};
use super::resolvers::indicators::IndicatorQuery;
use super::resolvers::market::MarketQuery;
use super::resolvers::performance::PerformanceQuery;
use super::resolvers::portfolio::PortfolioQuery;
use super::resolvers::risk::RiskMutation;
use super::resolvers::scenarios::{ScenarioMutation, ScenarioQuery};
use super::resolvers::subscription::MarketSubscription;
use super::resolvers::trading::{TradingMutation, TradingQuery};
use super::resolvers::watch::{WatchMutation, WatchQuery, WatchSubscription};
use super::state::ApiState;

#[derive(MergedObject, Default)]
pub struct Query(
    TradingQuery,
    PortfolioQuery,
    MarketQuery,
    BotQuery,
    ScenarioQuery,
    DividendQuery,
    PerformanceQuery,
    CompetitionQuery,
    WatchQuery,
    IndicatorQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    TradingMutation,
    AdminMutation,
    RiskMutation,
    DividendMutation,
    CompetitionMutation,
    BotMutation,
    ScenarioMutation,
    WatchMutation,
);

#[derive(MergedSubscription, Default)]
pub struct Subscription(
    MarketSubscription,
    CompetitionSubscription,
    WatchSubscription,
);

pub type MarketSchema = Schema<Query, Mutation, Subscription>;

/// async-graphql's complexity (one a field, by default). Depth and size are
/// bounded before this by [`DocumentLimits`], which also gives
/// introspection its own depth allowance.
pub const MAX_COMPLEXITY: usize = 2_000;

pub fn build(state: Option<Arc<ApiState>>) -> MarketSchema {
    let builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .extension(ErrorCodes)
    .extension(DocumentLimits(LIMITS))
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
