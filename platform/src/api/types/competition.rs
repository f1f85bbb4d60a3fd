//! Class competitions as the API shows them.

use async_graphql::{ComplexObject, Context, ID, InputObject, SimpleObject};
use marketlab_actors::types::{Money, Rate};
use rust_decimal::Decimal;

use super::account::RiskLimitsView;
use super::enums::CompetitionStatus;
use super::inputs::RiskLimitsInput;
use crate::api::guard::viewer;
use crate::api::scalars::{DateTime, Dec};
use crate::competitions::{self, Standing};
use crate::persistence::entities::competition;
use crate::persistence::entities::enums::Role;

/// A class competition: a group of players, one starting cash, a start and
/// an end, and its own standings.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Competition {
    pub id: ID,
    pub name: String,
    /// What each entry's account is funded with at the start.
    pub starting_cash: Dec,
    pub start_time: DateTime,
    pub end_time: DateTime,
    /// The symbols its accounts may trade; null allows every symbol.
    pub symbols: Option<Vec<String>>,
    pub status: CompetitionStatus,
    /// Commission, minimum commission and sell tax its accounts pay.
    pub commission: Dec,
    pub min_commission: Dec,
    pub sell_tax: Dec,
    /// The limits on every entry.
    pub risk_limits: RiskLimitsView,
    #[graphql(skip)]
    pub row: competition::Model,
}

#[ComplexObject]
impl Competition {
    /// For its creator and ADMINs only (null for anyone else).
    async fn join_code(&self, ctx: &Context<'_>) -> Option<String> {
        let caller = viewer(ctx).ok()?;
        (caller.role == Role::Admin || caller.account == self.row.created_by)
            .then(|| self.row.join_code.clone())
    }
}

impl Competition {
    pub fn new(
        row: competition::Model,
        market_fees: marketlab_actors::ledger::FeeSchedule,
    ) -> Competition {
        let fees = competitions::fees(&row, market_fees);
        let rate = |r: Rate| Dec(r.to_decimal());
        Competition {
            id: ID(row.id.to_string()),
            name: row.name.clone(),
            starting_cash: Money(row.starting_cash).into(),
            start_time: row.start_at.into(),
            end_time: row.end_at.into(),
            symbols: competitions::symbols(&row)
                .map(|symbols| symbols.iter().map(ToString::to_string).collect()),
            status: row.status.into(),
            commission: rate(fees.commission()),
            min_commission: fees.min_commission().into(),
            sell_tax: rate(fees.sell_tax()),
            risk_limits: competitions::limits(&row).into(),
            row,
        }
    }
}

/// A player's entry: the competition, and the account they trade it with
/// (sign in as it with `competitionToken`).
#[derive(Debug, Clone, SimpleObject)]
pub struct CompetitionEntry {
    pub competition: Competition,
    pub account_id: ID,
    pub joined_at: DateTime,
}

/// One entry's place: ranked by return, with the Sharpe ratio and maximum
/// drawdown of its minute equity samples. Frozen once the competition ends.
#[derive(Debug, Clone, PartialEq, SimpleObject)]
pub struct CompetitionStanding {
    pub rank: i32,
    pub account_id: ID,
    pub display_name: String,
    pub equity: Dec,
    /// Equity over the starting cash, less 1, in percent.
    pub return_percent: Dec,
    /// Annualised, over the minute samples; null with too few of them.
    pub sharpe_ratio: Option<Dec>,
    /// The largest fall from a high, as a fraction (0 if it never fell).
    pub max_drawdown: Dec,
}

impl CompetitionStanding {
    pub fn new(standing: Standing, display_name: String) -> CompetitionStanding {
        CompetitionStanding {
            rank: standing.rank,
            account_id: ID(standing.entry.account_id.to_string()),
            display_name,
            equity: standing.equity.into(),
            return_percent: Dec((standing.return_fraction * Decimal::ONE_HUNDRED).normalize()),
            sharpe_ratio: standing.sharpe.map(Dec),
            max_drawdown: Dec(standing.max_drawdown),
        }
    }
}

#[derive(Debug, Clone, InputObject)]
pub struct CreateCompetitionInput {
    /// 1 to 100 printable characters.
    pub name: String,
    /// Positive, at most two decimals.
    pub starting_cash: Dec,
    pub start_time: DateTime,
    /// After the start and in the future.
    pub end_time: DateTime,
    /// Listed symbols; null or absent allows every symbol.
    pub symbols: Option<Vec<String>>,
    /// 4 to 32 letters, digits or dashes; made up when not given.
    pub join_code: Option<String>,
    /// Fee overrides, as fractions (0.00015) and money; null keeps the
    /// market's.
    pub commission: Option<Dec>,
    pub min_commission: Option<Dec>,
    pub sell_tax: Option<Dec>,
    /// Limits on every entry.
    pub risk_limits: Option<RiskLimitsInput>,
}
