//! HTML building blocks of the report: escaping, the page skeleton with its print style and
//! content-security policy, tables, and numbers in words.
//!
//! Everything read from a file goes through [`esc`]. The page loads nothing: its policy
//! (`default-src 'none'`) allows only the one style block and the one script of this file,
//! by their SHA-256 hashes, so a browser refuses any request the page might otherwise make.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// `text` with `& < > " '` escaped, safe in element content and in quoted attributes.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Standard base64 with padding (RFC 4648), for the policy's hashes.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn hash_source(text: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

/// The page's style: readable on screen and on paper, in the system's fonts.
const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 16px/1.5 "DejaVu Serif", Georgia, "Times New Roman", serif; color: #1d1d1d; background: #fff;
  max-width: 62rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
h1, h2, h3, nav, table, .meta, figcaption, summary, .verdict { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: .5rem 0 .25rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid #ccc; padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .3rem; }
.meta { color: #555; font-size: .9rem; }
nav { font-size: .9rem; margin: 1rem 0; }
nav a { margin-right: 1rem; color: #0b5394; }
p.lead { font-size: 1.1rem; }
ul.effects li { margin: .3rem 0; }
.clear { font-weight: bold; }
figure { margin: 1.5rem 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid #e3e3e3; }
figcaption { font-size: .85rem; color: #555; margin-top: .25rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap: 0 1rem; }
table { border-collapse: collapse; font-size: .8rem; margin: .75rem 0; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .4rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f2f2f2; }
table.sortable th { cursor: pointer; }
tr.met td.verdict { color: #1a7f37; } tr.close td.verdict { color: #9a6700; } tr.missed td.verdict { color: #cf222e; }
pre, code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .8rem; }
pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
details { margin: .75rem 0; }
summary { cursor: pointer; color: #0b5394; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav, .noprint { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  figure svg { border: none; }
  pre { white-space: pre-wrap; }
  .grid { display: block; }
}
"#;

/// The one script: sortable tables (click a header). Without it the tables read the same.
const SCRIPT: &str = r#"
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.title = "sort by this column";
    th.addEventListener("click", function () {
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var up = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var key = function (r) { var t = r.cells[col] ? r.cells[col].textContent : ""; var n = parseFloat(t.replace(/[^0-9eE+.\u2212-]/g, "").replace("\u2212", "-")); return isNaN(n) ? t : n; };
      rows.sort(function (a, b) { var x = key(a), y = key(b); var c = (typeof x === typeof y) ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1); return up ? c : -c; });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"#;

/// A whole page: `title` (plain text) and `body` (HTML, already escaped where it needs to be).
pub fn page(title: &str, body: &str) -> String {
    let policy = format!(
        "default-src 'none'; style-src {}; script-src {}; base-uri 'none'; form-action 'none'",
        hash_source(STYLE),
        hash_source(SCRIPT)
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}<script>{SCRIPT}</script>\n</body>\n</html>\n",
        esc(title)
    )
}

/// A table: header cells and rows of cells (plain text, escaped here). Columns whose cells are
/// all numbers are right-aligned. `class` is added to each row from `row_class`.
pub fn table(headers: &[&str], rows: &[Vec<String>], sortable: bool, row_class: impl Fn(usize) -> String) -> String {
    let numeric: Vec<bool> = (0..headers.len())
        .map(|c| {
            let cells: Vec<&str> =
                rows.iter().filter_map(|r| r.get(c)).map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
            !cells.is_empty() && cells.iter().all(|s| s.replace('−', "-").trim_end_matches('%').parse::<f64>().is_ok())
        })
        .collect();
    let cls = |c: usize| if numeric[c] { " class=\"num\"" } else { "" };
    let mut out = format!("<table{}>\n<thead><tr>", if sortable { " class=\"sortable\"" } else { "" });
    for (c, h) in headers.iter().enumerate() {
        let _ = write!(out, "<th{}>{}</th>", cls(c), esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (i, row) in rows.iter().enumerate() {
        let class = row_class(i);
        if class.is_empty() {
            out.push_str("<tr>");
        } else {
            let _ = write!(out, "<tr class=\"{}\">", esc(&class));
        }
        for (c, cell) in row.iter().enumerate() {
            let class = if c < numeric.len() { cls(c) } else { "" };
            let class = if headers.get(c) == Some(&"verdict") { " class=\"verdict\"" } else { class };
            let _ = write!(out, "<td{class}>{}</td>", esc(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// A number for a reader: 2.42 M, 385 k, 0.42, 12%; `share` values (0–1) as percentages.
pub fn human(v: f64, share: bool) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let text = if share {
        format!("{:.0}%", v * 100.0)
    } else {
        let a = v.abs();
        if a >= 1e9 {
            format!("{:.2} bn", v / 1e9)
        } else if a >= 1e6 {
            format!("{:.2} M", v / 1e6)
        } else if a >= 1e4 {
            format!("{:.0} k", v / 1e3)
        } else if a >= 100.0 {
            format!("{v:.0}")
        } else if a >= 1.0 {
            format!("{v:.2}")
        } else {
            format!("{v:.3}")
        }
    };
    text.replace('-', "−")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_that_could_open_a_tag_or_attribute_is_escaped() {
        assert_eq!(
            esc(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases =
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE=")];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn the_policy_forbids_every_request_and_allows_only_its_own_style_and_script() {
        let html = page("t <b>", "<p>x</p>\n");
        assert!(html.contains("default-src 'none'"));
        assert!(html.contains(&hash_source(STYLE)) && html.contains(&hash_source(SCRIPT)));
        assert!(html.contains("<title>t &lt;b&gt;</title>"));
        assert!(!html.contains("http:") && !html.contains("https:"));
    }

    #[test]
    fn numbers_read_in_their_units() {
        assert_eq!(human(2_420_000.0, false), "2.42 M");
        assert_eq!(human(385_200.0, false), "385 k");
        assert_eq!(human(0.4213, true), "42%");
        assert_eq!(human(-0.5, false), "−0.500");
    }
}
