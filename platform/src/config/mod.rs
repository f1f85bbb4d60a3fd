//! The server's configuration: a TOML file (`--config FILE`), then the
//! environment (`MARKETLAB_*`), then the command line, each overriding the
//! one before, over the defaults. The file's keys and the variables are
//! listed in `marketlab.example.toml` at the repository's root.
//!
//! Everything is checked before the server starts: a key nobody knows, a
//! value of the wrong type or out of range is refused with the key's path
//! and the file, variable or flag that set it.

mod file;
mod print;
mod settings;
mod sources;

use std::fmt;
use std::path::Path;

pub use file::ConfigFile;
pub use sources::{Flag, KEYS, Source};

use crate::startup::Settings;
use sources::Layers;

/// A value refused, and where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, `env NAME` or `flag --name`.
    pub origin: String,
    /// The key, e.g. `fees.commission`; empty for the file as a whole.
    pub path: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.origin)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// What the layers are read from.
pub struct Inputs<'a> {
    pub file: Option<&'a Path>,
    /// Looks a variable up (the process's environment, or a test's).
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub flags: Vec<Flag>,
}

/// The settings in effect, and where each key's value came from.
#[derive(Debug, Clone)]
pub struct Effective {
    pub settings: Settings,
    layers: Layers,
}

impl Effective {
    /// Which layer set `path`.
    pub fn source(&self, path: &str) -> &Source {
        self.layers.source(path)
    }

    /// The effective keys as TOML, each with a comment saying where it came
    /// from; secrets masked.
    pub fn print(&self) -> String {
        print::render(&self.layers)
    }
}

pub fn load(inputs: Inputs<'_>) -> Result<Effective, ConfigError> {
    let defaults = toml::Table::try_from(ConfigFile::default())
        .expect("the defaults are plain tables of strings and numbers");
    let mut layers = Layers::new(defaults);
    if let Some(path) = inputs.file {
        let name = path.display().to_string();
        layers.merge_file(read_file(path, &name)?, &name);
    }
    layers.merge_env(inputs.env)?;
    layers.merge_flags(inputs.flags);
    let merged: ConfigFile = serde_path_to_error::deserialize(toml::Value::Table(
        layers.table().clone(),
    ))
    .map_err(|e| {
        let path = e.path().to_string();
        ConfigError {
            origin: layers.source(&path).origin(),
            message: e.inner().to_string(),
            path,
        }
    })?;
    let settings = settings::settings(&merged).map_err(|(path, message)| ConfigError {
        origin: layers.source(path).origin(),
        path: path.to_owned(),
        message,
    })?;
    Ok(Effective { settings, layers })
}

/// The file's keys, once its shape is checked: every key known, every
/// value of its key's type.
fn read_file(path: &Path, name: &str) -> Result<toml::Table, ConfigError> {
    let error = |path: String, message: String| ConfigError {
        origin: name.to_owned(),
        path,
        message,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| error(String::new(), format!("cannot read it: {e}")))?;
    marketlab_actors::scenario::file::parse_toml::<ConfigFile>(&text).map_err(|e| {
        let message = match (e.line, e.column) {
            (Some(line), Some(column)) => {
                format!("{} (line {line}, column {column})", unknown_key(&e.message))
            }
            _ => unknown_key(&e.message),
        };
        error(e.path, message)
    })?;
    text.parse::<toml::Table>()
        .map_err(|e| error(String::new(), e.message().to_owned()))
}

/// serde's "unknown field `x`, expected one of ..." as "unknown key;
/// expected one of ...": the path already names the key.
fn unknown_key(message: &str) -> String {
    match message.strip_prefix("unknown field ") {
        Some(rest) => match rest.split_once(", ") {
            Some((_, expected)) => format!("unknown key; {expected}"),
            None => "unknown key".to_owned(),
        },
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests;
