//! A fake network printer for end-to-end tests (the `fake` feature).
//!
//! [`FakePrinter`] listens on `127.0.0.1` on a free port and behaves like a raw port-9100
//! printer: it answers every `DLE EOT n` at once with the status byte of its current
//! [`FakeMode`], and records every other byte it receives, per connection. It can be switched
//! off ([`FakePrinter::set_down`]), after which connections are refused. Plain `std` threads,
//! so it works in synchronous and asynchronous tests alike.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::decode::{Decoder, plain_text};
use crate::status::FIXED_BITS;

/// The condition the fake printer reports, and so how [`crate::print`] treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FakeMode {
    /// Online with paper: prints.
    #[default]
    Ok,
    /// Online, paper near its end: prints, and the status says `paper_low`.
    PaperLow,
    /// Offline with an empty roll: refused with `PaperOut`.
    PaperOut,
    /// Offline with the cover open: refused with `CoverOpen`.
    CoverOpen,
    /// Offline with an error (a cutter jam): refused with `Fault`.
    Fault,
    /// Accepts connections but never answers a status request: `Timeout`.
    Silent,
}

impl FakeMode {
    /// Returns the byte a printer in this mode sends in reply to `DLE EOT n`, or `None` for
    /// [`FakeMode::Silent`]. The bytes follow the bit table in [`crate::status`].
    pub fn reply(self, n: u8) -> Option<u8> {
        use FakeMode::*;
        let offline = matches!(self, PaperOut | CoverOpen | Fault);
        let set = match (self, n) {
            (Silent, _) => return None,
            (_, 1) if offline => 1 << 3,
            (PaperOut, 2) => 1 << 5,
            (CoverOpen, 2) => 1 << 2,
            (Fault, 2 | 3) => 1 << 6,
            (PaperLow, 4) => 0x0C,
            (PaperOut, 4) => 0x0C | 0x60,
            _ => 0,
        };
        Some(FIXED_BITS | set)
    }
}

/// What one connection delivered.
#[derive(Debug, Clone, Default)]
struct ConnLog {
    /// Every byte except status requests.
    received: Vec<u8>,
    /// The `n` of every `DLE EOT n`, in order.
    status_requests: Vec<u8>,
}

/// State shared by the handle, the accept thread and the connection threads.
#[derive(Debug)]
struct Shared {
    mode: Mutex<FakeMode>,
    /// The listening socket; `None` while the printer is down.
    listener: Mutex<Option<TcpListener>>,
    /// Clones of the open connections, so going down can close them at once.
    live: Mutex<Vec<TcpStream>>,
    log: Mutex<Vec<ConnLog>>,
    stop: AtomicBool,
}

/// Locks `m`, ignoring poisoning: a panicking test thread must not hide the log from the rest.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How often idle threads look at the stop flag.
const POLL: Duration = Duration::from_millis(5);

/// A fake ESC/POS network printer on `127.0.0.1`; see the [module docs](self).
///
/// ```
/// use std::time::Duration;
/// use hallq_escpos::{fake::{FakeMode, FakePrinter}, print, Builder, TcpPrinter};
///
/// let fake = FakePrinter::start(FakeMode::Ok).unwrap();
/// let mut conn = TcpPrinter::connect(fake.addr(), Duration::from_secs(1)).unwrap();
/// let mut b = Builder::new();
/// b.init().line("A001");
/// let status = print(&mut conn, b.as_bytes(), Duration::from_secs(1)).unwrap();
/// assert!(status.ready());
/// assert_eq!(fake.received(), b.as_bytes());
/// assert_eq!(fake.printed_text(), "A001\n");
/// ```
#[derive(Debug)]
pub struct FakePrinter {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl FakePrinter {
    /// Starts a fake printer in `mode` on a free port of `127.0.0.1`.
    ///
    /// # Errors
    ///
    /// Fails only if no local port can be bound.
    pub fn start(mode: FakeMode) -> io::Result<FakePrinter> {
        let listener = bind("127.0.0.1:0".parse().expect("a valid address"))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            mode: Mutex::new(mode),
            listener: Mutex::new(Some(listener)),
            live: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        let acceptor = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name("fake-printer".into())
                .spawn(move || accept_loop(&shared))?
        };
        Ok(FakePrinter {
            addr,
            shared,
            acceptor: Some(acceptor),
        })
    }

    /// Returns the address to connect to (`127.0.0.1:<port>`); it stays the same across
    /// [`FakePrinter::set_down`].
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Returns the current mode.
    pub fn mode(&self) -> FakeMode {
        *lock(&self.shared.mode)
    }

    /// Changes the mode; the next status request is answered from it.
    pub fn set_mode(&self, mode: FakeMode) {
        *lock(&self.shared.mode) = mode;
    }

    /// Switches the printer off (`true`) or on again (`false`).
    ///
    /// Going down closes the listening socket and every open connection before returning, so
    /// the next connection attempt is refused. Coming up binds the same port again.
    ///
    /// # Errors
    ///
    /// Coming up fails if another program took the port in the meantime.
    pub fn set_down(&self, down: bool) -> io::Result<()> {
        let mut listener = lock(&self.shared.listener);
        if down {
            *listener = None;
            for conn in lock(&self.shared.live).drain(..) {
                let _ = conn.shutdown(Shutdown::Both);
            }
        } else if listener.is_none() {
            *listener = Some(bind(self.addr)?);
        }
        Ok(())
    }

    /// Returns whether the printer is switched off.
    pub fn is_down(&self) -> bool {
        lock(&self.shared.listener).is_none()
    }

    /// Returns every byte received that was not a status request, all connections in the order
    /// they were accepted.
    pub fn received(&self) -> Vec<u8> {
        lock(&self.shared.log)
            .iter()
            .flat_map(|c| c.received.iter().copied())
            .collect()
    }

    /// Returns the bytes received on each connection (status requests left out), in the order
    /// the connections were accepted.
    pub fn connections(&self) -> Vec<Vec<u8>> {
        lock(&self.shared.log)
            .iter()
            .map(|c| c.received.clone())
            .collect()
    }

    /// Returns the `n` of every `DLE EOT n` received, in order, across connections.
    pub fn status_requests(&self) -> Vec<u8> {
        lock(&self.shared.log)
            .iter()
            .flat_map(|c| c.status_requests.iter().copied())
            .collect()
    }

    /// Returns the text that would be on the paper: [`received`](Self::received) decoded and
    /// passed through [`plain_text`].
    pub fn printed_text(&self) -> String {
        let (ops, _) = Decoder::new().decode(&self.received());
        plain_text(&ops)
    }

    /// Forgets everything received so far.
    pub fn clear(&self) {
        lock(&self.shared.log).clear();
    }
}

impl Drop for FakePrinter {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        let _ = self.set_down(true);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// Binds a non-blocking listener, so the accept loop can notice `stop` and `set_down`.
fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let listener = TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

fn accept_loop(shared: &Arc<Shared>) {
    let mut workers = Vec::new();
    while !shared.stop.load(Ordering::SeqCst) {
        let accepted = lock(&shared.listener).as_ref().map(TcpListener::accept);
        match accepted {
            Some(Ok((stream, _))) => {
                if let Some(worker) = start_connection(shared, stream) {
                    workers.push(worker);
                }
            }
            _ => thread::sleep(POLL),
        }
    }
    for worker in workers {
        let _ = worker.join();
    }
}

/// Registers an accepted connection and starts the thread that serves it.
fn start_connection(shared: &Arc<Shared>, stream: TcpStream) -> Option<JoinHandle<()>> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(POLL * 4)).ok()?;
    let _ = stream.set_nodelay(true);
    lock(&shared.live).push(stream.try_clone().ok()?);
    let index = {
        let mut log = lock(&shared.log);
        log.push(ConnLog::default());
        log.len() - 1
    };
    let shared = Arc::clone(shared);
    thread::Builder::new()
        .name("fake-printer-conn".into())
        .spawn(move || serve(&shared, stream, index))
        .ok()
}

/// Serves one connection: records bytes, answers status requests, until closed or stopped.
fn serve(shared: &Shared, mut stream: TcpStream, index: usize) {
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    while !shared.stop.load(Ordering::SeqCst) {
        let n = match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) =>
            {
                continue;
            }
            Err(_) => return,
        };
        pending.extend_from_slice(&buf[..n]);
        let (data, requests, used) = split_status_requests(&pending);
        pending.drain(..used);
        {
            let mut log = lock(&shared.log);
            // `clear` may have emptied the log; then this connection's entry is gone.
            if let Some(entry) = log.get_mut(index) {
                entry.received.extend_from_slice(&data);
                entry.status_requests.extend_from_slice(&requests);
            }
        }
        let mode = *lock(&shared.mode);
        let replies: Vec<u8> = requests.iter().filter_map(|&n| mode.reply(n)).collect();
        if !replies.is_empty() && stream.write_all(&replies).is_err() {
            return;
        }
    }
}

/// Splits a received chunk into ordinary bytes and `DLE EOT n` requests, the way a printer's
/// real-time command handler does (it looks for `10 04 n` anywhere in the stream). Returns the
/// bytes, the requests' `n`, and how much of `buf` was used: a `10` or `10 04` at the very end
/// waits for the next chunk.
fn split_status_requests(buf: &[u8]) -> (Vec<u8>, Vec<u8>, usize) {
    let mut data = Vec::with_capacity(buf.len());
    let mut requests = Vec::new();
    let mut i = 0;
    while i < buf.len() {
        if buf[i] == 0x10 {
            match (buf.get(i + 1), buf.get(i + 2)) {
                (None, _) | (Some(0x04), None) => break,
                (Some(0x04), Some(&n)) => {
                    requests.push(n);
                    i += 3;
                    continue;
                }
                _ => {}
            }
        }
        data.push(buf[i]);
        i += 1;
    }
    (data, requests, i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{PrinterStatus, is_status_byte};

    #[test]
    fn every_mode_replies_with_valid_status_bytes() {
        for mode in [
            FakeMode::Ok,
            FakeMode::PaperLow,
            FakeMode::PaperOut,
            FakeMode::CoverOpen,
            FakeMode::Fault,
        ] {
            for n in 1..=4 {
                assert!(is_status_byte(mode.reply(n).unwrap()), "{mode:?} {n}");
            }
        }
        assert_eq!(FakeMode::Silent.reply(1), None);
    }

    #[test]
    fn mode_replies_decode_to_the_intended_status() {
        let status = |m: FakeMode| {
            PrinterStatus::from_replies(
                m.reply(1).unwrap(),
                m.reply(2).unwrap(),
                m.reply(4).unwrap(),
            )
        };
        assert!(status(FakeMode::Ok).ready());
        assert!(status(FakeMode::PaperLow).ready() && status(FakeMode::PaperLow).paper_low);
        assert!(status(FakeMode::PaperOut).paper_out);
        assert!(status(FakeMode::CoverOpen).cover_open);
        assert!(status(FakeMode::Fault).error);
    }

    #[test]
    fn status_requests_are_split_out_and_a_trailing_dle_waits() {
        let (data, req, used) = split_status_requests(&[b'a', 0x10, 0x04, 0x01, b'b', 0x10, 0x05]);
        assert_eq!(
            (data, req, used),
            (vec![b'a', b'b', 0x10, 0x05], vec![1], 7)
        );
        let (data, req, used) = split_status_requests(&[b'a', 0x10, 0x04]);
        assert_eq!((data, req, used), (vec![b'a'], vec![], 1));
    }
}
