//! Onbon controllers on the network: a link that plays an RS-485 bus for one strip's sender.
//!
//! [`link`] gives a [`NetWriter`] (write one frame, learn whether it went out) and a task that
//! owns the socket and reports on a [`StripBusEvent`] channel what a bus reports: `Opened` when
//! the link is (again) usable — the sender then sends the current picture and brightness again
//! — and every Onbon packet read (the controller's replies).
//!
//! - UDP (port 5007 by default): one bound socket; a frame is one datagram `send_to` the
//!   controller, each datagram from the controller's address is decoded on its own. A failed
//!   send rebinds the socket after a backoff.
//! - TCP (port 5005 by default): one kept connection, opened with [`CONNECT_TIMEOUT`]; replies
//!   are read from the byte stream with the streaming decoder. On any error or when the
//!   controller closes, it reconnects after a backoff ([`crate::backoff`]); frames written
//!   meanwhile are refused (the sender keeps them and resends on `Opened`).

use std::net::SocketAddr;
use std::time::Duration;

use hallq_displays::onbon::OnbonDecoder;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::oneshot;
use tracing::{debug, info, warn};

use crate::backoff::{Backoff, jitter};
use crate::bus::StripBusEvent;
use crate::config::NetTransport;

/// How long a TCP connection to a controller may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long writing one frame to a TCP connection may take before the connection is dropped.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(3);
/// The largest datagram read.
const DATAGRAM_MAX: usize = 65_536;

type WriteCmd = (Vec<u8>, oneshot::Sender<bool>);

/// Writes frames to one network link. Cheap to clone.
#[derive(Clone)]
pub(crate) struct NetWriter {
    tx: UnboundedSender<WriteCmd>,
}

impl NetWriter {
    /// Writes `bytes`; true when they went out, false when the link is down.
    pub(crate) async fn send(&self, bytes: Vec<u8>) -> bool {
        let (tx, rx) = oneshot::channel();
        if self.tx.send((bytes, tx)).is_err() {
            return false;
        }
        rx.await.unwrap_or(false)
    }
}

/// A link to the Onbon controller at `address`: its writer and the task that runs it (until
/// every writer is dropped). Replies and (re)connections go to `events`.
pub(crate) fn link(
    transport: NetTransport,
    address: SocketAddr,
    events: UnboundedSender<StripBusEvent>,
) -> (NetWriter, impl Future<Output = ()> + Send + 'static) {
    let (tx, rx) = unbounded_channel();
    let io = async move {
        match transport {
            NetTransport::Udp => udp(address, rx, events).await,
            NetTransport::Tcp => tcp(address, rx, events).await,
        }
    };
    (NetWriter { tx }, io)
}

/// Waits `delay`, refusing the frames asked for meanwhile; false when the writers are gone.
async fn refuse_for(delay: Duration, cmds: &mut UnboundedReceiver<WriteCmd>) -> bool {
    let until = tokio::time::Instant::now() + delay;
    loop {
        tokio::select! {
            () = tokio::time::sleep_until(until) => return true,
            cmd = cmds.recv() => match cmd {
                Some((_, done)) => {
                    let _ = done.send(false);
                }
                None => return false,
            },
        }
    }
}

async fn udp(
    address: SocketAddr,
    mut cmds: UnboundedReceiver<WriteCmd>,
    events: UnboundedSender<StripBusEvent>,
) {
    let local: SocketAddr = if address.is_ipv4() {
        (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let mut backoff = Backoff::default();
    let mut buf = vec![0u8; DATAGRAM_MAX];
    loop {
        let socket = match UdpSocket::bind(local).await {
            Ok(s) => s,
            Err(e) => {
                warn!(strip = %format!("udp/{address}"), "cannot bind a UDP socket: {e}");
                if !refuse_for(backoff.next_delay(jitter()), &mut cmds).await {
                    return;
                }
                continue;
            }
        };
        let _ = events.send(StripBusEvent::Opened);
        loop {
            tokio::select! {
                cmd = cmds.recv() => {
                    let Some((bytes, done)) = cmd else { return };
                    match socket.send_to(&bytes, address).await {
                        Ok(_) => {
                            backoff.reset();
                            let _ = done.send(true);
                        }
                        Err(e) => {
                            let _ = done.send(false);
                            warn!(strip = %format!("udp/{address}"), "cannot send: {e}; retrying");
                            break;
                        }
                    }
                }
                got = socket.recv_from(&mut buf) => match got {
                    Ok((n, from)) if from == address => {
                        // A datagram is a whole frame: decode it on its own.
                        let mut decoder = OnbonDecoder::new();
                        for packet in decoder.feed(&buf[..n]).into_iter().flatten() {
                            let _ = events.send(StripBusEvent::Onbon(packet));
                        }
                    }
                    Ok((_, from)) => debug!(strip = %format!("udp/{address}"), %from, "datagram from elsewhere ignored"),
                    // E.g. an ICMP "port unreachable" reported on the socket: no reply, then.
                    Err(e) => debug!(strip = %format!("udp/{address}"), "receive: {e}"),
                },
            }
        }
        if !refuse_for(backoff.next_delay(jitter()), &mut cmds).await {
            return;
        }
    }
}

async fn tcp(
    address: SocketAddr,
    mut cmds: UnboundedReceiver<WriteCmd>,
    events: UnboundedSender<StripBusEvent>,
) {
    let key = format!("tcp/{address}");
    let mut backoff = Backoff::default();
    let mut buf = vec![0u8; 4096];
    let mut down_logged = false;
    loop {
        // Connect, refusing frames meanwhile.
        let connecting = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(address));
        tokio::pin!(connecting);
        let connected = loop {
            tokio::select! {
                r = &mut connecting => break r,
                cmd = cmds.recv() => match cmd {
                    Some((_, done)) => {
                        let _ = done.send(false);
                    }
                    None => return,
                },
            }
        };
        let stream = match connected {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                if !down_logged {
                    warn!(strip = %key, "cannot connect: {e}; retrying");
                    down_logged = true;
                }
                if !refuse_for(backoff.next_delay(jitter()), &mut cmds).await {
                    return;
                }
                continue;
            }
            Err(_) => {
                if !down_logged {
                    warn!(strip = %key, "no connection after {CONNECT_TIMEOUT:?}; retrying");
                    down_logged = true;
                }
                if !refuse_for(backoff.next_delay(jitter()), &mut cmds).await {
                    return;
                }
                continue;
            }
        };
        info!(strip = %key, "connected");
        down_logged = false;
        let _ = stream.set_nodelay(true);
        let (mut rd, mut wr) = stream.into_split();
        let _ = events.send(StripBusEvent::Opened);
        let mut decoder = OnbonDecoder::new();
        loop {
            tokio::select! {
                cmd = cmds.recv() => {
                    let Some((bytes, done)) = cmd else { return };
                    let written = tokio::time::timeout(WRITE_TIMEOUT, wr.write_all(&bytes)).await;
                    let ok = matches!(written, Ok(Ok(())));
                    let _ = done.send(ok);
                    if !ok {
                        warn!(strip = %key, "cannot write a frame; reconnecting");
                        break;
                    }
                }
                got = rd.read(&mut buf) => match got {
                    Ok(0) => {
                        warn!(strip = %key, "the controller closed the connection; reconnecting");
                        break;
                    }
                    Ok(n) => {
                        let mut any = false;
                        for packet in decoder.feed(&buf[..n]).into_iter().flatten() {
                            any = true;
                            let _ = events.send(StripBusEvent::Onbon(packet));
                        }
                        if any {
                            // The controller answers: a later drop starts the backoff afresh.
                            backoff.reset();
                        }
                    }
                    Err(e) => {
                        warn!(strip = %key, "connection lost: {e}; reconnecting");
                        break;
                    }
                },
            }
        }
        if !refuse_for(backoff.next_delay(jitter()), &mut cmds).await {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hallq_displays::onbon::{Header, OnbonPacket, Response, SRC_PC};

    fn reply() -> Vec<u8> {
        OnbonPacket {
            header: Header {
                dst: SRC_PC,
                src: 7,
                protocol: hallq_displays::onbon::PROTOCOL_DYNAMIC,
                device_type: 0x0154,
            },
            data: Response::ack().encode_data(),
        }
        .encode()
    }

    #[tokio::test]
    async fn udp_replies_come_only_from_the_controller() {
        let controller = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let stranger = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let (tx, mut events) = unbounded_channel();
        let (writer, io) = link(NetTransport::Udp, controller.local_addr().unwrap(), tx);
        tokio::spawn(io);
        assert_eq!(events.recv().await, Some(StripBusEvent::Opened));
        assert!(writer.send(b"frame".to_vec()).await);
        let mut buf = [0u8; 64];
        let (n, gateway) = controller.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"frame");
        stranger.send_to(&reply(), gateway).await.unwrap();
        controller.send_to(&reply(), gateway).await.unwrap();
        let Some(StripBusEvent::Onbon(p)) = events.recv().await else {
            panic!("the controller's reply")
        };
        assert_eq!(p.header.src, 7);
        assert!(
            events.try_recv().is_err(),
            "the stranger's datagram is ignored"
        );
    }

    #[tokio::test]
    async fn tcp_refuses_frames_while_down_and_reports_each_connection() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let (tx, mut events) = unbounded_channel();
        let (writer, io) = link(NetTransport::Tcp, addr, tx);
        tokio::spawn(io);
        assert!(!writer.send(b"x".to_vec()).await, "nobody listens");
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let (mut conn, _) = listener.accept().await.unwrap();
        assert_eq!(events.recv().await, Some(StripBusEvent::Opened));
        assert!(writer.send(b"frame".to_vec()).await);
        let mut buf = [0u8; 5];
        conn.read_exact(&mut buf).await.unwrap();
        // A reply split across writes is decoded whole.
        let r = reply();
        conn.write_all(&r[..5]).await.unwrap();
        conn.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        conn.write_all(&r[5..]).await.unwrap();
        assert!(matches!(events.recv().await, Some(StripBusEvent::Onbon(_))));
        // Dropped: connected again.
        drop(conn);
        let (_conn, _) = listener.accept().await.unwrap();
        assert_eq!(events.recv().await, Some(StripBusEvent::Opened));
    }
}
