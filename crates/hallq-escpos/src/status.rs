//! Printer status from `DLE EOT n` replies.
//!
//! A printer answers each `DLE EOT n` (`10 04 n`) with one byte, at once, even while offline or
//! busy printing. The bit meanings below were checked against Epson's ESC/POS reference (the
//! `DLE EOT` page of the TM-series technical references); Chinese thermal printers follow it:
//!
//! | request | bit | meaning when set |
//! | --- | --- | --- |
//! | `n = 1` printer | 3 | offline |
//! | `n = 2` offline cause | 2 | cover open |
//! | | 3 | paper being fed by the feed button |
//! | | 5 | printing stopped by a paper end |
//! | | 6 | an error occurred (cutter jam, head overheated…) |
//! | `n = 4` paper roll sensor | 2 and 3 | paper near its end |
//! | | 5 and 6 | paper out |
//!
//! In every reply bits 1 and 4 are fixed on and bits 0 and 7 fixed off (`b & 0x93 == 0x12`),
//! which is how a host can tell a status byte from other data. Note that in the `n = 2` byte
//! the error flag is bit 6, not bit 5: bit 5 is the paper-end stop.

/// The condition of a printer, combined from its `DLE EOT` 1, 2 and 4 replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PrinterStatus {
    /// The printer is online and will print what it receives.
    pub online: bool,
    /// The paper cover is open.
    pub cover_open: bool,
    /// The roll is nearly used up: print, but tell someone to change it soon.
    pub paper_low: bool,
    /// The roll is empty, or printing stopped because of it.
    pub paper_out: bool,
    /// The printer reports an error that needs a person (a cutter jam, an overheated head).
    pub error: bool,
}

/// The `n` of `DLE EOT n` asking for the printer status (online or offline).
pub const REQUEST_PRINTER: u8 = 1;
/// The `n` of `DLE EOT n` asking why the printer is offline.
pub const REQUEST_OFFLINE_CAUSE: u8 = 2;
/// The `n` of `DLE EOT n` asking for the paper roll sensor.
pub const REQUEST_PAPER: u8 = 4;

/// The value of a reply with every variable bit off: bits 1 and 4 are fixed on.
pub const FIXED_BITS: u8 = 0x12;

/// Returns whether `b` has the fixed bits of a `DLE EOT` reply (1 and 4 on, 0 and 7 off).
///
/// The transport does not insist on it (some clones get it wrong, and a ticket that does not
/// print is worse than a misread bit), but a test or a diagnostic can.
pub fn is_status_byte(b: u8) -> bool {
    b & 0x93 == FIXED_BITS
}

const PRINTER_OFFLINE: u8 = 1 << 3;
const CAUSE_COVER_OPEN: u8 = 1 << 2;
const CAUSE_PAPER_END_STOP: u8 = 1 << 5;
const CAUSE_ERROR: u8 = 1 << 6;
const PAPER_NEAR_END: u8 = (1 << 2) | (1 << 3);
const PAPER_END: u8 = (1 << 5) | (1 << 6);

impl PrinterStatus {
    /// Combines the replies to `DLE EOT 1` (printer), `DLE EOT 2` (offline cause) and
    /// `DLE EOT 4` (paper roll sensor).
    ///
    /// Either bit of a sensor pair counts: printers set both, but a clone that sets one still
    /// means it.
    pub fn from_replies(printer: u8, offline_cause: u8, paper: u8) -> Self {
        let mut status = PrinterStatus {
            online: printer & PRINTER_OFFLINE == 0,
            cover_open: offline_cause & CAUSE_COVER_OPEN != 0,
            paper_low: false,
            paper_out: offline_cause & CAUSE_PAPER_END_STOP != 0,
            error: offline_cause & CAUSE_ERROR != 0,
        };
        status.apply_paper(paper);
        status
    }

    /// Returns this status with the paper fields replaced from a fresh `DLE EOT 4` reply, as read
    /// after a ticket was sent.
    pub fn with_paper(mut self, paper: u8) -> Self {
        self.paper_low = false;
        self.paper_out = false;
        self.apply_paper(paper);
        self
    }

    fn apply_paper(&mut self, paper: u8) {
        self.paper_low |= paper & PAPER_NEAR_END != 0;
        self.paper_out |= paper & PAPER_END != 0;
    }

    /// Returns whether a ticket sent now will print: online, cover closed, paper present, no
    /// error. A low roll is still ready.
    pub fn ready(&self) -> bool {
        self.online && !self.cover_open && !self.paper_out && !self.error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_healthy_printer_reports_only_fixed_bits_and_is_ready() {
        let s = PrinterStatus::from_replies(0x12, 0x12, 0x12);
        assert_eq!(
            s,
            PrinterStatus {
                online: true,
                ..PrinterStatus::default()
            }
        );
        assert!(s.ready());
        assert!(is_status_byte(0x12));
    }

    #[test]
    fn paper_near_end_is_low_but_still_ready() {
        let s = PrinterStatus::from_replies(0x12, 0x12, 0x1E);
        assert!(s.paper_low && !s.paper_out && s.ready());
    }

    #[test]
    fn paper_end_makes_the_printer_not_ready() {
        // The printer goes offline, stops on the paper end, and both sensor pairs are on.
        let s = PrinterStatus::from_replies(0x1A, 0x32, 0x7E);
        assert!(!s.online && s.paper_out && s.paper_low && !s.error);
        assert!(!s.ready());
    }

    #[test]
    fn the_paper_end_stop_bit_alone_means_paper_out() {
        let s = PrinterStatus::from_replies(0x1A, 0x32, 0x12);
        assert!(s.paper_out);
    }

    #[test]
    fn cover_open_and_error_come_from_the_offline_cause() {
        let s = PrinterStatus::from_replies(0x1A, 0x16, 0x12);
        assert!(s.cover_open && !s.error && !s.ready());
        let s = PrinterStatus::from_replies(0x1A, 0x52, 0x12);
        assert!(s.error && !s.cover_open && !s.paper_out && !s.ready());
        // The feed-button bit is not a fault.
        let s = PrinterStatus::from_replies(0x12, 0x1A, 0x12);
        assert!(s.ready());
    }

    #[test]
    fn with_paper_replaces_only_the_paper_fields() {
        let before = PrinterStatus::from_replies(0x12, 0x12, 0x12);
        let after = before.with_paper(0x1E);
        assert!(after.paper_low && after.online);
        assert!(!after.with_paper(0x12).paper_low);
    }

    #[test]
    fn fixed_bits_distinguish_status_bytes() {
        assert!(is_status_byte(0x7E));
        assert!(!is_status_byte(0x00));
        assert!(!is_status_byte(0x92));
    }
}
