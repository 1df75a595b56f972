//! Charts inline: an SVG file rewritten with only drawing elements and presentation
//! attributes, every value escaped.
//!
//! The charts are revsim's own, but a report is built from whatever sits in a folder, so an SVG
//! is parsed and re-written rather than pasted: scripts, links, styles, foreign objects and
//! event handlers cannot pass, and nothing in the result can load anything.

use super::html::esc;
use std::fmt::Write as _;

const ELEMENTS: &[&str] =
    &["svg", "g", "rect", "line", "polyline", "polygon", "circle", "ellipse", "path", "text", "tspan"];

const ATTRIBUTES: &[&str] = &[
    "viewBox",
    "width",
    "height",
    "x",
    "y",
    "dx",
    "dy",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "points",
    "d",
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "opacity",
    "transform",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
];

/// A number with many decimals (plotters writes font sizes to 15) shortened to two.
fn short(value: &str) -> String {
    match value.parse::<f64>() {
        Ok(v) if value.contains('.') && value.len() > 6 => {
            let t = format!("{v:.2}");
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        _ => value.to_string(),
    }
}

fn write_node(node: roxmltree::Node, out: &mut String) {
    if node.is_text() {
        out.push_str(&esc(node.text().unwrap_or("").trim()));
        return;
    }
    if !node.is_element() {
        return;
    }
    let name = node.tag_name().name();
    if !ELEMENTS.contains(&name) || node.tag_name().namespace().is_some_and(|ns| ns != "http://www.w3.org/2000/svg") {
        return;
    }
    let _ = write!(out, "<{name}");
    for a in node.attributes() {
        if a.namespace().is_none() && ATTRIBUTES.contains(&a.name()) {
            let _ = write!(out, " {}=\"{}\"", a.name(), esc(&short(a.value())));
        }
    }
    out.push('>');
    for child in node.children() {
        write_node(child, out);
    }
    let _ = write!(out, "</{name}>");
    if matches!(name, "svg" | "g") {
        out.push('\n');
    }
}

/// The SVG `text` as markup safe to put inside an HTML page, labelled `label` for screen
/// readers; `None` if it is not an SVG document.
pub fn inline(text: &str, label: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(text).ok()?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" {
        return None;
    }
    let mut body = String::new();
    for child in root.children() {
        write_node(child, &mut body);
    }
    // No xmlns: inside HTML an <svg> is in the SVG namespace anyway, and the page names no URL.
    let mut out = String::from("<svg role=\"img\"");
    let _ = write!(out, " aria-label=\"{}\"", esc(label));
    for a in root.attributes() {
        if matches!(a.name(), "viewBox" | "width" | "height") {
            let _ = write!(out, " {}=\"{}\"", a.name(), esc(a.value()));
        }
    }
    let _ = write!(out, ">\n{body}</svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawing_passes_and_anything_active_is_dropped() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="800" height="500" viewBox="0 0 1600 1000" onload="alert(1)">
<script>alert(1)</script><style>@import url(http://x/y.css);</style>
<rect x="0" y="0" width="10" height="10" fill="#FFFFFF" onclick="alert(2)" style="background:url(http://x)"/>
<image xlink:href="http://x/a.png"/><a href="http://x"><text x="1" y="2">link</text></a>
<foreignObject><div>html</div></foreignObject>
<text x="28" y="28" font-size="35.24193548387097">Red &lt;Army&gt; &amp; "Whites"</text>
<polyline points="28,148 76,148" stroke="#0072B2"/></svg>"##;
        let out = inline(svg, "a \"chart\"").unwrap();
        for bad in ["script", "onload", "onclick", "style", "http:", "image", "href", "foreignObject", "<a", "link"] {
            assert!(!out.contains(bad), "`{bad}` passed: {out}");
        }
        assert!(out.contains(r##"<rect x="0" y="0" width="10" height="10" fill="#FFFFFF"></rect>"##));
        assert!(out.contains(r#"font-size="35.24">Red &lt;Army&gt; &amp; &quot;Whites&quot;</text>"#));
        assert!(out.contains(r#"aria-label="a &quot;chart&quot;""#) && out.contains(r#"viewBox="0 0 1600 1000""#));
        assert!(out.contains(r##"<polyline points="28,148 76,148" stroke="#0072B2"></polyline>"##));
    }

    #[test]
    fn what_is_not_an_svg_is_refused() {
        assert!(inline("<html><body/></html>", "x").is_none());
        assert!(inline("not xml <", "x").is_none());
    }
}
