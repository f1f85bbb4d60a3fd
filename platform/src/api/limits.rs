//! What a GraphQL request may ask for, checked before anything expands it.
//!
//! async-graphql's own depth, complexity and directive checks walk every
//! fragment spread anew, so a 1 KB document whose fragments each spread the
//! one before twice (`fragment F30 on Query { ...F29 ...F29 }`) costs them
//! 2^30 visits. These checks run first, in linear time: the raw text's size
//! and nesting (before the parser recurses into it), then one walk of the
//! parsed document that measures each fragment once and reuses the measure
//! wherever it is spread. Only a document within every bound reaches the
//! schema's validation.
//!
//! Introspection gets its own depth allowance: graphql-js's standard
//! introspection query (what GraphiQL sends) nests `ofType` eight deep under
//! `__schema { types { fields { type ... } } }`. What keeps introspection
//! from fanning out instead is graphql-js's own rule: `fields`,
//! `inputFields`, `interfaces` and `possibleTypes` may nest at most twice
//! below `__schema` or `__type`.
//!
//! Every string a request carries, as a variable or written in the
//! document, is refused if it holds a control character other than tab,
//! line feed and carriage return (Postgres cannot store NUL at all, and no
//! field of the contract has a use for the others) or if it is longer than
//! the longest field of the contract (a bot script). Fields with tighter
//! bounds check them in their resolvers.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Request, ServerError, ServerResult, Value, Variables};
use async_graphql_value::Value as WrittenValue;

/// The bounds a request is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of document text.
    pub max_document_bytes: usize,
    /// Brackets (`{`, `[`, `(`) open at once in the text.
    pub max_nesting: usize,
    /// Fields, fragment spreads and inline fragments, counted as if every
    /// fragment were written out where it is spread.
    pub max_selections: u64,
    /// Fields nested in one another, outside introspection.
    pub max_depth: u32,
    /// The same, on a path through `__schema` or `__type`.
    pub max_introspection_depth: u32,
    /// `fields`, `inputFields`, `interfaces` and `possibleTypes` nested in
    /// one another below `__schema` or `__type`.
    pub max_introspection_lists: u32,
    /// Fragments spreading fragments, one inside the next.
    pub max_fragment_chain: usize,
    /// Bytes of one string value.
    pub max_string_bytes: usize,
}

pub const LIMITS: Limits = Limits {
    max_document_bytes: 32 * 1024,
    max_nesting: 64,
    max_selections: 2_000,
    max_depth: 10,
    max_introspection_depth: 20,
    max_introspection_lists: 2,
    max_fragment_chain: 32,
    max_string_bytes: 64 * 1024,
};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("the document is {bytes} bytes long; at most {max} are accepted")]
    DocumentTooLong { bytes: usize, max: usize },
    #[error("the document nests brackets more than {max} deep")]
    TooNested { max: usize },
    #[error("the document selects more than {max} fields once its fragments are spread")]
    TooManySelections { max: u64 },
    #[error("the query nests fields {depth} deep; at most {max} are accepted")]
    TooDeep { depth: u32, max: u32 },
    #[error("the introspection query nests fields {depth} deep; at most {max} are accepted")]
    IntrospectionTooDeep { depth: u32, max: u32 },
    #[error(
        "the introspection query nests fields, inputFields, interfaces or possibleTypes \
         {depth} deep; at most {max} are accepted"
    )]
    IntrospectionTooWide { depth: u32, max: u32 },
    #[error("fragment {0} spreads itself")]
    FragmentCycle(String),
    #[error("fragments spread fragments more than {max} deep")]
    FragmentChainTooLong { max: usize },
    #[error("{0} holds a control character")]
    ControlCharacter(String),
    #[error("{path} is {bytes} bytes long; at most {max} are accepted")]
    StringTooLong {
        path: String,
        bytes: usize,
        max: usize,
    },
}

/// The document's text: its size, and how deep its brackets nest (ignoring
/// those inside strings and comments), before the parser recurses into it.
pub fn check_text(query: &str, limits: &Limits) -> Result<(), LimitError> {
    if query.len() > limits.max_document_bytes {
        return Err(LimitError::DocumentTooLong {
            bytes: query.len(),
            max: limits.max_document_bytes,
        });
    }
    let bytes = query.as_bytes();
    let mut open = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' | b'(' => {
                open += 1;
                if open > limits.max_nesting {
                    return Err(LimitError::TooNested {
                        max: limits.max_nesting,
                    });
                }
            }
            b'}' | b']' | b')' => open = open.saturating_sub(1),
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    // An escaped triple quote stays inside the block string.
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// What a selection set amounts to once its fragments are spread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Shape {
    selections: u64,
    /// Deepest path of fields that passes through no introspection field.
    depth: u32,
    /// Deepest path through `__schema` or `__type` (0: none).
    introspection_depth: u32,
    /// Deepest nesting of the introspection list fields anywhere in it.
    lists: u32,
    /// The same, below `__schema` or `__type` only.
    introspection_lists: u32,
}

impl Shape {
    fn merge(&mut self, other: Shape) {
        self.selections = self.selections.saturating_add(other.selections);
        self.depth = self.depth.max(other.depth);
        self.introspection_depth = self.introspection_depth.max(other.introspection_depth);
        self.lists = self.lists.max(other.lists);
        self.introspection_lists = self.introspection_lists.max(other.introspection_lists);
    }
}

fn is_introspection(name: &str) -> bool {
    matches!(name, "__schema" | "__type")
}

fn is_introspection_list(name: &str) -> bool {
    matches!(
        name,
        "fields" | "inputFields" | "interfaces" | "possibleTypes"
    )
}

/// Measures selection sets, each fragment once.
struct Measure<'d> {
    document: &'d ExecutableDocument,
    limits: &'d Limits,
    fragments: HashMap<&'d Name, Shape>,
    /// The fragments being measured, innermost last.
    chain: Vec<&'d Name>,
}

impl<'d> Measure<'d> {
    fn selection_set(&mut self, set: &'d Positioned<SelectionSet>) -> Result<Shape, LimitError> {
        let mut shape = Shape::default();
        for selection in &set.node.items {
            let inner = match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let children = self.selection_set(&field.selection_set)?;
                    let name = field.name.node.as_str();
                    let all_depth = children.depth.max(children.introspection_depth);
                    let lists = children.lists + u32::from(is_introspection_list(name));
                    if is_introspection(name) {
                        Shape {
                            selections: children.selections,
                            depth: 0,
                            introspection_depth: all_depth + 1,
                            lists,
                            introspection_lists: children.lists,
                        }
                    } else {
                        Shape {
                            selections: children.selections,
                            depth: children.depth + 1,
                            introspection_depth: if children.introspection_depth > 0 {
                                children.introspection_depth + 1
                            } else {
                                0
                            },
                            lists,
                            introspection_lists: children.introspection_lists,
                        }
                    }
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment(&spread.node.fragment_name.node)?
                }
                Selection::InlineFragment(inline) => {
                    self.selection_set(&inline.node.selection_set)?
                }
            };
            shape.merge(inner);
            shape.selections = shape.selections.saturating_add(1);
            // Size adds up wherever it is, so it stops a bomb early; depth
            // depends on where a fragment is spread (under introspection or
            // not), so it is judged for whole operations.
            if shape.selections > self.limits.max_selections {
                return Err(LimitError::TooManySelections {
                    max: self.limits.max_selections,
                });
            }
        }
        Ok(shape)
    }

    fn fragment(&mut self, name: &'d Name) -> Result<Shape, LimitError> {
        if let Some(shape) = self.fragments.get(name) {
            return Ok(*shape);
        }
        if self.chain.contains(&name) {
            return Err(LimitError::FragmentCycle(name.to_string()));
        }
        if self.chain.len() >= self.limits.max_fragment_chain {
            return Err(LimitError::FragmentChainTooLong {
                max: self.limits.max_fragment_chain,
            });
        }
        // An unknown fragment is validation's to report; it selects nothing.
        let Some(definition) = self.document.fragments.get(name) else {
            return Ok(Shape::default());
        };
        self.chain.push(name);
        let shape = self.selection_set(&definition.node.selection_set)?;
        self.chain.pop();
        self.fragments.insert(name, shape);
        Ok(shape)
    }

    fn check(&self, shape: &Shape) -> Result<(), LimitError> {
        let limits = self.limits;
        if shape.selections > limits.max_selections {
            return Err(LimitError::TooManySelections {
                max: limits.max_selections,
            });
        }
        if shape.depth > limits.max_depth {
            return Err(LimitError::TooDeep {
                depth: shape.depth,
                max: limits.max_depth,
            });
        }
        if shape.introspection_depth > limits.max_introspection_depth {
            return Err(LimitError::IntrospectionTooDeep {
                depth: shape.introspection_depth,
                max: limits.max_introspection_depth,
            });
        }
        if shape.introspection_lists > limits.max_introspection_lists {
            return Err(LimitError::IntrospectionTooWide {
                depth: shape.introspection_lists,
                max: limits.max_introspection_lists,
            });
        }
        Ok(())
    }
}

/// Every operation of the document, with its fragments spread, within the
/// bounds; each fragment is measured once.
pub fn check_document(document: &ExecutableDocument, limits: &Limits) -> Result<(), LimitError> {
    let mut measure = Measure {
        document,
        limits,
        fragments: HashMap::new(),
        chain: Vec::new(),
    };
    let mut total = Shape::default();
    for (_, operation) in document.operations.iter() {
        total.merge(measure.selection_set(&operation.node.selection_set)?);
        measure.check(&total)?;
    }
    // Fragments no operation spreads run nowhere (validation refuses them),
    // but they are still read: their size counts, their depth does not.
    for name in document.fragments.keys() {
        if !measure.fragments.contains_key(name) {
            let unused = measure.fragment(name)?;
            total.selections = total.selections.saturating_add(unused.selections);
            if total.selections > limits.max_selections {
                return Err(LimitError::TooManySelections {
                    max: limits.max_selections,
                });
            }
        }
    }
    Ok(())
}

/// Every string in the request: the variables, and the values written in
/// the document (arguments, directives' arguments, variables' defaults).
pub fn check_strings(
    document: &ExecutableDocument,
    variables: &Variables,
    limits: &Limits,
) -> Result<(), LimitError> {
    for (name, value) in variables.iter() {
        check_value(&format!("variable ${name}"), value, limits)?;
    }
    let mut sets: Vec<&Positioned<SelectionSet>> = Vec::new();
    for (_, operation) in document.operations.iter() {
        for definition in &operation.node.variable_definitions {
            if let Some(default) = &definition.node.default_value {
                let path = format!("the default of ${}", definition.node.name.node);
                check_value(&path, &default.node, limits)?;
            }
        }
        check_directives(&operation.node.directives, limits)?;
        sets.push(&operation.node.selection_set);
    }
    for fragment in document.fragments.values() {
        check_directives(&fragment.node.directives, limits)?;
        sets.push(&fragment.node.selection_set);
    }
    // Each selection set is written once in the text, so this walk is as
    // long as the document (fragments are not followed).
    while let Some(set) = sets.pop() {
        for selection in &set.node.items {
            check_directives(selection.node.directives(), limits)?;
            match &selection.node {
                Selection::Field(field) => {
                    for (name, value) in &field.node.arguments {
                        let path = format!("argument {}", name.node);
                        check_written(&path, &value.node, limits)?;
                    }
                    sets.push(&field.node.selection_set);
                }
                Selection::InlineFragment(inline) => sets.push(&inline.node.selection_set),
                Selection::FragmentSpread(_) => {}
            }
        }
    }
    Ok(())
}

fn check_directives(
    directives: &[Positioned<Directive>],
    limits: &Limits,
) -> Result<(), LimitError> {
    for directive in directives {
        for (name, value) in &directive.node.arguments {
            let path = format!("argument {} of @{}", name.node, directive.node.name.node);
            check_written(&path, &value.node, limits)?;
        }
    }
    Ok(())
}

/// A value written in the document (it may name variables, checked apart).
fn check_written(path: &str, value: &WrittenValue, limits: &Limits) -> Result<(), LimitError> {
    match value {
        WrittenValue::String(text) => check_string(path, text, limits),
        WrittenValue::List(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_written(&format!("{path}[{i}]"), item, limits)),
        WrittenValue::Object(fields) => fields
            .iter()
            .try_for_each(|(name, item)| check_written(&format!("{path}.{name}"), item, limits)),
        _ => Ok(()),
    }
}

/// A variable's value.
fn check_value(path: &str, value: &Value, limits: &Limits) -> Result<(), LimitError> {
    match value {
        Value::String(text) => check_string(path, text, limits),
        Value::List(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_value(&format!("{path}[{i}]"), item, limits)),
        Value::Object(fields) => fields
            .iter()
            .try_for_each(|(name, item)| check_value(&format!("{path}.{name}"), item, limits)),
        _ => Ok(()),
    }
}

fn check_string(path: &str, text: &str, limits: &Limits) -> Result<(), LimitError> {
    if text.len() > limits.max_string_bytes {
        return Err(LimitError::StringTooLong {
            path: path.to_owned(),
            bytes: text.len(),
            max: limits.max_string_bytes,
        });
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(LimitError::ControlCharacter(path.to_owned()));
    }
    Ok(())
}

/// Runs the checks on every request, over HTTP and WebSocket alike, before
/// async-graphql's own parsing checks and validation.
pub struct DocumentLimits(pub Limits);

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentLimits(self.0))
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentLimits {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let refuse = |e: LimitError| ServerError::new(e.to_string(), None);
        check_text(&request.query, &self.0).map_err(refuse)?;
        let variables = std::mem::take(&mut request.variables);
        let checked = request.parsed_query().and_then(|document| {
            check_document(document, &self.0).map_err(refuse)?;
            check_strings(document, &variables, &self.0).map_err(refuse)
        });
        request.variables = variables;
        checked?;
        next.run(ctx, request).await
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn check(query: &str) -> Result<(), LimitError> {
        check_text(query, &LIMITS)?;
        let document = parse_query(query).expect("the test's document parses");
        check_document(&document, &LIMITS)?;
        check_strings(&document, &Variables::default(), &LIMITS)
    }

    /// `query { ...F<n> }` where each fragment spreads the one before twice.
    fn fragment_bomb(n: usize) -> String {
        let mut query = format!("query {{ ...F{n} }}\nfragment F0 on Query {{ __typename }}\n");
        for i in 1..=n {
            let before = i - 1;
            query.push_str(&format!(
                "fragment F{i} on Query {{ ...F{before} ...F{before} }}\n"
            ));
        }
        query
    }

    fn nested(field: &str, depth: usize) -> String {
        let mut query = String::from("query ");
        for _ in 0..depth {
            query.push_str(&format!("{{ {field} "));
        }
        query.push_str("{ __typename }");
        query.push_str(&"}".repeat(depth));
        query
    }

    #[test]
    fn a_fragment_bomb_is_refused_after_measuring_each_fragment_once() {
        let bomb = fragment_bomb(30);
        assert!(
            bomb.len() < 1_500,
            "the attack is small: {} bytes",
            bomb.len()
        );
        assert_eq!(
            check(&bomb),
            Err(LimitError::TooManySelections {
                max: LIMITS.max_selections
            })
        );
        // Spread out, nine doublings are 1,023 fragment spreads and 512
        // fields: within bounds.
        assert_eq!(check(&fragment_bomb(9)), Ok(()));
    }

    #[test]
    fn the_standard_introspection_query_passes_and_introspection_cannot_fan_out() {
        let introspection = include_str!("../../tests/fixtures/introspection.graphql");
        assert_eq!(check(introspection), Ok(()));
        let fan_out =
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
        assert_eq!(
            check(fan_out),
            Err(LimitError::IntrospectionTooWide { depth: 3, max: 2 })
        );
        let deep = format!(
            "{{ __type(name: \"Query\") {} }}",
            nested("ofType", 19).trim_start_matches("query ")
        );
        assert!(matches!(
            check(&deep),
            Err(LimitError::IntrospectionTooDeep { depth: 21, .. })
        ));
    }

    #[test]
    fn depth_outside_introspection_stays_at_ten() {
        // `nested(f, n)` is n fields deep plus the innermost __typename.
        assert_eq!(check(&nested("a", 9)), Ok(()));
        assert_eq!(
            check(&nested("a", 10)),
            Err(LimitError::TooDeep { depth: 11, max: 10 })
        );
        // A fragment does not hide depth.
        let hidden = format!(
            "query {{ a {{ ...D }} }} fragment D on T {} ",
            nested("a", 9).trim_start_matches("query ")
        );
        assert_eq!(
            check(&hidden),
            Err(LimitError::TooDeep { depth: 11, max: 10 })
        );
    }

    #[test]
    fn cycles_long_chains_and_deep_brackets_are_refused_before_recursing() {
        assert_eq!(
            check("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
            Err(LimitError::FragmentCycle("A".into()))
        );
        let mut chain = String::from("query { ...C0 }\n");
        for i in 0..40 {
            chain.push_str(&format!("fragment C{i} on Query {{ ...C{} }}\n", i + 1));
        }
        chain.push_str("fragment C40 on Query { __typename }\n");
        assert_eq!(
            check(&chain),
            Err(LimitError::FragmentChainTooLong { max: 32 })
        );
        // Refused from the text alone: the parser never sees it.
        let brackets = format!("{}{}", "{a".repeat(5_000), "}".repeat(5_000));
        assert_eq!(
            check_text(&brackets, &LIMITS),
            Err(LimitError::TooNested { max: 64 })
        );
        // Brackets in strings and comments are text, not nesting.
        let quoted = format!(
            "query {{ a(s: \"{}\", t: \"\"\"{}\"\"\") }} # {}",
            "{".repeat(100),
            "[".repeat(100),
            "(".repeat(100)
        );
        assert_eq!(check_text(&quoted, &LIMITS), Ok(()));
    }

    #[test]
    fn control_characters_and_oversized_strings_are_refused_wherever_they_are() {
        assert_eq!(
            check("mutation { placeOrder(input: { clientOrderId: \"a\\u0000b\" }) { id } }"),
            Err(LimitError::ControlCharacter(
                "argument input.clientOrderId".into()
            ))
        );
        assert_eq!(
            check("query { a @include(if: \"\\u001b[31m\") }"),
            Err(LimitError::ControlCharacter(
                "argument if of @include".into()
            ))
        );
        assert_eq!(check("query { a(s: \"tab\\tline\\nreturn\\r\") }"), Ok(()));
        let document = parse_query("query Q($i: In) { a(i: $i) }").unwrap();
        let variables = Variables::from_json(serde_json::json!({
            "i": { "names": ["ok", "bell\u{7}"] }
        }));
        assert_eq!(
            check_strings(&document, &variables, &LIMITS),
            Err(LimitError::ControlCharacter("variable $i.names[1]".into()))
        );
        let long = Variables::from_json(serde_json::json!({ "i": "x".repeat(64 * 1024 + 1) }));
        assert!(matches!(
            check_strings(&document, &long, &LIMITS),
            Err(LimitError::StringTooLong { bytes: 65_537, .. })
        ));
    }
}
