//! The page around the charts: one HTML file with its CSS inline, no
//! scripts and nothing fetched, so it opens anywhere and can be mailed or
//! archived beside the run.

use std::fmt::Write;

use super::svg::{Chart, escape};

const STYLE: &str = "
:root { color-scheme: light; }
body { margin: 0; background: #f4f5f8; color: #1d1f24;
  font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 2px solid #dfe2ea; }
h3 { font-size: 15px; margin: 0 0 2px; }
p.lead { margin: 0 0 16px; color: #555; }
.grid { display: grid; gap: 16px; margin: 16px 0; grid-template-columns: repeat(auto-fit, minmax(min(100%, 540px), 1fr)); }
figure, .card { margin: 0; background: #fff; border: 1px solid #e1e4eb; border-radius: 8px;
  padding: 14px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
figcaption { font-size: 13px; color: #60646e; margin-bottom: 6px; }
svg.chart { display: block; width: 100%; height: auto; }
.note { background: #fffbea; border: 1px dashed #e0c96b; border-radius: 6px; padding: 12px;
  color: #6b5a12; font-size: 14px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; background: #fff; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid #eceef3; vertical-align: top; }
th { background: #f0f2f6; font-weight: 600; }
th.num { text-align: right; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; border: 1px solid #e1e4eb; border-radius: 8px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; font-size: 14px; }
dl.meta dt { color: #60646e; } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code { font: 12px ui-monospace, 'DejaVu Sans Mono', monospace; }
.pass, .fail, .na { display: inline-block; padding: 1px 10px; border-radius: 10px; font-weight: 600; font-size: 12px; }
.pass { background: #dcf3e2; color: #17692f; } .fail { background: #fbe0e0; color: #9b1c1c; }
.na { background: #eceef3; color: #555; }
details > summary { cursor: pointer; font-weight: 600; margin: 8px 0; }
";

/// A page being written: headings, figures, tables.
pub struct Page {
    body: String,
}

impl Page {
    pub fn new(title: &str, lead: &str) -> Page {
        let mut page = Page {
            body: String::new(),
        };
        let _ = write!(
            page.body,
            "<h1>{}</h1><p class=\"lead\">{}</p>",
            escape(title),
            escape(lead)
        );
        page
    }

    pub fn heading(&mut self, text: &str, id: &str) {
        let _ = write!(self.body, "<h2 id=\"{}\">{}</h2>", escape(id), escape(text));
    }

    /// Raw HTML from the helpers below.
    pub fn push(&mut self, html: &str) {
        self.body.push_str(html);
    }

    pub fn grid(&mut self, items: &[String]) {
        let _ = write!(self.body, "<div class=\"grid\">{}</div>", items.concat());
    }

    pub fn finish(self, title: &str) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{}</title><style>{STYLE}</style></head>\n<body><main>{}</main></body></html>\n",
            escape(title),
            self.body
        )
    }
}

/// A chart under its heading and caption, or `missing` in its place when
/// it has nothing to draw.
pub fn figure(title: &str, caption: &str, chart: &Chart, missing: &str) -> String {
    if !chart.has_data() {
        return note(title, missing);
    }
    format!(
        "<figure><h3>{}</h3><figcaption>{}</figcaption>{}</figure>",
        escape(title),
        escape(caption),
        chart.render()
    )
}

/// What stands in for a plot that cannot be drawn, and why.
pub fn note(title: &str, why: &str) -> String {
    format!(
        "<figure><h3>{}</h3><div class=\"note\">{}</div></figure>",
        escape(title),
        escape(why)
    )
}

/// A table cell: text, escaped, right-aligned when `numeric`; or HTML as
/// given.
pub enum Cell {
    Text(String),
    Number(String),
    Html(String),
}

pub fn table(header: &[&str], rows: &[Vec<Cell>]) -> String {
    let mut out = String::from("<div class=\"scroll\"><table><thead><tr>");
    for (i, h) in header.iter().enumerate() {
        // Aligned as the column's numbers are.
        let numeric = rows
            .first()
            .is_some_and(|row| matches!(row.get(i), Some(Cell::Number(_))));
        let class = if numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th{class}>{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            match cell {
                Cell::Text(t) => {
                    let _ = write!(out, "<td>{}</td>", escape(t));
                }
                Cell::Number(t) => {
                    let _ = write!(out, "<td class=\"num\">{}</td>", escape(t));
                }
                Cell::Html(h) => {
                    let _ = write!(out, "<td>{h}</td>");
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out
}

/// Names and values, as a definition list.
pub fn meta(items: &[(&str, String)]) -> String {
    let mut out = String::from("<div class=\"card\"><dl class=\"meta\">");
    for (name, value) in items {
        let _ = write!(out, "<dt>{}</dt><dd>{value}</dd>", escape(name));
    }
    out.push_str("</dl></div>");
    out
}

/// A pass/fail badge; "n/a" when it cannot be judged.
pub fn verdict(pass: Option<bool>) -> String {
    match pass {
        Some(true) => "<span class=\"pass\">pass</span>".into(),
        Some(false) => "<span class=\"fail\">fail</span>".into(),
        None => "<span class=\"na\">n/a</span>".into(),
    }
}

/// A string usable in an element id.
pub fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
