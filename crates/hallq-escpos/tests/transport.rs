//! Printing over real connections: TCP against the fake printer, serial over a pseudo-terminal.

use std::io::{Read, Write};
use std::thread;
use std::time::Duration;

use hallq_escpos::fake::{FakeMode, FakePrinter};
use hallq_escpos::{PrintError, SerialPrinter, TcpPrinter, TicketPrint, print, render};

const TIMEOUT: Duration = Duration::from_secs(2);

fn ticket() -> Vec<u8> {
    render(&TicketPrint {
        hall_name: "滨江区政务服务中心".into(),
        service: "社保业务".into(),
        number: "B017".into(),
        ahead: 5,
        windows: "7号窗口".into(),
        issued_at_local: "2026-11-26 10:12".into(),
        track_url: "https://hallq.example/t/B017".into(),
        ..TicketPrint::default()
    })
}

fn print_to(fake: &FakePrinter, bytes: &[u8]) -> Result<hallq_escpos::PrinterStatus, PrintError> {
    let mut conn = TcpPrinter::connect(fake.addr(), TIMEOUT)?;
    print(&mut conn, bytes, TIMEOUT)
}

#[test]
fn a_good_print_returns_the_status_and_the_printer_gets_exactly_the_bytes() {
    let fake = FakePrinter::start(FakeMode::Ok).unwrap();
    let bytes = ticket();
    let status = print_to(&fake, &bytes).unwrap();
    assert!(status.ready() && !status.paper_low);
    assert_eq!(fake.received(), bytes);
    assert_eq!(fake.status_requests(), [1, 2, 4, 4]);
    assert!(fake.printed_text().contains("B017"));
    assert!(fake.printed_text().contains("你前面还有 5 人在等待"));
}

#[test]
fn paper_out_is_refused_and_only_status_requests_reach_the_printer() {
    let fake = FakePrinter::start(FakeMode::PaperOut).unwrap();
    let err = print_to(&fake, &ticket()).unwrap_err();
    assert!(matches!(err, PrintError::PaperOut), "{err:?}");
    assert!(fake.received().is_empty());
    assert_eq!(fake.status_requests(), [1, 2, 4]);
}

#[test]
fn cover_open_and_fault_are_refused_with_their_own_errors() {
    let fake = FakePrinter::start(FakeMode::CoverOpen).unwrap();
    assert!(matches!(
        print_to(&fake, &ticket()),
        Err(PrintError::CoverOpen)
    ));
    fake.set_mode(FakeMode::Fault);
    assert!(matches!(print_to(&fake, &ticket()), Err(PrintError::Fault)));
    assert!(fake.received().is_empty());
}

#[test]
fn a_printer_that_is_down_is_unreachable() {
    let fake = FakePrinter::start(FakeMode::Ok).unwrap();
    fake.set_down(true).unwrap();
    assert!(fake.is_down());
    let err = print_to(&fake, &ticket()).unwrap_err();
    assert!(matches!(err, PrintError::Unreachable(_)), "{err:?}");

    fake.set_down(false).unwrap();
    print_to(&fake, &ticket()).unwrap();
    assert_eq!(fake.connections().len(), 1);
}

#[test]
fn paper_low_still_prints_and_is_reported() {
    let fake = FakePrinter::start(FakeMode::PaperLow).unwrap();
    let bytes = ticket();
    let status = print_to(&fake, &bytes).unwrap();
    assert!(status.paper_low && status.ready());
    assert_eq!(fake.received(), bytes);
}

#[test]
fn a_printer_that_never_answers_times_out_without_printing() {
    let fake = FakePrinter::start(FakeMode::Silent).unwrap();
    let mut conn = TcpPrinter::connect(fake.addr(), Duration::from_millis(100)).unwrap();
    let err = print(&mut conn, &ticket(), Duration::from_millis(200)).unwrap_err();
    assert!(matches!(err, PrintError::Timeout), "{err:?}");
    assert!(fake.received().is_empty());
}

#[test]
fn the_mode_can_change_between_tickets_and_each_connection_is_recorded() {
    let fake = FakePrinter::start(FakeMode::Ok).unwrap();
    print_to(&fake, b"one\n").unwrap();
    fake.set_mode(FakeMode::PaperOut);
    assert!(print_to(&fake, b"two\n").is_err());
    fake.set_mode(FakeMode::Ok);
    print_to(&fake, b"three\n").unwrap();
    assert_eq!(
        fake.connections(),
        [b"one\n".to_vec(), vec![], b"three\n".to_vec()]
    );
    assert_eq!(fake.printed_text(), "one\nthree\n");
    fake.clear();
    assert!(fake.received().is_empty());
}

/// Plays a serial printer on `port` that is always ready: answers each `DLE EOT n` and collects
/// every other byte until `expected` bytes and four status requests have arrived.
fn serial_printer(mut port: serialport::TTYPort, expected: usize) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut got = Vec::new();
        let mut buf = [0u8; 256];
        let mut pending: Vec<u8> = Vec::new();
        let mut requests = 0;
        while got.len() < expected || requests < 4 {
            let n = match port.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
                Err(e) => panic!("{e}"),
            };
            pending.extend_from_slice(&buf[..n]);
            let mut i = 0;
            while i < pending.len() {
                if pending[i] == 0x10 {
                    if pending.len() < i + 3 {
                        break;
                    }
                    if pending[i + 1] == 0x04 {
                        let reply = FakeMode::Ok.reply(pending[i + 2]).unwrap();
                        port.write_all(&[reply]).unwrap();
                        requests += 1;
                        i += 3;
                        continue;
                    }
                }
                got.push(pending[i]);
                i += 1;
            }
            pending.drain(..i);
        }
        got
    })
}

#[test]
fn a_ticket_over_a_serial_line_arrives_whole() {
    use serialport::SerialPort;
    let (mut host_end, printer_end) = serialport::TTYPort::pair().expect("a pseudo-terminal pair");
    let bytes = ticket();
    let printer = serial_printer(printer_end, bytes.len());

    host_end.set_timeout(TIMEOUT).unwrap();
    let mut conn = SerialPrinter::from_port(Box::new(host_end));
    let status = print(&mut conn, &bytes, TIMEOUT).unwrap();
    assert!(status.ready());
    assert_eq!(printer.join().unwrap(), bytes);
}

#[test]
fn a_serial_printer_opened_by_path_receives_the_ticket() {
    use serialport::SerialPort;
    // The printer plays the master end; the host opens the slave device by its path, the way
    // a kiosk opens /dev/ttyUSB0. The pair's own slave handle stays open so the line stays up.
    let (printer_end, slave) = serialport::TTYPort::pair().expect("a pseudo-terminal pair");
    let path = slave.name().expect("the slave device path");
    let bytes = ticket();
    let printer = serial_printer(printer_end, bytes.len());

    let mut conn = SerialPrinter::open(&path, 9600, TIMEOUT).unwrap();
    let status = print(&mut conn, &bytes, TIMEOUT).unwrap();
    assert!(status.ready());
    assert_eq!(printer.join().unwrap(), bytes);
    drop(slave);
}

#[test]
fn opening_a_missing_serial_port_is_unreachable() {
    let err = SerialPrinter::open("/dev/hallq-no-such-printer", 9600, TIMEOUT).unwrap_err();
    assert!(matches!(err, PrintError::Unreachable(_)), "{err:?}");
}
