//! `--set KEY=V1,V2,...`: values written into a scenario file's TOML at a
//! key path (`bots[1].count`, `fees.commission`), keeping the rest of the
//! text as written, so that the result is the file a person would get by
//! editing the value in place. Whether the key is one the file knows is the
//! file parser's call, made afterwards on the edited text.

use std::fmt;

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// One step of a key path: a key, or an index into an array.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A path into a TOML document, as `--set` writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPath(Vec<Step>);

impl KeyPath {
    pub fn parse(text: &str) -> Result<KeyPath, String> {
        let bad = || format!("{text:?} is not a key path like bots[1].count or fees.commission");
        let mut steps = Vec::new();
        let mut rest = text;
        loop {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            if end == 0 {
                return Err(bad());
            }
            steps.push(Step::Key(rest[..end].to_owned()));
            rest = &rest[end..];
            while let Some(inside) = rest.strip_prefix('[') {
                let close = inside.find(']').ok_or_else(bad)?;
                let digits = &inside[..close];
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                steps.push(Step::Index(digits.parse().map_err(|_| bad())?));
                rest = &inside[close + 1..];
            }
            match rest.strip_prefix('.') {
                Some(next) => rest = next,
                None if rest.is_empty() => return Ok(KeyPath(steps)),
                None => return Err(bad()),
            }
        }
    }

    /// The path as a folder name would hold it: `bots.1.count`.
    pub fn dotted(&self) -> String {
        self.0
            .iter()
            .map(|step| match step {
                Step::Key(key) => key.clone(),
                Step::Index(i) => i.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&shown(&self.0))
    }
}

fn shown(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(key) if out.is_empty() => out.push_str(key),
            Step::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The values of one `--set`: split at the commas that are not inside
/// quotes or brackets, so `["A","B"]` stays one value.
pub fn split_values(text: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => depth += 1,
                ']' | '}' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    values.push(current.trim().to_owned());
                    current.clear();
                    continue;
                }
                _ => {}
            },
        }
        current.push(c);
    }
    values.push(current.trim().to_owned());
    values
}

/// A value as given: a TOML literal (integer, float, bool, quoted string,
/// array, inline table), or else the text itself as a string. A date-time
/// is kept as a string too, since the file writes its times as strings.
pub fn literal(text: &str) -> Value {
    match text.trim().parse::<Value>() {
        Ok(value) if !value.is_datetime() => value,
        _ => Value::from(text.trim()),
    }
}

/// What a value names a folder by: a string's contents, or the literal.
pub fn label(text: &str) -> String {
    match literal(text) {
        Value::String(s) => s.value().clone(),
        _ => text.trim().to_owned(),
    }
}

/// Where a step lands: something that has keys or indices, or a value
/// that has neither.
enum Node<'a> {
    Table(&'a mut Table),
    Inline(&'a mut InlineTable),
    Array(&'a mut Array),
    Tables(&'a mut ArrayOfTables),
    Leaf(&'static str),
}

fn node(item: &mut Item) -> Node<'_> {
    match item {
        Item::Table(table) => Node::Table(table),
        Item::ArrayOfTables(tables) => Node::Tables(tables),
        Item::Value(value) => node_of(value),
        Item::None => Node::Leaf("nothing"),
    }
}

fn node_of(value: &mut Value) -> Node<'_> {
    match value {
        Value::InlineTable(table) => Node::Inline(table),
        Value::Array(array) => Node::Array(array),
        other => Node::Leaf(other.type_name()),
    }
}

/// The new value in the place of the old, with the old one's spacing and
/// comment around it.
fn replace(old: &mut Value, mut new: Value) {
    *new.decor_mut() = old.decor().clone();
    *old = new;
}

fn out_of_range(at: &str, len: usize) -> String {
    match len {
        0 => format!("{at} is empty"),
        _ => format!("{at} has {len} (from {at}[0] to {at}[{}])", len - 1),
    }
}

/// Write `value` at `path` in `doc`. A missing key is added, and missing
/// tables on the way are created; an index must exist.
pub fn set(doc: &mut DocumentMut, path: &KeyPath, value: Value) -> Result<(), String> {
    let steps = &path.0;
    let mut here = Node::Table(doc.as_table_mut());
    for (n, step) in steps.iter().enumerate() {
        let at = shown(&steps[..n]);
        let full = shown(&steps[..=n]);
        let next = steps.get(n + 1);
        // A key that is not there becomes a table when a key follows it; an
        // index needs something to index.
        let creatable = || match next {
            Some(Step::Index(i)) => Err(format!("{full}[{i}]: there is no {full}")),
            _ => Ok(()),
        };
        here = match (here, step) {
            (Node::Table(table), Step::Key(key)) => {
                if next.is_none() {
                    match table.get_mut(key) {
                        Some(Item::Value(old)) => replace(old, value),
                        _ => {
                            table.insert(key, Item::Value(value));
                        }
                    }
                    return Ok(());
                }
                if !table.contains_key(key) {
                    creatable()?;
                    let mut new = Table::new();
                    new.set_implicit(true);
                    table.insert(key, Item::Table(new));
                }
                node(table.get_mut(key).ok_or_else(|| full.clone())?)
            }
            (Node::Inline(table), Step::Key(key)) => {
                if next.is_none() {
                    match table.get_mut(key) {
                        Some(old) => replace(old, value),
                        None => {
                            table.insert(key, value);
                        }
                    }
                    return Ok(());
                }
                if !table.contains_key(key) {
                    creatable()?;
                    table.insert(key, Value::InlineTable(InlineTable::new()));
                }
                node_of(table.get_mut(key).ok_or_else(|| full.clone())?)
            }
            (Node::Array(array), Step::Index(i)) => {
                let len = array.len();
                let slot = array.get_mut(*i).ok_or_else(|| out_of_range(&at, len))?;
                if next.is_none() {
                    replace(slot, value);
                    return Ok(());
                }
                node_of(slot)
            }
            (Node::Tables(tables), Step::Index(i)) => {
                let len = tables.len();
                let table = tables.get_mut(*i).ok_or_else(|| out_of_range(&at, len))?;
                if next.is_none() {
                    return Err(format!("{full} is a table: set one of its keys"));
                }
                Node::Table(table)
            }
            (Node::Array(_) | Node::Tables(_), Step::Key(_)) => {
                return Err(format!("{at} is an array: index it, as in {at}[0]"));
            }
            (Node::Table(_) | Node::Inline(_), Step::Index(_)) => {
                return Err(format!("{at} is a table, not an array"));
            }
            (Node::Leaf(kind), _) => {
                return Err(format!("{at} is {}, not a table", article(kind)));
            }
        };
    }
    // A path has at least one step, and the last one returns above.
    Err(format!("{path}: nothing to set"))
}

fn article(kind: &str) -> String {
    match kind.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {kind}"),
        _ if kind == "nothing" => kind.to_owned(),
        _ => format!("a {kind}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
version = 1
duration = \"6h\"   # the day

[fees]
sell_tax = \"0.0018\"

[[companies]]
symbol = \"A\"

[[companies]]
symbol = \"B\"

[[bots]]
name = \"x\"
count = 40                # each
symbols = [\"A\", \"B\"]
params = { rate = 0.5, max_qty = 50 }
wake = { kind = \"fixed\", every = \"2s\" }
";

    fn with(path: &str, value: &str) -> Result<String, String> {
        let mut doc: DocumentMut = FILE.parse().unwrap();
        set(&mut doc, &KeyPath::parse(path)?, literal(value))?;
        Ok(doc.to_string())
    }

    #[test]
    fn key_paths_read_keys_and_indices() {
        let path = KeyPath::parse("bots[1].params.rate").unwrap();
        assert_eq!(path.to_string(), "bots[1].params.rate");
        assert_eq!(path.dotted(), "bots.1.params.rate");
        assert_eq!(
            KeyPath::parse("a[0][2]").unwrap().to_string(),
            "a[0][2]",
            "arrays of arrays"
        );
        for bad in [
            "", "a.", ".a", "a[", "a[]", "a[x]", "a b", "a..b", "[0]", "a]",
        ] {
            assert!(KeyPath::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn values_split_outside_quotes_and_brackets_and_read_as_toml() {
        assert_eq!(split_values("1, 2,3"), ["1", "2", "3"]);
        assert_eq!(
            split_values(r#"["A","B"],"x,y",'p,q',{ a = 1, b = 2 }"#),
            [r#"["A","B"]"#, r#""x,y""#, "'p,q'", "{ a = 1, b = 2 }"]
        );
        assert!(literal("3").is_integer());
        assert!(literal("0.0001").is_float());
        assert!(literal("true").is_bool());
        assert_eq!(literal("\"5m\"").as_str(), Some("5m"));
        assert_eq!(literal("5m").as_str(), Some("5m"), "bare text is a string");
        assert_eq!(
            literal("2026-01-06T09:30:00Z").as_str(),
            Some("2026-01-06T09:30:00Z")
        );
        assert_eq!(label("\"5m\""), "5m");
        assert_eq!(label("0.0001"), "0.0001");
    }

    #[test]
    fn a_value_replaces_the_old_one_in_place_keeping_the_rest_as_written() {
        assert_eq!(
            with("bots[0].count", "3").unwrap(),
            FILE.replace("count = 40 ", "count = 3 ")
        );
        assert_eq!(
            with("duration", "1h").unwrap(),
            FILE.replace("\"6h\"", "\"1h\"")
        );
        assert_eq!(
            with("bots[0].params.rate", "0.25").unwrap(),
            FILE.replace("rate = 0.5", "rate = 0.25")
        );
        assert_eq!(
            with("bots[0].symbols[1]", "\"C\"").unwrap(),
            FILE.replace("\"A\", \"B\"]", "\"A\", \"C\"]")
        );
    }

    #[test]
    fn a_missing_key_is_added_to_its_table_or_to_a_new_one() {
        let text = with("fees.commission", "0.0001").unwrap();
        assert!(
            text.contains("sell_tax = \"0.0018\"\ncommission = 0.0001\n"),
            "{text}"
        );
        let text = with("bots[0].latency", "5ms").unwrap();
        assert!(text.ends_with("latency = \"5ms\"\n"), "{text}");
        let text = with("bots[0].params.extra", "7").unwrap();
        assert!(text.contains("extra = 7 }"), "{text}");
        // The new table goes under the company it belongs to.
        let text = with("companies[0].fundamental.volatility", "0.1").unwrap();
        assert!(
            text.contains(
                "symbol = \"A\"\n\n[companies.fundamental]\nvolatility = 0.1\n\n[[companies]]\nsymbol = \"B\""
            ),
            "{text}"
        );
        let text = with("outputs.l2_depth", "5").unwrap();
        assert!(text.contains("[outputs]\nl2_depth = 5\n"), "{text}");
    }

    #[test]
    fn a_path_that_cannot_be_there_names_where_it_stops() {
        assert_eq!(
            with("bots[5].count", "1"),
            Err("bots has 1 (from bots[0] to bots[0])".into())
        );
        assert_eq!(
            with("bots[0].symbols[2]", "\"C\""),
            Err("bots[0].symbols has 2 (from bots[0].symbols[0] to bots[0].symbols[1])".into())
        );
        assert_eq!(
            with("duration.x", "1"),
            Err("duration is a string, not a table".into())
        );
        assert_eq!(
            with("bots.count", "1"),
            Err("bots is an array: index it, as in bots[0]".into())
        );
        assert_eq!(
            with("fees[0]", "1"),
            Err("fees is a table, not an array".into())
        );
        assert_eq!(
            with("events[0].at", "\"1h\""),
            Err("events[0]: there is no events".into())
        );
        assert_eq!(
            with("bots[0]", "1"),
            Err("bots[0] is a table: set one of its keys".into())
        );
    }
}
