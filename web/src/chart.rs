//! Small server-drawn SVG charts, readable without JavaScript: the page
//! shows the same numbers in a table beside them. Axes are labelled with
//! round figures, every category has its place (a month without gifts is
//! an empty month, not a missing one), and a series keeps its colour from
//! one page and one render to the next.

use std::fmt::Write;

use chrono::{Months, NaiveDate};

/// Colours that keep 3:1 contrast against white and apart from each other.
const PALETTE: [&str; 8] = [
    "#1f5f99", "#b3261e", "#2e7d32", "#8e24aa", "#ef6c00", "#00838f", "#5d4037", "#546e7a",
];

/// A stacked bar chart: one bar per category on the x axis, split by
/// series. Values are integers (fen, or counts).
pub struct Bars<'a> {
    pub title: &'a str,
    /// What the x and y axes measure ("月份", "金额（元）").
    pub x_label: &'a str,
    pub y_label: &'a str,
    /// Every category along the x axis, in order: empty ones too.
    pub xs: Vec<String>,
    /// Every series that may appear, in a fixed order: a series' colour
    /// is its place here, whether or not the others appear.
    pub series: Vec<String>,
    /// (category, series, value).
    pub points: Vec<(String, String, i64)>,
}

/// Every month from `first` to `last` (`YYYY-MM`), both included; the two
/// given back when either does not parse.
pub fn every_month(first: &str, last: &str) -> Vec<String> {
    let parse = |m: &str| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok();
    let (Some(mut at), Some(end)) = (parse(first), parse(last)) else {
        return vec![first.to_owned(), last.to_owned()];
    };
    let mut months = Vec::new();
    while at <= end && months.len() < 600 {
        months.push(at.format("%Y-%m").to_string());
        at = at + Months::new(1);
    }
    months
}

/// A round step for about `ticks` gridlines up to `max`: 1, 2, 2.5 or 5
/// times a power of ten.
fn nice_step(max: i64, ticks: i64) -> i64 {
    let raw = (max.max(1) as f64 / ticks.max(1) as f64).max(1.0);
    let magnitude = 10_f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    step.round().max(1.0) as i64
}

pub fn stacked_bars(bars: &Bars, format: impl Fn(i64) -> String) -> String {
    let total = |x: &str| -> i64 { bars.points.iter().filter(|(px, _, _)| px == x).map(|(_, _, v)| v).sum() };
    let max = bars.xs.iter().map(|x| total(x)).max().unwrap_or(0).max(1);
    let step = nice_step(max, 4);
    let top_value = (max + step - 1) / step * step;
    let present: Vec<(usize, &String)> = bars
        .series
        .iter()
        .enumerate()
        .filter(|(_, s)| bars.points.iter().any(|(_, ps, v)| ps == *s && *v != 0))
        .collect();
    let (width, height, left, bottom, top) = (640.0_f64, 270.0_f64, 96.0_f64, 48.0_f64, 22.0_f64);
    let plot_h = height - bottom - top;
    let band = (width - left - 10.0) / bars.xs.len().max(1) as f64;
    let bar = (band * 0.6).min(48.0);
    let legend_rows = (present.len() as f64 / 3.0).ceil();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {}" role="img" aria-label="{}" style="max-width:100%;height:auto"><title>{}</title>"#,
        height + 20.0 * legend_rows,
        escape(bars.title),
        escape(bars.title)
    );
    // Gridlines at round figures, each labelled.
    let mut value = 0;
    while value <= top_value {
        let y = height - bottom - plot_h * value as f64 / top_value as f64;
        let _ = write!(
            svg,
            r##"<line x1="{left}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="{}"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="#222">{}</text>"##,
            width - 10.0,
            if value == 0 { "#444" } else { "#ddd" },
            left - 4.0,
            y + 4.0,
            escape(&format(value))
        );
        value += step;
    }
    let _ = write!(
        svg,
        r##"<line x1="{left}" y1="{top}" x2="{left}" y2="{}" stroke="#444"/><text x="{left}" y="{}" font-size="11" fill="#222">{}</text><text x="{}" y="{}" font-size="11" text-anchor="end" fill="#222">{}</text>"##,
        height - bottom,
        top - 8.0,
        escape(bars.y_label),
        width - 10.0,
        height - bottom + 34.0,
        escape(bars.x_label)
    );
    // Label every category when they fit, else every second or third.
    let every = bars.xs.len().div_ceil(12).max(1);
    for (i, x) in bars.xs.iter().enumerate() {
        let cx = left + band * i as f64 + band / 2.0;
        let mut y = height - bottom;
        for (k, s) in &present {
            let v: i64 = bars
                .points
                .iter()
                .filter(|(px, ps, _)| px == x && ps == *s)
                .map(|(_, _, v)| v)
                .sum();
            if v == 0 {
                continue;
            }
            let h = plot_h * v as f64 / top_value as f64;
            y -= h;
            let _ = write!(
                svg,
                r#"<rect x="{:.1}" y="{y:.1}" width="{bar:.1}" height="{h:.1}" fill="{}"><title>{} {}: {}</title></rect>"#,
                cx - bar / 2.0,
                PALETTE[k % PALETTE.len()],
                escape(x),
                escape(s),
                escape(&format(v))
            );
        }
        if i % every == 0 {
            let _ = write!(
                svg,
                r##"<text x="{cx:.1}" y="{}" font-size="11" text-anchor="middle" fill="#222">{}</text>"##,
                height - bottom + 16.0,
                escape(x)
            );
        }
    }
    for (slot, (k, s)) in present.iter().enumerate() {
        let (lx, ly) = (left + 180.0 * (slot % 3) as f64, height + 20.0 * (slot / 3) as f64);
        let _ = write!(
            svg,
            r##"<rect x="{lx}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{ly}" font-size="12" fill="#222">{}</text>"##,
            ly - 10.0,
            PALETTE[k % PALETTE.len()],
            lx + 16.0,
            escape(s)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(points: Vec<(&str, &str, i64)>, series: &[&str]) -> String {
        let bars = Bars {
            title: "spending",
            x_label: "月份",
            y_label: "金额",
            xs: every_month("2026-01", "2026-03"),
            series: series.iter().map(|s| (*s).to_owned()).collect(),
            points: points
                .into_iter()
                .map(|(x, s, v)| (x.to_owned(), s.to_owned(), v))
                .collect(),
        };
        stacked_bars(&bars, |v| v.to_string())
    }

    #[test]
    fn bars_stack_per_month_and_escape_labels() {
        let svg = chart(
            vec![
                ("2026-01", "医疗<救助>", 300),
                ("2026-01", "助学", 100),
                ("2026-03", "助学", 400),
            ],
            &["医疗<救助>", "助学"],
        );
        assert_eq!(svg.matches("<rect x=").count(), 3 + 2, "three bars and two legend keys");
        assert!(svg.contains("医疗&lt;救助&gt;") && !svg.contains("医疗<救助>"));
        assert!(svg.contains(r#"role="img""#) && svg.contains("<title>spending</title>"));
    }

    #[test]
    fn every_month_has_its_place_and_the_axis_round_figures() {
        assert_eq!(
            every_month("2025-11", "2026-02"),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        let svg = chart(vec![("2026-01", "助学", 430), ("2026-03", "助学", 100)], &["助学"]);
        assert!(svg.contains(">2026-02</text>"), "the empty month is on the axis: {svg}");
        // 430 with about four steps: 0, 200, 400, 600 (a step of 2 × 10²).
        for tick in [">0<", ">200<", ">400<", ">600<"] {
            assert!(svg.contains(tick), "{tick} in {svg}");
        }
        assert!(svg.contains(">月份<") && svg.contains(">金额<"), "labelled axes");
        assert_eq!(nice_step(1, 4), 1);
        assert_eq!(nice_step(1_000_000, 4), 250_000);
    }

    #[test]
    fn a_series_keeps_its_colour_when_others_are_missing() {
        let both = chart(vec![("2026-01", "医疗", 1), ("2026-01", "助学", 1)], &["医疗", "助学"]);
        let alone = chart(vec![("2026-01", "助学", 1)], &["医疗", "助学"]);
        let colour_of = |svg: &str| {
            let at = svg.find("助学: 1").unwrap_or_else(|| panic!("{svg}"));
            svg[..at].rsplit("fill=\"").next().map(|f| f[..7].to_owned())
        };
        assert_eq!(colour_of(&both), colour_of(&alone));
        assert_eq!(colour_of(&alone).as_deref(), Some(PALETTE[1]));
    }
}
