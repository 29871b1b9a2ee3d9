//! The hall actor: one OS thread that owns the hall state and the SQLite write connection.
//!
//! Handlers send it [`Request`]s over a channel and await the reply. It takes requests in
//! batches (group commit): for each command it runs [`hallq_core::step`], then writes every
//! event of the batch in one transaction, and only then replies, pushes the events to
//! subscribers and answers the batch's read queries. So a reply or a pushed event always means
//! *committed*, and reads never see what is not committed.

use crate::clock::Clock;
use crate::problem::ApiError;
use hallq_core::command::Actor;
use hallq_core::view::{self, Live, TicketView};
use hallq_core::{Command, Envelope, Hall, HallState, Rejection};
use hallq_store::{Batch, EventRow, IdempotencyRecord, Store};
use jiff::Timestamp;
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

/// Requests taken in one batch at most.
const MAX_BATCH: usize = 256;
/// A snapshot of the state is written after this many events.
const SNAPSHOT_EVERY: u64 = 10_000;

/// One committed event as pushed to subscribers: its seq and its JSON text, encoded once.
#[derive(Debug, Clone)]
pub struct Frame {
    pub seq: u64,
    pub text: axum::extract::ws::Utf8Bytes,
}

/// The frames of one committed batch, in seq order, shared by every subscriber.
pub type FrameBatch = Arc<[Frame]>;

/// How a command's successful reply is rendered.
#[derive(Debug, Clone, Copy)]
pub enum Render {
    /// `201` with the ticket of the last event (and its tracking token).
    Ticket,
    /// `200 {"window": n, "ticket": …}` with the ticket the last event was about.
    Window(u32),
    /// `201 {"clerk","window"}` (the handler adds the token).
    Session,
    /// `204`.
    Empty,
    /// `201` with the first committed event of this type (e.g. `ticket_rated`), as pushed.
    Event(&'static str),
}

/// The `Idempotency-Key` of a POST and what identifies the request under it.
#[derive(Debug, Clone)]
pub struct Idempotency {
    pub principal: String,
    pub key: String,
    pub request_hash: String,
}

/// A committed reply: HTTP status and JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    /// True when this is the stored first result of an earlier request with the same key.
    pub replayed: bool,
}

/// Who is asking: a bearer token (SHA-256 hex), or the controller itself (sign-in, after the
/// password was checked).
#[derive(Debug, Clone)]
pub enum Credential {
    Token(Option<String>),
    System,
}

pub enum Query {
    /// Who the token belongs to.
    WhoAmI,
    Ticket(String),
    Live,
    Seq,
    /// One window for the clerk's console.
    Window(u32),
    /// A tell-once notice.
    Notice(String),
    /// What a window's rating pad shows: the clerk there and the visit awaiting a rating.
    PadView(u32),
    /// The fixes of bad ratings, with their overdue flags.
    Rectifications,
    /// The cases not yet handed over, with the business day.
    Cases,
    /// The supervisor's alerts now.
    Alerts,
    /// Today's hall figures.
    Today,
}

pub enum Answer {
    Actor(Actor),
    Ticket(Box<TicketView>),
    Live(Box<Live>),
    Seq(u64),
    Window(Box<view::WindowDetail>),
    Notice(Box<hallq_core::state::Notice>),
    PadView(
        Option<hallq_core::ids::ClerkId>,
        Option<Box<hallq_core::rating::RatableVisit>>,
    ),
    Rectifications(Vec<(hallq_core::rating::Rectification, bool)>),
    Cases(jiff::civil::Date, Vec<hallq_core::state::Case>),
    Alerts(Vec<hallq_core::alert::Alert>),
    Today(Box<view::Today>),
}

pub enum Request {
    Command {
        credential: Credential,
        command: Box<Command>,
        render: Render,
        idempotency: Option<Idempotency>,
        reply: oneshot::Sender<Result<Reply, ApiError>>,
    },
    Query {
        credential: Credential,
        query: Query,
        reply: oneshot::Sender<Result<Answer, ApiError>>,
    },
    /// The clock ticks: roll the business day at local midnight.
    Tick,
    /// Write a snapshot and stop.
    Shutdown(oneshot::Sender<()>),
}

/// A cheap handle to the actor.
#[derive(Clone)]
pub struct HallHandle {
    tx: mpsc::Sender<Request>,
    /// Committed events, a batch per message.
    pub events: broadcast::Sender<FrameBatch>,
    /// The seq of the last committed event, updated before any reply of its batch is sent.
    pub committed: watch::Receiver<u64>,
    pub hall: Arc<Hall>,
    pub secrets: Arc<crate::secrets::Secrets>,
    pub db_path: Arc<std::path::PathBuf>,
}

impl HallHandle {
    pub async fn command(
        &self,
        credential: Credential,
        command: Command,
        render: Render,
        idempotency: Option<Idempotency>,
    ) -> Result<Reply, ApiError> {
        let (reply, rx) = oneshot::channel();
        self.send(Request::Command {
            credential,
            command: Box::new(command),
            render,
            idempotency,
            reply,
        })
        .await?;
        rx.await.map_err(|_| ApiError::unavailable())?
    }

    pub async fn query(&self, credential: Credential, query: Query) -> Result<Answer, ApiError> {
        let (reply, rx) = oneshot::channel();
        self.send(Request::Query {
            credential,
            query,
            reply,
        })
        .await?;
        rx.await.map_err(|_| ApiError::unavailable())?
    }

    /// Authenticates a bearer token.
    pub async fn who(&self, token_hash: Option<String>) -> Result<Actor, ApiError> {
        match self
            .query(Credential::Token(token_hash), Query::WhoAmI)
            .await?
        {
            Answer::Actor(a) => Ok(a),
            _ => unreachable!("WhoAmI answers with an actor"),
        }
    }

    pub async fn tick(&self) {
        let _ = self.tx.send(Request::Tick).await;
    }

    pub async fn shutdown(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Request::Shutdown(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }

    async fn send(&self, r: Request) -> Result<(), ApiError> {
        self.tx.send(r).await.map_err(|_| ApiError::unavailable())
    }
}

struct HallActor {
    hall: Arc<Hall>,
    state: HallState,
    store: Store,
    clock: Clock,
    events: broadcast::Sender<FrameBatch>,
    committed: watch::Sender<u64>,
    secrets: Arc<crate::secrets::Secrets>,
    last_at: Option<Timestamp>,
    last_snapshot_seq: u64,
}

/// Opens the store, rebuilds the state (latest snapshot + the tail of the log) and starts the
/// actor thread.
pub fn start(
    hall: Arc<Hall>,
    db_path: std::path::PathBuf,
    secrets: Arc<crate::secrets::Secrets>,
    clock: Clock,
) -> Result<HallHandle, crate::Error> {
    let store = Store::open(&db_path)?;
    let started = std::time::Instant::now();
    let (state, snapshot_seq) = load_state(&store)?;
    tracing::info!(
        seq = state.seq,
        snapshot_seq,
        ms = started.elapsed().as_millis() as u64,
        "hall state rebuilt"
    );
    let (tx, mut rx) = mpsc::channel::<Request>(4096);
    let (events, _) = broadcast::channel(4096);
    let (committed_tx, committed) = watch::channel(state.seq);
    let mut actor = HallActor {
        hall: hall.clone(),
        last_at: state.at,
        state,
        store,
        clock,
        events: events.clone(),
        committed: committed_tx,
        secrets: secrets.clone(),
        last_snapshot_seq: snapshot_seq,
    };
    std::thread::Builder::new()
        .name("hall-actor".into())
        .spawn(move || {
            while let Some(first) = rx.blocking_recv() {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(r) => batch.push(r),
                        Err(_) => break,
                    }
                }
                if actor.run_batch(batch) {
                    break;
                }
            }
            actor.snapshot();
        })
        .map_err(|e| crate::Error::Io(e.to_string()))?;
    Ok(HallHandle {
        tx,
        events,
        committed,
        hall,
        secrets,
        db_path: Arc::new(db_path),
    })
}

/// The latest snapshot, then every later event applied.
fn load_state(store: &Store) -> Result<(HallState, u64), crate::Error> {
    let (mut state, snapshot_seq) = match store.latest_snapshot()? {
        Some(s) => match serde_json::from_slice::<HallState>(&s.state) {
            Ok(state) if state.seq == s.seq => (state, s.seq),
            _ => {
                tracing::warn!(
                    seq = s.seq,
                    "snapshot unreadable (older format?); replaying the whole log"
                );
                (HallState::default(), 0)
            }
        },
        None => (HallState::default(), 0),
    };
    replay(store, &mut state)?;
    Ok((state, snapshot_seq))
}

/// Applies every event after `state.seq` from the log, page by page.
pub fn replay(store: &Store, state: &mut HallState) -> Result<(), crate::Error> {
    loop {
        let rows = store.events_after(state.seq, 10_000)?;
        if rows.is_empty() {
            return Ok(());
        }
        for row in rows {
            let env: Envelope = serde_json::from_str(&row.body).map_err(|e| {
                crate::Error::Corrupt(format!("event {} does not parse: {e}", row.seq))
            })?;
            hallq_core::apply(state, &env);
        }
    }
}

/// A reply waiting for its batch to commit.
enum Pending {
    Command(
        oneshot::Sender<Result<Reply, ApiError>>,
        Result<Reply, ApiError>,
    ),
    Query(oneshot::Sender<Result<Answer, ApiError>>, Credential, Query),
}

impl HallActor {
    /// Runs one batch; returns true when asked to shut down.
    fn run_batch(&mut self, batch: Vec<Request>) -> bool {
        // Event times never go backwards, even if the system clock does.
        let now = self.clock.now().max(self.last_at.unwrap_or(Timestamp::MIN));
        self.last_at = Some(now);
        let mut envelopes: Vec<Envelope> = Vec::new();
        let mut idempotency: Vec<IdempotencyRecord> = Vec::new();
        let mut pending = Vec::new();
        let mut shutdown = None;
        for req in batch {
            match req {
                Request::Tick => {
                    envelopes.extend(hallq_core::tick(&self.hall, &mut self.state, now))
                }
                Request::Shutdown(done) => shutdown = Some(done),
                Request::Query {
                    credential,
                    query,
                    reply,
                } => pending.push(Pending::Query(reply, credential, query)),
                Request::Command {
                    credential,
                    command,
                    render,
                    idempotency: idem,
                    reply,
                } => {
                    let result = self.command(
                        credential,
                        &command,
                        render,
                        idem,
                        now,
                        &mut envelopes,
                        &mut idempotency,
                    );
                    pending.push(Pending::Command(reply, result));
                }
            }
        }

        let mut frames = Vec::with_capacity(envelopes.len());
        if !envelopes.is_empty() || !idempotency.is_empty() {
            let at = now.to_string();
            let rows: Vec<EventRow> = envelopes
                .iter()
                .map(|e| {
                    let body = e.to_json();
                    frames.push(Frame {
                        seq: e.seq,
                        text: body.clone().into(),
                    });
                    EventRow {
                        seq: e.seq,
                        at: at.clone(),
                        kind: e.event.kind().to_owned(),
                        body,
                    }
                })
                .collect();
            if let Err(e) = self.store.append(&Batch {
                events: rows,
                idempotency,
            }) {
                // Nothing of this batch is durable, so nothing of it may be seen: reload the
                // state from the log and refuse the batch's commands.
                tracing::error!(error = %e, "commit failed; reloading the state from the log");
                match load_state(&self.store) {
                    Ok((state, _)) => self.state = state,
                    Err(e) => {
                        tracing::error!(error = %e, "cannot reload the state; stopping");
                        std::process::exit(70);
                    }
                }
                frames.clear();
                for p in &mut pending {
                    if let Pending::Command(_, r) = p {
                        *r = Err(ApiError::unavailable());
                    }
                }
            }
        }

        // Readers that must see what a reply promised (the report projection) wait for this.
        self.committed.send_if_modified(|seq| {
            let moved = *seq != self.state.seq;
            *seq = self.state.seq;
            moved
        });
        for p in pending {
            match p {
                Pending::Command(reply, result) => {
                    let _ = reply.send(result);
                }
                Pending::Query(reply, credential, query) => {
                    let _ = reply.send(self.answer(credential, query, now));
                }
            }
        }
        if !frames.is_empty() {
            // One message per committed batch, so a subscriber sees a batch whole (a sign-in
            // elsewhere closes one window and opens another in one batch). No subscriber is
            // fine; a lagging one is cut off by its own task.
            let _ = self.events.send(frames.into());
        }
        if self.state.seq >= self.last_snapshot_seq + SNAPSHOT_EVERY {
            self.snapshot();
        }
        if let Some(done) = shutdown {
            self.snapshot();
            let _ = done.send(());
            return true;
        }
        false
    }

    #[allow(clippy::too_many_arguments)]
    fn command(
        &mut self,
        credential: Credential,
        command: &Command,
        render: Render,
        idem: Option<Idempotency>,
        now: Timestamp,
        envelopes: &mut Vec<Envelope>,
        idempotency: &mut Vec<IdempotencyRecord>,
    ) -> Result<Reply, ApiError> {
        let actor = self.authenticate(&credential)?;
        if let Some(idem) = &idem {
            let earlier = idempotency
                .iter()
                .find(|r| r.principal == idem.principal && r.key == idem.key)
                .cloned()
                .map(Ok)
                .or_else(|| {
                    self.store
                        .idempotency(&idem.principal, &idem.key)
                        .transpose()
                })
                .transpose()
                .map_err(|e| ApiError::internal(e.to_string()))?;
            if let Some(r) = earlier {
                if r.request_hash != idem.request_hash {
                    return Err(ApiError::idempotency_mismatch(&idem.key));
                }
                return Ok(Reply {
                    status: r.status,
                    body: serde_json::from_str(&r.response).unwrap_or(Value::Null),
                    replayed: true,
                });
            }
        }
        let step = hallq_core::step(&self.hall, &mut self.state, &actor, command, now);
        let last_ticket = step
            .events
            .iter()
            .rev()
            .find_map(|e| e.event.ticket().cloned());
        let last_seq = step.events.last().map(|e| e.seq);
        let event_body = match render {
            Render::Event(kind) => step
                .events
                .iter()
                .find(|e| e.event.kind() == kind)
                .and_then(|e| serde_json::to_value(e).ok()),
            _ => None,
        };
        envelopes.extend(step.events);
        step.result.map_err(ApiError::from)?;
        let mut reply = self.render(render, last_ticket.as_ref(), command, now);
        if let Some(body) = event_body {
            reply.body = body;
        }
        if let (Some(idem), Some(seq)) = (idem, last_seq) {
            idempotency.push(IdempotencyRecord {
                principal: idem.principal,
                key: idem.key,
                request_hash: idem.request_hash,
                status: reply.status,
                response: reply.body.to_string(),
                seq,
                at: now.to_string(),
            });
        }
        Ok(reply)
    }

    fn authenticate(&self, credential: &Credential) -> Result<Actor, ApiError> {
        match credential {
            Credential::System => Ok(Actor::System),
            Credential::Token(None) => Err(ApiError::unauthorized("no bearer token was given")),
            Credential::Token(Some(hash)) => {
                hallq_core::auth::authenticate(&self.hall, &self.state, hash).ok_or_else(|| {
                    ApiError::unauthorized("the token is unknown or its session has ended")
                })
            }
        }
    }

    fn ticket_json(&self, id: &hallq_core::ids::TicketId) -> Value {
        match self.state.ticket(id) {
            Some(t) => {
                let mut v = serde_json::to_value(view::ticket_view(&self.hall, &self.state, t))
                    .expect("views serialise");
                v["track_token"] = Value::String(self.secrets.track_token(id.as_str()));
                v
            }
            None => Value::Null,
        }
    }

    fn render(
        &self,
        render: Render,
        ticket: Option<&hallq_core::ids::TicketId>,
        command: &Command,
        _now: Timestamp,
    ) -> Reply {
        let ticket = ticket.map(|id| self.ticket_json(id)).unwrap_or(Value::Null);
        match render {
            Render::Ticket => Reply {
                status: 201,
                body: ticket,
                replayed: false,
            },
            Render::Window(n) => Reply {
                status: 200,
                body: serde_json::json!({ "window": n, "ticket": ticket }),
                replayed: false,
            },
            Render::Session => {
                let (clerk, window) = match command {
                    Command::SignIn { clerk, window, .. } => (clerk.to_string(), *window),
                    _ => (String::new(), None),
                };
                Reply {
                    status: 201,
                    body: serde_json::json!({ "clerk": clerk, "window": window }),
                    replayed: false,
                }
            }
            Render::Empty => Reply {
                status: 204,
                body: Value::Null,
                replayed: false,
            },
            Render::Event(_) => Reply {
                status: 201,
                body: Value::Null,
                replayed: false,
            },
        }
    }

    fn answer(
        &self,
        credential: Credential,
        query: Query,
        now: Timestamp,
    ) -> Result<Answer, ApiError> {
        if let Query::Seq = query {
            return Ok(Answer::Seq(self.state.seq));
        }
        let actor = self.authenticate(&credential)?;
        Ok(match query {
            Query::WhoAmI => Answer::Actor(actor),
            Query::Seq => unreachable!(),
            Query::Live => Answer::Live(Box::new(view::live(&self.hall, &self.state, now))),
            Query::Today => Answer::Today(Box::new(view::today(&self.hall, &self.state))),
            Query::Window(n) => Answer::Window(Box::new(
                view::window_detail(&self.hall, &self.state, hallq_core::ids::WindowNo(n), now)
                    .ok_or(ApiError::from(Rejection::UnknownWindow { window: n }))?,
            )),
            Query::PadView(n) => {
                let w = hallq_core::ids::WindowNo(n);
                if !self.hall.windows.contains_key(&w) {
                    return Err(ApiError::from(Rejection::UnknownWindow { window: n }));
                }
                Answer::PadView(
                    self.state.windows.get(&w).and_then(|ws| ws.clerk.clone()),
                    hallq_core::rating::pending_at(&self.state, w)
                        .cloned()
                        .map(Box::new),
                )
            }
            Query::Rectifications => {
                let today = self
                    .state
                    .day
                    .unwrap_or_else(|| self.hall.calendar.business_day(now));
                Answer::Rectifications(
                    self.state
                        .rectifications
                        .values()
                        .map(|r| (r.clone(), r.overdue(today)))
                        .collect(),
                )
            }
            Query::Alerts => {
                Answer::Alerts(hallq_core::alert::alerts(&self.hall, &self.state, now))
            }
            Query::Cases => Answer::Cases(
                self.state
                    .day
                    .unwrap_or_else(|| self.hall.calendar.business_day(now)),
                self.state.cases.values().cloned().collect(),
            ),
            Query::Notice(no) => Answer::Notice(Box::new(
                self.state
                    .notices
                    .get(&no)
                    .cloned()
                    .ok_or(ApiError::from(Rejection::UnknownNotice { notice: no }))?,
            )),
            Query::Ticket(id) => {
                let tid = hallq_core::ids::TicketId(id.clone());
                let Some(t) = self.state.ticket(&tid) else {
                    // Past days' tickets leave the working state at the day roll (the log keeps
                    // them): say so rather than "unknown".
                    let today = self.state.day.map(|d| d.strftime("%Y%m%d").to_string());
                    let past = matches!((id.split_once('-'), today), (Some((day, _)), Some(today)) if day.len() == 8 && day < today.as_str());
                    return Err(ApiError::from(if past {
                        Rejection::PastTicket { ticket: tid }
                    } else {
                        Rejection::UnknownTicket { ticket: id }
                    }));
                };
                Answer::Ticket(Box::new(view::ticket_view(&self.hall, &self.state, t)))
            }
        })
    }

    fn snapshot(&mut self) {
        if self.state.seq == self.last_snapshot_seq {
            return;
        }
        let bytes = serde_json::to_vec(&self.state).expect("state serialises");
        match self.store.save_snapshot(self.state.seq, &bytes) {
            Ok(()) => {
                self.last_snapshot_seq = self.state.seq;
                tracing::info!(
                    seq = self.state.seq,
                    bytes = bytes.len(),
                    "snapshot written"
                );
            }
            Err(e) => tracing::warn!(error = %e, "snapshot failed (the log is intact)"),
        }
    }
}
