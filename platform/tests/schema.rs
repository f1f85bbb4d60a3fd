//! The schema the server runs is the one in `schema.graphql`, and it holds
//! all of the contract (../shared/api/contract.graphql) with the same types.

use std::collections::BTreeMap;
use std::path::PathBuf;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{InputValueDefinition, TypeKind, TypeSystemDefinition};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What a schema document says about each type, flattened to comparable
/// strings: `Type.field(arg: T = default): T`, `Enum.VALUE`, `Input.field: T
/// = default`, `scalar S`.
fn facts(sdl: &str) -> BTreeMap<String, String> {
    let document = parse_schema(sdl).expect("the schema parses");
    let mut facts = BTreeMap::new();
    let input = |owner: &str, value: &InputValueDefinition| {
        let default = value
            .default_value
            .as_ref()
            .map(|d| format!(" = {}", d.node))
            .unwrap_or_default();
        (
            format!("{owner}.{}", value.name.node),
            format!("{}{default}", value.ty.node),
        )
    };
    for definition in document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let name = ty.node.name.node.to_string();
        match &ty.node.kind {
            TypeKind::Scalar => {
                facts.insert(format!("scalar {name}"), String::new());
            }
            TypeKind::Object(object) => {
                for field in &object.fields {
                    let field = &field.node;
                    let owner = format!("{name}.{}", field.name.node);
                    facts.insert(owner.clone(), field.ty.node.to_string());
                    for arg in &field.arguments {
                        let (key, value) = input(&owner, &arg.node);
                        facts.insert(key, value);
                    }
                }
            }
            TypeKind::Enum(values) => {
                for value in &values.values {
                    facts.insert(format!("{name}.{}", value.node.value.node), String::new());
                }
            }
            TypeKind::InputObject(object) => {
                for field in &object.fields {
                    let (key, value) = input(&name, &field.node);
                    facts.insert(key, value);
                }
            }
            TypeKind::Interface(_) | TypeKind::Union(_) => {
                facts.insert(format!("type {name}"), String::new());
            }
        }
    }
    facts
}

/// The contract: the shared one next to the repository when it is there
/// (and then the copy kept in the repository must equal it), else that copy
/// (a clone on its own, as CI has).
fn contract() -> String {
    let copy = include_str!("contract.graphql");
    let shared = repo_root().join("../shared/api/contract.graphql");
    if let Ok(shared) = std::fs::read_to_string(&shared) {
        assert!(
            shared == copy,
            "platform/tests/contract.graphql differs from ../shared/api/contract.graphql: copy it over"
        );
    }
    copy.to_owned()
}

#[test]
fn schema_graphql_is_what_the_code_exports() {
    let exported = marketlab::api::sdl();
    let path = repo_root().join("schema.graphql");
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == exported,
        "{} is out of date: run `cargo run -- schema > schema.graphql`",
        path.display()
    );
}

#[test]
fn the_exported_schema_holds_all_of_the_contract() {
    let contract = contract();
    let ours = facts(&marketlab::api::sdl());
    let mut problems = Vec::new();
    for (key, expected) in facts(&contract) {
        match ours.get(&key) {
            None => problems.push(format!("missing: {key}")),
            Some(actual) if *actual != expected => problems.push(format!(
                "{key}: contract says {expected:?}, ours is {actual:?}"
            )),
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_comparison_notices_a_difference() {
    let contract = "type Query { a(x: Int = 1): String! }";
    let facts_of = facts(contract);
    assert_eq!(facts_of["Query.a"], "String!");
    assert_eq!(facts_of["Query.a.x"], "Int = 1");
    assert_ne!(
        facts("type Query { a: String }")["Query.a"],
        facts_of["Query.a"]
    );
}
