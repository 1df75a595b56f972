//! The reference of the scenario language (`revsim explain --language`, docs/LANGUAGE.md),
//! generated from the schema's source: every type, its variants or fields, and their doc
//! comments, so the reference changes when the schema does.

const SCHEMA: &str = include_str!("schema.rs");

/// How the language works, ahead of the generated tables.
const PREAMBLE: &str = "# The scenario language\n\n\
Generated from `src/scenario/schema.rs` by `revsim explain --language`; do not edit by hand.\n\n\
A scenario is one RON file (UTF-8; a byte-order mark is accepted). `revsim validate FILE...` checks \
files without running anything and reports each problem as `file:line:col`.\n\n\
## How a file is read\n\n\
- **A base scenario** (no `extends`) states the whole world: `start`, `end`, `regions`, `parties`, \
`coalition`, `fronts`, `params`, `environment`, `events` and `rules` (see `scenarios/baseline.ron`).\n\
- **A counterfactual** names its base with `extends: \"baseline.ron\"` (a path relative to the file \
that names it) and lists its `changes`. Bases may extend bases: the chain is read to its root, then \
each file's changes are applied in order, root first. A cycle, or a base that cannot be read, is an \
error that names the file that refers to it.\n\
- `name` is an identifier (1-100 letters, digits, `_`, `-`): it becomes the output folder's name, \
`output/<name>`. `title`, `description`, `expected` and `sources` are for readers; `sources` cites \
the documents of docs/SOURCES.md.\n\
- `divergence` is the first date on which the scenario differs from its base; it must lie between \
the scenario's `start` and `end`. Dates are Gregorian (new style), written `\"YYYY-MM-DD\"`.\n\
- Parameters are named by their path in `params` (`war.conscription`, `agriculture.harvest.0`); \
`revsim explain --params scenarios/baseline.ron` lists them all with their values and sources. \
Counts (districts, weeks) take whole numbers only.\n\
- After the changes, the resolved scenario is checked: every region, front, event, rule and metric \
named must exist, every date must lie in the window and every share in 0-1. Every run writes the \
resolved scenario as `scenario.resolved.ron`, a base scenario that loads on its own.\n\n\
## The types\n\n\
Each type below is written in RON as in the schema: a struct as `Name(field: value, ...)` (the name \
may be left out), an enum variant as `Variant`, `Variant(value, ...)` or `Variant(field: value, ...)`. \
Fields marked `Option` or with defaults may be left out.\n";

/// One `pub enum` or `pub struct` of the schema.
struct Item {
    kind: &'static str,
    name: String,
    doc: Vec<String>,
    /// (variant or field as written, its doc comment)
    members: Vec<(String, Vec<String>)>,
}

fn member_text(line: &str) -> String {
    line.trim().trim_end_matches(',').trim_start_matches("pub ").to_string()
}

/// Reads the members of an item whose opening line has been read.
fn members<'a>(lines: &mut impl Iterator<Item = &'a str>) -> Vec<(String, Vec<String>)> {
    let (mut out, mut doc, mut open): (Vec<_>, Vec<String>, Option<String>) = (Vec::new(), Vec::new(), None);
    for line in lines {
        let t = line.trim();
        if let Some(d) = t.strip_prefix("///") {
            doc.push(d.trim().to_string());
        } else if t.starts_with("#[") || t.is_empty() || t.starts_with("//") {
        } else if let Some(text) = open.as_mut() {
            if t.starts_with('}') {
                text.push_str(" }");
                out.push((open.take().unwrap_or_default(), std::mem::take(&mut doc)));
            } else {
                text.push_str(&format!(" {}", member_text(t)));
                text.push(',');
            }
        } else if t == "}" {
            break;
        } else if t.ends_with('{') {
            open = Some(t.to_string());
        } else {
            out.push((member_text(t), std::mem::take(&mut doc)));
        }
    }
    out
}

fn items() -> Vec<Item> {
    let mut lines = SCHEMA.lines();
    let (mut out, mut doc) = (Vec::new(), Vec::new());
    while let Some(line) = lines.next() {
        let t = line.trim();
        if let Some(d) = t.strip_prefix("///") {
            doc.push(d.trim().to_string());
            continue;
        }
        if t.starts_with("#[") {
            continue;
        }
        let head =
            t.strip_prefix("pub enum ").map(|r| ("enum", r)).or(t.strip_prefix("pub struct ").map(|r| ("struct", r)));
        if let Some((kind, rest)) = head.filter(|(_, r)| r.ends_with('{')) {
            let name = rest.trim_end_matches('{').trim().to_string();
            let members = members(&mut lines);
            out.push(Item { kind, name, doc: std::mem::take(&mut doc), members });
        }
        doc.clear();
    }
    out
}

/// The types in reading order: the file, the changes, what they carry, then the rest.
const FIRST: &[&str] = &["Scenario", "Change", "EnvironmentChange", "Event", "Rule", "Condition", "Action", "Policy"];

/// The reference, as Markdown.
pub fn reference() -> String {
    let mut items = items();
    items.sort_by_key(|i| FIRST.iter().position(|n| *n == i.name).unwrap_or(FIRST.len()));
    let mut text = String::from(PREAMBLE);
    for item in &items {
        text.push_str(&format!("\n### `{}` ({})\n\n", item.name, item.kind));
        if !item.doc.is_empty() {
            text.push_str(&format!("{}\n\n", item.doc.join(" ")));
        }
        let heading = if item.kind == "enum" { "variant" } else { "field" };
        text.push_str(&format!("| {heading} | meaning |\n|---|---|\n"));
        for (member, doc) in &item.members {
            text.push_str(&format!("| `{}` | {} |\n", member.replace('|', "\\|"), doc.join(" ").replace('|', "/")));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_and_action_variant_is_in_the_reference() {
        let text = reference();
        for change in
            ["AddEvent(Event)", "SetParameter(String, f64)", "ScaleMechanism(String, f64)", "RemoveAlliedAid(String)"]
        {
            assert!(text.contains(&format!("| `{change}` |")), "{change}");
        }
        assert!(
            text.contains("| `ConstituentAssemblyElection { left_sr_own_lists: bool, }` |"),
            "struct variants are joined"
        );
        assert!(text.contains("### `Scenario` (struct)") && text.contains("### `Policy` (enum)"));
        // The schema's doc comment of SetParameter is carried over.
        assert!(text.contains("Set one model parameter by its name"));
    }

    #[test]
    fn docs_language_md_is_the_generated_text() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/LANGUAGE.md");
        let file = std::fs::read_to_string(&path).expect("docs/LANGUAGE.md exists");
        assert!(
            file == reference(),
            "docs/LANGUAGE.md is stale: regenerate it with `revsim explain --language > docs/LANGUAGE.md`"
        );
    }
}
