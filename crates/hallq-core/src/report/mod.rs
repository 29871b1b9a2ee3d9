//! Reports (日统计, 周通报, 月汇总), figures and the board's charts as a projection of the event
//! log: [`Projection`] keeps the facts, folded one event at a time; [`Projection::report`],
//! [`Projection::rows`] and [`Projection::board`] add them up for a span of business days.

mod compute;
mod model;
mod projection;

pub use compute::{
    Board, Dim, HISTOGRAM_BIN_MINUTES, HISTOGRAM_BINS, SERIES_STEP_MINUTES, histogram, permille,
};
pub use model::*;
pub use projection::Projection;
