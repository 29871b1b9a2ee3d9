//! The printed queue ticket: what goes on it and in which order.
//!
//! The layout follows the tickets of deployed Chinese hall systems (see `docs/protocols/
//! escpos-ticket.md`): hall name, service, the number very large, how many are ahead, the
//! waiting instructions, the windows that can serve it, the time, a QR code for tracking the
//! queue on a phone, and the marks for the green channel and reprints.

use crate::builder::{Align, Builder, QrEcc};

/// How many trailing characters of an ID number a ticket may carry.
pub const ID_TAIL_LEN: usize = 6;

/// Everything printed on one ticket, already formatted for the paper.
///
/// The hall controller fills it from the ticket it issued; this crate decides only the layout.
/// Times are local-time strings because the ticket shows what the wall clock said.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketPrint {
    /// The hall's name, printed as the title (e.g. "某某市政务服务中心").
    pub hall_name: String,
    /// The queue or service item the ticket is for (e.g. "不动产登记").
    pub service: String,
    /// The ticket number (e.g. "A001").
    pub number: String,
    /// How many people are waiting ahead of this ticket.
    pub ahead: u32,
    /// The windows that can serve this ticket, as shown (e.g. "1、2、3号窗口").
    pub windows: String,
    /// When the ticket was issued, local time (e.g. "2026-11-26 09:05").
    pub issued_at_local: String,
    /// The queue-tracking link encoded in the QR code; an empty or oversized link prints no QR.
    pub track_url: String,
    /// Whether the ticket is in the green channel (elderly, disabled, pregnant…), printed as
    /// 【绿色通道】.
    pub green: bool,
    /// The tail of the holder's ID number. Only its last [`ID_TAIL_LEN`] characters are ever
    /// printed, whatever is passed in, so a full ID number cannot leak onto paper.
    pub id_tail: Option<String>,
    /// The local time of a reprint, when this is one: prints 【补打】 and "补打时间：…", so a
    /// second paper for the same number can be told from the first.
    pub reprint: Option<String>,
    /// An optional English line under the service name, for halls that serve foreigners.
    pub english: Option<String>,
}

/// Returns the last [`ID_TAIL_LEN`] characters of `id` (all of it if shorter).
///
/// ```
/// assert_eq!(hallq_escpos::ticket::id_tail("110101199003071234"), "071234");
/// ```
pub fn id_tail(id: &str) -> String {
    let count = id.chars().count();
    id.chars().skip(count.saturating_sub(ID_TAIL_LEN)).collect()
}

/// The dots-per-module of the tracking QR code: about 2.5 cm wide for a typical link on a
/// 203 dpi printer, easy for a phone camera.
const QR_MODULE_SIZE: u8 = 6;

/// Renders `ticket` as the complete ESC/POS byte stream for one ticket, ending with a partial cut.
pub fn render(ticket: &TicketPrint) -> Vec<u8> {
    let mut b = Builder::new();
    b.init().chinese_mode();

    // Title and service, centred.
    b.align(Align::Center).size(2, 2).bold(true);
    b.line(&ticket.hall_name);
    b.size(1, 1).bold(false);
    if ticket.reprint.is_some() {
        b.bold(true).line("【补打】").bold(false);
    }
    b.line(&ticket.service);
    if let Some(english) = &ticket.english {
        b.line(english);
    }

    // The number: as large as the paper allows, so it can be read at arm's length.
    b.feed(1);
    b.size(4, 4).bold(true).line(&ticket.number);
    b.size(1, 1).bold(false);
    if ticket.green {
        b.size(2, 1).bold(true).line("【绿色通道】");
        b.size(1, 1).bold(false);
    }
    b.line(&format!("你前面还有 {} 人在等待", ticket.ahead));
    b.feed(1);

    // Instructions and details, left-aligned.
    b.align(Align::Left);
    b.line("请在休息区等候，注意呼叫及大屏显示信息");
    b.line("过号无效，请您重新取号");
    b.line(&format!("可办理窗口：{}", ticket.windows));
    b.line(&format!("取号时间：{}", ticket.issued_at_local));
    if let Some(at) = &ticket.reprint {
        b.line(&format!("补打时间：{at}"));
    }
    if let Some(tail) = &ticket.id_tail {
        b.line(&format!("身份证后六位：{}", id_tail(tail)));
    }

    // Tracking QR code. A link that cannot be a QR code is left off rather than failing the
    // ticket: the ticket is still valid without it.
    b.align(Align::Center);
    let with_qr = b
        .qr(ticket.track_url.as_bytes(), QR_MODULE_SIZE, QrEcc::M)
        .is_ok();
    if with_qr {
        b.line("扫码查看排队进度");
    }

    b.feed(2).cut_partial(0);
    b.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_tail_keeps_the_last_six_characters() {
        assert_eq!(id_tail("11010119900307123X"), "07123X");
        assert_eq!(id_tail("1234"), "1234");
        assert_eq!(id_tail(""), "");
    }
}
