//! Subscriptions over WebSocket: one actor per connection, speaking
//! graphql-transport-ws or the legacy graphql-ws. The actor runs the
//! protocol; the work of a subscription (executing it, serializing its
//! results) is done once for all identical subscriptions by the
//! [`Hub`](super::live::Hub) on its own thread, and this actor only frames
//! the shared bytes and writes them as its socket takes them, from its
//! bounded [`Outbox`]. The protocol's rules:
//! - a connection that sends no `connection_init` within the timeout is
//!   closed with 4408;
//! - a subscription asked for before `connection_ack` closes it with 4401;
//! - a `connection_init` the server refuses (a bad token, too many sockets
//!   for the account) closes it with 4403 (graphql-transport-ws; the legacy
//!   protocol answers `connection_error`), and a second one with 4429;
//! - a subscription id already running closes it with 4409
//!   (graphql-transport-ws; the legacy protocol replaces the subscription);
//! - a message that is not one of the protocol's closes it with 4400;
//! - a client that does not read fast enough to keep its outbox within
//!   bounds, or answers no ping for 15 s, is closed with 4413 (see
//!   [`super::live::SLOW_CONSUMER`]);
//! - an address and an account hold a bounded number of connections, and a
//!   connection a bounded number of subscriptions.
//!
//! The legacy protocol defines no close codes; it is closed with the same
//! ones, which its clients report as they are.

use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use actix::prelude::*;
use actix_http::ws::Item;
use actix_web::{HttpRequest, HttpResponse};
use actix_web_actors::ws::{
    self, CloseCode, CloseReason, Message, ProtocolError, WebsocketContext,
};
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, ClientMessage, WebSocketProtocols};
use futures_util::Stream;

use super::error::ApiError;
use super::guard::Caller;
use super::live::hub::{Feed, Hub, Subscriber};
use super::live::key::{Plan, plan};
use super::live::outbox::{Frame, Outbox, Queued, Slot, Taken};
use super::live::protocol::{self, Framing};
use super::live::{SLOW_CONSUMER, SUBSCRIPTIONS_PER_CONNECTION};
use super::state::ApiState;
use super::transport::Slot as Held;

const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);
/// A client that answers no ping for this long is gone.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(15);
/// The largest message a client may send in fragments (a whole frame is
/// bounded by the codec already).
const MAX_MESSAGE: usize = 128 * 1024;

/// Close codes of graphql-transport-ws.
mod close {
    pub const BAD_REQUEST: u16 = 4400;
    pub const UNAUTHORIZED: u16 = 4401;
    pub const FORBIDDEN: u16 = 4403;
    pub const INIT_TIMEOUT: u16 = 4408;
    pub const SUBSCRIBER_EXISTS: u16 = 4409;
    pub const TOO_MANY_INITS: u16 = 4429;
}

/// Numbers connections, so that the hub can tell their subscriptions apart.
static CONNECTIONS: AtomicU64 = AtomicU64::new(0);

/// Upgrade a request to a subscription connection, unless its address has
/// too many open already (then 429, before any upgrade).
pub fn start(
    request: &HttpRequest,
    payload: impl Stream<Item = Result<actix_web::web::Bytes, actix_web::error::PayloadError>> + 'static,
    hub: Arc<Hub>,
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
        id: CONNECTIONS.fetch_add(1, Ordering::Relaxed),
        outbox: Arc::new(Outbox::new(state.transport.ws_outbox)),
        hub,
        state,
        protocol,
        address,
        phase: Phase::AwaitingInit,
        caller: Caller::Anonymous,
        last_heartbeat: Instant::now(),
        continuation: Vec::new(),
        running: HashMap::new(),
        slots: HashMap::new(),
        next_slot: 0,
        _address_slot: address_slot,
        _account_slot: None,
    };
    ws::WsResponseBuilder::new(connection, request, payload)
        .protocols(&ALL_WEBSOCKET_PROTOCOLS)
        .start()
}

/// Where a connection stands in the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    AwaitingInit,
    Acknowledged,
    /// It is closing: nothing more is read.
    Closing,
}

struct Connection {
    id: u64,
    hub: Arc<Hub>,
    outbox: Arc<Outbox>,
    state: Arc<ApiState>,
    protocol: WebSocketProtocols,
    address: IpAddr,
    phase: Phase,
    caller: Caller,
    last_heartbeat: Instant,
    continuation: Vec<u8>,
    /// The client's subscription ids and the slots they run in.
    running: HashMap<String, Slot>,
    slots: HashMap<Slot, Running>,
    next_slot: Slot,
    _address_slot: Held<IpAddr>,
    _account_slot: Option<Held<i64>>,
    _counted: Counted,
}

/// One subscription (or one query or mutation) of the connection.
struct Running {
    id: String,
    framing: Framing,
    /// The shared feed it is on; `None` when it runs alone.
    feed: Option<Arc<Feed>>,
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
        self.phase = Phase::Closing;
        ctx.close(Some(CloseReason {
            code: CloseCode::from(code),
            description: Some(fit_close_reason(reason).to_owned()),
        }));
        ctx.stop();
    }

    fn is_modern(&self) -> bool {
        self.protocol == WebSocketProtocols::GraphQLWS
    }

    /// One whole message from the client.
    fn receive(&mut self, bytes: &[u8], ctx: &mut WebsocketContext<Self>) {
        if self.phase == Phase::Closing {
            return;
        }
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
        match message {
            ClientMessage::ConnectionInit { payload } => self.initialise(payload, ctx),
            ClientMessage::Start { .. } if self.phase != Phase::Acknowledged => {
                self.close(ctx, close::UNAUTHORIZED, "Unauthorized");
            }
            ClientMessage::Start { id, payload } => self.start(id, payload, ctx),
            ClientMessage::Stop { id } => {
                if self.stop(&id) {
                    ctx.text(Framing::new(self.protocol, &id).complete().to_owned());
                }
            }
            ClientMessage::ConnectionTerminate => {
                self.close(ctx, u16::from(CloseCode::Normal), "");
            }
            ClientMessage::Ping { .. } => ctx.text(protocol::PONG),
            ClientMessage::Pong { .. } => {}
        }
    }

    fn initialise(&mut self, payload: Option<serde_json::Value>, ctx: &mut WebsocketContext<Self>) {
        if self.phase != Phase::AwaitingInit {
            let why = "Too many initialisation requests.";
            return self.refuse(ctx, close::TOO_MANY_INITS, why);
        }
        match initialise(&self.state, &payload.unwrap_or_default()) {
            Ok((caller, account_slot)) => {
                self.caller = caller;
                self._account_slot = account_slot;
                self.phase = Phase::Acknowledged;
                ctx.text(protocol::CONNECTION_ACK);
            }
            Err(why) => self.refuse(ctx, close::FORBIDDEN, &why),
        }
    }

    /// Refuse the connection: graphql-transport-ws closes with `code`, the
    /// legacy protocol answers `connection_error` first.
    fn refuse(&mut self, ctx: &mut WebsocketContext<Self>, code: u16, why: &str) {
        if self.is_modern() {
            self.close(ctx, code, why);
        } else {
            ctx.text(protocol::connection_error(why));
            self.close(ctx, u16::from(CloseCode::Normal), "");
        }
    }

    fn start(
        &mut self,
        id: String,
        request: async_graphql::Request,
        ctx: &mut WebsocketContext<Self>,
    ) {
        if self.running.contains_key(&id) {
            if self.is_modern() {
                let why = format!("Subscriber for {id} already exists");
                return self.close(ctx, close::SUBSCRIBER_EXISTS, &why);
            }
            self.stop(&id);
        }
        let framing = Framing::new(self.protocol, &id);
        if self.running.len() >= SUBSCRIPTIONS_PER_CONNECTION {
            let why = ApiError::bad_input(format!(
                "a connection runs at most {SUBSCRIPTIONS_PER_CONNECTION} subscriptions at once; \
                 complete one first"
            ));
            return self.answer_alone(&framing, why, ctx);
        }
        let plan = plan(&request, &self.caller);
        if plan == Plan::Alone {
            let key = super::http::rate_key_of(&self.caller, Some(self.address));
            if !self.state.limiter.check(key, self.state.now()) {
                self.state.metrics.reject("RATE_LIMITED");
                let settings = self.state.limiter.settings();
                let why = ApiError::RateLimited {
                    per_second: settings.per_second,
                    burst: settings.burst,
                };
                return self.answer_alone(&framing, why, ctx);
            }
        }
        let slot = self.next_slot;
        self.next_slot += 1;
        let subscriber = Subscriber {
            connection: self.id,
            slot,
            outbox: Arc::clone(&self.outbox),
        };
        let feed = match plan {
            Plan::Shared(key) => Some(self.hub.subscribe(key, request, &self.caller, subscriber)),
            Plan::Alone => {
                self.hub.run_alone(request, self.caller.clone(), subscriber);
                None
            }
        };
        self.running.insert(id.clone(), slot);
        self.slots.insert(slot, Running { id, framing, feed });
    }

    /// Answer a request that is refused before it runs: its error, then
    /// `complete`.
    fn answer_alone(&self, framing: &Framing, why: ApiError, ctx: &mut WebsocketContext<Self>) {
        let error: async_graphql::Error = why.into();
        let response =
            async_graphql::Response::from_errors(vec![error.into_server_error(Default::default())]);
        let payload = serde_json::to_vec(&response).unwrap_or_default();
        ctx.text(framing.next(&payload));
        ctx.text(framing.complete().to_owned());
    }

    /// Stop the client's subscription `id`; false if it was not running.
    fn stop(&mut self, id: &str) -> bool {
        let Some(slot) = self.running.remove(id) else {
            return false;
        };
        if let Some(running) = self.slots.remove(&slot)
            && let Some(feed) = running.feed
        {
            self.hub.unsubscribe(&feed, self.id, slot);
        }
        true
    }

    /// Frames from the outbox, onto the socket.
    fn send(&mut self, frames: Vec<Queued>, ctx: &mut WebsocketContext<Self>) {
        let mut sent = 0;
        for Queued { slot, frame } in frames {
            // Frames of a subscription the client stopped are dropped.
            let Some(running) = self.slots.get(&slot) else {
                continue;
            };
            match frame {
                Frame::Next(payload) => ctx.text(running.framing.next(&payload)),
                Frame::Complete => {
                    ctx.text(running.framing.complete().to_owned());
                    let id = running.id.clone();
                    self.running.remove(&id);
                    self.slots.remove(&slot);
                }
            }
            sent += 1;
        }
        self.state.metrics.frames_sent(sent);
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

impl Actor for Connection {
    type Context = WebsocketContext<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.run_interval(HEARTBEAT_INTERVAL, |act, ctx| {
            if act.last_heartbeat.elapsed() > CLIENT_TIMEOUT {
                // A client that reads nothing answers no ping either: most
                // often it stopped reading before its outbox overflowed.
                let why = format!(
                    "slow consumer: no pong for {} s; reconnect for a fresh snapshot",
                    CLIENT_TIMEOUT.as_secs()
                );
                return act.close(ctx, SLOW_CONSUMER, &why);
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
        ctx.add_stream(Outgoing {
            outbox: Arc::clone(&self.outbox),
        });
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        self.outbox.close();
        for (slot, running) in self.slots.drain() {
            if let Some(feed) = running.feed {
                self.hub.unsubscribe(&feed, self.id, slot);
            }
        }
    }
}

/// The outbox, read whenever the connection runs: the connection runs only
/// when its socket has room, so what a slow client has not read waits in
/// the bounded outbox, not in the socket's buffers.
struct Outgoing {
    outbox: Arc<Outbox>,
}

enum Outbound {
    Frames(Vec<Queued>),
    Overflowed,
}

impl Stream for Outgoing {
    type Item = Outbound;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Outbound>> {
        let mut frames = Vec::new();
        match self.outbox.take(&mut frames, cx.waker()) {
            Taken::Overflowed => Poll::Ready(Some(Outbound::Overflowed)),
            Taken::Frames if frames.is_empty() => Poll::Pending,
            Taken::Frames => Poll::Ready(Some(Outbound::Frames(frames))),
        }
    }
}

impl StreamHandler<Outbound> for Connection {
    fn handle(&mut self, outbound: Outbound, ctx: &mut Self::Context) {
        match outbound {
            Outbound::Frames(frames) => self.send(frames, ctx),
            Outbound::Overflowed if self.phase != Phase::Closing => {
                let limits = self.state.transport.ws_outbox;
                let why = format!(
                    "slow consumer: more than {} frames or {} KiB waited to be read; \
                     reconnect for a fresh snapshot",
                    limits.frames,
                    limits.bytes / 1024
                );
                self.close(ctx, SLOW_CONSUMER, &why);
            }
            Outbound::Overflowed => {}
        }
    }
}

/// The caller a `connection_init` payload names (`{"authorization":
/// "Bearer <token>"}` or `{"token": "<token>"}`), holding one of its
/// account's connection slots for as long as the connection lasts.
fn initialise(
    state: &ApiState,
    payload: &serde_json::Value,
) -> Result<(Caller, Option<Held<i64>>), String> {
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
    match &caller {
        Caller::Invalid(why) => Err(why.clone()),
        Caller::Account(account) => match state.sockets.by_account.take(*account) {
            Some(slot) => Ok((caller, Some(slot))),
            None => Err(format!(
                "this account holds {} WebSocket connections already",
                state.transport.ws_per_account
            )),
        },
        Caller::Anonymous => Ok((caller, None)),
    }
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
}
