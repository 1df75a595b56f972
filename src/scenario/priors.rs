//! Priors of the calibrated coefficients, read from the comments of a base scenario's
//! `params: Params(...)` block.
//!
//! A coefficient tuned on the historical targets carries, beside its value, the range of values
//! one may plausibly give it and why:
//!
//! ```text
//! hiding_rate: 0.05,  // prior 0.01..0.15 (no source: wide) · calibrated on: procurement_1918_19
//! base_support: (0.55, 0.6, 0.6),  // prior 0.4..0.7, 0.45..0.75, 0.45..0.75 (no source: wide) · calibrated on: ...
//! ```
//!
//! Grammar: `prior RANGE[, RANGE]* (REASON)`, then anything (by custom ` · calibrated on: `
//! and the targets). `RANGE` is `LOW..HIGH` (numbers, LOW ≤ HIGH). A tuple takes one range for
//! every element or one range per element. `REASON` is a source (a seed text of
//! shared/sources or shared/history with its line or section, a historian) or `no source:
//! wide`. A coefficient with a prior is free: the sensitivity analysis, the label check and the
//! calibration move it inside its prior. A prior that is malformed or does not contain the
//! value is an error at its file:line:col.

/// One free coefficient: its dotted name (a tuple's elements as `name.0`, `name.1`, …), its
/// prior range, the reason for it, and the whole comment (with what it was calibrated on).
#[derive(Clone, Debug, PartialEq)]
pub struct Prior {
    pub name: String,
    pub low: f64,
    pub high: f64,
    pub reason: String,
    pub comment: String,
    /// Line of the file (from 1).
    pub line: usize,
}

/// A coefficient's line inside `params: Params(...)`: its dotted name (group.field), the line
/// and column (from 1) of its comment, and the comment (the line's own, or the last comment
/// line above it).
#[derive(Clone, Debug)]
pub struct ParamLine {
    pub key: String,
    pub line: usize,
    pub col: usize,
    pub comment: String,
    /// Whether the comment is on the coefficient's own line.
    pub own: bool,
}

/// The coefficient lines of a scenario text's `params: Params(...)` block, in file order.
pub fn param_lines(text: &str) -> Vec<ParamLine> {
    let Some(start) = text.find("params: Params(") else { return Vec::new() };
    let first_line = text[..start].lines().count().max(1);
    let mut out = Vec::new();
    let mut group = String::new();
    let mut last_comment = String::new();
    for (i, line) in text[start..].lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("environment:") {
            break;
        }
        if let Some(c) = trimmed.strip_prefix("//") {
            last_comment = c.trim().to_string();
            continue;
        }
        let Some((name, rest)) = trimmed.split_once(':') else { continue };
        let name = name.trim();
        if rest.trim_end().ends_with("Params(") || rest.trim_end().ends_with("Mechanisms(") {
            group = name.to_string();
            continue;
        }
        let line_no = first_line + i;
        let (comment, col, own) = match line.find("//") {
            Some(at) => {
                let after = &line[at + 2..];
                let lead = after.len() - after.trim_start().len();
                (after.trim().to_string(), line[..at + 2 + lead].chars().count() + 1, true)
            }
            None => (last_comment.clone(), 1, false),
        };
        out.push(ParamLine { key: format!("{group}.{name}"), line: line_no, col, comment, own });
    }
    out
}

/// A prior that cannot be read or does not hold its value: line, column, message.
pub type PriorError = (usize, usize, String);

fn parse_range(text: &str) -> Result<(f64, f64), String> {
    let (low, high) = text.split_once("..").ok_or_else(|| format!("`{}`: a range is LOW..HIGH", text.trim()))?;
    let number = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    match (number(low), number(high)) {
        (Some(l), Some(h)) if l <= h => Ok((l, h)),
        (Some(_), Some(_)) => Err(format!("`{}`: LOW is above HIGH", text.trim())),
        _ => Err(format!("`{}`: LOW and HIGH must be numbers", text.trim())),
    }
}

/// The ranges and the reason of a comment that starts with `prior `.
fn parse_prior(comment: &str) -> Result<(Vec<(f64, f64)>, String), String> {
    let body = comment.strip_prefix("prior ").unwrap_or(comment);
    let open = body.find('(').ok_or("a prior is `prior LOW..HIGH (reason)`: the reason in brackets is missing")?;
    let ranges = body[..open].split(',').map(parse_range).collect::<Result<Vec<_>, _>>()?;
    let mut depth = 0usize;
    let mut close = None;
    for (i, c) in body[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + i);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close.ok_or("the reason's bracket is not closed")?;
    let reason = body[open + 1..close].trim().to_string();
    if reason.is_empty() {
        return Err("the reason is empty: give a source, or `no source: wide`".into());
    }
    Ok((ranges, reason))
}

/// The priors of a scenario text, checked against its parameters' values (`values`: every
/// dotted name and value, as `Params::names` gives them).
pub fn read(text: &str, values: &[(String, f64)]) -> Result<Vec<Prior>, PriorError> {
    let mut priors = Vec::new();
    for p in param_lines(text).into_iter().filter(|p| p.own && p.comment.starts_with("prior")) {
        let fail = |message: String| (p.line, p.col, message);
        let (ranges, reason) = parse_prior(&p.comment).map_err(|m| fail(format!("prior of `{}`: {m}", p.key)))?;
        let elements: Vec<&(String, f64)> = values
            .iter()
            .filter(|(n, _)| {
                n == &p.key
                    || n.strip_prefix(&p.key)
                        .and_then(|r| r.strip_prefix('.'))
                        .is_some_and(|i| i.parse::<usize>().is_ok())
            })
            .collect();
        if ranges.len() != 1 && ranges.len() != elements.len() {
            return Err(fail(format!(
                "prior of `{}`: {} ranges for {} values (give one range, or one per value)",
                p.key,
                ranges.len(),
                elements.len()
            )));
        }
        for (i, (name, value)) in elements.iter().enumerate() {
            let (low, high) = ranges[if ranges.len() == 1 { 0 } else { i }];
            if !(low..=high).contains(value) {
                return Err(fail(format!("prior of `{name}`: {low}..{high} does not contain its value {value}")));
            }
            let (reason, comment) = (reason.clone(), p.comment.clone());
            priors.push(Prior { name: name.clone(), low, high, reason, comment, line: p.line });
        }
    }
    Ok(priors)
}

/// The priors of a resolved scenario: those of its base file (the last of its chain).
pub fn priors(resolved: &super::Resolved) -> Result<Vec<Prior>, String> {
    let path = resolved.files.last().ok_or("no file")?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let base = super::parse_str(&text, &path.display().to_string()).map_err(|e| e.to_string())?;
    let values = base.params.map(|p| p.names()).unwrap_or_default();
    read(&text, &values).map_err(|(line, col, m)| format!("{}:{line}:{col}: {m}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Scenario(\n    params: Params(\n        war: WarParams(\n            \
        conscription: 0.0012, // prior 0.0006..0.002 (no source: wide) · calibrated on red_army_1920_10\n            \
        base: (0.5, 0.6), // prior 0.4..0.7 (Figes (1990), p. 3)\n            \
        other: 2.0, // MODEL §4\n        ),\n    ),\n    environment: Environment(),\n)";

    fn values() -> Vec<(String, f64)> {
        vec![
            ("war.conscription".into(), 0.0012),
            ("war.base.0".into(), 0.5),
            ("war.base.1".into(), 0.6),
            ("war.other".into(), 2.0),
        ]
    }

    #[test]
    fn priors_are_read_with_their_reasons_and_tuples_per_element() {
        let p = read(TEXT, &values()).unwrap();
        let names: Vec<&str> = p.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["war.conscription", "war.base.0", "war.base.1"]);
        assert_eq!((p[0].low, p[0].high, p[0].line), (0.0006, 0.002, 4));
        assert_eq!(p[0].reason, "no source: wide");
        assert!(p[0].comment.contains("red_army_1920_10"));
        assert_eq!(p[2].reason, "Figes (1990), p. 3");
        assert_eq!((p[2].low, p[2].high), (0.4, 0.7));
    }

    #[test]
    fn a_prior_without_its_value_or_malformed_is_refused_at_its_line_and_column() {
        let outside = TEXT.replace("0.0006..0.002", "0.002..0.003");
        let (line, col, m) = read(&outside, &values()).unwrap_err();
        assert_eq!((line, col), (4, 38));
        assert!(m.contains("does not contain its value 0.0012"), "{m}");
        for (bad, says) in
            [("0.0006-0.002", "LOW..HIGH"), ("0.002..0.0006", "LOW is above HIGH"), ("x..0.002", "must be numbers")]
        {
            let text = TEXT.replace("0.0006..0.002", bad);
            let (_, _, m) = read(&text, &values()).unwrap_err();
            assert!(m.contains(says), "{bad}: {m}");
        }
        let (_, _, m) = read(&TEXT.replace("(no source: wide)", "no source"), &values()).unwrap_err();
        assert!(m.contains("reason"), "{m}");
        let (_, _, m) = read(&TEXT.replace("0.4..0.7 (", "0.4..0.7, 0.4..0.7, 0.4..0.7 ("), &values()).unwrap_err();
        assert!(m.contains("3 ranges for 2 values"), "{m}");
    }
}
