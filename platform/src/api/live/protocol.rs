//! The server's messages of the two WebSocket sub-protocols:
//! graphql-transport-ws (`next`, `complete`, `pong`) and the legacy
//! graphql-ws of subscriptions-transport-ws (`data`, `complete`,
//! `connection_error`). A result's payload is serialized once per event
//! and shared; only the few bytes around it that name the subscription
//! are made per connection.

use async_graphql::http::WebSocketProtocols;

/// How one subscription's results are framed on its connection.
#[derive(Debug, Clone)]
pub struct Framing {
    /// `{"type":"next","id":"<id>","payload":`, ready to be followed by
    /// the payload and `}`.
    prefix: String,
    complete: String,
}

impl Framing {
    pub fn new(protocol: WebSocketProtocols, id: &str) -> Framing {
        let id = serde_json::to_string(id).unwrap_or_else(|_| "\"\"".to_owned());
        let kind = match protocol {
            WebSocketProtocols::GraphQLWS => "next",
            WebSocketProtocols::SubscriptionsTransportWS => "data",
        };
        Framing {
            prefix: format!(r#"{{"type":"{kind}","id":{id},"payload":"#),
            complete: format!(r#"{{"type":"complete","id":{id}}}"#),
        }
    }

    /// The message carrying `payload`, a serialized GraphQL response.
    pub fn next(&self, payload: &[u8]) -> String {
        let mut text = String::with_capacity(self.prefix.len() + payload.len() + 1);
        text.push_str(&self.prefix);
        // Payloads are serde_json's output of a response: UTF-8.
        text.push_str(std::str::from_utf8(payload).unwrap_or("null"));
        text.push('}');
        text
    }

    pub fn complete(&self) -> &str {
        &self.complete
    }
}

pub const CONNECTION_ACK: &str = r#"{"type":"connection_ack"}"#;
pub const PONG: &str = r#"{"type":"pong"}"#;

/// The legacy protocol's refusal of a connection.
pub fn connection_error(message: &str) -> String {
    serde_json::json!({"type": "connection_error", "payload": {"message": message}}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_framed_per_protocol_around_the_shared_payload() {
        let payload = br#"{"data":{"trades":{"sequence":7}}}"#;
        let modern = Framing::new(WebSocketProtocols::GraphQLWS, "1");
        let message: serde_json::Value = serde_json::from_str(&modern.next(payload)).unwrap();
        assert_eq!(
            message,
            serde_json::json!({"type": "next", "id": "1", "payload": {"data": {"trades": {"sequence": 7}}}})
        );
        let legacy = Framing::new(WebSocketProtocols::SubscriptionsTransportWS, "a\"b");
        let message: serde_json::Value = serde_json::from_str(&legacy.next(payload)).unwrap();
        assert_eq!(message["type"], "data");
        assert_eq!(message["id"], "a\"b");
        let complete: serde_json::Value = serde_json::from_str(legacy.complete()).unwrap();
        assert_eq!(
            complete,
            serde_json::json!({"type": "complete", "id": "a\"b"})
        );
    }

    #[test]
    fn a_connection_error_is_json() {
        let message: serde_json::Value =
            serde_json::from_str(&connection_error("bad \"token\"")).unwrap();
        assert_eq!(message["payload"]["message"], "bad \"token\"");
    }
}
