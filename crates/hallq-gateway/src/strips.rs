//! The window LED strips: hall events → a [`WindowStrip`] per strip → frames on the serial bus.
//!
//! Pure (unit-tested below):
//! - [`input_for`]: what a streamed event means for the strips at its window ([`StripInput`]);
//!   [`input_for_live`]: the same for a window as `/api/v1/live` lists it (after a (re)connect).
//! - [`apply`], [`apply_snapshot`]: an input into a strip (a snapshot never restarts the flash of
//!   the call the strip already shows).
//! - [`away_text`]: a pause's away message, `去窗口后台复印材料 10:30返回`, the return time in the
//!   hall's zone (the same text as the controller's `led.png`).
//! - [`picture`]: the frame a strip is sent: every phase of the flash and the scroll for the raw
//!   protocol; the state's still text for Onbon, whose controller holds the picture itself.
//! - [`Exchange`] helpers: full or partial raw frames, reply matching, reply timeouts.
//!
//! Drivers (thin): [`run`] keeps the strips, follows the events and a timer (re-render at
//! `next_change_ms`, send only when the `frame_key` changed), and per bus a sender task that
//! writes through the bus's [`BusWriter`] (so frames never interleave with the pads'), waits for
//! each reply, and retransmits the same bytes up to [`RETRIES`] times. An Onbon strip on the
//! network gets the same sender, over a [`crate::net`] link (a UDP socket or a kept TCP
//! connection) that plays the bus: it writes frames and reports replies and (re)connections.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use hallq_displays::layout::{self, StripState};
use hallq_displays::onbon::{self, DynamicArea, OnbonPacket, Request, Response};
use hallq_displays::raw::{self, Message, NakReason, Packet};
use hallq_displays::{CallOutcome, Frame, FrameKey, WindowStrip};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tracing::{debug, info, warn};

use crate::bus::{BusWriter, StripBusEvent};
use crate::config::{Config, StripConfig, StripLink, StripProtocol, brightness_at};
use crate::controller::Controller;
use crate::display::{LiveWindow, StreamEvent};
use crate::hub::HubMsg;
use crate::status::StatusHandle;

/// The hall's zone when the controller does not say.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";
/// Retransmissions of one message after its first try (raw protocol, section 6).
pub const RETRIES: u32 = 3;
/// The raw protocol's reply timeout after the host's last byte, before the reply's wire time.
pub const RAW_REPLY_WAIT: Duration = Duration::from_millis(50);
/// The longest raw reply on the wire, in bytes (a PONG).
pub const RAW_REPLY_BYTES: usize = 17;
/// How long an Onbon controller may take to answer (it redraws first; our choice).
pub const ONBON_REPLY_WAIT: Duration = Duration::from_millis(300);
/// The longest Onbon reply we expect on the wire, in bytes.
pub const ONBON_REPLY_BYTES: usize = 40;
/// How often the brightness schedule is looked at.
pub const BRIGHTNESS_CHECK: Duration = Duration::from_secs(30);
/// The wait before reading the controller again after a failed snapshot.
pub const RETRY_AFTER: Duration = Duration::from_secs(1);
/// The Onbon dynamic area the gateway draws into.
pub const ONBON_AREA: u8 = 0;

/// What one event asks of the strips at its window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripInput {
    /// A ticket called (or recalled, or called back) to the window.
    Call {
        /// The ticket number.
        number: String,
    },
    /// The window was paused with this away message.
    Pause {
        /// Reason and return time, possibly empty.
        away: String,
    },
    /// The pause ended.
    Resume,
    /// The window is free (the case finished, the ticket skipped, held or transferred; the
    /// clerk signed in or out).
    Idle,
}

/// What `event` means for the strips at its window, or `None` when it means nothing to them.
pub fn input_for(event: &StreamEvent, tz: &TimeZone) -> Option<(u32, StripInput)> {
    let window = event.window?;
    let input = match event.kind.as_str() {
        "ticket_called" | "ticket_recalled" | "ticket_called_back" => StripInput::Call {
            number: event.number.clone()?,
        },
        "ticket_finished" | "ticket_no_show" | "ticket_held" | "ticket_transferred"
        | "window_closed" | "window_opened" => StripInput::Idle,
        "window_paused" => StripInput::Pause {
            away: away_text(event.reason.as_deref(), event.back_at.as_deref(), tz),
        },
        "window_resumed" => StripInput::Resume,
        _ => return None,
    };
    Some((window, input))
}

/// What a window as `/api/v1/live` (or `/api/v1/windows/{n}`) lists it shows on its strip.
pub fn input_for_live(window: &LiveWindow, tz: &TimeZone) -> StripInput {
    match (window.state.as_str(), &window.ticket) {
        ("called" | "serving", Some(number)) => StripInput::Call {
            number: number.clone(),
        },
        ("paused", _) => StripInput::Pause {
            away: away_text(
                window.pause_reason.as_deref(),
                window.back_at.as_deref(),
                tz,
            ),
        },
        _ => StripInput::Idle,
    }
}

/// The away message of a pause: the reason and, when given, `HH:MM返回` in `tz` (an unreadable
/// `back_at` is left out).
pub fn away_text(reason: Option<&str>, back_at: Option<&str>, tz: &TimeZone) -> String {
    let back_at = back_at.and_then(|s| s.parse::<Timestamp>().ok());
    hallq_core::view::away_text(reason, back_at, tz)
}

/// Applies `input` to `strip` (over window `window`) at `now_ms`; the outcome of a call.
pub fn apply(
    strip: &mut WindowStrip,
    window: u32,
    input: &StripInput,
    now_ms: u64,
) -> Option<CallOutcome> {
    match input {
        StripInput::Call { number } => Some(strip.on_call(number, &window.to_string(), now_ms)),
        StripInput::Pause { away } => {
            strip.on_pause(away, now_ms);
            None
        }
        StripInput::Resume => {
            strip.on_resume(now_ms);
            None
        }
        StripInput::Idle => {
            strip.on_idle(now_ms);
            None
        }
    }
}

/// Applies what the controller says a window shows now: like [`apply`], except that the call the
/// strip already shows is kept as it is (a reconnect does not flash it again), and a window that
/// is no longer paused goes idle.
pub fn apply_snapshot(strip: &mut WindowStrip, window: u32, input: &StripInput, now_ms: u64) {
    match input {
        StripInput::Call { number } => {
            let label = window.to_string();
            let shown = matches!(strip.state(),
                StripState::Calling { number: n, window: w, .. } if *n == *number && *w == label);
            if !shown {
                strip.on_call(number, &label, now_ms);
            }
        }
        StripInput::Resume | StripInput::Idle => strip.on_idle(now_ms),
        StripInput::Pause { .. } => {
            apply(strip, window, input, now_ms);
        }
    }
}

/// What decides whether a strip needs a new frame: for raw strips the full frame key (the flash
/// and the scroll are drawn by the gateway), for Onbon strips the revision only (the controller
/// shows the text still).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentKey {
    /// A raw strip's last frame key.
    Raw(FrameKey),
    /// An Onbon strip's last revision.
    Onbon(u64),
}

/// The key of what `strip` would be sent at `now_ms`.
pub fn sent_key(protocol: StripProtocol, strip: &WindowStrip, now_ms: u64) -> SentKey {
    match protocol {
        StripProtocol::Raw => SentKey::Raw(strip.frame_key(now_ms)),
        StripProtocol::Onbon => SentKey::Onbon(strip.revision()),
    }
}

/// The picture a strip is sent at `now_ms`.
pub fn picture(protocol: StripProtocol, strip: &WindowStrip, now_ms: u64) -> Frame {
    match protocol {
        StripProtocol::Raw => strip.render(now_ms),
        StripProtocol::Onbon => {
            let state = strip.state();
            layout::render_line(strip.panel(), &state.text(), state.color(), 0)
        }
    }
}

/// When a strip's picture may change next without input (Onbon strips never: the controller
/// shows a still).
pub fn next_change(protocol: StripProtocol, strip: &WindowStrip, now_ms: u64) -> Option<u64> {
    match protocol {
        StripProtocol::Raw => strip.next_change_ms(now_ms),
        StripProtocol::Onbon => None,
    }
}

/// The smallest rectangle `(x, y, w, h)` holding every pixel in which `a` and `b` differ, or
/// `None` when they are equal. Both must have the same size.
pub fn diff_box(a: &Frame, b: &Frame) -> Option<(u16, u16, u16, u16)> {
    let w = a.width();
    let (mut x0, mut y0, mut x1, mut y1) = (u16::MAX, u16::MAX, 0u16, 0u16);
    let mut any = false;
    for (i, (p, q)) in a.pixels().iter().zip(b.pixels()).enumerate() {
        if p != q {
            let (x, y) = ((i % usize::from(w)) as u16, (i / usize::from(w)) as u16);
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
            any = true;
        }
    }
    any.then(|| (x0, y0, x1 - x0 + 1, y1 - y0 + 1))
}

/// The raw message that turns `shown` (what the panel shows, when known) into `want`: a partial
/// frame of the changed rectangle when that is shorter than a full frame, `None` when nothing
/// changed.
pub fn raw_update(shown: Option<&Frame>, want: &Frame) -> Option<Message> {
    let Some(shown) = shown.filter(|s| s.width() == want.width() && s.height() == want.height())
    else {
        return Some(Message::FullFrame(want.clone()));
    };
    let (x, y, w, h) = diff_box(shown, want)?;
    let planes = usize::from(want.mode().planes());
    let partial = 9 + hallq_displays::frame::row_bytes(w) * usize::from(h) * planes;
    let full =
        5 + hallq_displays::frame::row_bytes(want.width()) * usize::from(want.height()) * planes;
    Some(if partial < full {
        Message::PartialFrame {
            x,
            y,
            pixels: want.region(x, y, w, h),
        }
    } else {
        Message::FullFrame(want.clone())
    })
}

/// Time on the wire of `bytes` bytes at `baud` (8N1: 10 bits a byte).
pub fn wire_time(bytes: usize, baud: u32) -> Duration {
    Duration::from_micros((bytes as u64 * 10 * 1_000_000).div_ceil(u64::from(baud.max(1))))
}

/// How long to wait for the reply to a frame of `len` bytes after it was handed to the port.
pub fn reply_timeout(protocol: StripProtocol, len: usize, baud: u32) -> Duration {
    match protocol {
        StripProtocol::Raw => {
            wire_time(len, baud) + RAW_REPLY_WAIT + wire_time(RAW_REPLY_BYTES, baud)
        }
        StripProtocol::Onbon => {
            wire_time(len, baud) + ONBON_REPLY_WAIT + wire_time(ONBON_REPLY_BYTES, baud)
        }
    }
}

/// What a reply read on the bus means for the exchange with the strip at `address` that sent
/// `seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMeaning {
    /// Not the reply to this exchange (another panel's, our own frame read back, a stale SEQ).
    Unrelated,
    /// Applied.
    Ack,
    /// Refused, for this reason; `retry` for a busy panel.
    Nak {
        /// The raw reason code, or the Onbon error number.
        code: u16,
        /// Worth retrying after the timeout.
        retry: bool,
    },
}

/// Reads a bus event as the reply to the exchange with `address`/`seq`.
pub fn reply_meaning(
    protocol: StripProtocol,
    address: u8,
    seq: u8,
    ev: &StripBusEvent,
) -> ReplyMeaning {
    match (protocol, ev) {
        (StripProtocol::Raw, StripBusEvent::Raw(f)) if f.address == address && f.seq == seq => {
            match f.kind {
                raw::kind::ACK | raw::kind::PONG => ReplyMeaning::Ack,
                raw::kind::NAK => {
                    let reason = NakReason::from_code(f.payload.first().copied().unwrap_or(0));
                    ReplyMeaning::Nak {
                        code: u16::from(reason.code()),
                        retry: reason == NakReason::Busy,
                    }
                }
                _ => ReplyMeaning::Unrelated,
            }
        }
        (StripProtocol::Onbon, StripBusEvent::Onbon(p)) if p.header.src == u16::from(address) => {
            onbon_reply_meaning(p)
        }
        _ => ReplyMeaning::Unrelated,
    }
}

/// Reads an Onbon packet as a controller's reply to the PC, whatever its screen address (on the
/// network the socket tells which controller answered).
pub fn onbon_reply_meaning(p: &OnbonPacket) -> ReplyMeaning {
    if p.header.dst != onbon::SRC_PC {
        return ReplyMeaning::Unrelated;
    }
    match Response::parse(&p.data) {
        Ok(r) if r.is_ok() => ReplyMeaning::Ack,
        Ok(r) => ReplyMeaning::Nak {
            code: r.error,
            retry: false,
        },
        Err(_) => ReplyMeaning::Unrelated,
    }
}

/// What the strip driver asks of a bus's sender.
#[derive(Debug, Clone)]
enum Out {
    /// Show this picture (replaces any picture not yet sent).
    Picture(usize, Frame),
    /// Set this brightness level.
    Brightness(usize, u8),
    /// Send the current picture and brightness again in full (after a reconnect).
    Resend(usize),
}

/// Runs the strips of `config` until the task is dropped.
pub(crate) async fn run(
    config: Arc<Config>,
    writers: Vec<BusWriter>,
    bus_events: Vec<Option<UnboundedReceiver<StripBusEvent>>>,
    ctl: Controller,
    mut rx: UnboundedReceiver<HubMsg>,
    status: StatusHandle,
) {
    let start = Instant::now();
    let now_ms = || start.elapsed().as_millis() as u64;
    let mut senders = JoinSet::new();
    // One sender per bus with strips and per network strip; `route[i]`: strip `i`'s sender.
    let mut outs: Vec<UnboundedSender<Out>> = Vec::new();
    let mut route: Vec<Option<usize>> = vec![None; config.strips.len()];
    for (bus, events) in bus_events.into_iter().enumerate() {
        let Some(events) = events else {
            continue;
        };
        let (tx, out_rx) = unbounded_channel();
        for (i, s) in config.strips.iter().enumerate() {
            if s.bus() == Some(bus) {
                route[i] = Some(outs.len());
            }
        }
        outs.push(tx);
        let sender = BusSender::new(&config, bus, writers[bus].clone(), status.clone());
        senders.spawn(sender.run(out_rx, events));
    }
    for (i, s) in config.strips.iter().enumerate() {
        let StripLink::Net { transport, address } = s.link else {
            continue;
        };
        let (events_tx, events) = unbounded_channel();
        let (writer, io) = crate::net::link(transport, address, events_tx);
        senders.spawn(io);
        let (tx, out_rx) = unbounded_channel();
        route[i] = Some(outs.len());
        outs.push(tx);
        let sender = BusSender::for_net(s, i, writer, status.clone());
        senders.spawn(sender.run(out_rx, events));
    }
    let strips_cfg = &config.strips;
    let mut strips: Vec<WindowStrip> = strips_cfg
        .iter()
        .map(|s| WindowStrip::new(s.panel, now_ms()))
        .collect();
    let mut sent: Vec<Option<SentKey>> = vec![None; strips.len()];
    // Which strips to look at: those an input changed, and those whose picture moves by itself
    // (`next_at`, on the strip clock). Looking only at these keeps a burst of events cheap.
    let mut dirty: Vec<bool> = vec![true; strips.len()];
    let mut next_at: Vec<Option<u64>> = vec![None; strips.len()];
    let mut levels: Vec<Option<u8>> = vec![None; strips.len()];
    let mut tz = TimeZone::get(DEFAULT_TIME_ZONE).unwrap_or(TimeZone::UTC);
    let mut applied_seq = 0u64;
    let mut synced = false;
    let mut snapshot_due: Option<Instant> = None;
    let mut brightness = tokio::time::interval(BRIGHTNESS_CHECK);
    let send = |i: usize, out: Out| {
        if let Some(tx) = route[i].and_then(|r| outs.get(r)) {
            let _ = tx.send(out);
        }
    };
    loop {
        // Send what changed.
        let now = now_ms();
        if synced {
            for (i, strip) in strips.iter().enumerate() {
                if !dirty[i] && next_at[i].is_none_or(|t| t > now) {
                    continue;
                }
                dirty[i] = false;
                let p = strips_cfg[i].protocol;
                let key = sent_key(p, strip, now);
                if sent[i] != Some(key) {
                    sent[i] = Some(key);
                    send(i, Out::Picture(i, picture(p, strip, now)));
                }
                next_at[i] = next_change(p, strip, now);
            }
        }
        let wake = next_at
            .iter()
            .flatten()
            .min()
            .map(|at| start + Duration::from_millis(*at));
        tokio::select! {
            msg = rx.recv() => match msg {
                None => return,
                Some(HubMsg::Connected) => snapshot_due = Some(Instant::now()),
                Some(HubMsg::Event(e)) => {
                    if e.seq <= applied_seq {
                        continue;
                    }
                    applied_seq = e.seq;
                    if let Some((window, input)) = input_for(&e, &tz) {
                        let now = now_ms();
                        for (i, s) in strips_cfg.iter().enumerate() {
                            if s.window == window {
                                apply(&mut strips[i], window, &input, now);
                                dirty[i] = true;
                            }
                        }
                    }
                }
                Some(HubMsg::BusOpened(_)) => {}
            },
            _ = tokio::time::sleep_until(snapshot_due.unwrap_or_else(Instant::now)), if snapshot_due.is_some() => {
                match snapshot(&ctl).await {
                    Ok((zone, live)) => {
                        snapshot_due = None;
                        tz = zone;
                        if live.seq >= applied_seq {
                            applied_seq = live.seq;
                            let now = now_ms();
                            for (i, s) in strips_cfg.iter().enumerate() {
                                let input = live
                                    .window(s.window)
                                    .map_or(StripInput::Idle, |w| input_for_live(w, &tz));
                                apply_snapshot(&mut strips[i], s.window, &input, now);
                            }
                        }
                        info!(seq = live.seq, strips = strips.len(), "strips rebuilt from /api/v1/live; resending every frame");
                        synced = true;
                        for (i, key) in sent.iter_mut().enumerate() {
                            *key = None;
                            dirty[i] = true;
                            send(i, Out::Resend(i));
                        }
                        check_brightness(strips_cfg, &tz, &mut levels, true, &send);
                    }
                    Err(e) => {
                        debug!("strips: {e}");
                        snapshot_due = Some(Instant::now() + RETRY_AFTER);
                    }
                }
            }
            _ = tokio::time::sleep_until(wake.unwrap_or_else(Instant::now)), if wake.is_some() => {}
            _ = brightness.tick() => {
                if synced {
                    check_brightness(strips_cfg, &tz, &mut levels, false, &send);
                }
            }
            ended = senders.join_next(), if !senders.is_empty() => {
                warn!("a strip sender stopped: {ended:?}");
                return;
            }
        }
    }
}

/// Sends each strip's scheduled brightness when it changed (or always, when `force`).
fn check_brightness(
    strips: &[StripConfig],
    tz: &TimeZone,
    levels: &mut [Option<u8>],
    force: bool,
    send: &impl Fn(usize, Out),
) {
    let local = tz.to_datetime(Timestamp::now());
    let minute = (local.hour() as u16) * 60 + local.minute() as u16;
    for (i, s) in strips.iter().enumerate() {
        let Some(level) = brightness_at(&s.brightness, minute) else {
            continue;
        };
        if force || levels[i] != Some(level) {
            levels[i] = Some(level);
            send(i, Out::Brightness(i, level));
        }
    }
}

async fn snapshot(
    ctl: &Controller,
) -> Result<(TimeZone, crate::display::Live), crate::controller::LinkError> {
    let hall = ctl.hall().await?;
    let zone = hall
        .calendar
        .and_then(|c| c.time_zone)
        .and_then(|z| TimeZone::get(&z).ok())
        .unwrap_or_else(|| TimeZone::get(DEFAULT_TIME_ZONE).unwrap_or(TimeZone::UTC));
    let live = ctl.live().await?;
    Ok((zone, live))
}

/// One strip as its sender sees it.
struct Panel485 {
    index: usize,
    address: u8,
    /// Its key in the status (`"<bus id>/<address>"`, `"udp/<ip:port>"`).
    key: String,
    /// The Onbon screen address frames are sent to.
    screen: u16,
    protocol: StripProtocol,
    /// The picture it should show.
    want: Option<Frame>,
    /// The picture it acknowledged last, when known.
    shown: Option<Frame>,
    want_level: Option<u8>,
    shown_level: Option<u8>,
    seq: u8,
    offline: bool,
}

impl Panel485 {
    fn new(index: usize, address: u8, key: String, screen: u16, protocol: StripProtocol) -> Self {
        Panel485 {
            index,
            address,
            key,
            screen,
            protocol,
            want: None,
            shown: None,
            want_level: None,
            shown_level: None,
            seq: 0,
            offline: false,
        }
    }

    fn has_work(&self) -> bool {
        (self.want.is_some() && self.want != self.shown)
            || (self.want_level.is_some() && self.want_level != self.shown_level)
    }
}

/// Where a sender writes its frames.
enum Port {
    /// A serial bus (its writer thread, shared with the pads).
    Bus(BusWriter),
    /// A network link to one Onbon controller.
    Net(crate::net::NetWriter),
}

impl Port {
    /// Writes `bytes`; false when they could not go out (port closed, not connected).
    async fn send(&self, bytes: Vec<u8>) -> bool {
        match self {
            Port::Bus(w) => w.send_bytes(bytes).await.unwrap_or(false),
            Port::Net(w) => w.send(bytes).await,
        }
    }
}

/// Sends the strips' frames on one bus (or to one network strip), one exchange at a time.
struct BusSender {
    /// The bus's baud rate; `None` on the network (no wire time, any reply's screen address).
    baud: Option<u32>,
    writer: Port,
    panels: Vec<Panel485>,
    queue: VecDeque<usize>,
    status: StatusHandle,
}

enum Done {
    Acked,
    Refused(u16),
    NoReply,
    NotWritten,
}

impl BusSender {
    fn new(config: &Config, bus: usize, writer: BusWriter, status: StatusHandle) -> Self {
        let bus_id = config.buses[bus].id.clone();
        let panels = config
            .strips
            .iter()
            .enumerate()
            .filter_map(|(index, s)| match s.link {
                StripLink::Bus { bus: b, address } if b == bus => Some(Panel485::new(
                    index,
                    address,
                    format!("{bus_id}/{address}"),
                    u16::from(address),
                    s.protocol,
                )),
                _ => None,
            })
            .collect();
        BusSender {
            baud: Some(config.buses[bus].baud),
            writer: Port::Bus(writer),
            panels,
            queue: VecDeque::new(),
            status,
        }
    }

    /// The sender of network strip `index` (Onbon, sent to any screen address).
    fn for_net(
        strip: &StripConfig,
        index: usize,
        writer: crate::net::NetWriter,
        status: StatusHandle,
    ) -> Self {
        let key = match strip.link {
            StripLink::Net { transport, address } => format!("{}/{address}", transport.name()),
            StripLink::Bus { .. } => unreachable!("for_net takes network strips"),
        };
        BusSender {
            baud: None,
            writer: Port::Net(writer),
            panels: vec![Panel485::new(
                index,
                0,
                key,
                onbon::ADDR_ANY,
                strip.protocol,
            )],
            queue: VecDeque::new(),
            status,
        }
    }

    fn local(&self, index: usize) -> Option<usize> {
        self.panels.iter().position(|p| p.index == index)
    }

    fn enqueue(&mut self, local: usize) {
        if !self.queue.contains(&local) {
            self.queue.push_back(local);
        }
    }

    fn take(&mut self, out: Out) {
        match out {
            Out::Picture(i, f) => {
                if let Some(l) = self.local(i) {
                    self.panels[l].want = Some(f);
                    self.enqueue(l);
                }
            }
            Out::Brightness(i, level) => {
                if let Some(l) = self.local(i) {
                    self.panels[l].want_level = Some(level);
                    self.enqueue(l);
                }
            }
            Out::Resend(i) => {
                if let Some(l) = self.local(i) {
                    self.panels[l].shown = None;
                    self.panels[l].shown_level = None;
                    self.enqueue(l);
                }
            }
        }
    }

    fn reopened(&mut self) {
        for l in 0..self.panels.len() {
            self.panels[l].shown = None;
            self.panels[l].shown_level = None;
            self.panels[l].offline = false;
            self.enqueue(l);
        }
    }

    async fn run(
        mut self,
        mut rx: UnboundedReceiver<Out>,
        mut events: UnboundedReceiver<StripBusEvent>,
    ) {
        loop {
            while let Ok(out) = rx.try_recv() {
                self.take(out);
            }
            let next = loop {
                match self.queue.pop_front() {
                    Some(l) if self.panels[l].has_work() => break Some(l),
                    Some(_) => continue,
                    None => break None,
                }
            };
            let Some(l) = next else {
                tokio::select! {
                    out = rx.recv() => match out {
                        Some(out) => self.take(out),
                        None => return,
                    },
                    ev = events.recv() => match ev {
                        Some(StripBusEvent::Opened) => self.reopened(),
                        Some(_) => {}
                        None => return,
                    },
                }
                continue;
            };
            self.exchange(l, &mut events).await;
        }
    }

    /// What `ev` means for the exchange: on a bus, matched by address (and raw SEQ); on the
    /// network, any Onbon reply on the link.
    fn reply_meaning(
        &self,
        protocol: StripProtocol,
        address: u8,
        seq: u8,
        ev: &StripBusEvent,
    ) -> ReplyMeaning {
        match (self.baud, ev) {
            (Some(_), _) => reply_meaning(protocol, address, seq, ev),
            (None, StripBusEvent::Onbon(p)) => onbon_reply_meaning(p),
            (None, _) => ReplyMeaning::Unrelated,
        }
    }

    /// One message to panel `l` and its reply, with retransmissions.
    async fn exchange(&mut self, l: usize, events: &mut UnboundedReceiver<StripBusEvent>) {
        let p = &mut self.panels[l];
        // Brightness first, then the picture.
        let brightness = p.want_level.filter(|w| Some(*w) != p.shown_level);
        let (bytes, seq) = match p.protocol {
            StripProtocol::Raw => {
                let message = match brightness {
                    Some(level) => Some(Message::Brightness(level)),
                    None => p
                        .want
                        .as_ref()
                        .and_then(|w| raw_update(p.shown.as_ref(), w)),
                };
                let Some(message) = message else {
                    p.shown = p.want.clone();
                    return;
                };
                let seq = p.seq;
                p.seq = p.seq.wrapping_add(1);
                let packet = Packet {
                    address: p.address,
                    seq,
                    message,
                };
                match packet.encode() {
                    Ok(b) => (b, seq),
                    Err(e) => {
                        warn!(strip = %p.key, "cannot encode: {e}");
                        p.want = None;
                        return;
                    }
                }
            }
            StripProtocol::Onbon => {
                let request = match (brightness, &p.want) {
                    (Some(level), _) => {
                        Request::Brightness(onbon::Brightness::Manual(level.min(15)))
                    }
                    (None, Some(want)) => {
                        Request::UpdateArea(DynamicArea::still(ONBON_AREA, 0, 0, want.clone()))
                    }
                    (None, None) => return,
                };
                let packet = OnbonPacket {
                    header: onbon::Header::to_screen(p.screen, onbon::DEVICE_ANY),
                    data: request.encode_data(),
                };
                (packet.encode(), 0)
            }
        };
        let (address, protocol, offline) = (p.address, p.protocol, p.offline);
        let key = p.key.clone();
        let sending = p.want.clone();
        let tries = if offline { 1 } else { 1 + RETRIES };
        let mut done = Done::NoReply;
        let mut reopened = false;
        for attempt in 0..tries {
            if attempt > 0 {
                self.status.strip_at(&key, |s| s.retransmissions += 1);
            }
            let written = self.writer.send(bytes.clone()).await;
            if !written {
                done = Done::NotWritten;
                break;
            }
            self.status.strip_at(&key, |s| s.sent += 1);
            let wait = match self.baud {
                Some(baud) => reply_timeout(protocol, bytes.len(), baud),
                None => ONBON_REPLY_WAIT,
            };
            let deadline = Instant::now() + wait;
            done = loop {
                match tokio::time::timeout_at(deadline, events.recv()).await {
                    Err(_) => break Done::NoReply,
                    Ok(None) => return,
                    Ok(Some(StripBusEvent::Opened)) => reopened = true,
                    Ok(Some(ev)) => match self.reply_meaning(protocol, address, seq, &ev) {
                        ReplyMeaning::Unrelated => {}
                        ReplyMeaning::Ack => break Done::Acked,
                        ReplyMeaning::Nak { retry: true, .. } => {
                            tokio::time::sleep_until(deadline).await;
                            break Done::NoReply;
                        }
                        ReplyMeaning::Nak { code, retry: false } => break Done::Refused(code),
                    },
                }
            };
            if !matches!(done, Done::NoReply) {
                break;
            }
        }
        let p = &mut self.panels[l];
        match done {
            Done::Acked => {
                if p.offline {
                    info!(strip = %key, "strip answers again");
                }
                p.offline = false;
                match brightness {
                    Some(level) => p.shown_level = Some(level),
                    None => p.shown = sending,
                }
                self.status.strip_at(&key, |s| {
                    s.acked += 1;
                    s.online = true;
                });
                if p.has_work() {
                    self.enqueue(l);
                }
            }
            Done::Refused(code) => {
                warn!(strip = %key, code, "strip refused a frame; not retried");
                self.status.strip_at(&key, |s| s.refused += 1);
                // Do not loop on a refused message: wait for the next picture.
                match brightness {
                    Some(level) => p.shown_level = Some(level),
                    None => {
                        p.shown = None;
                        p.want = None;
                    }
                }
            }
            Done::NoReply => {
                if !p.offline {
                    warn!(strip = %key, "strip does not answer after {RETRIES} retries; offline");
                }
                p.offline = true;
                p.shown = None;
                self.status.strip_at(&key, |s| {
                    s.failures += 1;
                    s.online = false;
                });
            }
            Done::NotWritten => {
                // The port is closed: everything is sent again when it reopens.
                debug!(strip = %key, "port closed; frame kept for the reopening");
            }
        }
        if reopened {
            self.reopened();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hallq_displays::{ColorMode, LedColor, Panel};
    use serde_json::json;

    fn tz() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    fn ev(v: serde_json::Value) -> StreamEvent {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn events_map_to_strip_inputs() {
        let z = tz();
        let call = |t: &str| {
            input_for(
                &ev(json!({"seq": 1, "type": t, "number": "A002", "window": 3, "ticket": "x"})),
                &z,
            )
        };
        for t in ["ticket_called", "ticket_recalled", "ticket_called_back"] {
            assert_eq!(
                call(t),
                Some((
                    3,
                    StripInput::Call {
                        number: "A002".into()
                    }
                )),
                "{t}"
            );
        }
        for t in [
            "ticket_finished",
            "ticket_no_show",
            "ticket_held",
            "ticket_transferred",
            "window_closed",
            "window_opened",
        ] {
            assert_eq!(call(t), Some((3, StripInput::Idle)), "{t}");
        }
        assert_eq!(call("window_resumed"), Some((3, StripInput::Resume)));
        assert_eq!(call("service_started"), None);
        assert_eq!(call("ticket_issued"), None);
        // Without a window or a number there is nothing to show.
        assert_eq!(
            input_for(&ev(json!({"seq": 1, "type": "ticket_called"})), &z),
            None
        );
        assert_eq!(
            input_for(
                &ev(json!({"seq": 1, "type": "ticket_called", "window": 2})),
                &z
            ),
            None
        );
        let paused = ev(
            json!({"seq": 14, "type": "window_paused", "window": 1, "clerk": "clerk01",
            "reason": "去窗口后台复印材料", "back_at": "2026-11-26T02:30:00Z"}),
        );
        assert_eq!(
            input_for(&paused, &z),
            Some((
                1,
                StripInput::Pause {
                    away: "去窗口后台复印材料 10:30返回".into()
                }
            ))
        );
    }

    #[test]
    fn the_pause_text_uses_the_halls_zone() {
        let z = tz();
        assert_eq!(
            away_text(Some(" 午休 "), Some("2026-11-26T05:30:00Z"), &z),
            "午休 13:30返回"
        );
        assert_eq!(
            away_text(None, Some("2026-11-26T05:30:00Z"), &z),
            "13:30返回"
        );
        assert_eq!(away_text(Some("开会"), None, &z), "开会");
        assert_eq!(away_text(Some("开会"), Some("not a time"), &z), "开会");
        assert_eq!(
            away_text(Some("x"), Some("2026-11-26T05:30:00Z"), &TimeZone::UTC),
            "x 05:30返回"
        );
        let s = StripState::Paused {
            away: away_text(Some("开会"), Some("2026-11-26T02:30:00+00:00"), &z),
            since_ms: 0,
        };
        assert_eq!(s.text(), "暂停服务 开会 10:30返回");
    }

    #[test]
    fn live_windows_map_to_inputs_and_a_snapshot_does_not_reflash_the_shown_call() {
        let z = tz();
        let w = |v: serde_json::Value| -> LiveWindow { serde_json::from_value(v).unwrap() };
        let called = w(json!({"window": 3, "state": "serving", "ticket": "A001"}));
        let input = input_for_live(&called, &z);
        assert_eq!(
            input,
            StripInput::Call {
                number: "A001".into()
            }
        );
        assert_eq!(
            input_for_live(
                &w(json!({"window": 3, "state": "paused", "pause_reason": "开会"})),
                &z
            ),
            StripInput::Pause {
                away: "开会".into()
            }
        );
        assert_eq!(
            input_for_live(&w(json!({"window": 3, "state": "closed"})), &z),
            StripInput::Idle
        );

        let mut s = WindowStrip::new(Panel::TRICOLOR_160X32, 0);
        apply(&mut s, 3, &input, 1_000);
        let rev = s.revision();
        apply_snapshot(&mut s, 3, &input, 60_000);
        assert_eq!(s.revision(), rev, "the call on show is kept");
        assert_eq!(s.state().since_ms(), 1_000);
        // An event recall after 5 s flashes again (the coalescing rule of the strip decides).
        assert_eq!(
            apply(&mut s, 3, &input, 60_000),
            Some(CallOutcome::Announced)
        );
        assert_eq!(
            apply(&mut s, 3, &input, 61_000),
            Some(CallOutcome::Coalesced)
        );
        // A snapshot of a resumed window (idle) ends the pause.
        apply(&mut s, 3, &StripInput::Pause { away: "x".into() }, 62_000);
        apply_snapshot(&mut s, 3, &StripInput::Idle, 63_000);
        assert!(matches!(s.state(), StripState::Idle { .. }));
        // A resume outside a pause does not hide a call.
        apply(&mut s, 3, &input, 64_000);
        apply(&mut s, 3, &StripInput::Resume, 64_500);
        assert!(matches!(s.state(), StripState::Calling { .. }));
    }

    #[test]
    fn raw_strips_follow_the_flash_and_onbon_strips_only_the_state() {
        let mut s = WindowStrip::new(Panel::MONO_64X16, 0);
        s.on_call("A001", "3", 1_000);
        let raw0 = sent_key(StripProtocol::Raw, &s, 1_000);
        assert_ne!(raw0, sent_key(StripProtocol::Raw, &s, 1_600), "dark half");
        assert_eq!(
            sent_key(StripProtocol::Onbon, &s, 1_000),
            sent_key(StripProtocol::Onbon, &s, 1_600)
        );
        assert_eq!(next_change(StripProtocol::Onbon, &s, 1_000), None);
        assert_eq!(next_change(StripProtocol::Raw, &s, 1_000), Some(1_500));
        assert_eq!(picture(StripProtocol::Raw, &s, 1_600).lit_count(), 0);
        // Onbon: the still text from its start (a long line is cut, never scrolled).
        assert_eq!(
            picture(StripProtocol::Onbon, &s, 1_600),
            layout::render_line(&Panel::MONO_64X16, "A001 请到3号窗口", LedColor::Red, 0)
        );
        let mut wide = WindowStrip::new(Panel::TRICOLOR_160X32, 0);
        wide.on_call("A001", "3", 1_000);
        assert_eq!(
            picture(StripProtocol::Onbon, &wide, 1_600),
            layout::render_call(&Panel::TRICOLOR_160X32, "A001", "3", layout::FLASH_MS)
        );
    }

    #[test]
    fn small_changes_go_as_partial_frames() {
        let p = Panel::new(64, 16, ColorMode::Tricolor);
        let a = p.blank();
        let mut b = p.blank();
        assert_eq!(raw_update(Some(&a), &a), None);
        assert!(matches!(raw_update(None, &a), Some(Message::FullFrame(_))));
        b.set_pixel(10, 3, hallq_displays::LedColor::Green);
        b.set_pixel(20, 5, hallq_displays::LedColor::Red);
        assert_eq!(diff_box(&a, &b), Some((10, 3, 11, 3)));
        let Some(Message::PartialFrame { x, y, pixels }) = raw_update(Some(&a), &b) else {
            panic!("a partial frame")
        };
        let mut shown = a.clone();
        shown.blit(&pixels, x, y);
        assert_eq!(shown, b);
        // Everything changed: a full frame is shorter.
        let full = layout::render_idle(&p, 0);
        let mut inverse = p.blank();
        for y in 0..16 {
            for x in 0..64 {
                inverse.set_pixel(x, y, hallq_displays::LedColor::Red);
            }
        }
        assert!(matches!(
            raw_update(Some(&inverse), &full),
            Some(Message::FullFrame(_))
        ));
    }

    #[test]
    fn replies_are_matched_by_address_and_seq() {
        let reply = |address: u8, seq: u8, message: Message| {
            let bytes = Packet {
                address,
                seq,
                message,
            }
            .encode()
            .unwrap();
            let mut d = raw::RawDecoder::new();
            StripBusEvent::Raw(d.feed(&bytes).remove(0).unwrap())
        };
        let r = StripProtocol::Raw;
        assert_eq!(
            reply_meaning(r, 5, 7, &reply(5, 7, Message::Ack)),
            ReplyMeaning::Ack
        );
        assert_eq!(
            reply_meaning(r, 5, 7, &reply(5, 6, Message::Ack)),
            ReplyMeaning::Unrelated
        );
        assert_eq!(
            reply_meaning(r, 5, 7, &reply(4, 7, Message::Ack)),
            ReplyMeaning::Unrelated
        );
        assert_eq!(
            reply_meaning(r, 5, 7, &reply(5, 7, Message::Nak(NakReason::Busy))),
            ReplyMeaning::Nak {
                code: 5,
                retry: true
            }
        );
        assert_eq!(
            reply_meaning(r, 5, 7, &reply(5, 7, Message::Nak(NakReason::Geometry))),
            ReplyMeaning::Nak {
                code: 3,
                retry: false
            }
        );
        // Our own frame read back is not a reply.
        assert_eq!(
            reply_meaning(r, 5, 7, &reply(5, 7, Message::Brightness(3))),
            ReplyMeaning::Unrelated
        );
    }

    #[test]
    fn reply_timeouts_follow_the_raw_spec() {
        // 50 ms after the last byte plus 17 bytes: 3 ms at 57 600, 18 ms at 9 600.
        let t = reply_timeout(StripProtocol::Raw, 0, 57_600);
        assert_eq!(t.as_millis(), 52);
        let t = reply_timeout(StripProtocol::Raw, 144, 9_600);
        assert_eq!(t.as_millis(), 150 + 50 + 17);
    }
}
