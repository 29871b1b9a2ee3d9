//! Ratings (好差评): one rating per visit, given by the citizen alone at the window's pad (or by
//! phone within a day), five levels in one internal enum mapped explicitly at each boundary, and
//! the tracked fix (整改) of every bad rating.

use crate::ids::{ClerkId, ItemCode, TicketId, TicketNumber, WindowNo};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The five levels of GB/T 39046 and 国办发〔2019〕51号, best first. The one internal
/// representation: codes exist only at boundaries ([`RatingLevel::gbt_code`],
/// [`RatingLevel::provincial_code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingLevel {
    /// 非常满意
    VerySatisfied,
    /// 满意
    Satisfied,
    /// 基本满意
    BasicallySatisfied,
    /// 不满意
    Dissatisfied,
    /// 非常不满意
    VeryDissatisfied,
}

impl RatingLevel {
    pub const ALL: [RatingLevel; 5] = [
        RatingLevel::VerySatisfied,
        RatingLevel::Satisfied,
        RatingLevel::BasicallySatisfied,
        RatingLevel::Dissatisfied,
        RatingLevel::VeryDissatisfied,
    ];

    /// The level's name in configurations and the API (its serde name), e.g. `basically_satisfied`.
    pub const fn as_str(self) -> &'static str {
        match self {
            RatingLevel::VerySatisfied => "very_satisfied",
            RatingLevel::Satisfied => "satisfied",
            RatingLevel::BasicallySatisfied => "basically_satisfied",
            RatingLevel::Dissatisfied => "dissatisfied",
            RatingLevel::VeryDissatisfied => "very_dissatisfied",
        }
    }

    /// The level named `name` ([`RatingLevel::as_str`]), or `None`.
    pub fn from_name(name: &str) -> Option<RatingLevel> {
        RatingLevel::ALL.into_iter().find(|l| l.as_str() == name)
    }

    /// GB/T 39046-2020 A.8: 1 = 非常满意 … 5 = 非常不满意.
    pub fn gbt_code(self) -> u8 {
        match self {
            RatingLevel::VerySatisfied => 1,
            RatingLevel::Satisfied => 2,
            RatingLevel::BasicallySatisfied => 3,
            RatingLevel::Dissatisfied => 4,
            RatingLevel::VeryDissatisfied => 5,
        }
    }

    /// The reversed order many provincial platforms use: 1 = 非常不满意 … 5 = 非常满意.
    pub fn provincial_code(self) -> u8 {
        6 - self.gbt_code()
    }

    pub fn from_gbt_code(code: u8) -> Option<RatingLevel> {
        RatingLevel::ALL.into_iter().find(|l| l.gbt_code() == code)
    }

    pub fn from_provincial_code(code: u8) -> Option<RatingLevel> {
        RatingLevel::ALL
            .into_iter()
            .find(|l| l.provincial_code() == code)
    }

    /// 差评: the bottom two levels.
    pub fn is_bad(self) -> bool {
        matches!(
            self,
            RatingLevel::Dissatisfied | RatingLevel::VeryDissatisfied
        )
    }

    pub const fn name_zh(self) -> &'static str {
        match self {
            RatingLevel::VerySatisfied => "非常满意",
            RatingLevel::Satisfied => "满意",
            RatingLevel::BasicallySatisfied => "基本满意",
            RatingLevel::Dissatisfied => "不满意",
            RatingLevel::VeryDissatisfied => "非常不满意",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            RatingLevel::VerySatisfied => "Very satisfied",
            RatingLevel::Satisfied => "Satisfied",
            RatingLevel::BasicallySatisfied => "Fairly satisfied",
            RatingLevel::Dissatisfied => "Dissatisfied",
            RatingLevel::VeryDissatisfied => "Very dissatisfied",
        }
    }
}

/// Where a rating was given (GB/T 39046 评价渠道, as far as a hall has them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingChannel {
    /// The tablet rating pad at the window (政务服务大厅平板).
    Pad,
    /// The 4-key hardware rating pad (其他大厅终端).
    Keypad,
    /// The ticket's QR link on the citizen's phone (二维码).
    Phone,
}

impl RatingChannel {
    /// The channel's name in GB/T 39046's terms.
    pub fn gbt_name(self) -> &'static str {
        match self {
            RatingChannel::Pad => "政务服务大厅平板电脑",
            RatingChannel::Keypad => "政务服务大厅其他终端",
            RatingChannel::Phone => "二维码",
        }
    }
}

/// A visit that may be rated: a ticket finished at a window. Kept in the state for the phone
/// window (a day) even across midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatableVisit {
    pub ticket: TicketId,
    pub number: TicketNumber,
    pub window: WindowNo,
    pub clerk: ClerkId,
    pub item: Option<ItemCode>,
    pub case: Option<String>,
    pub finished_at: Timestamp,
    /// The pad may rate until then.
    pub pad_until: Timestamp,
    /// The request at the pad ended (rated or expired).
    pub pad_closed: bool,
    /// The rating given, and whether a follow-up rating (after a fix) was given too.
    pub rated: Option<RatingLevel>,
    pub followed_up: bool,
}

/// Where a bad rating's fix stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationState {
    Open,
    /// 已回访: the unit called the citizen back.
    VisitedBack,
    /// 已整改: fixed, with a note.
    Rectified,
    Closed,
    /// 申诉中: the clerk's unit appealed (a mistaken or malicious rating).
    Appealed,
    /// 申诉成立: the supervisor upheld the appeal; the rating no longer counts.
    AppealUpheld,
}

impl RectificationState {
    pub const fn name_zh(self) -> &'static str {
        match self {
            RectificationState::Open => "待整改",
            RectificationState::VisitedBack => "已回访",
            RectificationState::Rectified => "已整改",
            RectificationState::Closed => "已销号",
            RectificationState::Appealed => "申诉中",
            RectificationState::AppealUpheld => "申诉成立",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            RectificationState::Open => "Open",
            RectificationState::VisitedBack => "Visited back",
            RectificationState::Rectified => "Rectified",
            RectificationState::Closed => "Closed",
            RectificationState::Appealed => "Under appeal",
            RectificationState::AppealUpheld => "Appeal upheld",
        }
    }
}

/// What someone does to a fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RectifyAction {
    /// 回访: the unit called the citizen back.
    VisitBack,
    /// 整改: the fix is done (a note says what was done).
    Rectify,
    /// A supervisor closes a rectified fix.
    Close,
    /// 申诉: the unit holds the rating mistaken or malicious (a note says why).
    Appeal,
    /// A supervisor upholds the appeal: the rating no longer counts.
    UpholdAppeal,
    /// A supervisor rejects the appeal: the fix goes on where it was.
    RejectAppeal,
}

impl RectifyAction {
    /// The state this action leads to from `from`, if it may be taken there.
    pub fn next(self, r: &Rectification) -> Option<RectificationState> {
        use RectificationState as S;
        match (self, r.state) {
            (RectifyAction::VisitBack, S::Open) => Some(S::VisitedBack),
            (RectifyAction::Rectify, S::Open | S::VisitedBack) => Some(S::Rectified),
            (RectifyAction::Close, S::Rectified) => Some(S::Closed),
            (RectifyAction::Appeal, S::Open | S::VisitedBack | S::Rectified) => Some(S::Appealed),
            (RectifyAction::UpholdAppeal, S::Appealed) => Some(S::AppealUpheld),
            (RectifyAction::RejectAppeal, S::Appealed) => r.before_appeal,
            _ => None,
        }
    }

    /// Close and the appeal decisions are the supervisor's.
    pub fn needs_supervisor(self) -> bool {
        matches!(
            self,
            RectifyAction::Close | RectifyAction::UpholdAppeal | RectifyAction::RejectAppeal
        )
    }

    /// Rectifying and appealing say what and why.
    pub fn needs_note(self) -> bool {
        matches!(self, RectifyAction::Rectify | RectifyAction::Appeal)
    }
}

/// 整改: the tracked fix of a bad rating, owned by the rated clerk's unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rectification {
    pub id: String,
    pub rating: String,
    pub ticket: TicketId,
    pub window: WindowNo,
    pub clerk: ClerkId,
    pub unit: Option<String>,
    pub opened_on: Date,
    pub visit_back_due: Date,
    pub rectify_due: Date,
    pub state: RectificationState,
    pub visited_back_on: Option<Date>,
    pub rectified_on: Option<Date>,
    pub notes: Vec<String>,
    /// While appealed: the state to return to if the appeal is rejected.
    pub before_appeal: Option<RectificationState>,
}

impl Rectification {
    /// Overdue on `today`: not visited back by its due day, or not rectified by its due day.
    pub fn overdue(&self, today: Date) -> bool {
        let live = !matches!(
            self.state,
            RectificationState::Closed | RectificationState::AppealUpheld
        );
        let not_visited = self.visited_back_on.is_none() && today > self.visit_back_due;
        let not_rectified = self.rectified_on.is_none() && today > self.rectify_due;
        live && (not_visited || not_rectified)
    }
}

// ---------------------------------------------------------------------------------------------
// Deciding
// ---------------------------------------------------------------------------------------------

use crate::command::{Actor, RateTarget};
use crate::event::Event;
use crate::hall::{DeviceKind, Hall, Role};
use crate::rejection::Rejection;
use crate::state::HallState;

/// The reason tags the hall offers with a level.
pub fn tags_for(hall: &Hall, level: RatingLevel) -> &[String] {
    let r = &hall.config.ratings;
    match level {
        RatingLevel::VerySatisfied | RatingLevel::Satisfied => &r.tags_good,
        RatingLevel::BasicallySatisfied => &r.tags_basic,
        RatingLevel::Dissatisfied | RatingLevel::VeryDissatisfied => &r.tags_bad,
    }
}

/// The pad's requests that ran out by `now`: the visits stay unrated.
pub fn expire_requests(state: &HallState, now: Timestamp) -> Vec<Event> {
    state
        .visits
        .values()
        .filter(|v| !v.pad_closed && v.pad_until <= now)
        .map(|v| Event::RatingRequestExpired {
            ticket: v.ticket.clone(),
            number: v.number.clone(),
            window: v.window,
        })
        .collect()
}

/// The visit a window's pad is asking about now, if any.
pub fn pending_at(state: &HallState, window: WindowNo) -> Option<&RatableVisit> {
    state
        .visits
        .values()
        .filter(|v| v.window == window && !v.pad_closed)
        .max_by_key(|v| v.finished_at)
}

/// A citizen's rating. Only the citizen rates: at the pad of the visit's window (a pad device,
/// or the gateway's 4-key pad), or with the ticket's QR link; never a clerk.
#[allow(clippy::too_many_arguments)]
pub fn decide_rate(
    hall: &Hall,
    state: &HallState,
    actor: &Actor,
    target: &RateTarget,
    level: RatingLevel,
    reasons: &[String],
    comment: &Option<String>,
    now: Timestamp,
) -> Result<Vec<Event>, Rejection> {
    let (visit, channel) = match (actor, target) {
        (
            Actor::Device {
                kind: kind @ (DeviceKind::Pad | DeviceKind::Gateway),
                window: pad_window,
                ..
            },
            RateTarget::Window(w),
        ) => {
            if *kind == DeviceKind::Pad && *pad_window != Some(*w) {
                return Err(Rejection::NotYourWindow { window: *w });
            }
            let visit = pending_at(state, *w).ok_or(Rejection::NoRatingRequest { window: *w })?;
            let channel = if *kind == DeviceKind::Pad {
                RatingChannel::Pad
            } else {
                RatingChannel::Keypad
            };
            (visit, channel)
        }
        (Actor::System, RateTarget::Ticket(id)) => {
            let visit = state.visits.get(id).ok_or_else(|| Rejection::NotRatable {
                ticket: id.to_string(),
                why: "it was not served at a window, or its rating time is over",
            })?;
            let phone_until = visit.finished_at
                + jiff::SignedDuration::from_hours(hall.config.ratings.phone_hours as i64);
            if now > phone_until {
                return Err(Rejection::NotRatable {
                    ticket: id.to_string(),
                    why: "the time to rate it by phone is over",
                });
            }
            (visit, RatingChannel::Phone)
        }
        _ => {
            return Err(Rejection::Forbidden {
                what: actor.label(),
                action: "rate a visit (only the citizen rates, at the pad or by the ticket's QR code)",
            });
        }
    };
    // One rating per visit; after a fix, the citizen may rate once more (by phone).
    let rectification = state
        .rectifications
        .values()
        .find(|r| r.ticket == visit.ticket);
    let count = match (visit.rated, channel) {
        (None, _) => 1,
        (Some(_), RatingChannel::Phone)
            if !visit.followed_up
                && rectification.is_some_and(|r| {
                    matches!(
                        r.state,
                        RectificationState::Rectified | RectificationState::Closed
                    )
                }) =>
        {
            2
        }
        (Some(_), _) => {
            return Err(Rejection::AlreadyRated {
                number: visit.number.clone(),
            });
        }
    };
    let offered = tags_for(hall, level);
    if let Some(r) = reasons.iter().find(|r| !offered.contains(r)) {
        return Err(Rejection::UnknownReason { reason: r.clone() });
    }
    let suffix = if count == 2 { "-2" } else { "" };
    let rating = format!("PJ-{}{suffix}", visit.ticket);
    let unit = hall.clerks.get(&visit.clerk).and_then(|c| c.unit.clone());
    let mut events = vec![Event::TicketRated {
        rating: rating.clone(),
        ticket: visit.ticket.clone(),
        number: visit.number.clone(),
        case: visit.case.clone(),
        item: visit.item.clone(),
        channel,
        level,
        code: level.gbt_code(),
        reasons: reasons.to_vec(),
        comment: comment.clone(),
        window: visit.window,
        clerk: visit.clerk.clone(),
        unit: unit.clone(),
        count,
        region_code: hall.config.hall.region_code.clone(),
    }];
    if level.is_bad() && count == 1 {
        let today = state.day.unwrap_or_else(|| hall.calendar.business_day(now));
        let r = &hall.config.ratings;
        events.push(Event::RectificationOpened {
            rectification: format!("ZG-{}", visit.ticket),
            rating,
            ticket: visit.ticket.clone(),
            window: visit.window,
            clerk: visit.clerk.clone(),
            unit,
            visit_back_due: hall.calendar.add_working_days(today, r.visit_back_days),
            rectify_due: hall.calendar.add_working_days(today, r.rectify_days),
        });
    }
    Ok(events)
}

/// A step of a bad rating's fix. Visiting back, rectifying and appealing are for clerks of the
/// owning unit (or supervisors); closing and deciding appeals are for supervisors.
pub fn decide_rectify(
    hall: &Hall,
    state: &HallState,
    actor: &Actor,
    id: &str,
    action: RectifyAction,
    note: &Option<String>,
) -> Result<Vec<Event>, Rejection> {
    let r = state
        .rectifications
        .get(id)
        .ok_or_else(|| Rejection::UnknownRectification {
            rectification: id.to_owned(),
        })?;
    let Actor::Clerk { clerk, .. } = actor else {
        return Err(Rejection::Forbidden {
            what: actor.label(),
            action: "work on rectifications",
        });
    };
    let who = hall
        .clerks
        .get(clerk)
        .ok_or_else(|| Rejection::UnknownClerk {
            clerk: clerk.clone(),
        })?;
    let supervisor = matches!(who.role, Role::Supervisor | Role::Admin);
    let same_unit = who.unit.is_some() && who.unit == r.unit;
    let allowed = if action.needs_supervisor() {
        supervisor
    } else {
        supervisor || same_unit
    };
    if !allowed {
        return Err(Rejection::Forbidden {
            what: actor.label(),
            action: if action.needs_supervisor() {
                "close rectifications or decide appeals (supervisors only)"
            } else {
                "work on another unit's rectification"
            },
        });
    }
    let state_next = action.next(r).ok_or(Rejection::WrongRectificationState {
        rectification: id.to_owned(),
        state: r.state,
        action,
    })?;
    let note = note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if action.needs_note() && note.is_none() {
        return Err(Rejection::NoteNeeded);
    }
    Ok(vec![Event::RectificationProgressed {
        rectification: id.to_owned(),
        action,
        state: state_next,
        by: clerk.clone(),
        note: note.map(str::to_owned),
    }])
}

/// How long a closed fix and a rated visit stay in the working state (days).
pub const KEEP_DAYS: i64 = 2;

// ---------------------------------------------------------------------------------------------
// Figures: a projection of the log
// ---------------------------------------------------------------------------------------------

/// How figures are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Window,
    Clerk,
    Unit,
    Day,
}

/// Rating figures of one group over a span of business days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Figures {
    pub key: String,
    /// Visits finished (the denominator of 主动评价率).
    pub finished: u32,
    /// First ratings given (follow-ups are counted apart).
    pub rated: u32,
    /// Ratings per level, best first.
    pub levels: [u32; 5],
    pub follow_ups: u32,
    /// Bad ratings whose appeal was upheld: they do not count.
    pub appeals_upheld: u32,
    pub bad: u32,
    /// Fixes rectified by their due day, after it, and not yet.
    pub fixed_on_time: u32,
    pub fixed_late: u32,
    pub fixes_open: u32,
    /// 满意率: ratings not bad ÷ ratings that count, per mille (‰), none when nothing counts.
    pub satisfaction_permille: Option<u32>,
    /// 主动评价率: first ratings ÷ visits finished, per mille.
    pub rating_rate_permille: Option<u32>,
}

/// Rating figures per group for the business days `from..=to`, from the report projection of
/// these events (one definition of every figure: see [`crate::report`]).
pub fn figures<'a>(
    hall: &Hall,
    events: impl IntoIterator<Item = &'a crate::event::Envelope>,
    from: Date,
    to: Date,
    by: GroupBy,
) -> Vec<Figures> {
    figures_of(
        hall,
        &crate::report::Projection::fold(hall, events),
        from,
        to,
        by,
    )
}

/// Rating figures per group from a projection: the groups with a visit served or a rating.
pub fn figures_of(
    hall: &Hall,
    projection: &crate::report::Projection,
    from: Date,
    to: Date,
    by: GroupBy,
) -> Vec<Figures> {
    use crate::report::Dim;
    let dim = match by {
        GroupBy::Window => Dim::Window,
        GroupBy::Clerk => Dim::Clerk,
        GroupBy::Unit => Dim::Unit,
        GroupBy::Day => Dim::Day,
    };
    projection
        .rows(hall, from, to, dim)
        .into_iter()
        .filter(|r| r.served + r.rated + r.follow_ups > 0)
        .map(|r| Figures {
            key: r.key,
            finished: r.served,
            rated: r.rated,
            levels: r.levels,
            follow_ups: r.follow_ups,
            appeals_upheld: r.appeals_upheld,
            bad: r.bad,
            fixed_on_time: r.fixes_on_time,
            fixed_late: r.fixes_late,
            fixes_open: r.fixes_open,
            satisfaction_permille: r.satisfaction_permille,
            rating_rate_permille: r.rating_rate_permille,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_level_maps_to_both_code_orders_and_back() {
        let expect = [
            (RatingLevel::VerySatisfied, 1, 5),
            (RatingLevel::Satisfied, 2, 4),
            (RatingLevel::BasicallySatisfied, 3, 3),
            (RatingLevel::Dissatisfied, 4, 2),
            (RatingLevel::VeryDissatisfied, 5, 1),
        ];
        for (level, gbt, provincial) in expect {
            assert_eq!(level.gbt_code(), gbt, "{level:?}");
            assert_eq!(level.provincial_code(), provincial, "{level:?}");
            assert_eq!(RatingLevel::from_gbt_code(gbt), Some(level));
            assert_eq!(RatingLevel::from_provincial_code(provincial), Some(level));
        }
        assert_eq!(RatingLevel::from_gbt_code(0), None);
        for level in RatingLevel::ALL {
            let json = serde_json::to_value(level).unwrap();
            assert_eq!(
                json.as_str(),
                Some(level.as_str()),
                "the name is the serde name"
            );
            assert_eq!(RatingLevel::from_name(level.as_str()), Some(level));
        }
        assert_eq!(RatingLevel::from_gbt_code(6), None);
        let bad: Vec<_> = RatingLevel::ALL
            .into_iter()
            .filter(|l| l.is_bad())
            .collect();
        assert_eq!(
            bad,
            [RatingLevel::Dissatisfied, RatingLevel::VeryDissatisfied]
        );
    }
}
