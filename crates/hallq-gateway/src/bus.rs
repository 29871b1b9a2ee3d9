//! The serial driver: one RS-485 bus, a blocking reader thread and a writer thread around a
//! [`hallq_rs485::Decoder`].
//!
//! - The reader opens the port (8N1, the configured baud), reads with a 50 ms timeout and
//!   feeds the decoder; a read that times out means the line has been quiet for 50 ms, so it
//!   calls [`Decoder::idle`] to drop a cut-short frame. It acknowledges every good pad frame
//!   from a configured address at once by echoing it (before anything else happens, and ahead
//!   of queued displays), then hands the frame to the gateway. When the port fails (a USB
//!   adapter pulled out) it reopens it with backoff; the gateway is told when it is open again
//!   so the pads get their displays back.
//! - The writer sends displays and beeps in order. With the port closed, frames are dropped:
//!   the pads keep what they show.
//!
//! Both threads write through one mutex-guarded port handle, one whole frame at a time, so an
//! acknowledgement never lands inside a display frame.

use std::collections::{BTreeSet, VecDeque};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use hallq_displays::onbon::{OnbonDecoder, OnbonPacket};
use hallq_displays::raw::{RawDecoder, RawFrame};
use hallq_rs485::{Decoder, Direction, Frame, Message, Stats};
use serialport::{DataBits, FlowControl, Parity, StopBits, TTYPort};
use tokio::sync::mpsc::UnboundedSender;
use tracing::{debug, info, warn};

use crate::backoff::{Backoff, jitter};
use crate::config::BusConfig;
use crate::status::StatusHandle;

/// Silence after which a partly received frame can no longer complete (a 262-byte frame takes
/// ≈ 270 ms at 9600 baud, but its bytes arrive back to back: 50 ms without one is a cut).
pub const READ_SILENCE: Duration = Duration::from_millis(50);
/// The gap between two beeps, so a pad hears two.
pub const BEEP_GAP: Duration = Duration::from_millis(150);
/// How long a written frame may take to come back on an adapter with local echo.
const OWN_ECHO_WINDOW: Duration = Duration::from_secs(2);

/// What a bus tells the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusEvent {
    /// The port is (again) open: the pads on it need their displays.
    Opened {
        /// Index into the configuration's buses.
        bus: usize,
    },
    /// A good frame from a configured pad, already acknowledged.
    Frame {
        /// Index into the configuration's buses.
        bus: usize,
        /// The frame.
        frame: Frame,
    },
}

enum WriteCmd {
    Frame(Vec<u8>),
    /// A frame whose writer wants to know when it was written (true) or dropped (false).
    Notify(Vec<u8>, tokio::sync::oneshot::Sender<bool>),
    Pause(Duration),
}

/// What a bus tells the driver of the LED strips on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripBusEvent {
    /// The port is (again) open: the strips need their frames again.
    Opened,
    /// A good raw-bitmap frame read on the bus (a panel's reply, or the gateway's own frame
    /// read back by an adapter with local echo: the driver looks only at replies).
    Raw(RawFrame),
    /// A good Onbon packet read on the bus.
    Onbon(OnbonPacket),
}

/// How a bus reaches the driver of its LED strips.
#[derive(Debug, Clone)]
pub struct StripLink {
    /// Decode raw-bitmap replies.
    pub raw: bool,
    /// Decode Onbon replies.
    pub onbon: bool,
    /// Where to send them.
    pub tx: UnboundedSender<StripBusEvent>,
}

/// Sends frames to the pads on one bus. Cheap to clone; never blocks.
#[derive(Clone)]
pub struct BusWriter {
    tx: mpsc::Sender<WriteCmd>,
}

impl BusWriter {
    /// Queue `message` for the pad at `address`.
    pub fn send(&self, address: u8, message: Message) {
        let _ = self
            .tx
            .send(WriteCmd::Frame(message.to_frame(address).encode()));
    }

    /// Queue `times` beeps for the pad at `address`, [`BEEP_GAP`] apart.
    pub fn beep(&self, address: u8, times: u32) {
        for i in 0..times {
            if i > 0 {
                let _ = self.tx.send(WriteCmd::Pause(BEEP_GAP));
            }
            self.send(address, Message::Beep);
        }
    }
}

impl BusWriter {
    /// Queue whole `bytes` (one frame of any protocol); the answer tells when the frame went out
    /// (true) or was dropped because the port is closed (false). Frames are never interleaved
    /// with the other frames on the bus.
    pub fn send_bytes(&self, bytes: Vec<u8>) -> tokio::sync::oneshot::Receiver<bool> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let _ = self.tx.send(WriteCmd::Notify(bytes, tx));
        rx
    }
}

/// A running bus: its writer and its two threads.
pub struct Bus {
    /// Where to send frames.
    pub writer: BusWriter,
    threads: Vec<JoinHandle<()>>,
}

impl Bus {
    /// Waits for both threads; call after setting the stop flag and dropping every writer.
    pub fn join(self) {
        for t in self.threads {
            let _ = t.join();
        }
    }
}

/// Frames written lately, with when, for an adapter that reads its own writes back.
type OwnWrites = VecDeque<(Instant, Vec<u8>)>;

#[derive(Clone)]
struct Shared {
    index: usize,
    cfg: BusConfig,
    /// The addresses of the configured pads on this bus.
    addresses: BTreeSet<u8>,
    port: Arc<Mutex<Option<TTYPort>>>,
    own: Arc<Mutex<OwnWrites>>,
    status: StatusHandle,
    stop: Arc<AtomicBool>,
    strips: Option<StripLink>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts the reader and writer threads of bus `index`. They run until `stop` is set.
pub fn spawn(
    index: usize,
    cfg: BusConfig,
    addresses: BTreeSet<u8>,
    events: UnboundedSender<BusEvent>,
    status: StatusHandle,
    stop: Arc<AtomicBool>,
    strips: Option<StripLink>,
) -> Bus {
    let shared = Shared {
        index,
        cfg,
        addresses,
        port: Arc::default(),
        own: Arc::default(),
        status,
        stop,
        strips,
    };
    shared.status.bus(&shared.cfg.id, |_| {});
    let (tx, rx) = mpsc::channel();
    let name = |what: &str| format!("bus-{}-{what}", shared.cfg.id);
    let reader = {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name(name("reader"))
            .spawn(move || read_thread(&shared, &events))
            .expect("spawn a thread")
    };
    let writer = std::thread::Builder::new()
        .name(name("writer"))
        .spawn(move || write_thread(&shared, &rx))
        .expect("spawn a thread");
    Bus {
        writer: BusWriter { tx },
        threads: vec![reader, writer],
    }
}

fn open(cfg: &BusConfig) -> serialport::Result<TTYPort> {
    serialport::new(cfg.path.to_string_lossy(), cfg.baud)
        .data_bits(DataBits::Eight)
        .parity(Parity::None)
        .stop_bits(StopBits::One)
        .flow_control(FlowControl::None)
        .timeout(READ_SILENCE)
        .open_native()
}

/// Sleeps `d` in short steps; false when stopped meanwhile.
fn nap(stop: &AtomicBool, d: Duration) -> bool {
    let until = Instant::now() + d;
    while Instant::now() < until {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        std::thread::sleep((until - Instant::now()).min(Duration::from_millis(50)));
    }
    !stop.load(Ordering::Relaxed)
}

fn read_thread(s: &Shared, events: &UnboundedSender<BusEvent>) {
    let id = &s.cfg.id;
    let path = s.cfg.path.display();
    let mut backoff = Backoff::default();
    let mut failing = false;
    // Counters of the decoders of earlier openings.
    let mut earlier = Stats::default();
    while !s.stop.load(Ordering::Relaxed) {
        let opened = open(&s.cfg).and_then(|p| {
            let w = p.try_clone_native()?;
            Ok((p, w))
        });
        let (mut port, writer) = match opened {
            Ok(ports) => ports,
            Err(e) => {
                if failing {
                    debug!(bus = %id, "cannot open {path}: {e}");
                } else {
                    warn!(bus = %id, "cannot open {path}: {e}; retrying with backoff");
                    failing = true;
                }
                if !nap(&s.stop, backoff.next_delay(jitter())) {
                    return;
                }
                continue;
            }
        };
        failing = false;
        backoff.reset();
        *lock(&s.port) = Some(writer);
        s.status.bus(id, |b| b.open = true);
        info!(bus = %id, "{path} open at {} 8N1", s.cfg.baud);
        let _ = events.send(BusEvent::Opened { bus: s.index });
        if let Some(link) = &s.strips {
            let _ = link.tx.send(StripBusEvent::Opened);
        }

        let mut decoder = Decoder::new();
        let outcome = read_loop(s, &mut port, &mut decoder, &earlier, events);
        earlier = add(earlier, decoder.stats());
        *lock(&s.port) = None;
        s.status.bus(id, |b| b.open = false);
        match outcome {
            Ok(()) => return, // stopped
            Err(e) => {
                warn!(bus = %id, "{path}: {e}; reopening");
                if !nap(&s.stop, backoff.next_delay(jitter())) {
                    return;
                }
            }
        }
    }
}

/// Reads until stopped (`Ok`) or the port fails (`Err`).
fn read_loop(
    s: &Shared,
    port: &mut TTYPort,
    decoder: &mut Decoder,
    earlier: &Stats,
    events: &UnboundedSender<BusEvent>,
) -> std::io::Result<()> {
    let mut buf = [0u8; 512];
    let mut raw = RawDecoder::new();
    let mut onbon = OnbonDecoder::new();
    while !s.stop.load(Ordering::Relaxed) {
        let frames = match port.read(&mut buf) {
            Ok(0) => decoder.idle(),
            Ok(n) => {
                if let Some(link) = &s.strips {
                    strip_replies(link, &mut raw, &mut onbon, &buf[..n]);
                }
                decoder.decode(&buf[..n])
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                if decoder.buffered().is_empty() {
                    continue;
                }
                decoder.idle()
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        for frame in frames {
            take_frame(s, frame, events);
        }
        let stats = add(*earlier, decoder.stats());
        s.status.bus(&s.cfg.id, |b| b.decoder = stats);
    }
    Ok(())
}

/// Feeds the strip protocols' decoders and passes good frames on to the strip driver.
fn strip_replies(link: &StripLink, raw: &mut RawDecoder, onbon: &mut OnbonDecoder, bytes: &[u8]) {
    if link.raw {
        for frame in raw.feed(bytes).into_iter().flatten() {
            let _ = link.tx.send(StripBusEvent::Raw(frame));
        }
    }
    if link.onbon {
        for packet in onbon.feed(bytes).into_iter().flatten() {
            let _ = link.tx.send(StripBusEvent::Onbon(packet));
        }
    }
}

fn take_frame(s: &Shared, frame: Frame, events: &UnboundedSender<BusEvent>) {
    let id = &s.cfg.id;
    let bytes = frame.encode();
    if s.cfg.local_echo && is_own_echo(&s.own, &bytes) {
        return;
    }
    let message = Message::from_frame(&frame);
    if let Ok(m) = &message
        && m.direction() == Direction::HostToPad
    {
        debug!(bus = %id, addr = frame.addr, "host frame read back: {m:?}");
        return;
    }
    if !s.addresses.contains(&frame.addr) {
        s.status.bus(id, |b| b.foreign += 1);
        debug!(bus = %id, addr = frame.addr, "frame from an address with no configured pad");
        return;
    }
    // The acknowledgement: the frame echoed byte for byte, right away.
    write_frame(s, &bytes);
    s.status.bus(id, |b| b.acks += 1);
    let _ = events.send(BusEvent::Frame {
        bus: s.index,
        frame,
    });
}

fn write_thread(s: &Shared, rx: &mpsc::Receiver<WriteCmd>) {
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(WriteCmd::Frame(bytes)) => {
                write_frame(s, &bytes);
            }
            Ok(WriteCmd::Notify(bytes, done)) => {
                let _ = done.send(write_frame(s, &bytes));
            }
            Ok(WriteCmd::Pause(d)) => {
                if !nap(&s.stop, d) {
                    return;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if s.stop.load(Ordering::Relaxed) {
                    return;
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
    }
}

fn write_frame(s: &Shared, bytes: &[u8]) -> bool {
    let id = &s.cfg.id;
    let mut port = lock(&s.port);
    let Some(p) = port.as_mut() else {
        s.status.bus(id, |b| b.dropped += 1);
        return false;
    };
    match p.write_all(bytes).and_then(|()| p.flush()) {
        Ok(()) => {
            s.status.bus(id, |b| b.written += 1);
            if s.cfg.local_echo {
                lock(&s.own).push_back((Instant::now(), bytes.to_vec()));
            }
            true
        }
        Err(e) => {
            s.status.bus(id, |b| b.dropped += 1);
            warn!(bus = %id, "write to {}: {e}", s.cfg.path.display());
            false
        }
    }
}

/// Whether `bytes` is a frame this gateway wrote in the last moments (and forgets it).
fn is_own_echo(own: &Mutex<OwnWrites>, bytes: &[u8]) -> bool {
    let mut own = lock(own);
    let now = Instant::now();
    while own
        .front()
        .is_some_and(|(at, _)| now.duration_since(*at) > OWN_ECHO_WINDOW)
    {
        own.pop_front();
    }
    match own.iter().position(|(_, b)| b == bytes) {
        Some(i) => {
            own.remove(i);
            true
        }
        None => false,
    }
}

fn add(a: Stats, b: Stats) -> Stats {
    Stats {
        frames: a.frames + b.frames,
        garbage_bytes: a.garbage_bytes + b.garbage_bytes,
        bad_checksum: a.bad_checksum + b.bad_checksum,
        bad_length: a.bad_length + b.bad_length,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hallq_rs485::PadKey;
    use serialport::SerialPort;
    use std::path::PathBuf;

    fn shared(path: PathBuf, local_echo: bool) -> Shared {
        Shared {
            index: 0,
            cfg: BusConfig {
                id: "t".into(),
                path,
                baud: 9600,
                local_echo,
            },
            addresses: [3].into(),
            port: Arc::default(),
            own: Arc::default(),
            status: StatusHandle::default(),
            stop: Arc::default(),
            strips: None,
        }
    }

    #[test]
    fn own_frames_are_recognised_once() {
        let own = Mutex::new(VecDeque::new());
        let ack = Message::Key(PadKey::CallNext).to_frame(3).encode();
        lock(&own).push_back((Instant::now(), ack.clone()));
        assert!(is_own_echo(&own, &ack));
        assert!(!is_own_echo(&own, &ack), "the second copy is the pad's");
    }

    #[test]
    fn frames_from_unknown_addresses_and_host_frames_are_not_acknowledged() {
        let s = shared("/nonexistent".into(), false);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        take_frame(&s, Message::Key(PadKey::CallNext).to_frame(9), &tx);
        take_frame(&s, Message::Beep.to_frame(3), &tx);
        assert!(rx.try_recv().is_err());
        let st = s.status.snapshot().buses["t"].clone();
        assert_eq!((st.foreign, st.acks), (1, 0));
        // A configured pad's key: acknowledged (dropped here, the port being closed) and passed on.
        let key = Message::Key(PadKey::Recall).to_frame(3);
        take_frame(&s, key.clone(), &tx);
        assert_eq!(
            rx.try_recv().unwrap(),
            BusEvent::Frame { bus: 0, frame: key }
        );
        let st = s.status.snapshot().buses["t"].clone();
        assert_eq!((st.acks, st.dropped), (1, 1));
    }

    #[test]
    fn a_pty_bus_echoes_pad_frames_and_writes_displays() {
        let (mut pad, gw) = TTYPort::pair().expect("a pseudo-terminal pair");
        pad.set_timeout(Duration::from_millis(500)).unwrap();
        let path = PathBuf::from(gw.name().unwrap());
        let s = shared(path.clone(), false);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let bus = spawn(
            0,
            s.cfg.clone(),
            s.addresses.clone(),
            tx,
            s.status.clone(),
            s.stop.clone(),
            None,
        );
        // Wait for the port to open.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Ok(BusEvent::Opened { bus: 0 }) = rx.try_recv() {
                break;
            }
            assert!(Instant::now() < deadline, "bus never opened");
            std::thread::sleep(Duration::from_millis(10));
        }
        let key = Message::Key(PadKey::CallNext).to_frame(3).encode();
        // Split the frame in two writes, with noise before it.
        pad.write_all(&[0x00, 0x42]).unwrap();
        pad.write_all(&key[..4]).unwrap();
        std::thread::sleep(Duration::from_millis(5));
        pad.write_all(&key[4..]).unwrap();
        let mut echo = vec![0u8; key.len()];
        pad.read_exact(&mut echo).unwrap();
        assert_eq!(echo, key, "the ack is the frame itself");
        bus.writer.beep(3, 1);
        let beep = Message::Beep.to_frame(3).encode();
        let mut got = vec![0u8; beep.len()];
        pad.read_exact(&mut got).unwrap();
        assert_eq!(got, beep);
        s.stop.store(true, Ordering::Relaxed);
        drop(bus.writer.clone());
        let status = s.status.clone();
        let Bus { writer, threads } = bus;
        drop(writer);
        for t in threads {
            t.join().unwrap();
        }
        let st = status.snapshot().buses["t"].clone();
        assert_eq!(st.decoder.frames, 1);
        assert_eq!(st.decoder.garbage_bytes, 2);
        assert_eq!(st.acks, 1);
        assert!(!st.open);
        drop(gw);
    }
}
