//! `marketlab config print`: the effective keys as TOML that reads back as
//! the same settings (secrets aside), each with where it came from.

use std::fmt::Write;

use toml::Value;

use super::sources::{KEYS, Layers, Shown};

const MASK: &str = "****";

pub fn render(layers: &Layers) -> String {
    let mut out = String::from(
        "# The settings in effect: defaults < file < environment < flags.\n\
         # Secrets are masked.\n",
    );
    let mut section = "";
    for key in KEYS {
        let (key_section, name) = key.path.split_once('.').unwrap_or(("", key.path));
        if key_section != section {
            section = key_section;
            let _ = write!(out, "\n[{section}]\n");
        }
        let source = layers.source(key.path);
        let _ = match layers.get(key.path) {
            Some(value) => writeln!(out, "{name} = {} # {source}", shown(value, key.shown)),
            None => writeln!(out, "# {name} is not set # {source}"),
        };
    }
    out
}

fn shown(value: &Value, how: Shown) -> Value {
    match (how, value) {
        (Shown::Plain, _) => value.clone(),
        (Shown::Secret, _) => Value::String(MASK.into()),
        (Shown::Url, Value::String(url)) => Value::String(mask_url(url)),
        (Shown::Url, _) => value.clone(),
    }
}

/// The URL with the password of its user (`user:password@`) and any
/// `password=` parameter replaced by `****`.
pub fn mask_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut masked = match base.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            match authority.rsplit_once('@') {
                Some((user_info, host)) => match user_info.split_once(':') {
                    Some((user, _)) => format!("{scheme}://{user}:{MASK}@{host}{path}"),
                    None => base.to_owned(),
                },
                None => base.to_owned(),
            }
        }
        None => base.to_owned(),
    };
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if name.eq_ignore_ascii_case("password") => {
                    format!("{name}={MASK}")
                }
                _ => pair.to_owned(),
            })
            .collect();
        let _ = write!(masked, "?{}", pairs.join("&"));
    }
    masked
}
