//! Small server-drawn SVG charts, readable without JavaScript: the page
//! shows the same numbers in a table beside them.

use std::collections::BTreeMap;
use std::fmt::Write;

/// Colours that keep 3:1 contrast against white and apart from each other.
const PALETTE: [&str; 8] = [
    "#1f5f99", "#b3261e", "#2e7d32", "#8e24aa", "#ef6c00", "#00838f", "#5d4037", "#546e7a",
];

/// A stacked bar chart: one bar per category on the x axis, split by
/// series. Values are integers (fen); labels are shown as given.
pub fn stacked_bars(title: &str, points: &[(String, String, i64)], format: impl Fn(i64) -> String) -> String {
    let mut xs: Vec<&str> = points.iter().map(|(x, _, _)| x.as_str()).collect();
    xs.dedup();
    let mut series: Vec<&str> = points.iter().map(|(_, s, _)| s.as_str()).collect();
    series.sort_unstable();
    series.dedup();
    let mut totals: BTreeMap<&str, i64> = BTreeMap::new();
    for (x, _, v) in points {
        *totals.entry(x.as_str()).or_default() += v;
    }
    let max = totals.values().copied().max().unwrap_or(0).max(1);
    let (width, height, left, bottom, top) = (640.0_f64, 260.0_f64, 70.0_f64, 40.0_f64, 10.0_f64);
    let plot_h = height - bottom - top;
    let band = (width - left - 10.0) / xs.len().max(1) as f64;
    let bar = (band * 0.6).min(48.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {}" role="img" aria-label="{}" style="max-width:100%;height:auto"><title>{}</title>"#,
        height + 20.0 * ((series.len() as f64) / 3.0).ceil(),
        escape(title),
        escape(title)
    );
    let _ = write!(
        svg,
        r##"<line x1="{left}" y1="{top}" x2="{left}" y2="{}" stroke="#444"/><line x1="{left}" y1="{0}" x2="{}" y2="{0}" stroke="#444"/>"##,
        height - bottom,
        width - 10.0
    );
    let _ = write!(
        svg,
        r##"<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#222">{}</text><text x="{}" y="{}" font-size="11" text-anchor="end" fill="#222">0</text>"##,
        left - 4.0,
        top + 10.0,
        escape(&format(max)),
        left - 4.0,
        height - bottom
    );
    for (i, x) in xs.iter().enumerate() {
        let cx = left + band * i as f64 + band / 2.0;
        let mut y = height - bottom;
        for (k, s) in series.iter().enumerate() {
            let v: i64 = points
                .iter()
                .filter(|(px, ps, _)| px == x && ps == s)
                .map(|(_, _, v)| v)
                .sum();
            if v == 0 {
                continue;
            }
            let h = plot_h * v as f64 / max as f64;
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
        let _ = write!(
            svg,
            r##"<text x="{cx:.1}" y="{}" font-size="11" text-anchor="middle" fill="#222">{}</text>"##,
            height - bottom + 16.0,
            escape(x)
        );
    }
    for (k, s) in series.iter().enumerate() {
        let (lx, ly) = (left + 200.0 * (k % 3) as f64, height + 20.0 * (k / 3) as f64);
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

    #[test]
    fn bars_stack_per_month_and_escape_labels() {
        let points = vec![
            ("2026-01".to_owned(), "医疗<救助>".to_owned(), 300),
            ("2026-01".to_owned(), "助学".to_owned(), 100),
            ("2026-02".to_owned(), "助学".to_owned(), 400),
        ];
        let svg = stacked_bars("spending", &points, |v| v.to_string());
        assert_eq!(svg.matches("<rect x=").count(), 3 + 2, "three bars and two legend keys");
        assert!(svg.contains("医疗&lt;救助&gt;") && !svg.contains("医疗<救助>"));
        assert!(svg.contains(r#"role="img""#) && svg.contains("<title>spending</title>"));
    }
}
