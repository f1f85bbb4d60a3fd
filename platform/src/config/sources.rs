//! The layers a setting can come from, lowest first: the defaults, the
//! file, the environment, the command line. Each layer writes the keys it
//! sets into one TOML table, and the table remembers which layer wrote
//! each key last, so that an error and `config print` can name it.

use std::collections::BTreeMap;
use std::fmt;

use toml::{Table, Value};

use super::ConfigError;

/// Where a key's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    /// The file, as named on the command line.
    File(String),
    Env(&'static str),
    Flag(&'static str),
}

impl Source {
    /// How an error names it: the file alone, as compilers do.
    pub fn origin(&self) -> String {
        match self {
            Source::File(name) => name.clone(),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File(name) => write!(f, "file {name}"),
            Source::Env(name) => write!(f, "env {name}"),
            Source::Flag(name) => write!(f, "flag {name}"),
        }
    }
}

/// How `config print` shows a key's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Plain,
    /// Never shown.
    Secret,
    /// A URL whose password is hidden.
    Url,
}

/// Every key, in the order `config print` and the example file list them.
pub struct Key {
    /// `section.name`
    pub path: &'static str,
    /// The variables that set it, the first present winning.
    pub env: &'static [&'static str],
    pub shown: Shown,
}

const fn key(path: &'static str, env: &'static [&'static str]) -> Key {
    Key {
        path,
        env,
        shown: Shown::Plain,
    }
}

pub const KEYS: &[Key] = &[
    key("server.bind", &["MARKETLAB_BIND"]),
    Key {
        path: "server.database_url",
        env: &["DATABASE_URL", "MARKETLAB_DATABASE_URL"],
        shown: Shown::Url,
    },
    Key {
        path: "server.jwt_secret",
        env: &["MARKETLAB_JWT_SECRET"],
        shown: Shown::Secret,
    },
    key("server.access_token_ttl", &["MARKETLAB_ACCESS_TOKEN_TTL"]),
    key("fees.commission", &["MARKETLAB_COMMISSION"]),
    key("fees.min_commission", &["MARKETLAB_MIN_COMMISSION"]),
    key("fees.sell_tax", &["MARKETLAB_SELL_TAX"]),
    key("tax.exemption", &["MARKETLAB_TAX_EXEMPTION"]),
    key("tax.rate", &["MARKETLAB_TAX_RATE"]),
    key(
        "market.default_band_percent",
        &["MARKETLAB_DEFAULT_BAND_PERCENT"],
    ),
    key("session.close", &["MARKETLAB_SESSION_CLOSE"]),
    key("session.utc_offset", &["MARKETLAB_SESSION_UTC_OFFSET"]),
    key("rate_limit.per_second", &["MARKETLAB_RATE_LIMIT"]),
    key("rate_limit.burst", &["MARKETLAB_RATE_BURST"]),
    key("persister.batch_size", &["MARKETLAB_BATCH_SIZE"]),
    key("persister.batch_delay_ms", &["MARKETLAB_BATCH_DELAY_MS"]),
    key("persister.max_backlog", &["MARKETLAB_MAX_BACKLOG"]),
    key(
        "persister.max_projection_lag",
        &["MARKETLAB_MAX_PROJECTION_LAG"],
    ),
    key(
        "persister.projection_warning",
        &["MARKETLAB_PROJECTION_WARNING"],
    ),
    key(
        "persister.projection_delay_ms",
        &["MARKETLAB_PROJECTION_DELAY_MS"],
    ),
    key(
        "persister.journal_retention_hours",
        &["MARKETLAB_JOURNAL_RETENTION_HOURS"],
    ),
    key("persister.bot_detail_days", &["MARKETLAB_BOT_DETAIL_DAYS"]),
    key("transport.request_timeout", &["MARKETLAB_REQUEST_TIMEOUT"]),
    key(
        "transport.ws_init_timeout_ms",
        &["MARKETLAB_WS_INIT_TIMEOUT_MS"],
    ),
    key("transport.ws_per_address", &["MARKETLAB_WS_PER_ADDRESS"]),
    key("transport.ws_per_account", &["MARKETLAB_WS_PER_ACCOUNT"]),
    key("transport.ws_queue_frames", &["MARKETLAB_WS_QUEUE_FRAMES"]),
    key("transport.ws_queue_kib", &["MARKETLAB_WS_QUEUE_KIB"]),
    key(
        "transport.book_updates_per_second",
        &["MARKETLAB_BOOK_UPDATES_PER_SECOND"],
    ),
    key("bots.seed", &["MARKETLAB_BOT_SEED"]),
    key("bots.speedup", &["MARKETLAB_BOT_SPEEDUP"]),
];

/// A value set on the command line for a key.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub path: &'static str,
    /// `--bind`
    pub name: &'static str,
    pub value: Value,
}

/// The keys set so far, and which layer set each.
#[derive(Debug, Clone)]
pub struct Layers {
    table: Table,
    sources: BTreeMap<String, Source>,
}

impl Layers {
    /// Every key with a default, from `defaults`.
    pub fn new(defaults: Table) -> Layers {
        let mut layers = Layers {
            table: Table::new(),
            sources: BTreeMap::new(),
        };
        layers.merge_table(defaults, &Source::Default);
        layers
    }

    /// The file's keys (already checked against the file's shape).
    pub fn merge_file(&mut self, table: Table, name: &str) {
        self.merge_table(table, &Source::File(name.to_owned()));
    }

    fn merge_table(&mut self, table: Table, source: &Source) {
        for (section, keys) in table {
            let Value::Table(keys) = keys else {
                continue;
            };
            for (name, value) in keys {
                self.set(&format!("{section}.{name}"), value, source.clone());
            }
        }
    }

    /// The variables of [`KEYS`] that `var` finds. A key whose default is a
    /// whole number takes one; other keys take the text as it is.
    pub fn merge_env(&mut self, var: &dyn Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        for key in KEYS {
            let Some((name, text)) = key
                .env
                .iter()
                .find_map(|name| var(name).map(|text| (*name, text)))
            else {
                continue;
            };
            let value = match self.get(key.path) {
                Some(Value::Integer(_)) => {
                    let number = text.trim().parse::<i64>().map_err(|_| ConfigError {
                        origin: Source::Env(name).origin(),
                        path: key.path.to_owned(),
                        message: format!("{text:?} is not a whole number"),
                    })?;
                    Value::Integer(number)
                }
                _ => Value::String(text),
            };
            self.set(key.path, value, Source::Env(name));
        }
        Ok(())
    }

    pub fn merge_flags(&mut self, flags: Vec<Flag>) {
        for flag in flags {
            self.set(flag.path, flag.value, Source::Flag(flag.name));
        }
    }

    fn set(&mut self, path: &str, value: Value, source: Source) {
        let (section, name) = path.split_once('.').unwrap_or(("", path));
        let section = self
            .table
            .entry(section)
            .or_insert_with(|| Value::Table(Table::new()));
        if let Value::Table(keys) = section {
            keys.insert(name.to_owned(), value);
        }
        self.sources.insert(path.to_owned(), source);
    }

    pub fn get(&self, path: &str) -> Option<&Value> {
        let (section, name) = path.split_once('.')?;
        self.table.get(section)?.get(name)
    }

    /// Which layer set `path` (the defaults when none did).
    pub fn source(&self, path: &str) -> &Source {
        self.sources.get(path).unwrap_or(&Source::Default)
    }

    pub fn table(&self) -> &Table {
        &self.table
    }
}
