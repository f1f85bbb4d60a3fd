//! The configuration as written: sections of keys, each defaulting to what
//! the server runs with when nothing sets it. Every section refuses keys it
//! does not know. Money and rates are decimal strings (`"0.00015"`), read
//! exactly; a TOML float is refused rather than rounded.

use std::fmt;

use marketlab_actors::book::DEFAULT_BAND_BPS;
use marketlab_actors::bots::BotHostConfig;
use marketlab_actors::ledger::{FeeSchedule, TaxConfig};
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::api::live::outbox::OutboxLimits;
use crate::api::rate_limit::RateLimitSettings;
use crate::api::transport::TransportSettings;
use crate::auth::TokenSettings;
use crate::persister::PersisterConfig;
use crate::startup::DEFAULT_DATABASE_URL;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    pub server: ServerSection,
    pub fees: FeesSection,
    pub tax: TaxSection,
    pub market: MarketSection,
    pub session: SessionSection,
    pub rate_limit: RateLimitSection,
    pub persister: PersisterSection,
    pub transport: TransportSection,
    pub bots: BotsSection,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSection {
    pub bind: String,
    pub database_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwt_secret: Option<String>,
    /// Seconds.
    pub access_token_ttl: i64,
}

impl Default for ServerSection {
    fn default() -> Self {
        ServerSection {
            bind: "127.0.0.1:8080".into(),
            database_url: DEFAULT_DATABASE_URL.into(),
            jwt_secret: None,
            access_token_ttl: TokenSettings::default().access_ttl_secs,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeesSection {
    pub commission: Exact,
    pub min_commission: Exact,
    pub sell_tax: Exact,
}

impl Default for FeesSection {
    fn default() -> Self {
        let fees = FeeSchedule::default();
        FeesSection {
            commission: Exact(fees.commission().to_decimal()),
            min_commission: Exact(fees.min_commission().to_decimal()),
            sell_tax: Exact(fees.sell_tax().to_decimal()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaxSection {
    pub exemption: Exact,
    pub rate: Exact,
}

impl Default for TaxSection {
    fn default() -> Self {
        let tax = TaxConfig::default();
        TaxSection {
            exemption: Exact(tax.exemption().to_decimal()),
            rate: Exact(tax.rate().to_decimal()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MarketSection {
    pub default_band_percent: Exact,
}

impl Default for MarketSection {
    fn default() -> Self {
        MarketSection {
            default_band_percent: Exact(Decimal::new(i64::from(DEFAULT_BAND_BPS), 2).normalize()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionSection {
    /// `HH:MM` local time; without it DAY orders never expire.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close: Option<String>,
    /// `+HH:MM` or `-HH:MM` from UTC.
    pub utc_offset: String,
}

impl Default for SessionSection {
    fn default() -> Self {
        SessionSection {
            close: None,
            utc_offset: "+00:00".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitSection {
    pub per_second: u32,
    pub burst: u32,
}

impl Default for RateLimitSection {
    fn default() -> Self {
        let limits = RateLimitSettings::default();
        RateLimitSection {
            per_second: limits.per_second,
            burst: limits.burst,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PersisterSection {
    pub batch_size: u64,
    pub batch_delay_ms: u64,
    pub max_backlog: u64,
    pub max_projection_lag: u64,
    pub projection_warning: u64,
    pub projection_delay_ms: u64,
    pub journal_retention_hours: u64,
    pub bot_detail_days: u32,
}

impl Default for PersisterSection {
    fn default() -> Self {
        let persister = PersisterConfig::default();
        PersisterSection {
            batch_size: persister.max_batch as u64,
            batch_delay_ms: persister.max_delay.as_millis() as u64,
            max_backlog: persister.max_backlog as u64,
            max_projection_lag: persister.max_projection_lag as u64,
            projection_warning: persister.projection_warning as u64,
            projection_delay_ms: persister.projector.delay.as_millis() as u64,
            journal_retention_hours: persister.projector.retention.as_secs() / 3600,
            bot_detail_days: persister.projector.bot_detail_days,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TransportSection {
    /// Seconds.
    pub request_timeout: u64,
    pub ws_init_timeout_ms: u64,
    pub ws_per_address: u64,
    pub ws_per_account: u64,
    pub ws_queue_frames: u64,
    pub ws_queue_kib: u64,
    pub book_updates_per_second: u32,
}

impl Default for TransportSection {
    fn default() -> Self {
        let transport = TransportSettings::default();
        let outbox = OutboxLimits::default();
        TransportSection {
            request_timeout: transport.request_timeout.as_secs(),
            ws_init_timeout_ms: transport.ws_init_timeout.as_millis() as u64,
            ws_per_address: transport.ws_per_address as u64,
            ws_per_account: transport.ws_per_account as u64,
            ws_queue_frames: outbox.frames as u64,
            ws_queue_kib: (outbox.bytes / 1024) as u64,
            book_updates_per_second: transport.book_updates_per_second,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BotsSection {
    pub seed: u64,
    pub speedup: u32,
}

impl Default for BotsSection {
    fn default() -> Self {
        let host = BotHostConfig::default();
        BotsSection {
            seed: host.seed,
            speedup: host.speedup,
        }
    }
}

/// A decimal written as a string, kept exactly as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exact(pub Decimal);

impl Serialize for Exact {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Exact {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Exact, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = Exact;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal written as a string, such as \"0.00015\"")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Exact, E> {
                text.trim()
                    .parse::<Decimal>()
                    .map(Exact)
                    .map_err(|_| E::custom(format!("{text:?} is not a decimal number")))
            }
        }
        deserializer.deserialize_str(Text)
    }
}
