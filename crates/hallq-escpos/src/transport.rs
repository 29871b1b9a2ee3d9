//! Sending a ticket to a printer: status first, then the bytes, then the paper sensor again.
//!
//! Blocking by design: a kiosk prints one ticket at a time, and the server calls [`print()`] from
//! `spawn_blocking`. There is no printer trait: [`print()`] takes any `Read + Write` connection,
//! and [`TcpPrinter`] and [`SerialPrinter`] are two ways to get one.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use crate::status::{PrinterStatus, REQUEST_OFFLINE_CAUSE, REQUEST_PAPER, REQUEST_PRINTER};

/// Why a ticket was not printed.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The printer's paper roll is empty; nothing was sent.
    #[error("the printer is out of paper")]
    PaperOut,
    /// The printer's cover is open; nothing was sent.
    #[error("the printer cover is open")]
    CoverOpen,
    /// The printer reports an error that needs a person (a cutter jam, an overheated head);
    /// nothing was sent.
    #[error("the printer reports an error")]
    Fault,
    /// The printer is offline for a reason it does not report; nothing was sent.
    #[error("the printer is offline")]
    Offline,
    /// The printer could not be reached: the connection was refused or failed, or the port
    /// could not be opened, or it closed while being asked for its status.
    #[error("the printer is unreachable: {0}")]
    Unreachable(#[source] io::Error),
    /// The printer did not answer a status request in time; nothing was sent.
    #[error("the printer did not answer a status request in time")]
    Timeout,
    /// The printer was ready, but writing the ticket failed part-way; some of it may be printed.
    #[error("writing the ticket to the printer failed: {0}")]
    WriteFailed(#[source] io::Error),
}

/// Prints `bytes` on the printer at the other end of `conn`, checking first that it can.
///
/// 1. Asks `DLE EOT` 1, 2 and 4 in turn, waiting up to `timeout` for each one-byte reply.
/// 2. If the printer is not [ready](PrinterStatus::ready), returns the most specific reason
///    (paper out, cover open, fault, offline) having written nothing but the status requests.
/// 3. Writes all of `bytes` and flushes.
/// 4. Asks `DLE EOT 4` again and returns the status with the fresh paper sensor, so a roll that
///    ran low while printing is reported. If that last answer does not come, the ticket has
///    been sent all the same, so the status from before printing is returned rather than an
///    error that would invite printing a duplicate.
///
/// Each read blocks no longer than the connection's own read timeout (both transports here set
/// it), so a silent printer costs at most about `timeout` plus one read timeout per request.
/// A stray byte left over from an earlier exchange would be taken as a reply; connections are
/// short-lived (one per ticket), which keeps that from happening in practice.
///
/// # Errors
///
/// See [`PrintError`]; every variant but `WriteFailed` means nothing was printed.
pub fn print<C: Read + Write + ?Sized>(
    conn: &mut C,
    bytes: &[u8],
    timeout: Duration,
) -> Result<PrinterStatus, PrintError> {
    let printer = query(conn, REQUEST_PRINTER, timeout)?;
    let cause = query(conn, REQUEST_OFFLINE_CAUSE, timeout)?;
    let paper = query(conn, REQUEST_PAPER, timeout)?;
    let before = PrinterStatus::from_replies(printer, cause, paper);
    if !before.ready() {
        return Err(refusal(&before));
    }

    conn.write_all(bytes).map_err(PrintError::WriteFailed)?;
    conn.flush().map_err(PrintError::WriteFailed)?;

    match query(conn, REQUEST_PAPER, timeout) {
        Ok(paper) => Ok(before.with_paper(paper)),
        Err(_) => Ok(before),
    }
}

/// Maps a not-ready status to the error that best tells a person what to do.
fn refusal(status: &PrinterStatus) -> PrintError {
    if status.paper_out {
        PrintError::PaperOut
    } else if status.cover_open {
        PrintError::CoverOpen
    } else if status.error {
        PrintError::Fault
    } else {
        PrintError::Offline
    }
}

/// Sends `DLE EOT n` and reads the one-byte reply, waiting up to `timeout`.
fn query<C: Read + Write + ?Sized>(
    conn: &mut C,
    n: u8,
    timeout: Duration,
) -> Result<u8, PrintError> {
    conn.write_all(&[0x10, 0x04, n])
        .and_then(|()| conn.flush())
        .map_err(PrintError::Unreachable)?;
    let deadline = Instant::now() + timeout;
    let mut reply = [0u8; 1];
    loop {
        match conn.read(&mut reply) {
            Ok(1) => return Ok(reply[0]),
            Ok(_) => {
                return Err(PrintError::Unreachable(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the printer closed the connection",
                )));
            }
            Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {
                if Instant::now() >= deadline {
                    return Err(PrintError::Timeout);
                }
                if e.kind() == io::ErrorKind::WouldBlock {
                    // A non-blocking connection: do not spin flat out.
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            Err(e) => return Err(PrintError::Unreachable(e)),
        }
    }
}

/// Returns whether `e` is a read timing out (std reports `WouldBlock` on Unix and `TimedOut` on
/// Windows for socket timeouts; serialport reports `TimedOut`).
fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// A network printer on a raw TCP port (usually 9100, "JetDirect"), ready for [`print()`].
#[derive(Debug)]
pub struct TcpPrinter {
    stream: TcpStream,
}

/// The raw-printing TCP port network printers listen on.
pub const RAW_PORT: u16 = 9100;

impl TcpPrinter {
    /// Connects to the printer at `addr` (e.g. `"192.168.1.50:9100"`), trying each resolved
    /// address for at most `timeout`, and sets `timeout` as the read and write timeout.
    ///
    /// # Errors
    ///
    /// [`PrintError::Unreachable`] when no address accepts the connection in time.
    pub fn connect(addr: impl ToSocketAddrs, timeout: Duration) -> Result<Self, PrintError> {
        let timeout = timeout.max(Duration::from_millis(1));
        let mut last = io::Error::new(io::ErrorKind::InvalidInput, "no address to connect to");
        for a in addr.to_socket_addrs().map_err(PrintError::Unreachable)? {
            match TcpStream::connect_timeout(&a, timeout) {
                Ok(stream) => {
                    let setup = stream
                        .set_read_timeout(Some(timeout))
                        .and_then(|()| stream.set_write_timeout(Some(timeout)))
                        // Status requests are 3 bytes: send them now, not after Nagle's delay.
                        .and_then(|()| stream.set_nodelay(true));
                    setup.map_err(PrintError::Unreachable)?;
                    return Ok(TcpPrinter { stream });
                }
                Err(e) => last = e,
            }
        }
        Err(PrintError::Unreachable(last))
    }

    /// Returns the underlying stream, e.g. to shut it down.
    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }
}

impl Read for TcpPrinter {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.read(buf)
    }
}

impl Write for TcpPrinter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// A printer on a serial port (RS-232 or a USB serial adapter), 8N1, ready for [`print()`].
pub struct SerialPrinter {
    port: Box<dyn serialport::SerialPort>,
}

impl std::fmt::Debug for SerialPrinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerialPrinter")
            .field("name", &self.port.name())
            .finish()
    }
}

impl SerialPrinter {
    /// Opens the serial port at `path` (e.g. `/dev/ttyUSB0`) at `baud` bits per second, 8N1,
    /// with `timeout` as the read and write timeout.
    ///
    /// # Errors
    ///
    /// [`PrintError::Unreachable`] when the port cannot be opened.
    pub fn open(path: &str, baud: u32, timeout: Duration) -> Result<Self, PrintError> {
        let port = serialport::new(path, baud)
            .data_bits(serialport::DataBits::Eight)
            .parity(serialport::Parity::None)
            .stop_bits(serialport::StopBits::One)
            .flow_control(serialport::FlowControl::None)
            .timeout(timeout)
            .open()
            .map_err(|e| PrintError::Unreachable(e.into()))?;
        Ok(SerialPrinter { port })
    }

    /// Wraps a port opened elsewhere (a pseudo-terminal in tests, a port with special settings).
    pub fn from_port(port: Box<dyn serialport::SerialPort>) -> Self {
        SerialPrinter { port }
    }
}

impl Read for SerialPrinter {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.port.read(buf)
    }
}

impl Write for SerialPrinter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.port.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.port.flush()
    }
}
