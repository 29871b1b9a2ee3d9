//! The hall's calendar: business days in the hall's time zone, working days (holidays and
//! make-up working days), and opening hours as minute ranges of the local day.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use std::collections::BTreeSet;

/// A half-open range of minutes of the local day, `[from, to)`; `to` may be 1440 (midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinuteRange {
    pub from: u16,
    pub to: u16,
}

impl MinuteRange {
    /// Parses `"08:30-12:00"`; `"00:00-24:00"` is the whole day.
    pub fn parse(s: &str) -> Result<MinuteRange, String> {
        let (a, b) = s
            .split_once('-')
            .ok_or_else(|| format!("{s:?} is not a range like \"08:30-12:00\""))?;
        let from = parse_hhmm(a.trim())?;
        let to = parse_hhmm(b.trim())?;
        if from >= to {
            return Err(format!("{s:?} ends before it starts"));
        }
        Ok(MinuteRange { from, to })
    }

    pub fn contains(&self, minute: u16) -> bool {
        self.from <= minute && minute < self.to
    }
}

/// Parses `"08:30"` into minutes since midnight; `"24:00"` is 1440.
pub fn parse_hhmm(s: &str) -> Result<u16, String> {
    let bad = || format!("{s:?} is not a time like \"08:30\"");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u16 = h.parse().map_err(|_| bad())?;
    let m: u16 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Formats minutes since midnight as `"08:30"`.
pub fn format_hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The compiled `[calendar]`.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub tz: TimeZone,
    /// Indexed by `Weekday::to_monday_zero_offset`.
    pub working_weekdays: [bool; 7],
    pub holidays: BTreeSet<Date>,
    pub makeup_days: BTreeSet<Date>,
    pub hours: Vec<MinuteRange>,
    pub open_on_non_working_days: bool,
}

impl Calendar {
    /// The business day a moment belongs to: its date in the hall's time zone.
    pub fn business_day(&self, now: Timestamp) -> Date {
        self.tz.to_datetime(now).date()
    }

    /// Minutes since local midnight.
    pub fn minute_of_day(&self, now: Timestamp) -> u16 {
        let t = self.tz.to_datetime(now).time();
        t.hour() as u16 * 60 + t.minute() as u16
    }

    /// Whether `day` is a working day: a make-up day always is, a holiday never is, otherwise
    /// the weekday decides.
    pub fn is_working_day(&self, day: Date) -> bool {
        if self.makeup_days.contains(&day) {
            return true;
        }
        if self.holidays.contains(&day) {
            return false;
        }
        self.working_weekdays[day.weekday().to_monday_zero_offset() as usize]
    }

    /// Whether the hall is open on this day at all.
    pub fn is_open_day(&self, day: Date) -> bool {
        self.open_on_non_working_days || self.is_working_day(day)
    }

    /// The date `n` working days after `day` (the day itself does not count), as promised time
    /// limits (承诺时限) are counted.
    pub fn add_working_days(&self, day: Date, n: u32) -> Date {
        let mut d = day;
        let mut left = n;
        while left > 0 {
            d = d.checked_add(1.day()).expect("date in range");
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days from `from` to `to`: how many working days lie in `(from, to]`, negative when
    /// `to` is before `from` (a case's days left; below zero, days overdue).
    pub fn working_days_between(&self, from: Date, to: Date) -> i32 {
        let (a, b, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut d = a;
        let mut n = 0;
        while d < b {
            d = d.checked_add(1.day()).expect("date in range");
            if self.is_working_day(d) {
                n += 1;
            }
        }
        sign * n
    }

    /// The local midnight that starts `day`, as a timestamp.
    pub fn start_of_day(&self, day: Date) -> Timestamp {
        day.to_datetime(Time::MIN)
            .to_zoned_datetime(self.tz.clone())
            .expect("the start of a day exists")
            .timestamp()
    }
}

/// Parses `"mon"`…`"sun"`.
pub fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn shanghai() -> Calendar {
        Calendar {
            tz: TimeZone::get("Asia/Shanghai").unwrap(),
            working_weekdays: [true, true, true, true, true, false, false],
            holidays: [date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5)]
                .into_iter()
                .collect(),
            makeup_days: [date(2026, 10, 10)].into_iter().collect(),
            hours: vec![MinuteRange::parse("08:30-12:00").unwrap()],
            open_on_non_working_days: false,
        }
    }

    #[test]
    fn ranges_parse_and_refuse_nonsense() {
        assert_eq!(
            MinuteRange::parse("08:30-12:00").unwrap(),
            MinuteRange { from: 510, to: 720 }
        );
        assert_eq!(MinuteRange::parse("00:00-24:00").unwrap().to, 1440);
        for bad in [
            "8:30-12:00",
            "12:00-08:30",
            "08:60-09:00",
            "24:30-25:00",
            "0830",
        ] {
            assert!(MinuteRange::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_business_day_changes_at_local_midnight_not_utc() {
        let c = shanghai();
        let before: Timestamp = "2026-11-26T15:59:59Z".parse().unwrap(); // 23:59:59 +08
        let after: Timestamp = "2026-11-26T16:00:00Z".parse().unwrap(); // 00:00 +08
        assert_eq!(c.business_day(before), date(2026, 11, 26));
        assert_eq!(c.business_day(after), date(2026, 11, 27));
        assert_eq!(c.start_of_day(date(2026, 11, 27)), after);
    }

    #[test]
    fn working_days_skip_holidays_and_count_make_up_days() {
        let c = shanghai();
        // Wed 2026-09-30 + 3 working days: Oct 1, 2 holidays, 3/4 weekend, 5 holiday,
        // 6 (Tue) 1, 7 (Wed) 2, 8 (Thu) 3.
        assert_eq!(c.add_working_days(date(2026, 9, 30), 3), date(2026, 10, 8));
        // Fri 2026-10-09 + 1: Sat 10 is a make-up working day.
        assert_eq!(c.add_working_days(date(2026, 10, 9), 1), date(2026, 10, 10));
        assert!(!c.is_open_day(date(2026, 10, 1)));
        assert_eq!(
            c.working_days_between(date(2026, 9, 30), date(2026, 10, 8)),
            3
        );
        assert_eq!(
            c.working_days_between(date(2026, 10, 8), date(2026, 9, 30)),
            -3
        );
        assert_eq!(
            c.working_days_between(date(2026, 10, 9), date(2026, 10, 9)),
            0
        );
        assert!(c.is_open_day(date(2026, 10, 10)));
    }
}
