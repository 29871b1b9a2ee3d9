//! Inline SVG charts drawn with plotters' SVG backend. Text is emitted as `<text>` elements in a
//! generic family; the page's CSS gives them the CJK font stack, so no font is loaded here.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Chart size in SVG units; the page scales it to the figure's width.
const W: u32 = 460;
const H: u32 = 250;
const FONT: &str = "sans-serif";
/// plotters writes `font-size` as size ÷ 1.24: this gives 14 px labels (about 8 pt printed).
const LABEL: f64 = 17.4;
/// 11 px: x labels of charts with more than [`MANY`] labels, so that two digits fit a slot.
const SMALL: f64 = 13.6;
const MANY: usize = 16;

const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);
const GRID: RGBColor = RGBColor(0xDD, 0xE1, 0xE6);
const AXIS: RGBColor = RGBColor(0x88, 0x8E, 0x96);
pub(crate) const BAR: RGBColor = RGBColor(0x1F, 0x4E, 0x79);

/// Line colours for series, in order; HTML legends use the same.
pub(crate) const PALETTE: [RGBColor; 6] = [
    RGBColor(0x1F, 0x5F, 0xA8),
    RGBColor(0xD9, 0x82, 0x2B),
    RGBColor(0x2E, 0x8B, 0x57),
    RGBColor(0x8E, 0x44, 0xAD),
    RGBColor(0xC0, 0x39, 0x2B),
    RGBColor(0x5D, 0x6D, 0x7E),
];

/// Rating levels, best to worst: green to red.
pub(crate) const LEVEL_COLORS: [RGBColor; 5] = [
    RGBColor(0x2E, 0x7D, 0x32),
    RGBColor(0x7C, 0xB3, 0x42),
    RGBColor(0xF9, 0xA8, 0x25),
    RGBColor(0xEF, 0x6C, 0x00),
    RGBColor(0xC6, 0x28, 0x28),
];

/// The colour of the series at `i`.
pub(crate) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

pub(crate) fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// x positions are in tenths of a bar (or of a sample step), as integers, so that custom
/// tick positions can use plotters' integer formatting.
pub(crate) const X: u32 = 10;

/// A bar chart, one bar per value, with axis labels at the given x positions (bar `i` spans
/// `i·X..(i + 1)·X`); `values_on_top` writes each bar's count above it.
pub(crate) fn bars(
    values: &[u32],
    color: impl Fn(usize) -> RGBColor,
    labels: &[(u32, String)],
    values_on_top: bool,
) -> Option<String> {
    let n = values.len();
    if n == 0 || values.iter().all(|&v| v == 0) {
        return None;
    }
    let top = nice_max(values.iter().copied().max().unwrap_or(0), values_on_top);
    svg(|root| {
        let keys: Vec<u32> = labels.iter().map(|l| l.0).collect();
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(14)
            .x_label_area_size(30)
            .y_label_area_size(44)
            .build_cartesian_2d((0..n as u32 * X).with_key_points(keys), 0u32..top)?;
        let label_of = |x: &u32| {
            let at = labels.iter().find(|l| l.0 == *x);
            at.map(|l| l.1.clone()).unwrap_or_default()
        };
        let size = if labels.len() > MANY { SMALL } else { LABEL };
        mesh(&mut chart, &label_of, size)?;
        chart.draw_series(values.iter().enumerate().map(|(i, &v)| {
            let (x0, x1) = (i as u32 * X + 2, i as u32 * X + X - 2);
            Rectangle::new([(x0, 0), (x1, v)], color(i).filled())
        }))?;
        if values_on_top {
            let style = (FONT, LABEL)
                .into_font()
                .color(&INK)
                .pos(Pos::new(HPos::Center, VPos::Bottom));
            chart.draw_series(values.iter().enumerate().map(|(i, &v)| {
                Text::new(v.to_string(), (i as u32 * X + X / 2, v), style.clone())
            }))?;
        }
        Ok(())
    })
}

/// A line chart of counts at sample times, each series in [`color`] of its index; axis labels
/// at the full hours. None without series.
pub(crate) fn lines(times: &[String], series: &[(usize, &[u32])]) -> Option<String> {
    let n = times.len();
    if n < 2 || series.is_empty() {
        return None;
    }
    let max = series
        .iter()
        .flat_map(|s| s.1.iter().copied())
        .max()
        .unwrap_or(0);
    let top = nice_max(max, false);
    let hours: Vec<u32> = (0..n)
        .filter(|&i| times[i].ends_with(":00"))
        .map(|i| i as u32 * X)
        .collect();
    // Few samples on the hour (odd steps): label about eight evenly spaced samples instead.
    let keys = if hours.len() >= 2 {
        hours
    } else {
        let every = n.div_ceil(8);
        (0..n).step_by(every).map(|i| i as u32 * X).collect()
    };
    svg(|root| {
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(22)
            .x_label_area_size(30)
            .y_label_area_size(44)
            .build_cartesian_2d((0..(n as u32 - 1) * X).with_key_points(keys), 0u32..top)?;
        let label_of = |x: &u32| times.get((x / X) as usize).cloned().unwrap_or_default();
        mesh(&mut chart, &label_of, LABEL)?;
        for &(s, points) in series {
            chart.draw_series(LineSeries::new(
                points.iter().enumerate().map(|(i, &v)| (i as u32 * X, v)),
                color(s).stroke_width(2),
            ))?;
        }
        Ok(())
    })
}

type Chart<'a> =
    ChartContext<'a, SVGBackend<'a>, Cartesian2d<WithKeyPoints<RangedCoordu32>, RangedCoordu32>>;

use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::types::RangedCoordu32;

/// Axes and grid; x labels in `x_size` (plotters' units), y labels in [`LABEL`].
fn mesh(chart: &mut Chart<'_>, label_of: &dyn Fn(&u32) -> String, x_size: f64) -> Result<()> {
    let text = (FONT, LABEL).into_font().color(&INK);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_labels(5)
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(AXIS.stroke_width(1))
        .label_style(text)
        .x_label_style((FONT, x_size).into_font().color(&INK))
        .x_label_formatter(label_of)
        .draw()?;
    Ok(())
}

fn svg(
    draw: impl FnOnce(DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Result<()>,
) -> Option<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (W, H)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        draw(root.clone()).ok()?;
        root.present().ok()?;
    }
    Some(out)
}

/// A round upper bound for a count axis, with headroom for labels above bars.
fn nice_max(max: u32, headroom: bool) -> u32 {
    let max = if headroom {
        max + max / 8 + 1
    } else {
        max + max / 20 + 1
    };
    let step = [
        1u32, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000,
    ]
    .into_iter()
    .find(|s| max.div_ceil(*s) <= 8)
    .unwrap_or_else(|| max.div_ceil(8));
    max.div_ceil(step).max(1) * step
}
