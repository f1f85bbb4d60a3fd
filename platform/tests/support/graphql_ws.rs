//! A GraphQL-over-WebSocket client for the tests, over awc, speaking either
//! sub-protocol:
//!
//! | step          | graphql-transport-ws | graphql-ws (legacy) |
//! |---------------|----------------------|---------------------|
//! | hello         | connection_init / connection_ack | same    |
//! | subscribe     | subscribe            | start               |
//! | an event      | next                 | data                |
//! | unsubscribe   | complete             | stop                |
//! | stream ended  | complete             | complete            |
//!
//! A background task owns the socket: it answers WebSocket pings (the
//! server drops clients that stay silent for 10 s) and protocol pings, and
//! hands every text message to the test. Every wait has a timeout, so a
//! missing message fails the test instead of hanging it.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use awc::ws::{Frame, Message};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// How long to wait for a message that must come.
pub const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `graphql-transport-ws` (the graphql-ws library's protocol).
    TransportWs,
    /// `graphql-ws` (the legacy subscriptions-transport-ws protocol).
    LegacyWs,
}

impl Protocol {
    pub const BOTH: [Protocol; 2] = [Protocol::TransportWs, Protocol::LegacyWs];

    /// The `Sec-WebSocket-Protocol` value.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::TransportWs => "graphql-transport-ws",
            Protocol::LegacyWs => "graphql-ws",
        }
    }

    pub fn subscribe(self) -> &'static str {
        match self {
            Protocol::TransportWs => "subscribe",
            Protocol::LegacyWs => "start",
        }
    }

    fn event(self) -> &'static str {
        match self {
            Protocol::TransportWs => "next",
            Protocol::LegacyWs => "data",
        }
    }

    fn unsubscribe(self) -> &'static str {
        match self {
            Protocol::TransportWs => "complete",
            Protocol::LegacyWs => "stop",
        }
    }
}

/// What the background task hands over.
#[derive(Debug)]
enum Incoming {
    Text(Value),
    Closed(Option<(u16, String)>),
}

/// One message for one subscription.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `next` / `data`: the payload, `{ "data": ..., "errors": [...] }`.
    Next(Value),
    /// An `error` message: its payload.
    Error(Value),
    /// The server ended the subscription.
    Complete,
    /// The connection closed, with the close code and reason if any.
    Closed(Option<(u16, String)>),
}

pub struct WsClient {
    pub protocol: Protocol,
    outgoing: mpsc::UnboundedSender<String>,
    incoming: mpsc::UnboundedReceiver<Incoming>,
    /// Messages that arrived for each subscription id, not yet read.
    by_id: HashMap<String, VecDeque<Value>>,
    closed: Option<Option<(u16, String)>>,
    next_id: u64,
}

/// The connection_init payload for a token, as the contract writes it.
pub fn bearer(token: &str) -> Value {
    json!({ "authorization": format!("Bearer {token}") })
}

impl WsClient {
    /// Opens the socket, sends connection_init with `payload` and waits
    /// for connection_ack. `Err` describes what the server did instead
    /// (connection_error, a close frame, or nothing).
    pub async fn connect(
        url: &str,
        protocol: Protocol,
        payload: Value,
    ) -> Result<WsClient, String> {
        let mut client = WsClient::open(url, protocol).await?;
        client.send(json!({ "type": "connection_init", "payload": payload }));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match client.receive(deadline).await {
                None => return Err("no connection_ack within the timeout".into()),
                Some(Incoming::Closed(reason)) => {
                    client.closed = Some(reason.clone());
                    return Err(format!("closed instead of acknowledging: {reason:?}"));
                }
                Some(Incoming::Text(message)) => match message["type"].as_str() {
                    Some("connection_ack") => return Ok(client),
                    Some("ka") => continue,
                    _ => return Err(format!("instead of connection_ack: {message}")),
                },
            }
        }
    }

    /// Connected with the token in the init payload (or none).
    pub async fn connect_as(url: &str, protocol: Protocol, token: Option<&str>) -> WsClient {
        let payload = token.map_or_else(|| json!({}), bearer);
        WsClient::connect(url, protocol, payload)
            .await
            .unwrap_or_else(|e| panic!("{} connection: {e}", protocol.name()))
    }

    /// The WebSocket upgrade alone, with the sub-protocol header.
    pub async fn open(url: &str, protocol: Protocol) -> Result<WsClient, String> {
        let (response, framed) = awc::Client::builder()
            .timeout(TIMEOUT)
            .finish()
            .ws(url)
            .protocols([protocol.name()])
            .max_frame_size(16 << 20)
            .connect()
            .await
            .map_err(|e| format!("WebSocket upgrade to {url} failed: {e} ({e:?})"))?;
        let agreed = response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if agreed.as_deref() != Some(protocol.name()) {
            return Err(format!(
                "the server agreed to sub-protocol {agreed:?}, not {}",
                protocol.name()
            ));
        }
        let (out_tx, mut out_rx) = mpsc::unbounded_channel::<String>();
        let (in_tx, in_rx) = mpsc::unbounded_channel();
        let (mut sink, mut stream) = framed.split();
        actix_web::rt::spawn(async move {
            loop {
                tokio::select! {
                    frame = stream.next() => match frame {
                        Some(Ok(Frame::Text(bytes))) => {
                            let message: Value = match serde_json::from_slice(&bytes) {
                                Ok(message) => message,
                                Err(e) => json!({
                                    "type": "<not json>",
                                    "error": e.to_string(),
                                    "text": String::from_utf8_lossy(&bytes),
                                }),
                            };
                            if message["type"] == "ping" {
                                let pong = json!({ "type": "pong" }).to_string();
                                if sink.send(Message::Text(pong.into())).await.is_err() {
                                    break;
                                }
                                continue;
                            }
                            if in_tx.send(Incoming::Text(message)).is_err() {
                                break;
                            }
                        }
                        Some(Ok(Frame::Ping(bytes))) => {
                            if sink.send(Message::Pong(bytes)).await.is_err() {
                                break;
                            }
                        }
                        Some(Ok(Frame::Close(reason))) => {
                            let reason = reason.map(|r| {
                                (u16::from(r.code), r.description.unwrap_or_default())
                            });
                            let _ = in_tx.send(Incoming::Closed(reason));
                            break;
                        }
                        Some(Ok(_)) => {}
                        Some(Err(_)) | None => {
                            let _ = in_tx.send(Incoming::Closed(None));
                            break;
                        }
                    },
                    out = out_rx.recv() => match out {
                        Some(text) => {
                            if sink.send(Message::Text(text.into())).await.is_err() {
                                let _ = in_tx.send(Incoming::Closed(None));
                                break;
                            }
                        }
                        // The client was dropped: say goodbye.
                        None => {
                            let _ = sink.send(Message::Close(None)).await;
                            break;
                        }
                    },
                }
            }
        });
        Ok(WsClient {
            protocol,
            outgoing: out_tx,
            incoming: in_rx,
            by_id: HashMap::new(),
            closed: None,
            next_id: 0,
        })
    }

    pub fn send(&self, message: Value) {
        let _ = self.outgoing.send(message.to_string());
    }

    /// One message from the socket, or `None` at the deadline.
    async fn receive(&mut self, deadline: Instant) -> Option<Incoming> {
        match tokio::time::timeout_at(deadline, self.incoming.recv()).await {
            Ok(Some(incoming)) => Some(incoming),
            Ok(None) => Some(Incoming::Closed(None)),
            Err(_) => None,
        }
    }

    /// Starts a subscription; its id.
    pub fn subscribe(&mut self, query: &str, variables: Value) -> String {
        self.next_id += 1;
        let id = self.next_id.to_string();
        self.send(json!({
            "id": id,
            "type": self.protocol.subscribe(),
            "payload": { "query": query, "variables": variables },
        }));
        id
    }

    /// Ends a subscription from our side.
    pub fn unsubscribe(&mut self, id: &str) {
        self.send(json!({ "id": id, "type": self.protocol.unsubscribe() }));
    }

    /// The next message for subscription `id`, or `None` when nothing came
    /// within `wait`.
    pub async fn next_event(&mut self, id: &str, wait: Duration) -> Option<Event> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(message) = self.by_id.get_mut(id).and_then(VecDeque::pop_front) {
                return Some(self.event(message));
            }
            if let Some(reason) = &self.closed {
                return Some(Event::Closed(reason.clone()));
            }
            match self.receive(deadline).await {
                None => return None,
                Some(Incoming::Closed(reason)) => self.closed = Some(reason),
                Some(Incoming::Text(message)) => match message["id"].as_str() {
                    Some(other) => self
                        .by_id
                        .entry(other.to_owned())
                        .or_default()
                        .push_back(message),
                    None if message["type"] == "ka" || message["type"] == "pong" => {}
                    None => panic!("unexpected message without an id: {message}"),
                },
            }
        }
    }

    fn event(&self, message: Value) -> Event {
        let kind = message["type"].as_str().unwrap_or_default();
        match kind {
            "complete" => Event::Complete,
            "error" => Event::Error(message["payload"].clone()),
            "next" | "data" => {
                assert_eq!(
                    kind,
                    self.protocol.event(),
                    "the server answered {} with the other protocol's message: {message}",
                    self.protocol.name()
                );
                Event::Next(message["payload"].clone())
            }
            _ => panic!("unexpected message: {message}"),
        }
    }

    /// The next payload for `id`; panics on a timeout or anything else.
    pub async fn next_payload(&mut self, id: &str) -> Value {
        match self.next_event(id, TIMEOUT).await {
            Some(Event::Next(payload)) => payload,
            None => panic!(
                "no message on subscription {id} ({}) within {TIMEOUT:?}",
                self.protocol.name()
            ),
            Some(other) => panic!(
                "subscription {id} ({}): expected an event, got {other:?}",
                self.protocol.name()
            ),
        }
    }

    /// The `data` of the next event for `id`; panics on errors.
    pub async fn next_data(&mut self, id: &str) -> Value {
        let payload = self.next_payload(id).await;
        if let Some(errors) = payload.get("errors").filter(|e| !e.is_null()) {
            panic!(
                "subscription {id} ({}) sent errors: {errors:#}",
                self.protocol.name()
            );
        }
        payload["data"].clone()
    }

    /// The code of the error the subscription answers with: an event
    /// carrying errors, or an `error` message. Checks every error has one.
    pub async fn next_error_code(&mut self, id: &str) -> String {
        let errors = match self.next_event(id, TIMEOUT).await {
            Some(Event::Next(payload)) => payload["errors"].clone(),
            Some(Event::Error(payload)) => payload,
            other => panic!(
                "subscription {id} ({}): expected an error, got {other:?}",
                self.protocol.name()
            ),
        };
        let errors = errors
            .as_array()
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| panic!("expected errors, got {errors}"))
            .clone();
        for error in &errors {
            assert!(
                error["extensions"]["code"].is_string(),
                "every error carries extensions.code: {error}"
            );
        }
        errors[0]["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Nothing arrives for `id` within `wait`.
    pub async fn assert_silent(&mut self, id: &str, wait: Duration) {
        if let Some(event) = self.next_event(id, wait).await {
            panic!(
                "subscription {id} ({}) was expected to stay silent, got {event:?}",
                self.protocol.name()
            );
        }
    }

    /// Unsubscribes and waits for the server's `complete`, dropping any
    /// events still in flight.
    pub async fn unsubscribe_and_wait(&mut self, id: &str) {
        self.unsubscribe(id);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_event(id, left).await {
                Some(Event::Complete) => return,
                Some(Event::Next(_)) => continue,
                other => panic!(
                    "subscription {id} ({}): expected complete after unsubscribing, got {other:?}",
                    self.protocol.name()
                ),
            }
        }
    }

    /// Waits until the server closes the connection; its close code and
    /// reason, or `None` if it stayed open.
    pub async fn wait_closed(&mut self, wait: Duration) -> Option<Option<(u16, String)>> {
        let deadline = Instant::now() + wait;
        while self.closed.is_none() {
            match self.receive(deadline).await {
                None => return None,
                Some(Incoming::Closed(reason)) => self.closed = Some(reason),
                Some(Incoming::Text(_)) => {}
            }
        }
        self.closed.clone()
    }
}
