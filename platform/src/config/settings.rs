//! From the keys as written to the server's [`Settings`]: each value is
//! checked here, whichever layer set it, and a bad one is named by its key.

use std::time::Duration;

use marketlab_actors::ledger::{FeeSchedule, TaxConfig};
use marketlab_actors::types::{Money, Rate};
use rust_decimal::Decimal;

use super::file::{ConfigFile, Exact, PersisterSection};
use crate::api::live::outbox::OutboxLimits;
use crate::api::rate_limit::RateLimitSettings;
use crate::api::transport::TransportSettings;
use crate::auth::TokenSettings;
use crate::persister::{PersisterConfig, ProjectorConfig};
use crate::session::SessionHours;
use crate::startup::Settings;

/// A key path and what is wrong with its value.
pub type Invalid = (&'static str, String);

pub fn settings(file: &ConfigFile) -> Result<Settings, Invalid> {
    let defaults = Settings::default();
    let (server, transport) = (&file.server, &file.transport);
    Ok(Settings {
        bind: server.bind.clone(),
        database_url: server.database_url.clone(),
        jwt_secret: server.jwt_secret.clone(),
        tokens: TokenSettings {
            access_ttl_secs: server.access_token_ttl,
            ..defaults.tokens
        },
        fees: FeeSchedule::new(
            rate("fees.commission", file.fees.commission)?,
            money("fees.min_commission", file.fees.min_commission)?,
            rate("fees.sell_tax", file.fees.sell_tax)?,
        )
        .map_err(|e| ("fees.min_commission", e.to_string()))?,
        tax: TaxConfig::new(
            money("tax.exemption", file.tax.exemption)?,
            rate("tax.rate", file.tax.rate)?,
        )
        .map_err(|e| ("tax.exemption", e.to_string()))?,
        default_band_bps: band_bps(file.market.default_band_percent)
            .map_err(|m| ("market.default_band_percent", m))?,
        session: match &file.session.close {
            None => None,
            Some(close) => Some(SessionHours::new(
                time_of_day(close).map_err(|m| ("session.close", m))?,
                utc_offset(&file.session.utc_offset).map_err(|m| ("session.utc_offset", m))?,
            )),
        },
        rate_limit: RateLimitSettings {
            per_second: file.rate_limit.per_second,
            burst: file.rate_limit.burst,
        },
        persister: PersisterConfig {
            max_batch: at_least_one("persister.batch_size", file.persister.batch_size)?,
            max_delay: Duration::from_millis(file.persister.batch_delay_ms),
            max_backlog: at_least_one("persister.max_backlog", file.persister.max_backlog)?,
            max_projection_lag: at_least_one(
                "persister.max_projection_lag",
                file.persister.max_projection_lag,
            )?,
            projection_warning: at_least_one(
                "persister.projection_warning",
                file.persister.projection_warning,
            )?,
            projector: ProjectorConfig {
                delay: Duration::from_millis(file.persister.projection_delay_ms),
                retention: Duration::from_secs(
                    file.persister.journal_retention_hours.saturating_mul(3600),
                ),
                bot_detail_days: bot_detail_days(&file.persister)?,
                ..defaults.persister.projector
            },
            ..defaults.persister
        },
        transport: TransportSettings {
            request_timeout: Duration::from_secs(at_least_one(
                "transport.request_timeout",
                transport.request_timeout,
            )? as u64),
            ws_init_timeout: Duration::from_millis(transport.ws_init_timeout_ms),
            ws_per_address: at_least_one("transport.ws_per_address", transport.ws_per_address)?,
            ws_per_account: at_least_one("transport.ws_per_account", transport.ws_per_account)?,
            ws_outbox: OutboxLimits {
                frames: at_least_one("transport.ws_queue_frames", transport.ws_queue_frames)?,
                bytes: at_least_one("transport.ws_queue_kib", transport.ws_queue_kib)?
                    .checked_mul(1024)
                    .ok_or(("transport.ws_queue_kib", "is too large".to_owned()))?,
            },
            book_updates_per_second: within(
                "transport.book_updates_per_second",
                transport.book_updates_per_second,
                1..=1000,
            )?,
        },
        bot_seed: file.bots.seed,
        bot_speedup: within("bots.speedup", file.bots.speedup, 1..=1000)?,
        ..defaults
    })
}

fn rate(path: &'static str, value: Exact) -> Result<Rate, Invalid> {
    Rate::from_decimal(value.0).map_err(|e| (path, e.to_string()))
}

fn money(path: &'static str, value: Exact) -> Result<Money, Invalid> {
    match Money::from_decimal(value.0) {
        Ok(money) if money.is_negative() => Err((path, "must not be negative".into())),
        Ok(money) => Ok(money),
        Err(e) => Err((path, e.to_string())),
    }
}

/// A percentage with at most two decimals, in basis points.
fn band_bps(percent: Exact) -> Result<u32, String> {
    let bps = percent.0 * Decimal::ONE_HUNDRED;
    if percent.0 <= Decimal::ZERO || !bps.fract().is_zero() {
        return Err(format!(
            "{} must be a positive percentage with at most two decimals",
            percent.0
        ));
    }
    u32::try_from(bps).map_err(|_| format!("{} is too large", percent.0))
}

/// Bots' detail rows are kept at least as long as the journal, so that
/// `journal verify` never meets a kept batch whose rows are folded away.
fn bot_detail_days(persister: &PersisterSection) -> Result<u32, Invalid> {
    let days = persister.bot_detail_days;
    let journal_days = persister.journal_retention_hours.div_ceil(24);
    if days != 0 && u64::from(days) < journal_days {
        return Err((
            "persister.bot_detail_days",
            format!(
                "must be 0 (keep forever) or at least the journal's retention \
                 ({journal_days} days of persister.journal_retention_hours)"
            ),
        ));
    }
    Ok(days)
}

fn at_least_one(path: &'static str, value: u64) -> Result<usize, Invalid> {
    match usize::try_from(value) {
        Ok(0) => Err((path, "must be at least 1".into())),
        Ok(count) => Ok(count),
        Err(_) => Err((path, format!("{value} is too large"))),
    }
}

fn within(
    path: &'static str,
    value: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, Invalid> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err((
            path,
            format!("{value} must be from {} to {}", range.start(), range.end()),
        ))
    }
}

/// `HH:MM`, in seconds after midnight.
fn time_of_day(text: &str) -> Result<u32, String> {
    let bad = || format!("{text:?} is not a time of day like \"15:30\"");
    let (hours, minutes) = text.split_once(':').ok_or_else(bad)?;
    let (hours, minutes): (u32, u32) = (
        hours.parse().map_err(|_| bad())?,
        minutes.parse().map_err(|_| bad())?,
    );
    if hours > 23 || minutes > 59 || text.len() != 5 {
        return Err(bad());
    }
    Ok((hours * 60 + minutes) * 60)
}

/// `+HH:MM` or `-HH:MM`, in seconds east of UTC.
fn utc_offset(text: &str) -> Result<i32, String> {
    let bad = || format!("{text:?} is not an offset from UTC like \"+09:00\" or \"-05:00\"");
    let (sign, rest) = match text.split_at_checked(1) {
        Some(("+", rest)) => (1, rest),
        Some(("-", rest)) => (-1, rest),
        _ => return Err(bad()),
    };
    let seconds = time_of_day(rest).map_err(|_| bad())?;
    if seconds > 14 * 3600 {
        return Err(bad());
    }
    Ok(sign * seconds as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_offsets_read_hours_and_minutes() {
        assert_eq!(time_of_day("15:30"), Ok(55_800));
        assert_eq!(time_of_day("00:00"), Ok(0));
        for bad in ["24:00", "9:30", "15:60", "1530", "15:30:00", "ab:cd"] {
            assert!(time_of_day(bad).is_err(), "{bad}");
        }
        assert_eq!(utc_offset("+09:00"), Ok(32_400));
        assert_eq!(utc_offset("-05:30"), Ok(-19_800));
        assert_eq!(utc_offset("+00:00"), Ok(0));
        for bad in ["09:00", "+15:00", "Z", "", "+9"] {
            assert!(utc_offset(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn band_percentages_become_basis_points_exactly() {
        let exact = |text: &str| Exact(text.parse().unwrap());
        assert_eq!(band_bps(exact("30")), Ok(3000));
        assert_eq!(band_bps(exact("7.25")), Ok(725));
        assert!(band_bps(exact("7.125")).is_err());
        assert!(band_bps(exact("0")).is_err());
        assert!(band_bps(exact("-5")).is_err());
    }
}
