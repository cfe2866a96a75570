//! Heredocs that hold a policy as plain text, read without hcl-edit's template grammar.
//!
//! hcl-edit reads a heredoc's text one character at a time through its template grammar (some
//! 570 instructions a byte): three quarters of the time of linting `.tf` files of policies. A
//! heredoc whose text mentions `"Statement"` and holds no `${` or `%{` (so it is literal text),
//! and whose closing line holds nothing after its delimiter, is blanked before the file goes to
//! hcl-edit: `""` stands where its `<<` stood and spaces where the rest of it stood, line
//! endings kept, so that every span hcl-edit gives is still the file's, and the lines it spanned
//! read as blank lines. The reader finds such a heredoc again in the file's text where the
//! placeholder (an empty quoted string, which never starts with `<<` in the file) stands.
//!
//! A placeholder must stand where hcl-edit reads an attribute's value (`policy_document =`,
//! `locals`, a module argument): anywhere else (a comment, a quoted string, an object inside
//! `jsonencode`), [`stand_as_attribute_values`] says no and the file is read unblanked.

use std::ops::Range;

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body, Structure};

use crate::source::Span;

/// A heredoc in the file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Heredoc {
    /// From `<<` to the end of the closing delimiter.
    pub(super) span: Span,
    /// Its text: from the line after the opening marker to the line of the closing delimiter
    /// (the last line ending included), as hcl-edit's literal spans it.
    pub(super) body: Range<usize>,
    /// Opened with `<<-` (its indentation is stripped).
    pub(super) flush: bool,
}

/// The heredoc that starts at `start` (at its `<<`), as hcl-edit reads it: `<<` or `<<-`, an
/// identifier and a line ending; its text up to the first line that holds, after optional
/// spaces, the identifier and no more of one.
pub(super) fn at(text: &str, start: usize) -> Option<Heredoc> {
    let (name, body_start) = opening(text, start)?;
    let flush = text.get(start + 2..).is_some_and(|rest| rest.starts_with('-'));
    // The closing line: the first line (the first one of the text included) that holds only
    // optional spaces and the identifier, followed by something that does not continue it.
    let mut line_start = body_start;
    loop {
        let line = text.get(line_start..)?;
        let indented = line.trim_start_matches([' ', '\t']);
        if let Some(after) = indented.strip_prefix(name)
            && !after.chars().next().is_some_and(is_id_continue)
        {
            let end = text.len() - after.len();
            return Some(Heredoc {
                span: Span::new(start, end),
                body: body_start..line_start,
                flush,
            });
        }
        line_start += line.find('\n')? + 1;
    }
}

/// A heredoc that Terraform and hcl-edit end on different lines: where it opens, and the lines
/// where each ends it (`None`: never).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct EndsDiffer {
    pub(super) opening: Span,
    pub(super) hcl_edit: Option<Span>,
    pub(super) terraform: Option<Span>,
}

/// The first heredoc of `text` that Terraform ends on another line than hcl-edit does, which
/// would make the two read different files (a document Terraform applies is not the one linted).
/// Terraform (hclsyntax's scanner) ends a heredoc at the first line that, trimmed of white space
/// as Go's `bytes.TrimSpace` trims it (Unicode's, as `str::trim`), is its identifier; hcl-edit
/// ([`at`]) at the first line that holds, after spaces and tabs, the identifier followed by
/// anything that does not continue it: `EOT # end` ends it only for hcl-edit, `\u{c}EOT` (a form
/// feed first) or a no-break space before `EOT` only for Terraform.
pub(super) fn ends_differently(text: &str) -> Option<EndsDiffer> {
    let mut from = 0;
    // Every `<<` is looked at wherever it stands, in a heredoc's text too: a `<<X` in a comment,
    // read as a heredoc here, must not hide the one after it.
    while let Some(found) = memchr::memmem::find(text.as_bytes().get(from..)?, b"<<") {
        let start = from + found;
        from = start + 2;
        let Some((name, body_start)) = opening(text, start) else {
            continue;
        };
        let terraform_ends = |line: &str| line.trim() == name;
        // One pass over its lines, to the first that either reader ends it on (the common case:
        // both, on the same line); past it, the other's end is looked for.
        let Some((line, hcl_edit, terraform)) = line_at(text, body_start, |line| {
            hcl_edit_ends(line, name) || terraform_ends(line)
        })
        .map(|line| {
            let written = text.get(line.start..line.end).unwrap_or_default();
            (line, hcl_edit_ends(written, name), terraform_ends(written))
        }) else {
            continue;
        };
        if hcl_edit == terraform {
            continue;
        }
        let after = text
            .get(line.end..)
            .and_then(|rest| rest.find('\n'))
            .map(|at| line.end + at + 1);
        let later = |ends: &dyn Fn(&str) -> bool| after.and_then(|from| line_at(text, from, ends));
        return Some(EndsDiffer {
            opening: Span::new(start, body_start),
            hcl_edit: if hcl_edit {
                Some(line)
            } else {
                later(&|l| hcl_edit_ends(l, name))
            },
            terraform: if terraform { Some(line) } else { later(&terraform_ends) },
        });
    }
    None
}

/// Whether hcl-edit ends a heredoc named `name` on `line`: after spaces and tabs, the name and
/// nothing that continues it ([`at`]'s rule).
fn hcl_edit_ends(line: &str, name: &str) -> bool {
    line.trim_start_matches([' ', '\t'])
        .strip_prefix(name)
        .is_some_and(|after| !after.chars().next().is_some_and(is_id_continue))
}

/// The identifier of the heredoc that opens at `start` (`<<` or `<<-`, an identifier, a line
/// ending) and where its text starts.
fn opening(text: &str, start: usize) -> Option<(&str, usize)> {
    let rest = text.get(start..)?.strip_prefix("<<")?;
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let name_len = rest
        .char_indices()
        .find(|&(i, c)| {
            !(if i == 0 {
                hcl_primitives::ident::is_id_start(c)
            } else {
                is_id_continue(c)
            })
        })
        .map_or(rest.len(), |(i, _)| i);
    let name = rest.get(..name_len).filter(|n| !n.is_empty())?;
    let after_name = rest.get(name_len..)?;
    let newline = match after_name {
        _ if after_name.starts_with("\r\n") => 2,
        _ if after_name.starts_with('\n') => 1,
        _ => return None,
    };
    Some((name, text.len() - after_name.len() + newline))
}

/// The first line from `from` (a line's start) that `ends` accepts, without its line ending.
fn line_at(text: &str, from: usize, ends: impl Fn(&str) -> bool) -> Option<Span> {
    let mut line_start = from;
    loop {
        let rest = text.get(line_start..)?;
        let line_len = rest.find('\n').unwrap_or(rest.len());
        let line = rest.get(..line_len)?;
        if ends(line) {
            return Some(Span::new(line_start, line_start + line.trim_end_matches('\r').len()));
        }
        if line_len == rest.len() {
            return None;
        }
        line_start += line_len + 1;
    }
}

/// HCL's identifier characters after the first (Unicode ID_Continue and `-`), as hcl-edit reads
/// them (a combining mark continues an identifier).
fn is_id_continue(c: char) -> bool {
    hcl_primitives::ident::is_id_continue(c)
}

/// The file's text with each heredoc that holds a policy as literal text blanked to a
/// placeholder of the same length and line endings (`""` and spaces), and where each
/// placeholder stands; `None` when there is none.
pub(super) fn blanked(text: &str) -> Option<(String, Vec<usize>)> {
    let mut bytes: Option<Vec<u8>> = None;
    let mut starts = Vec::new();
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|rest| rest.find("<<")) {
        let start = from + found;
        let Some(heredoc) = at(text, start) else {
            from = start + 2;
            continue;
        };
        from = heredoc.span.end;
        let body = text.get(heredoc.body.clone()).unwrap_or_default();
        // What follows the delimiter on its line would, blanked, stand on a line of its own.
        let after = text.get(heredoc.span.end..).unwrap_or_default();
        let closing_line_ends = after.trim_start_matches([' ', '\t']);
        let alone = closing_line_ends.is_empty()
            || closing_line_ends.starts_with('\n')
            || closing_line_ends.starts_with("\r\n");
        if !alone || body.contains("${") || body.contains("%{") || !body.contains("\"Statement\"") {
            continue;
        }
        let out = bytes.get_or_insert_with(|| text.as_bytes().to_vec());
        let Some(slots) = out.get_mut(heredoc.span.start..heredoc.span.end) else {
            continue;
        };
        for (i, byte) in slots.iter_mut().enumerate() {
            *byte = match i {
                0 | 1 => b'"',
                _ if matches!(*byte, b'\n' | b'\r') => *byte,
                _ => b' ',
            };
        }
        starts.push(heredoc.span.start);
    }
    // Only whole characters were replaced, each by ASCII: the text is still UTF-8.
    let text = String::from_utf8(bytes?).ok()?;
    Some((text, starts))
}

/// Whether each placeholder in `starts` stands, in the body hcl-edit read, as the value of an
/// attribute (of the file or of a block, at any depth).
pub(super) fn stand_as_attribute_values(body: &Body, starts: &[usize]) -> bool {
    let mut found = Vec::new();
    collect(body, &mut found);
    found.sort_unstable();
    starts.iter().all(|s| found.binary_search(s).is_ok())
}

/// The starts of the empty quoted strings that are attribute values in `body`.
fn collect(body: &Body, out: &mut Vec<usize>) {
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attribute) => {
                if let Expression::String(s) = &attribute.value
                    && s.value().is_empty()
                    && let Some(span) = s.span()
                    && span.len() == 2
                {
                    out.push(span.start);
                }
            }
            Structure::Block(block) => collect(&block.body, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spans [`at`] finds are those hcl-edit gives the heredoc and its literal.
    #[test]
    fn heredocs_are_found_as_hcl_edit_spans_them() {
        let cases = [
            "x = <<EOT\n{\"Statement\": []}\nEOT\n",
            "x = <<-EOT\n    {\"Statement\": []}\n  EOT\n",
            "x = <<EOT\r\n{\"Statement\": []}\r\nEOT\r\n",
            "x = <<EOT\nEOT\n",
            "x = <<EOT\nEOTX\nEOT\n",
            "x = <<EOT\n  a\n\n b \nEOT",
            "x = <<END_OF-IT\nline\nEND_OF-IT\n",
        ];
        for text in cases {
            let body = hcl_edit::parser::parse_body(text).unwrap_or_else(|e| unreachable!("{text:?}: {e}"));
            let Some(Structure::Attribute(attribute)) = body.iter().next() else {
                unreachable!("{text:?}")
            };
            let Expression::HeredocTemplate(heredoc) = &attribute.value else {
                unreachable!("{text:?}")
            };
            let start = text.find("<<").unwrap_or_default();
            let found = at(text, start).unwrap_or_else(|| unreachable!("{text:?}"));
            let span = attribute.value.span().unwrap_or_default();
            assert_eq!(found.span, Span::new(span.start, span.end), "{text:?}");
            let literal = heredoc.template.iter().next().and_then(|e| e.span());
            assert_eq!(Some(found.body.clone()).filter(|b| !b.is_empty()), literal, "{text:?}");
        }
    }

    #[test]
    fn a_placeholder_keeps_the_length_and_lines() {
        let text = "locals {\n  p = <<-EOT\n    {\"Statement\": [\"é\"]}\n  EOT\n}\n";
        let (copy, starts) = blanked(text).unwrap_or_else(|| unreachable!());
        assert_eq!(copy.len(), text.len());
        assert_eq!(copy.matches('\n').count(), text.matches('\n').count());
        assert_eq!(starts, vec![text.find("<<").unwrap_or_default()]);
        let body = hcl_edit::parser::parse_body(&copy).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(stand_as_attribute_values(&body, &starts));
        // Templates, and text without a statement, are left to hcl-edit.
        assert_eq!(blanked_count("p = <<EOT\n{\"Statement\": \"${var.x}\"}\nEOT\n"), 0);
        assert_eq!(blanked_count("p = <<EOT\nhello\nEOT\n"), 0);
        // Nothing may follow the delimiter on its line (`y = 1` would become an attribute).
        assert_eq!(blanked_count("p = <<EOT\n{\"Statement\": []}\nEOT y = 1\n"), 0);
        assert_eq!(blanked_count("p = <<EOT\n{\"Statement\": []}\nEOT  \r\n"), 1);
        // A heredoc inside an object is not an attribute's value: the file is read unblanked.
        let nested = "p = jsonencode({ a = <<EOT\n{\"Statement\": []}\nEOT\n })\n";
        let (copy, starts) = blanked(nested).unwrap_or_else(|| unreachable!());
        let parsed = hcl_edit::parser::parse_body(&copy);
        assert!(parsed.is_err() || parsed.is_ok_and(|b| !stand_as_attribute_values(&b, &starts)));
    }

    /// Where Terraform's scanner and hcl-edit agree on a heredoc's end, nothing is said; where
    /// they do not, the lines each ends it on.
    #[test]
    fn heredocs_that_terraform_ends_elsewhere_are_found() {
        for agreed in [
            "x = <<EOT\n{}\nEOT\n",
            "x = <<-EOT\n  {}\n    EOT  \n",
            "x = <<EOT\r\n{}\r\nEOT\r\n",
            "x = <<EOT\n{}\nEOT",
            "x = <<EOT\nEOTX\n EOT-\nEOT\n",
            // A shell heredoc inside, and one in a comment that never ends.
            "x = <<-EOT\n  cat <<EOF\n  a\n  EOF\nEOT\n# <<EOF\n",
            "x = \"a << b\"\n",
            "x = <<EOT\n{}\nEOT\u{2003}\n",
        ] {
            assert_eq!(ends_differently(agreed), None, "{agreed:?}");
        }
        for (differs, terraform, hcl_edit) in [
            ("x = <<EOT\n{}\nEOT # end\nEOT\n", Some("EOT"), Some("EOT # end")),
            ("x = <<EOT\n{}\nEOT)\n", None, Some("EOT)")),
            ("x = <<EOT\n\u{c}EOT\ny\nEOT\n", Some("\u{c}EOT"), Some("EOT")),
            ("x = <<EOT\n\u{a0}EOT\ny\nEOT\n", Some("\u{a0}EOT"), Some("EOT")),
            ("x = <<EOT\n{}\n\u{2003}EOT\n", Some("\u{2003}EOT"), None),
            // A `<<X` in a comment, ended inside the heredoc after it, hides nothing.
            (
                "# <<X\nd = <<EOT\nX\n\u{c}EOT\np = 1\nEOT\n",
                Some("\u{c}EOT"),
                Some("EOT"),
            ),
            // A marker with a combining mark is one identifier, as hcl-edit reads it.
            (
                "d = <<Xe\u{301}\n\u{c}Xe\u{301}\np = 1\nXe\u{301}\n",
                Some("\u{c}Xe\u{301}"),
                Some("Xe\u{301}"),
            ),
        ] {
            let found = ends_differently(differs).unwrap_or_else(|| unreachable!("{differs:?}"));
            let line = |span: Option<Span>| span.and_then(|s| differs.get(s.start..s.end));
            assert_eq!(
                (line(found.terraform), line(found.hcl_edit)),
                (terraform, hcl_edit),
                "{differs:?}"
            );
        }
    }

    fn blanked_count(text: &str) -> usize {
        blanked(text).map_or(0, |(_, starts)| starts.len())
    }
}
