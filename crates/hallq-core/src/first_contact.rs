//! First-contact responsibility (首问负责) as numbers: a pure fold of the event log per clerk or
//! unit over a span of business days.
//!
//! Definitions:
//! - a **first contact** of a clerk is a ticket whose first call was theirs;
//! - it was **resolved at the first window** when that clerk finished it, without a transfer,
//!   with an outcome other than a tell-once notice;
//! - a **referral** is a transfer with a reason (转办) by the first clerk;
//! - a **second trip** is a ticket that cites a tell-once notice the clerk issued;
//! - the **one-visit rate** (最多跑一次) is, of the visits the clerk finished with an outcome, the
//!   share done on the spot, accepted or answered without citing an earlier notice.

use crate::event::{Envelope, Event};
use crate::hall::Hall;
use crate::ids::{ClerkId, TicketId};
use crate::state::Outcome;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// How the figures are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    Clerk,
    Unit,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct FirstContact {
    pub key: String,
    pub first_contacts: u32,
    pub resolved_first: u32,
    pub referred: u32,
    /// Referral reasons and how often each was given.
    pub referral_reasons: BTreeMap<String, u32>,
    pub notices: u32,
    pub second_trips: u32,
    /// Visits finished with an outcome recorded.
    pub finished_with_outcome: u32,
    pub one_visit: u32,
    /// 最多跑一次: one-visit ÷ finished with an outcome, per mille.
    pub one_visit_permille: Option<u32>,
    /// Resolved at the first window ÷ first contacts, per mille.
    pub resolved_first_permille: Option<u32>,
}

pub fn figures<'a>(
    hall: &Hall,
    events: impl IntoIterator<Item = &'a Envelope>,
    from: Date,
    to: Date,
    by: By,
) -> Vec<FirstContact> {
    let tz = &hall.calendar.tz;
    let key = |clerk: &ClerkId| match by {
        By::Clerk => clerk.to_string(),
        By::Unit => hall
            .clerks
            .get(clerk)
            .and_then(|c| c.unit.clone())
            .unwrap_or_else(|| "-".into()),
    };
    let mut rows: BTreeMap<String, FirstContact> = BTreeMap::new();
    let mut first: BTreeMap<TicketId, ClerkId> = BTreeMap::new();
    let mut transferred: BTreeSet<TicketId> = BTreeSet::new();
    let mut cites_notice: BTreeSet<TicketId> = BTreeSet::new();
    let mut notice_by: BTreeMap<String, ClerkId> = BTreeMap::new();
    for env in events {
        let day = tz.to_datetime(env.at).date();
        let in_span = day >= from && day <= to;
        match &env.event {
            Event::TicketIssued {
                ticket,
                notice: Some(n),
                ..
            } => {
                cites_notice.insert(ticket.clone());
                if let (Some(clerk), true) = (notice_by.get(n), in_span) {
                    rows.entry(key(clerk)).or_default().second_trips += 1;
                }
            }
            Event::TicketCalled { ticket, clerk, .. } if !first.contains_key(ticket) => {
                first.insert(ticket.clone(), clerk.clone());
                if in_span {
                    rows.entry(key(clerk)).or_default().first_contacts += 1;
                }
            }
            Event::TicketTransferred {
                ticket,
                clerk,
                reason,
                ..
            } => {
                transferred.insert(ticket.clone());
                if let (Some(reason), true) = (reason, in_span)
                    && first.get(ticket) == Some(clerk)
                {
                    let row = rows.entry(key(clerk)).or_default();
                    row.referred += 1;
                    *row.referral_reasons.entry(reason.clone()).or_default() += 1;
                }
            }
            Event::NoticeIssued { notice, clerk, .. } => {
                notice_by.insert(notice.clone(), clerk.clone());
                if in_span {
                    rows.entry(key(clerk)).or_default().notices += 1;
                }
            }
            Event::TicketFinished {
                ticket,
                clerk,
                outcome: Some(outcome),
                ..
            } if in_span => {
                let row = rows.entry(key(clerk)).or_default();
                row.finished_with_outcome += 1;
                let done = *outcome != Outcome::TellOnce;
                if done && !cites_notice.contains(ticket) {
                    row.one_visit += 1;
                }
                if done && first.get(ticket) == Some(clerk) && !transferred.contains(ticket) {
                    row.resolved_first += 1;
                }
            }
            _ => {}
        }
    }
    rows.into_iter()
        .map(|(k, mut f)| {
            f.key = k;
            f.one_visit_permille =
                (f.finished_with_outcome > 0).then(|| f.one_visit * 1000 / f.finished_with_outcome);
            f.resolved_first_permille =
                (f.first_contacts > 0).then(|| f.resolved_first * 1000 / f.first_contacts);
            f
        })
        .collect()
}
