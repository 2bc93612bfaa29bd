//! The HTML report: one self-contained file (styles inline, every chart an inline SVG image,
//! no scripts, no network) that opens in any browser and prints cleanly.

use std::fmt::Write as _;
use std::path::Path;

use crate::chart::svg::{Style, render};
use crate::chart::{Chart, Table};
use crate::data::save::{SaveError, write_atomic};

/// What a report says about one analysis.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// "Predict: churn = yes".
    pub title: String,
    /// The data source: file name and row count ("customers.csv · 5,000 rows · 12 columns").
    pub source: String,
    /// Settings in words, seed included: ("Models", "Logistic regression, Random forest").
    pub settings: Vec<(String, String)>,
    /// The plain-language findings, in order.
    pub sentences: Vec<String>,
    pub charts: Vec<Chart>,
    pub tables: Vec<Table>,
    /// "MarketLens 0.1.0, 2026-12-02 14:05".
    pub made_by: String,
}

/// Width and height of each embedded chart (16:9; the SVG scales with the page).
pub const CHART_SIZE: (u32, u32) = (1280, 720);

/// `&`, `<`, `>`, `"` and `'` as entities.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "body{font-family:'Noto Sans SC','Segoe UI',Helvetica,Arial,sans-serif;\
max-width:1100px;margin:32px auto;padding:0 24px;color:#1d1d1f;line-height:1.5}\
h1{color:#0f768c;margin-bottom:4px}h2{margin-top:40px;border-bottom:1px solid #ddd;\
padding-bottom:4px}.source{color:#555}table{border-collapse:collapse;margin:12px 0;\
font-size:14px}th,td{border:1px solid #ccc;padding:4px 10px;text-align:left}\
th{background:#f2f5f7}td.n{text-align:right;font-variant-numeric:tabular-nums}\
figure{margin:24px 0;break-inside:avoid}figure svg{width:100%;height:auto;\
border:1px solid #e5e5e5}footer{margin-top:48px;color:#777;font-size:13px}\
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{color:#555}dd{margin:0}";

fn looks_numeric(cell: &str) -> bool {
    let t = cell.trim().trim_end_matches('%').trim();
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+' | ' ' | '\u{2212}'))
}

/// The report as one HTML document.
pub fn html(report: &Report) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{CSS}</style></head><body>\n<h1>{}</h1>\n\
         <p class=\"source\">{}</p>\n",
        escape(&report.title),
        escape(&report.title),
        escape(&report.source)
    );
    if !report.settings.is_empty() {
        out.push_str("<h2>Settings</h2>\n<dl>");
        for (k, v) in &report.settings {
            let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
        }
        out.push_str("</dl>\n");
    }
    if !report.sentences.is_empty() {
        out.push_str("<h2>What it found</h2>\n<ul>\n");
        for s in &report.sentences {
            let _ = writeln!(out, "<li>{}</li>", escape(s));
        }
        out.push_str("</ul>\n");
    }
    if !report.charts.is_empty() {
        out.push_str("<h2>Charts</h2>\n");
    }
    let (w, h) = CHART_SIZE;
    for chart in &report.charts {
        let svg = render(chart, w, h, &Style::default());
        // the XML declaration is not allowed inside HTML
        let svg = match svg.find("<svg") {
            Some(i) => &svg[i..],
            None => svg.as_str(),
        };
        let _ = writeln!(
            out,
            "<figure id=\"chart-{}\" role=\"img\" aria-label=\"{}\">{svg}</figure>",
            escape(&chart.id),
            escape(&chart.title)
        );
    }
    for table in &report.tables {
        let _ = write!(
            out,
            "<h2>{}</h2>\n<table id=\"table-{}\"><thead><tr>",
            escape(&table.title),
            escape(&table.id)
        );
        for h in &table.header {
            let _ = write!(out, "<th>{}</th>", escape(h));
        }
        out.push_str("</tr></thead><tbody>\n");
        for row in &table.rows {
            out.push_str("<tr>");
            for cell in row {
                let class = if looks_numeric(cell) {
                    " class=\"n\""
                } else {
                    ""
                };
                let _ = write!(out, "<td{class}>{}</td>", escape(cell));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table>\n");
    }
    let _ = write!(
        out,
        "<footer>Made with {}. The input file was only read, never changed.</footer>\n\
         </body></html>\n",
        escape(&report.made_by)
    );
    out
}

/// Write the report atomically to a new file (never over `input`).
pub fn save(report: &Report, path: &Path, input: Option<&Path>) -> Result<(), SaveError> {
    let text = html(report);
    write_atomic(path, input, |w| {
        use std::io::Write;
        w.write_all(text.as_bytes()).map_err(|e| e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{Axis, Series, spec::color};

    fn chart(id: &str) -> Chart {
        Chart {
            id: id.into(),
            title: format!("Chart {id} <&>"),
            subtitle: "sub".into(),
            x: Axis::number("x"),
            y: Axis::number("y"),
            series: vec![Series::line("a", color(0), vec![[0.0, 1.0], [1.0, 2.0]])],
            footnote: String::new(),
        }
    }

    #[test]
    fn every_chart_and_table_is_embedded_and_nothing_is_fetched() {
        let report = Report {
            title: "Predict: churn".into(),
            source: "customers.csv · 5,000 rows".into(),
            settings: vec![("Seed".into(), "42".into())],
            sentences: vec!["Churners call support more.".into()],
            charts: vec![chart("roc"), chart("gains")],
            tables: vec![Table {
                id: "models".into(),
                title: "Models".into(),
                header: vec!["Model".into(), "AUC".into()],
                rows: vec![vec!["Forest".into(), "0.84".into()]],
            }],
            made_by: "MarketLens test".into(),
        };
        let html = html(&report);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert_eq!(html.matches("<figure id=\"chart-").count(), 2);
        assert_eq!(html.matches("<svg").count(), 2);
        assert!(html.contains("id=\"chart-roc\"") && html.contains("id=\"chart-gains\""));
        assert!(html.contains("<td class=\"n\">0.84</td>"));
        assert!(html.contains("Chart roc &lt;&amp;&gt;"));
        assert!(!html.contains("<?xml"));
        // self-contained: no scripts, no links to fetch
        for needle in [
            "<script",
            "src=\"http",
            "href=\"http",
            "@import",
            "url(http",
        ] {
            assert!(!html.contains(needle), "{needle}");
        }
    }
}
