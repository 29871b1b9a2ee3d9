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

use crate::event::Envelope;
use crate::hall::Hall;
use crate::report::{Dim, Projection};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// First-contact figures per clerk or unit for the business days `from..=to`, from the report
/// projection of these events (one definition of every figure: see [`crate::report`]).
pub fn figures<'a>(
    hall: &Hall,
    events: impl IntoIterator<Item = &'a Envelope>,
    from: Date,
    to: Date,
    by: By,
) -> Vec<FirstContact> {
    figures_of(hall, &Projection::fold(hall, events), from, to, by)
}

/// First-contact figures from a projection: the groups with anything to count.
pub fn figures_of(
    hall: &Hall,
    projection: &Projection,
    from: Date,
    to: Date,
    by: By,
) -> Vec<FirstContact> {
    let dim = match by {
        By::Clerk => Dim::Clerk,
        By::Unit => Dim::Unit,
    };
    projection
        .rows(hall, from, to, dim)
        .into_iter()
        .map(|r| FirstContact {
            key: r.key,
            first_contacts: r.first_contacts,
            resolved_first: r.resolved_first,
            referred: r.referred,
            referral_reasons: r.referral_reasons,
            notices: r.notices,
            second_trips: r.second_trips,
            finished_with_outcome: r.finished_with_outcome,
            one_visit: r.one_visit,
            one_visit_permille: r.one_visit_permille,
            resolved_first_permille: r.resolved_first_permille,
        })
        .filter(|f| {
            f.first_contacts + f.referred + f.notices + f.second_trips + f.finished_with_outcome > 0
        })
        .collect()
}
