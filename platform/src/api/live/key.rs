//! Which executions may be shared. Two subscriptions share one when they
//! have the same document, operation and variables, and either every root
//! field is a public feed (the same for everyone) or they come from the
//! same caller. Anything else (a query or mutation sent over the socket, a
//! document that does not parse) runs on its own, and answers for itself.

use async_graphql::Request;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};

use crate::api::guard::Caller;
use crate::api::limits::{LIMITS, check_text};

/// The subscriptions whose results depend on nothing but their arguments.
const PUBLIC_FEEDS: [&str; 5] = [
    "trades",
    "orderBook",
    "quotes",
    "news",
    "competitionStandings",
];

/// One shared execution's identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FeedKey {
    query: String,
    operation: Option<String>,
    variables: String,
    /// `None` for public feeds; else whose feed it is.
    viewer: Option<Viewer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Viewer {
    Anonymous,
    Account(i64),
}

/// How a request over the socket runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// A subscription, shared with every identical one.
    Shared(FeedKey),
    /// Once, for this request alone.
    Alone,
}

impl FeedKey {
    /// Public feeds run as nobody in particular: what they send cannot
    /// depend on who asked first.
    pub fn caller(&self, caller: &Caller) -> Caller {
        match self.viewer {
            None => Caller::Anonymous,
            Some(_) => caller.clone(),
        }
    }

    pub fn is_public(&self) -> bool {
        self.viewer.is_none()
    }
}

pub fn plan(request: &Request, caller: &Caller) -> Plan {
    // The text is held to the request limits before it is parsed here, as
    // it is before execution (deep nesting would exhaust the parser's
    // stack); what fails them runs alone, to be refused with the reason.
    if check_text(&request.query, &LIMITS).is_err() {
        return Plan::Alone;
    }
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return Plan::Alone;
    };
    let Some(selection) = subscription(&document, request.operation_name.as_deref()) else {
        return Plan::Alone;
    };
    let public = root_fields(&document, selection, 0)
        .is_some_and(|fields| fields.iter().all(|name| PUBLIC_FEEDS.contains(name)));
    let viewer = match (public, caller) {
        (true, _) => None,
        (false, Caller::Account(id)) => Some(Viewer::Account(*id)),
        (false, Caller::Anonymous) => Some(Viewer::Anonymous),
        (false, Caller::Invalid(_)) => return Plan::Alone,
    };
    Plan::Shared(FeedKey {
        query: request.query.clone(),
        operation: request.operation_name.clone(),
        variables: serde_json::to_string(&request.variables).unwrap_or_default(),
        viewer,
    })
}

/// The selection of the operation that runs, if it is a subscription.
fn subscription<'d>(
    document: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d SelectionSet> {
    let operation = match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => operation,
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name)?,
        (DocumentOperations::Multiple(_), None) => return None,
    };
    (operation.node.ty == OperationType::Subscription).then_some(&operation.node.selection_set.node)
}

/// The names of the root fields, through fragments; `None` when a
/// fragment is missing or nested too deep to be worth following.
fn root_fields<'d>(
    document: &'d ExecutableDocument,
    selection: &'d SelectionSet,
    depth: usize,
) -> Option<Vec<&'d str>> {
    if depth > 4 {
        return None;
    }
    let mut names = Vec::new();
    for item in &selection.items {
        match &item.node {
            Selection::Field(field) => names.push(field.node.name.node.as_str()),
            Selection::InlineFragment(fragment) => {
                names.extend(root_fields(
                    document,
                    &fragment.node.selection_set.node,
                    depth + 1,
                )?);
            }
            Selection::FragmentSpread(spread) => {
                let fragment = document.fragments.get(&spread.node.fragment_name.node)?;
                names.extend(root_fields(
                    document,
                    &fragment.node.selection_set.node,
                    depth + 1,
                )?);
            }
        }
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(query: &str, caller: &Caller) -> Plan {
        plan(&Request::new(query), caller)
    }

    fn key_of(query: &str, caller: &Caller) -> FeedKey {
        match plan_of(query, caller) {
            Plan::Shared(key) => key,
            Plan::Alone => panic!("{query} should be shared"),
        }
    }

    #[test]
    fn public_feeds_are_shared_by_everyone() {
        let query = r#"subscription { trades(symbol: "ACME") { price } }"#;
        let a = key_of(query, &Caller::Account(1));
        let b = key_of(query, &Caller::Anonymous);
        assert_eq!(a, b);
        assert!(a.is_public());
        assert_eq!(a.caller(&Caller::Account(1)), Caller::Anonymous);
    }

    #[test]
    fn private_feeds_are_shared_only_by_one_caller() {
        let query = "subscription { myOrders { id status } }";
        let a = key_of(query, &Caller::Account(1));
        assert_eq!(a, key_of(query, &Caller::Account(1)));
        assert_ne!(a, key_of(query, &Caller::Account(2)));
        assert_eq!(a.caller(&Caller::Account(1)), Caller::Account(1));
        // A fragment does not hide a private field among public ones.
        let hidden = r#"subscription { ...F } fragment F on Subscription { myOrders { id } }"#;
        assert!(!key_of(hidden, &Caller::Account(1)).is_public());
        let inline = "subscription { ... on Subscription { myOrders { id } } }";
        assert!(!key_of(inline, &Caller::Account(1)).is_public());
    }

    #[test]
    fn variables_and_operations_are_part_of_the_key() {
        let query = "subscription S($s: String!) { trades(symbol: $s) { price } } \
                     subscription T($s: String!) { orderBook(symbol: $s) { sequence } }";
        let with = |operation: &str, symbol: &str| {
            let mut request = Request::new(query).variables(async_graphql::Variables::from_json(
                serde_json::json!({ "s": symbol }),
            ));
            request.operation_name = Some(operation.into());
            plan(&request, &Caller::Anonymous)
        };
        assert_eq!(with("S", "ACME"), with("S", "ACME"));
        assert_ne!(with("S", "ACME"), with("S", "BOLT"));
        assert_ne!(with("S", "ACME"), with("T", "ACME"));
    }

    #[test]
    fn queries_mutations_and_broken_documents_run_alone() {
        for query in [
            "{ companies { symbol } }",
            "mutation { logout }",
            "subscription { trades(symbol: ",
            &format!(
                "subscription {{ {}news {{ id }}{} }}",
                "{".repeat(100),
                "}".repeat(100)
            ),
            "subscription A { news { id } } subscription B { news { id } }",
        ] {
            assert_eq!(plan_of(query, &Caller::Anonymous), Plan::Alone, "{query}");
        }
    }
}
