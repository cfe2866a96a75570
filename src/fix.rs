//! `lint --fix` / `--diff`: the mechanical fixes, as text edits on the file that was read, so
//! every byte outside an edit stays as it was.
//!
//! A fix is **safe** when it changes how the document is spelled, not what it says: the case of
//! an action (RAM matches actions case-insensitively), of `Effect`, the `Version` value, a
//! trailing comma, a lone statement wrapped in an array. It is **unsafe** when it changes what
//! an element names, and so what the policy grants: `r-kvstore:` → `kvstore:` turns an action
//! that matched nothing into one that matches. Unsafe fixes need `--unsafe-fixes`.
//!
//! An edit is made only where the file's text is exactly what the finding describes (a JSON
//! string literal with no escape in it, a comma): a document inside an API response's encoded
//! string, or anything unexpected, is left alone; so is any text that holds a template
//! interpolation or directive (`${...}`, `%{...}`: a Terraform value only Terraform knows).

use crate::catalog::{Catalog, Lookup};
use crate::rules::Finding;
use crate::source::Span;

/// Whether a fix can change what the policy grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Safety {
    Safe,
    Unsafe,
}

/// One edit: replace `span` of the file's text with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
    pub safety: Safety,
}

/// The fix a rule offers, for its documentation (`ramguard explain`).
pub fn describe(code: &str) -> Option<&'static str> {
    Some(match code {
        "RG001" => "safe: `--fix` removes a trailing comma before `]` or `}` (other syntax errors have no fix)",
        "RG003" => "safe: `--fix` wraps a lone statement object in an array (`\"Statement\": [ {...} ]`)",
        "RG006" => "safe: `--fix` writes `\"Version\": \"1\"`",
        "RG007" => {
            "safe: `--fix` writes `Allow` or `Deny` for the same word in another case (`\"allow\"`); other values have no fix"
        }
        "RG103" => {
            "safe: `--fix` writes the action as RAM's documentation spells it (RAM matches actions case-insensitively)"
        }
        "RG101" => {
            "unsafe (`--unsafe-fixes`): `--fix` writes the RAM code of a known near miss (`r-kvstore:` → `kvstore:`), which makes the action grant or deny what it did not"
        }
        _ => return None,
    })
}

/// The edits for the findings of one file.
pub fn edits(text: &str, findings: &[Finding], catalog: &Catalog) -> Vec<Edit> {
    let mut edits = Vec::new();
    for finding in findings {
        match finding.rule.code {
            "RG001" if finding.message.contains("trailing comma") => edits.extend(trailing_comma(text, finding.span)),
            "RG003" if finding.message.contains("is a lone object") => edits.extend(wrap_statement(text, finding.span)),
            "RG006" => edits.extend(scalar(text, finding.span).map(|()| Edit {
                span: finding.span,
                replacement: "\"1\"".into(),
                safety: Safety::Safe,
            })),
            "RG007" => edits.extend(effect_case(text, finding.span)),
            "RG103" => edits.extend(action_case(text, finding.span, catalog)),
            "RG101" => edits.extend(near_miss_service(text, finding.span, catalog)),
            _ => {}
        }
    }
    edits
}

/// `text` with the edits of the wanted safety applied, overlapping ones skipped; `None` when
/// nothing changes.
pub fn apply(text: &str, edits: &[Edit], unsafe_fixes: bool) -> Option<String> {
    let mut chosen: Vec<&Edit> = edits
        .iter()
        .filter(|e| unsafe_fixes || e.safety == Safety::Safe)
        .collect();
    chosen.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in chosen {
        if edit.span.start < at || edit.span.end > text.len() {
            continue;
        }
        out.push_str(text.get(at..edit.span.start)?);
        out.push_str(&edit.replacement);
        at = edit.span.end;
    }
    out.push_str(text.get(at..)?);
    (out != text).then_some(out)
}

/// Whether `span` holds a JSON scalar that can be replaced whole: a string literal with no
/// escape, or a number.
fn scalar(text: &str, span: Span) -> Option<()> {
    let raw = text.get(span.start..span.end)?;
    let number = !raw.is_empty()
        && raw
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    (number || literal(text, span).is_some()).then_some(())
}

/// The content of a JSON string literal at `span`, when it is one with no escape in it.
fn literal(text: &str, span: Span) -> Option<&str> {
    let raw = text.get(span.start..span.end)?;
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    // Inside an encoded document the quotes are `\"`: leave it alone.
    let escaped = span.start > 0 && text.as_bytes().get(span.start - 1) == Some(&b'\\');
    // A template's interpolation (`${...}`, `%{...}`) holds text only Terraform knows: never
    // rewritten.
    let template = inner.contains("${") || inner.contains("%{");
    (!inner.contains(['\\', '"']) && !escaped && !template).then_some(inner)
}

fn trailing_comma(text: &str, span: Span) -> Option<Edit> {
    // The error points at the comma or at the bracket after it: find the comma, with only
    // white space between it and the closing bracket.
    let bytes = text.as_bytes();
    let comma = if bytes.get(span.start) == Some(&b',') {
        span.start
    } else {
        let before = text.get(..span.start)?.trim_end();
        before.ends_with(',').then(|| before.len() - 1)?
    };
    let after = text.get(comma + 1..)?.trim_start();
    if !(after.starts_with(']') || after.starts_with('}')) {
        return None;
    }
    Some(Edit {
        span: Span::new(comma, comma + 1),
        replacement: String::new(),
        safety: Safety::Safe,
    })
}

fn wrap_statement(text: &str, span: Span) -> Vec<Edit> {
    let object = text.get(span.start..span.end);
    if !object.is_some_and(|o| o.starts_with('{') && o.ends_with('}')) {
        return Vec::new();
    }
    vec![
        Edit {
            span: Span::new(span.start, span.start),
            replacement: "[".into(),
            safety: Safety::Safe,
        },
        Edit {
            span: Span::new(span.end, span.end),
            replacement: "]".into(),
            safety: Safety::Safe,
        },
    ]
}

fn effect_case(text: &str, span: Span) -> Option<Edit> {
    let value = literal(text, span)?;
    let canonical = ["Allow", "Deny"].into_iter().find(|e| e.eq_ignore_ascii_case(value))?;
    Some(Edit {
        span,
        replacement: format!("\"{canonical}\""),
        safety: Safety::Safe,
    })
}

fn action_case(text: &str, span: Span, catalog: &Catalog) -> Option<Edit> {
    let value = literal(text, span)?;
    let (service, name) = value.split_once(':')?;
    let service = service.to_ascii_lowercase();
    let documented = match catalog.lookup(&service, name) {
        Lookup::OtherCase(action) | Lookup::Known(action) => action.name.clone(),
        // Only the service's case is off (`KVSTORE:DescribeInstances`).
        Lookup::Unknown | Lookup::NotCatalogued => name.to_string(),
    };
    let fixed = format!("{service}:{documented}");
    (fixed != value).then(|| Edit {
        span,
        replacement: format!("\"{fixed}\""),
        safety: Safety::Safe,
    })
}

fn near_miss_service(text: &str, span: Span, catalog: &Catalog) -> Option<Edit> {
    let value = literal(text, span)?;
    let (service, name) = value.split_once(':')?;
    let code = catalog.alias(service)?;
    Some(Edit {
        span,
        replacement: format!("\"{code}:{name}\""),
        safety: Safety::Unsafe,
    })
}

/// A unified diff of `old` and `new` (line based, three lines of context), as `diff -u` and
/// `git apply` read it.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    // Longest common subsequence, by dynamic programming: policy files are small, and the
    // input size limit bounds them.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            let value = if a.get(i) == b.get(j) {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
            lcs[i][j] = value;
        }
    }
    // The edit script: (kind, old index, new index), kind ' ', '-' or '+'.
    let mut script = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a.get(i) == b.get(j) {
            script.push((' ', i, j));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            script.push(('-', i, j));
            i += 1;
        } else {
            script.push(('+', i, j));
            j += 1;
        }
    }
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let context = 3;
    let changed: Vec<usize> = (0..script.len()).filter(|&k| script[k].0 != ' ').collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(context);
        let mut end = (changed[k] + context + 1).min(script.len());
        while k + 1 < changed.len() && changed[k + 1] <= end + context {
            k += 1;
            end = (changed[k] + context + 1).min(script.len());
        }
        let hunk = &script[start..end];
        let old_start = hunk.first().map_or(0, |h| h.1);
        let new_start = hunk.first().map_or(0, |h| h.2);
        let old_len = hunk.iter().filter(|h| h.0 != '+').count();
        let new_len = hunk.iter().filter(|h| h.0 != '-').count();
        out.push_str(&format!(
            "@@ -{},{old_len} +{},{new_len} @@\n",
            old_start + usize::from(old_len > 0),
            new_start + usize::from(new_len > 0)
        ));
        for &(kind, oi, nj) in hunk {
            let line = if kind == '+' { b.get(nj) } else { a.get(oi) }
                .copied()
                .unwrap_or_default();
            out.push(kind);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_keep_every_other_byte() {
        let text = "{ \"Effect\" : \"allow\" ,\t\"x\": 1 }";
        let edit = effect_case(text, Span::new(13, 20));
        assert!(edit.is_some());
        let fixed = apply(text, &edit.into_iter().collect::<Vec<_>>(), false);
        assert_eq!(fixed.as_deref(), Some("{ \"Effect\" : \"Allow\" ,\t\"x\": 1 }"));
    }

    #[test]
    fn unsafe_edits_need_the_flag_and_escaped_literals_are_left_alone() {
        let catalog = Catalog::shared();
        let text = "[\"r-kvstore:DescribeInstances\"]";
        let edits: Vec<Edit> = near_miss_service(text, Span::new(1, 30), &catalog)
            .into_iter()
            .collect();
        assert_eq!(apply(text, &edits, false), None);
        assert_eq!(
            apply(text, &edits, true).as_deref(),
            Some("[\"kvstore:DescribeInstances\"]")
        );
        assert_eq!(literal("\\\"allow\\\"", Span::new(1, 8)), None);
    }

    #[test]
    fn a_unified_diff_shows_the_changed_line() {
        let diff = unified_diff("p.json", "a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(diff, "--- a/p.json\n+++ b/p.json\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
    }
}
