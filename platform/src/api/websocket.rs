//! Subscriptions over WebSocket: one actor per connection, speaking
//! graphql-transport-ws or the legacy graphql-ws. async-graphql runs the
//! protocol's messages; this actor holds the connection to the rules
//! async-graphql leaves out:
//! - a connection that sends no `connection_init` within the timeout is
//!   closed with 4408;
//! - a subscription asked for before `connection_ack` closes it with 4401;
//! - a `connection_init` the server refuses (a bad token, too many sockets
//!   for the account) closes it with 4403 (graphql-transport-ws; the legacy
//!   protocol answers `connection_error`);
//! - a message that is not one of the protocol's closes it with 4400;
//! - an address and an account hold a bounded number of connections.
//!
//! The legacy protocol defines no close codes; it is closed with the same
//! ones, which its clients report as they are.

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use actix_http::ws::Item;
use actix_web::{HttpRequest, HttpResponse};
use actix_web_actors::ws::{
    self, CloseCode, CloseReason, Message, ProtocolError, WebsocketContext,
};
use async_graphql::Data;
use async_graphql::http::{
    ALL_WEBSOCKET_PROTOCOLS, ClientMessage, WebSocket, WebSocketProtocols, WsMessage,
};
use futures_util::Stream;
use tokio::sync::mpsc;

use super::guard::Caller;
use super::schema::MarketSchema;
use super::state::ApiState;
use super::transport::Slot;

const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);
/// A client that answers no ping for this long is gone.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(15);
/// Client messages waiting for the protocol to take them; a client that
/// keeps more than this in flight is closed.
const INBOX: usize = 256;
/// The largest message a client may send in fragments (a whole frame is
/// bounded by the codec already).
const MAX_MESSAGE: usize = 128 * 1024;

/// Close codes of graphql-transport-ws.
mod close {
    pub const BAD_REQUEST: u16 = 4400;
    pub const UNAUTHORIZED: u16 = 4401;
    pub const FORBIDDEN: u16 = 4403;
    pub const INIT_TIMEOUT: u16 = 4408;
}

/// Upgrade a request to a subscription connection, unless its address has
/// too many open already (then 429, before any upgrade).
pub fn start(
    request: &HttpRequest,
    payload: impl Stream<Item = Result<actix_web::web::Bytes, actix_web::error::PayloadError>> + 'static,
    schema: MarketSchema,
    state: Arc<ApiState>,
) -> actix_web::Result<HttpResponse> {
    let protocol = request
        .headers()
        .get("sec-websocket-protocol")
        .and_then(|value| value.to_str().ok())
        .and_then(|protocols| {
            protocols
                .split(',')
                .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
        })
        .ok_or_else(|| {
            actix_web::error::ErrorBadRequest(
                "Sec-WebSocket-Protocol must offer graphql-transport-ws or graphql-ws",
            )
        })?;
    let address = request
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(std::net::Ipv4Addr::LOCALHOST.into());
    let Some(address_slot) = state.sockets.by_address.take(address) else {
        state.metrics.reject("RATE_LIMITED");
        return Ok(HttpResponse::TooManyRequests().body(format!(
            "this address holds {} WebSocket connections already",
            state.transport.ws_per_address
        )));
    };
    state.metrics.ws_connected();
    let connection = Connection {
        _counted: Counted(Arc::clone(&state.metrics)),
        schema,
        state,
        protocol,
        phase: Phase::AwaitingInit,
        last_heartbeat: Instant::now(),
        inbox: None,
        continuation: Vec::new(),
        _address_slot: address_slot,
    };
    ws::WsResponseBuilder::new(connection, request, payload)
        .protocols(&ALL_WEBSOCKET_PROTOCOLS)
        .start()
}

/// Where a connection stands in the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    AwaitingInit,
    /// `connection_init` arrived; its answer is on the way.
    Initialising,
    Acknowledged,
}

struct Connection {
    schema: MarketSchema,
    state: Arc<ApiState>,
    protocol: WebSocketProtocols,
    phase: Phase,
    last_heartbeat: Instant,
    inbox: Option<mpsc::Sender<serde_json::Result<ClientMessage>>>,
    continuation: Vec<u8>,
    _address_slot: Slot<std::net::IpAddr>,
    _counted: Counted,
}

/// Counts the connection in the metrics while it is open.
struct Counted(Arc<crate::metrics::Metrics>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.ws_disconnected();
    }
}

impl Connection {
    fn close(&mut self, ctx: &mut WebsocketContext<Self>, code: u16, reason: &str) {
        ctx.close(Some(CloseReason {
            code: CloseCode::from(code),
            description: Some(fit_close_reason(reason).to_owned()),
        }));
        ctx.stop();
    }

    /// One whole message from the client, held to the protocol's order
    /// before async-graphql runs it.
    fn receive(&mut self, bytes: &[u8], ctx: &mut WebsocketContext<Self>) {
        let message = match ClientMessage::from_bytes(bytes) {
            Ok(message) => message,
            Err(e) => {
                return self.close(
                    ctx,
                    close::BAD_REQUEST,
                    &format!("Invalid message received: {e}"),
                );
            }
        };
        match (&message, self.phase) {
            (ClientMessage::ConnectionInit { .. }, Phase::AwaitingInit) => {
                self.phase = Phase::Initialising;
            }
            (ClientMessage::Start { .. }, Phase::AwaitingInit | Phase::Initialising) => {
                return self.close(ctx, close::UNAUTHORIZED, "Unauthorized");
            }
            _ => {}
        }
        let Some(inbox) = &self.inbox else { return };
        if inbox.try_send(Ok(message)).is_err() {
            self.close(
                ctx,
                u16::from(CloseCode::Policy),
                "too many messages waiting; slow down",
            );
        }
    }

    /// What async-graphql answers, on its way to the client.
    fn send(&mut self, message: WsMessage, ctx: &mut WebsocketContext<Self>) {
        match message {
            WsMessage::Text(text) => {
                if self.phase == Phase::Initialising && is_ack(&text) {
                    self.phase = Phase::Acknowledged;
                }
                ctx.text(text);
            }
            // async-graphql closes a refused init with 1002; the protocol
            // says 4403.
            WsMessage::Close(1002, reason) if self.phase == Phase::Initialising => {
                self.close(ctx, close::FORBIDDEN, &reason);
            }
            WsMessage::Close(code, reason) => self.close(ctx, code, &reason),
        }
    }
}

/// A close frame's reason holds at most 123 bytes: longer ones are cut at
/// a character boundary.
fn fit_close_reason(reason: &str) -> &str {
    const MAX: usize = 123;
    if reason.len() <= MAX {
        return reason;
    }
    let mut end = MAX;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    &reason[..end]
}

fn is_ack(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Kind<'a> {
        #[serde(rename = "type", borrow)]
        kind: &'a str,
    }
    serde_json::from_str::<Kind>(text).is_ok_and(|k| k.kind == "connection_ack")
}

impl Actor for Connection {
    type Context = WebsocketContext<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.run_interval(HEARTBEAT_INTERVAL, |act, ctx| {
            if act.last_heartbeat.elapsed() > CLIENT_TIMEOUT {
                ctx.stop();
            }
            ctx.ping(b"");
        });
        ctx.run_later(self.state.transport.ws_init_timeout, |act, ctx| {
            if act.phase == Phase::AwaitingInit {
                act.close(
                    ctx,
                    close::INIT_TIMEOUT,
                    "Connection initialisation timeout",
                );
            }
        });
        let (inbox, messages) = mpsc::channel(INBOX);
        self.inbox = Some(inbox);
        let messages = futures_util::stream::unfold(messages, |mut messages| async move {
            messages.recv().await.map(|message| (message, messages))
        });
        let state = Arc::clone(&self.state);
        WebSocket::from_message_stream(self.schema.clone(), messages, self.protocol)
            .on_connection_init(move |payload| async move { initialise(&state, &payload) })
            .into_actor(self)
            .map(|message, act, ctx| act.send(message, ctx))
            .finish()
            // The protocol ended (the client terminated it, or a legacy
            // connection_error went out): so does the connection.
            .map(|(), act, ctx| act.close(ctx, u16::from(CloseCode::Normal), ""))
            .spawn(ctx);
    }
}

/// The caller a `connection_init` payload names (`{"authorization":
/// "Bearer <token>"}` or `{"token": "<token>"}`), holding one of its
/// account's connection slots for as long as the connection lasts.
fn initialise(state: &ApiState, payload: &serde_json::Value) -> async_graphql::Result<Data> {
    let token = payload
        .get("authorization")
        .or_else(|| payload.get("Authorization"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .or_else(|| {
            payload
                .get("token")
                .and_then(|v| v.as_str())
                .map(|t| format!("Bearer {t}"))
        });
    let caller = super::http::caller(state, token.as_deref());
    let mut data = Data::default();
    match &caller {
        Caller::Invalid(why) => return Err(async_graphql::Error::new(why.clone())),
        Caller::Account(account) => {
            let Some(slot) = state.sockets.by_account.take(*account) else {
                return Err(async_graphql::Error::new(format!(
                    "this account holds {} WebSocket connections already",
                    state.transport.ws_per_account
                )));
            };
            data.insert(AccountSlot { _slot: slot });
        }
        Caller::Anonymous => {}
    }
    data.insert(caller);
    Ok(data)
}

/// Held in the connection's data, so it is given back with the connection.
struct AccountSlot {
    _slot: Slot<i64>,
}

impl StreamHandler<Result<Message, ProtocolError>> for Connection {
    fn handle(&mut self, message: Result<Message, ProtocolError>, ctx: &mut Self::Context) {
        let Ok(message) = message else {
            ctx.stop();
            return;
        };
        match message {
            Message::Ping(bytes) => {
                self.last_heartbeat = Instant::now();
                ctx.pong(&bytes);
            }
            Message::Pong(_) => self.last_heartbeat = Instant::now(),
            Message::Text(text) => self.receive(text.as_bytes(), ctx),
            Message::Binary(bytes) => self.receive(&bytes, ctx),
            Message::Continuation(item) => {
                let last = matches!(item, Item::Last(_));
                match item {
                    Item::FirstText(bytes) | Item::FirstBinary(bytes) => {
                        self.continuation = bytes.to_vec();
                    }
                    Item::Continue(bytes) | Item::Last(bytes) => {
                        self.continuation.extend_from_slice(&bytes);
                    }
                }
                if self.continuation.len() > MAX_MESSAGE {
                    self.continuation = Vec::new();
                    let too_big = u16::from(CloseCode::Size);
                    return self.close(ctx, too_big, "the message is too large");
                }
                if last {
                    let whole = std::mem::take(&mut self.continuation);
                    self.receive(&whole, ctx);
                }
            }
            Message::Close(_) => ctx.stop(),
            Message::Nop => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_close_reason_fits_its_frame_and_stays_text() {
        assert_eq!(fit_close_reason("Unauthorized"), "Unauthorized");
        let long = "é".repeat(100);
        let cut = fit_close_reason(&long);
        assert_eq!(cut.len(), 122);
        assert!(long.starts_with(cut));
    }

    #[test]
    fn only_a_connection_ack_acknowledges() {
        assert!(is_ack(r#"{"type":"connection_ack"}"#));
        assert!(is_ack(r#"{"type":"connection_ack","payload":{}}"#));
        assert!(!is_ack(r#"{"type":"next","id":"connection_ack"}"#));
        assert!(!is_ack("not json"));
    }
}
