//! The policy model: what a RAM policy document says, with where it says it.
//!
//! The model is built tolerantly from a JSON tree: an element of the wrong type is left out
//! rather than guessed at, and what was left out is written down (`Statement::unmodelled`).
//! The grammar rules look at the tree itself and report it; `simulate` and `preflight` refuse
//! any document with error-severity findings; and the evaluator, asked anyway, treats a
//! statement with something left out as unknown, never as absent. A tolerant model never turns
//! a broken policy into a decision.

pub mod condition;

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;

use crate::json::{Member, Node, Template, Value, pointer_token, push_pointer_token};
use crate::source::Span;

pub use condition::{Operator, OperatorBase, SetQualifier};

/// A string of the document, where it stands and its JSON pointer in the document. The model
/// borrows its strings from the tree it is built from: a model is made for every document
/// linted, and copying each string again cost as much as reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item<'a> {
    pub value: &'a str,
    pub span: Span,
    pub pointer: Pointer,
}

/// A JSON pointer, built into text only when a finding needs it: the entries of a statement's
/// lists share the statement's base, a condition's operator shares its key's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointer {
    base: Arc<str>,
    tail: Tail,
    /// The element's index in the list plus one, in four bytes rather than an
    /// `Option<usize>`'s sixteen: a large policy's model holds one pointer a string.
    index: Option<NonZeroU32>,
}

/// What a [`Pointer`] adds to its base, before the index: one byte, where a base of its own
/// would cost an allocation for every list of every statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    None,
    /// The base without its last token: a condition's operator, from its key's pointer.
    Parent,
    /// One of the statement's lists (its place in [`LIST_ELEMENTS`]), the base being the
    /// statement's.
    Element(u8),
}

/// The lists of a statement whose entries point through the statement's base ([`Tail::Element`]).
/// Each element stands before its negation: `unmodelled_elements` reads them as pairs.
const LIST_ELEMENTS: [&str; 4] = ["Action", "NotAction", "Resource", "NotResource"];

impl Pointer {
    pub fn new(base: impl Into<Arc<str>>) -> Self {
        Self {
            base: base.into(),
            tail: Tail::None,
            index: None,
        }
    }

    /// This pointer's element `index` (the pointer is a list's).
    fn element(&self, index: usize) -> Self {
        let stored = index
            .checked_add(1)
            .and_then(|i| u32::try_from(i).ok())
            .and_then(NonZeroU32::new);
        match stored {
            Some(_) => Self {
                index: stored,
                ..self.clone()
            },
            // An index past four billion (never in a policy RAM takes): the text is written out.
            None => Self::new(child(&self.to_string(), &index.to_string())),
        }
    }

    /// The pointer of `list` (one of [`LIST_ELEMENTS`]) of the statement at `statement`.
    fn list(statement: &Arc<str>, list: &str) -> Self {
        match LIST_ELEMENTS.iter().position(|&name| name == list) {
            Some(at) => Self {
                base: statement.clone(),
                tail: Tail::Element(at as u8),
                index: None,
            },
            None => Self::new(child(statement, &pointer_token(list))),
        }
    }

    /// The pointer this one's last token is under (the pointer has no index).
    fn parent(&self) -> Self {
        match self.tail {
            Tail::None if self.index.is_none() && self.base.contains('/') => Self {
                tail: Tail::Parent,
                ..self.clone()
            },
            _ => Self::new(self.to_string().rsplit_once('/').map_or("", |(parent, _)| parent)),
        }
    }
}

impl Pointer {
    /// Write the pointer's text to `out` piece by piece, without formatting arguments: a
    /// finding is made with one, and a run makes thousands.
    fn write_to(&self, out: &mut impl fmt::Write) -> fmt::Result {
        match self.tail {
            Tail::None => out.write_str(&self.base)?,
            // Every token of a pointer is escaped (`/` written `~1`): the last `/` starts the last.
            Tail::Parent => out.write_str(self.base.rsplit_once('/').map_or("", |(parent, _)| parent))?,
            Tail::Element(at) => {
                out.write_str(&self.base)?;
                out.write_char('/')?;
                out.write_str(LIST_ELEMENTS.get(usize::from(at)).copied().unwrap_or_default())?;
            }
        }
        if let Some(i) = self.index {
            out.write_char('/')?;
            out.write_str(decimal(i.get() as usize - 1, &mut [0; 20]))?;
        }
        Ok(())
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl From<&Pointer> for String {
    fn from(pointer: &Pointer) -> Self {
        // Room for the base, a list's name and an index.
        let mut out = String::with_capacity(pointer.base.len() + 24);
        // Writing to a `String` does not fail.
        pointer.write_to(&mut out).unwrap_or_default();
        out
    }
}

/// `n` in decimal digits, written at the end of `buffer` (room for the largest `usize`).
fn decimal(n: usize, buffer: &mut [u8; 20]) -> &str {
    let mut start = buffer.len();
    let mut rest = n;
    // The digits last first, from the end.
    loop {
        start -= 1;
        if let Some(digit) = buffer.get_mut(start) {
            *digit = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    std::str::from_utf8(buffer.get(start..).unwrap_or_default()).unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// An identity (permission) policy or a control or session policy: `Effect`, `Action`, `Resource`.
    Permission,
    /// The trust policy of a RAM role: `Principal` + `sts:AssumeRole`, no `Resource`.
    Trust,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "Allow",
            Self::Deny => "Deny",
        }
    }
}

/// `Action` or `NotAction`, whichever the statement has (both: the first written, and
/// `conflicting-elements` reports it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionList<'a> {
    pub negated: bool,
    pub key_span: Span,
    pub items: Box<[Item<'a>]>,
}

/// One condition: an operator, a key and the values (OR among them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition<'a> {
    pub operator: Item<'a>,
    /// `None` when RAM has no such operator (`unknown-condition-operator` reports it).
    pub parsed: Option<Operator>,
    pub key: Item<'a>,
    pub values: Vec<Item<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<'a> {
    /// Position in `Statement`, 0-based.
    pub index: usize,
    pub span: Span,
    /// The statement's JSON pointer, shared as the base of its lists' entries' pointers.
    pub pointer: Arc<str>,
    pub effect: Option<(Effect, Span)>,
    pub actions: Option<ActionList<'a>>,
    /// The entries of `Resource`, or of `NotResource` when `not_resource` says so (both: the
    /// first written, and `conflicting-elements` reports it). `None` when the statement has
    /// neither, well-typed.
    pub resources: Option<Box<[Item<'a>]>>,
    /// Whether `resources` are `NotResource`'s: the statement is about every resource but those.
    /// A rule that reads `resources` as "what the statement is about" must look at this first.
    pub not_resource: bool,
    pub conditions: Box<[Condition<'a>]>,
    pub principal: Option<Span>,
    /// What the statement says that the model does not capture, in words: an element it does
    /// not know, a value of the wrong type, two elements where one is allowed. The evaluator
    /// treats such a statement as applying or not for reasons it cannot know.
    pub unmodelled: Box<[String]>,
    /// The same for the parts of `Condition` that are not an operator over keys and string
    /// values: conditions the evaluator cannot evaluate (they only ever narrow the statement).
    pub unmodelled_conditions: Box<[String]>,
    /// The values of the statement that only the tool rendering the document knows (Terraform),
    /// in document order; a statement that is itself unknown has one, in `Statement`. Such
    /// values are not in `actions`, `resources` or a condition's `values` (those hold known
    /// strings only), and each is in `unmodelled` (or `unmodelled_conditions`), so that the
    /// evaluator never decides on a guess. A rule that says "none of the resources..." or "no
    /// condition" must look here first.
    pub unknown: Box<[UnknownValue]>,
}

/// A value of a statement that is known only when the document is rendered (see
/// [`crate::json::Value::Unknown`]).
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownValue {
    /// The element it stands in (`Effect`, `Action`, `Resource`, `Condition`, ...), or
    /// `Statement` for a whole statement.
    pub element: String,
    /// What it is, for a message: "the reference `var.arns`".
    pub what: String,
    pub span: Span,
    pub pointer: String,
    /// For a string with unknown parts, the string (its known prefix, its text as a pattern).
    pub template: Option<Template>,
}

impl UnknownValue {
    /// The assumption a finding that reasons about this value's worst case names:
    /// "if the reference `var.arns` holds `*`".
    pub fn assumed(&self, value: &str) -> String {
        format!("if {} holds `{value}`", self.what)
    }
}

impl Eq for UnknownValue {}

impl Statement<'_> {
    /// The unknown values of the statement in any of `elements`.
    pub fn unknown_in<'s>(&'s self, elements: &'s [&str]) -> impl Iterator<Item = &'s UnknownValue> + 's {
        self.unknown
            .iter()
            .filter(move |u| elements.contains(&u.element.as_str()) || u.element == "Statement")
    }

    /// Whether the statement's `Effect` and actions are known and all that the model left out
    /// is values only known when the document is rendered, elsewhere (`Resource`, `Condition`):
    /// then an action it does not name is one it surely does not apply to, whatever those
    /// values are.
    pub fn actions_are_known(&self) -> bool {
        self.effect.is_some()
            && self.actions.is_some()
            && !self.has_unknown(&["Action", "NotAction"])
            && self.unmodelled.iter().all(|why| why.ends_with(KNOWN_WHEN_RENDERED))
    }

    /// Whether any of `elements` holds a value only known when the document is rendered (a
    /// statement that is unknown as a whole holds one in every element).
    pub fn has_unknown(&self, elements: &[&str]) -> bool {
        self.unknown_in(elements).next().is_some()
    }

    pub fn is_allow(&self) -> bool {
        matches!(self.effect, Some((Effect::Allow, _)))
    }

    pub fn effect_span(&self) -> Span {
        self.effect.map_or(self.span, |(_, span)| span)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy<'a> {
    pub kind: PolicyKind,
    pub statements: Vec<Statement<'a>>,
}

impl<'a> Policy<'a> {
    /// Whether a statement holds a value only known when the document is rendered.
    pub fn has_unknown(&self) -> bool {
        self.statements.iter().any(|s| !s.unknown.is_empty())
    }

    /// Build the model of a document root (an object; anything else gives no statements).
    pub fn from_document(root: &'a Node<'a>) -> Self {
        Self::from_statement_nodes(&statement_nodes(root))
    }

    /// Build the model of a document whose place says what it is (`kind`: a Terraform
    /// `assume_role_policy_document` holds a trust policy whatever it says); `None`: by its
    /// content, as [`Policy::from_document`].
    pub fn from_document_as(root: &'a Node<'a>, kind: Option<PolicyKind>) -> Self {
        Self::from_statement_nodes_as(&statement_nodes(root), kind)
    }

    /// Build the model from the document's [`statement_nodes`], for a caller that needs them too.
    pub fn from_statement_nodes(nodes: &[(usize, &'a Node<'a>, Arc<str>)]) -> Self {
        Self::from_statement_nodes_as(nodes, None)
    }

    /// [`Policy::from_statement_nodes`], of the kind the document's place says when it says one.
    pub fn from_statement_nodes_as(nodes: &[(usize, &'a Node<'a>, Arc<str>)], kind: Option<PolicyKind>) -> Self {
        Self::build(nodes, kind, Repeats::Search)
    }

    /// [`Policy::from_statement_nodes_as`], told what the document's reader found:
    /// `no_repeated_key` when no object of it has a key twice ([`crate::json::Tree::repeats_a_key`]
    /// false), and its objects are then not searched again (a search of every statement,
    /// operator and key object of every document linted).
    pub fn from_read_statement_nodes(
        nodes: &[(usize, &'a Node<'a>, Arc<str>)],
        kind: Option<PolicyKind>,
        no_repeated_key: bool,
    ) -> Self {
        let repeats = if no_repeated_key {
            Repeats::NoneFound
        } else {
            Repeats::Search
        };
        Self::build(nodes, kind, repeats)
    }

    fn build(nodes: &[(usize, &'a Node<'a>, Arc<str>)], kind: Option<PolicyKind>, repeats: Repeats) -> Self {
        Self {
            kind: kind.unwrap_or_else(|| kind_of(nodes)),
            statements: nodes
                .iter()
                .map(|(index, node, pointer)| statement(node, *index, pointer.clone(), repeats))
                .collect(),
        }
    }
}

/// Whether the model searches a statement's objects for a key written twice (which it records
/// as unmodelled), or the document's reader found none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeats {
    Search,
    NoneFound,
}

impl Repeats {
    /// The keys `members` has more than once (none, when the reader found none).
    fn of<'a>(self, members: &'a [Member<'a>]) -> impl Iterator<Item = &'a str> {
        let mut repeats = Vec::new();
        if self == Self::Search {
            crate::json::repeats(members, &mut repeats);
        }
        repeats.into_iter().map(|d| d.again.key.as_ref())
    }
}

/// The statement objects of a document, with their index and JSON pointer. A lone statement
/// object stands for statement 0: whether RAM takes it is unverified, and
/// `invalid-element-type` says so; the model and the rules read it. Elements that are not
/// objects are left out (`invalid-element-type` reports them), except a value only known when
/// the document is rendered ([`Value::Unknown`]: a Terraform `for` expression, a `dynamic`
/// block), which the model keeps as a statement that may say anything.
pub fn statement_nodes<'a>(root: &'a Node<'a>) -> Vec<(usize, &'a Node<'a>, Arc<str>)> {
    match root.get("Statement").map(|m| &m.value) {
        Some(Node {
            value: Value::Array(items),
            ..
        }) => {
            let statement = |n: &Node| matches!(n.value, Value::Object(_) | Value::Unknown(_));
            // Room for exactly the statements: a filtered collect would leave up to half empty.
            let mut out = Vec::with_capacity(items.iter().filter(|n| statement(n)).count());
            out.extend(
                items
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| statement(n))
                    .map(|(i, n)| (i, n, statement_pointer(i))),
            );
            out
        }
        Some(
            node @ Node {
                value: Value::Object(_) | Value::Unknown(_),
                ..
            },
        ) => vec![(0, node, "/Statement".into())],
        _ => Vec::new(),
    }
}

/// `/Statement/{index}`: it is asked for every statement of every document, and every document's
/// first statements have the same pointers, so those are made once a thread and shared (each was
/// written and allocated anew: ~200 instructions a statement).
fn statement_pointer(index: usize) -> Arc<str> {
    /// How many of the first statements' pointers each thread keeps.
    const KEPT: usize = 32;
    thread_local! {
        static FIRST_POINTERS: [Arc<str>; KEPT] = std::array::from_fn(written_statement_pointer);
    }
    if index < KEPT
        && let Some(pointer) = FIRST_POINTERS.with(|kept| kept.get(index).cloned())
    {
        return pointer;
    }
    written_statement_pointer(index)
}

/// `/Statement/{index}`, written on the stack and allocated once at its size (`format!` and the
/// copy into an `Arc` cost more).
fn written_statement_pointer(index: usize) -> Arc<str> {
    const PREFIX: &str = "/Statement/";
    // The prefix, then room for the twenty digits of the largest `usize`.
    let mut text = *b"/Statement/--------------------";
    let mut buffer = [0; 20];
    let digits = decimal(index, &mut buffer).as_bytes();
    let end = PREFIX.len() + digits.len();
    if let Some(place) = text.get_mut(PREFIX.len()..end) {
        place.copy_from_slice(digits);
    }
    Arc::from(std::str::from_utf8(text.get(..end).unwrap_or_default()).unwrap_or_default())
}

/// A trust policy is told apart by a statement with `Principal` that allows `sts:AssumeRole`,
/// or by statements that name a `Principal` where none names a `Resource` and every action
/// beside a `Principal` is of STS: Terraform users write `sts:AssumeRoleWithOIDC` there
/// (`trust-policy-action` says so), and reading such a document as a permission policy would
/// report its missing `Resource` and its `Principal` as errors. A permission policy that names
/// a `Principal` by mistake and allows another service (`kvstore:DeleteInstance`) stays a
/// permission policy, its errors reported. A document with both `Principal` and `Resource` (a
/// bucket policy) is not a trust policy. An action only known when the document is rendered
/// may be `sts:AssumeRole`: beside a `Principal`, the document is read as a trust policy (read
/// as a permission policy, its `Principal` would be an error the real document may not have).
fn kind_of(statements: &[(usize, &Node, Arc<str>)]) -> PolicyKind {
    let is_assume_role =
        |node: &Node| node.is_unknown() || node.as_str().is_some_and(|a| a.eq_ignore_ascii_case("sts:AssumeRole"));
    fn actions<'a>(statement: &'a Node<'a>) -> Vec<&'a Node<'a>> {
        match statement.get("Action").map(|a| &a.value) {
            Some(Node {
                value: Value::Array(items),
                ..
            }) => items.iter().collect(),
            Some(node) => vec![node],
            None => Vec::new(),
        }
    }
    let with_principal = || statements.iter().filter(|(_, s, _)| s.get("Principal").is_some());
    let assumes_role = with_principal().any(|(_, s, _)| {
        actions(s)
            .into_iter()
            .any(|a| matches!(a.value, Value::String(_) | Value::Template(_) | Value::Unknown(_)) && is_assume_role(a))
    });
    let of_sts = |node: &Node| {
        node.is_unknown()
            || node
                .as_str()
                .is_some_and(|a| a.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("sts:")))
    };
    let only_sts = with_principal().all(|(_, s, _)| {
        let actions = actions(s);
        !actions.is_empty() && actions.into_iter().all(of_sts)
    });
    let names_principal = with_principal().next().is_some();
    let names_resource = statements
        .iter()
        .any(|(_, s, _)| s.get("Resource").is_some() || s.get("NotResource").is_some());
    if assumes_role || (names_principal && !names_resource && only_sts) {
        PolicyKind::Trust
    } else {
        PolicyKind::Permission
    }
}

/// The first member of each element of a statement the model reads, found in one pass over its
/// members (each was a search of its own, for every statement of every document).
struct Elements<'n> {
    effect: Option<&'n Member<'n>>,
    /// The first `Action` or `NotAction`.
    actions: Option<&'n Member<'n>>,
    /// The first `Resource` or `NotResource`.
    resources: Option<&'n Member<'n>>,
    condition: Option<&'n Member<'n>>,
    principal: Option<&'n Member<'n>>,
}

impl<'n> Elements<'n> {
    fn of(node: &'n Node<'n>) -> Self {
        let mut elements = Self {
            effect: None,
            actions: None,
            resources: None,
            condition: None,
            principal: None,
        };
        for member in node.as_object().unwrap_or_default() {
            let slot = match member.key.as_ref() {
                "Effect" => &mut elements.effect,
                "Action" | "NotAction" => &mut elements.actions,
                "Resource" | "NotResource" => &mut elements.resources,
                "Condition" => &mut elements.condition,
                "Principal" => &mut elements.principal,
                _ => continue,
            };
            slot.get_or_insert(member);
        }
        elements
    }
}

fn statement<'a>(node: &'a Node<'a>, index: usize, pointer: Arc<str>, repeats: Repeats) -> Statement<'a> {
    if let Value::Unknown(what) = &node.value {
        return unknown_statement(node, what, index, pointer);
    }
    let elements = Elements::of(node);
    let effect = elements.effect.and_then(|m| {
        let effect = match m.value.as_str()? {
            "Allow" => Effect::Allow,
            "Deny" => Effect::Deny,
            _ => return None,
        };
        Some((effect, m.value.span))
    });
    // The statement's pointer is the base of its lists' entries' pointers.
    let list = |key: &str| Pointer::list(&pointer, key);
    let actions = elements.actions.map(|m| ActionList {
        negated: m.key == "NotAction",
        key_span: m.key_span,
        items: strings_at(&m.value, list(&m.key)),
    });
    let resource_member = elements.resources;
    let resources = resource_member
        .filter(|m| {
            matches!(
                m.value.value,
                Value::String(_) | Value::Array(_) | Value::Template(_) | Value::Unknown(_)
            )
        })
        .map(|m| strings_at(&m.value, list(&m.key)));
    // The values only known when the document is rendered (never, in a JSON file), found while
    // checking what the model reads: a list of plain strings is not searched twice.
    let mut unknown = Vec::new();
    let unmodelled = unmodelled_elements(node, &pointer, &mut unknown, repeats);
    let condition_unknowns = unknown.iter().any(|u: &UnknownValue| u.element == "Condition");
    let mut unmodelled_conditions = Vec::new();
    let conditions = elements
        .condition
        .map(|m| {
            conditions(
                &m.value,
                &pointer,
                &mut unmodelled_conditions,
                condition_unknowns,
                repeats,
            )
        })
        .unwrap_or_default();
    Statement {
        index,
        span: node.span,
        effect,
        actions,
        resources,
        not_resource: resource_member.is_some_and(|m| m.key == "NotResource"),
        conditions: conditions.into(),
        principal: elements.principal.map(|m| m.value.span),
        unknown: unknown.into(),
        pointer,
        unmodelled: unmodelled.into(),
        unmodelled_conditions: unmodelled_conditions.into(),
    }
}

/// A statement that is itself known only when the document is rendered: it may say anything.
fn unknown_statement<'a>(node: &Node, what: &str, index: usize, pointer: Arc<str>) -> Statement<'a> {
    Statement {
        index,
        span: node.span,
        effect: None,
        actions: None,
        resources: None,
        not_resource: false,
        conditions: Box::default(),
        principal: None,
        unknown: Box::new([UnknownValue {
            element: "Statement".into(),
            what: what.to_string(),
            span: node.span,
            pointer: pointer.to_string(),
            template: None,
        }]),
        pointer,
        unmodelled: Box::new([format!("the statement is {what}, {KNOWN_WHEN_RENDERED}")]),
        unmodelled_conditions: Box::default(),
    }
}

/// How the model says that a value is unknown.
const KNOWN_WHEN_RENDERED: &str = "known only when the document is rendered";

/// Every value of one element of a statement known only when the document is rendered, in
/// document order.
fn unknown_values(member: &crate::json::Member, pointer: &str, out: &mut Vec<UnknownValue>) {
    let mut stack = vec![(&member.value, child(pointer, &pointer_token(&member.key)))];
    while let Some((value, at)) = stack.pop() {
        match &value.value {
            Value::Unknown(what) => out.push(UnknownValue {
                element: member.key.to_string(),
                what: what.clone(),
                span: value.span,
                pointer: at,
                template: None,
            }),
            Value::Template(template) => out.push(UnknownValue {
                element: member.key.to_string(),
                what: template
                    .first_unknown()
                    .map_or_else(String::new, |(w, _)| w.to_string()),
                span: value.span,
                pointer: at,
                template: Some(template.clone()),
            }),
            Value::Array(items) => {
                stack.extend(
                    items
                        .iter()
                        .enumerate()
                        .rev()
                        .map(|(i, n)| (n, child(&at, &i.to_string()))),
                );
            }
            Value::Object(members) => {
                stack.extend(
                    members
                        .iter()
                        .rev()
                        .map(|m| (&m.value, child(&at, &pointer_token(&m.key)))),
                );
            }
            _ => {}
        }
    }
}

/// The first value known only when the document is rendered, in `node`, described.
fn first_unknown(node: &Node) -> Option<String> {
    if !node.holds_unknown() {
        return None;
    }
    crate::json::unknowns(node).first().map(|(_, what)| what.to_string())
}

/// What of a statement's elements the model does not capture (the conditions' own parts are
/// checked as they are read).
fn unmodelled_elements(node: &Node, pointer: &str, unknown: &mut Vec<UnknownValue>, repeats: Repeats) -> Vec<String> {
    let mut out = Vec::new();
    let members = node.as_object().unwrap_or_default();
    // Which of the lists ([`LIST_ELEMENTS`]) the statement has.
    let mut has = [false; LIST_ELEMENTS.len()];
    for member in members {
        let key = member.key.as_ref();
        let list = LIST_ELEMENTS.iter().position(|&name| name == key);
        if let Some(has) = list.and_then(|at| has.get_mut(at)) {
            *has = true;
        }
        let listed = list.is_some();
        // A list of plain strings holds nothing unknown: the common case is settled by the
        // check the model makes anyway.
        let strings = listed && is_strings(&member.value);
        let before = unknown.len();
        if !strings && member.value.holds_unknown() {
            unknown_values(member, pointer, unknown);
        }
        let first = unknown.get(before).filter(|_| key != "Sid" && key != "Condition");
        // The elements the evaluator reads besides the lists (`Sid` is a label: it changes
        // nothing).
        if !listed && !matches!(key, "Effect" | "Condition" | "Sid") {
            out.push(format!("`{key}` is an element the evaluator does not model"));
        } else if let Some(first) = first {
            out.push(format!("`{key}` holds {}, {KNOWN_WHEN_RENDERED}", first.what));
        } else if listed && !strings {
            out.push(format!("`{key}` holds something other than strings"));
        }
    }
    // The lists come in pairs, an element and its negation.
    for (pair, both) in LIST_ELEMENTS.chunks(2).zip(has.chunks(2)) {
        if let ([one, other], [true, true]) = (pair, both) {
            out.push(format!("the statement has both `{one}` and `{other}`"));
        }
    }
    // Which value of a key written twice counts is ambiguous (readers disagree).
    out.extend(
        repeats
            .of(members)
            .map(|key| format!("`{key}` appears twice in the statement")),
    );
    out
}

/// A string, or an array of strings only.
fn is_strings(node: &Node) -> bool {
    match &node.value {
        Value::String(_) => true,
        Value::Array(items) => items.iter().all(|n| n.as_str().is_some()),
        _ => false,
    }
}

/// The conditions of the statement at `statement` (its pointer), from its `Condition`.
fn conditions<'a>(
    node: &'a Node<'a>,
    statement: &str,
    unmodelled: &mut Vec<String>,
    unknowns: bool,
    repeats: Repeats,
) -> Vec<Condition<'a>> {
    let Some(operators) = node.as_object() else {
        unmodelled.push(match first_unknown(node).filter(|_| unknowns) {
            Some(what) => format!("`Condition` is {what}, {KNOWN_WHEN_RENDERED}"),
            None => "`Condition` is not an object".to_string(),
        });
        return Vec::new();
    };
    // Room for exactly one condition a key: a condition is ~180 bytes, and a pushed-to vector
    // holds room for four from its first.
    let mut out = Vec::with_capacity(
        operators
            .iter()
            .map(|op| op.value.as_object().map_or(0, <[crate::json::Member]>::len))
            .sum(),
    );
    unmodelled.extend(
        repeats
            .of(operators)
            .map(|op| format!("the condition operator `{op}` appears twice")),
    );
    // Each key's pointer is written in this one buffer, then copied once into its own: the
    // operator's pointer, then the key's token after it.
    let mut pointer = String::with_capacity(statement.len() + 64);
    pointer.push_str(statement);
    pointer.push_str("/Condition/");
    let operators_at = pointer.len();
    for op in operators {
        pointer.truncate(operators_at);
        push_pointer_token(&mut pointer, &op.key);
        pointer.push('/');
        let keys_at = pointer.len();
        let Some(keys) = op.value.as_object() else {
            unmodelled.push(match first_unknown(&op.value).filter(|_| unknowns) {
                Some(what) => format!(
                    "the condition operator `{}` holds {what}, {KNOWN_WHEN_RENDERED}",
                    op.key
                ),
                None => format!("the condition operator `{}` does not hold an object of keys", op.key),
            });
            continue;
        };
        unmodelled.extend(
            repeats
                .of(keys)
                .map(|key| format!("the condition key `{key}` appears twice under `{}`", op.key)),
        );
        for key in keys {
            pointer.truncate(keys_at);
            push_pointer_token(&mut pointer, &key.key);
            let key_pointer = Pointer::new(pointer.as_str());
            // The evaluator leaves a condition unevaluated when its values are among these
            // (`eval::compiled::ambiguity`): the model keeps known strings only.
            if let Some(what) = unknowns.then(|| first_unknown(&key.value)).flatten() {
                unmodelled.push(format!(
                    "the values of condition key `{}` hold {what}, {KNOWN_WHEN_RENDERED}",
                    key.key
                ));
            } else if !is_strings(&key.value) {
                unmodelled.push(format!("the values of condition key `{}` are not strings", key.key));
            }
            out.push(Condition {
                operator: Item {
                    value: &op.key,
                    span: op.key_span,
                    pointer: key_pointer.parent(),
                },
                parsed: Operator::parse(&op.key),
                key: Item {
                    value: &key.key,
                    span: key.key_span,
                    pointer: key_pointer.clone(),
                },
                values: strings_at(&key.value, key_pointer).into_vec(),
            });
        }
    }
    out
}

/// `pointer` with one more token (already escaped), without the formatting machinery: the model
/// builds several for every statement.
fn child(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + 1 + token.len());
    out.push_str(pointer);
    out.push('/');
    out.push_str(token);
    out
}

/// A string, or the strings of an array (other elements are left out), with their pointers.
pub fn strings<'a>(node: &'a Node<'a>, pointer: &str) -> Vec<Item<'a>> {
    strings_at(node, Pointer::new(pointer)).into_vec()
}

/// [`strings`], the pointer already made (and shared by the entries).
fn strings_at<'a>(node: &'a Node<'a>, pointer: Pointer) -> Box<[Item<'a>]> {
    match &node.value {
        Value::String(s) => Box::new([Item {
            value: s,
            span: node.span,
            pointer,
        }]),
        Value::Array(items) => {
            // Room for exactly the strings: collecting a filtered list would leave room to grow
            // (four for one), and the model of a large policy holds many short lists.
            let mut out = Vec::with_capacity(items.iter().filter(|n| n.as_str().is_some()).count());
            out.extend(items.iter().enumerate().filter_map(|(i, n)| {
                n.as_str().map(|s| Item {
                    value: s,
                    span: n.span,
                    pointer: pointer.element(i),
                })
            }));
            out.into_boxed_slice()
        }
        _ => Box::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_pointers_are_written_out() {
        // The first ones are kept, the others written: both, twice each, the boundary included.
        for index in (0..40).chain([99, 1_000, 123_456_789, usize::MAX]) {
            for _ in 0..2 {
                assert_eq!(&*statement_pointer(index), format!("/Statement/{index}"));
            }
        }
    }

    fn kind(text: &str) -> PolicyKind {
        let root = crate::json::parse(text).unwrap_or_else(|e| unreachable!("{e:?}"));
        Policy::from_document(&root).kind
    }

    /// A large policy's model is mostly conditions and items: none holds room it does not use.
    #[test]
    fn the_model_holds_no_spare_room() {
        let text = r#"{"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": "ecs:Describe*", "Resource": "*",
             "Condition": {"Bool": {"acs:MFAPresent": "true"}, "IpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}}},
            1,
            {"Effect": "Deny", "Action": ["kvstore:DeleteInstance", "kvstore:FlushInstance"], "Resource": "*",
             "Condition": {"StringEquals": {"acs:ResourceTag/env": "prod"}}}
        ]}"#;
        let root = crate::json::parse(text).unwrap_or_else(|e| unreachable!("{e:?}"));
        let nodes = statement_nodes(&root);
        assert_eq!(nodes.len(), 2);
        assert_eq!(nodes.capacity(), nodes.len());
        let policy = Policy::from_statement_nodes(&nodes);
        let conditions: Vec<usize> = policy.statements.iter().map(|s| s.conditions.len()).collect();
        assert_eq!(conditions, [2, 1]);
        assert!(
            std::mem::size_of::<Pointer>() <= 24,
            "{}",
            std::mem::size_of::<Pointer>()
        );
    }

    #[test]
    fn pointers_name_their_element() {
        let root = crate::json::parse(r#"{"Statement": [{"Action": ["a:b", 1, "c:d"]}]}"#)
            .unwrap_or_else(|e| unreachable!("{e:?}"));
        let policy = Policy::from_document(&root);
        let pointers: Vec<String> = policy
            .statements
            .iter()
            .flat_map(|s| s.actions.iter().flat_map(|a| &a.items))
            .map(|item| item.pointer.to_string())
            .collect();
        assert_eq!(pointers, ["/Statement/0/Action/0", "/Statement/0/Action/2"]);
        let root = crate::json::parse(
            r#"{"Statement": {"NotAction": "x", "NotResource": ["r", "s"],
                "Condition": {"StringEquals": {"acs:ResourceTag/a~b": ["v", "w"], "k": "u"},
                    "Odd/Operator~": {"k": "u"}}}}"#,
        )
        .unwrap_or_else(|e| unreachable!("{e:?}"));
        let policy = Policy::from_document(&root);
        let statement = policy.statements.first().unwrap_or_else(|| unreachable!());
        let mut pointers: Vec<String> = statement
            .actions
            .iter()
            .flat_map(|a| &a.items)
            .map(|i| i.pointer.to_string())
            .collect();
        pointers.extend(statement.resources.iter().flatten().map(|i| i.pointer.to_string()));
        for condition in &statement.conditions {
            pointers.push(condition.operator.pointer.to_string());
            pointers.push(condition.key.pointer.to_string());
            pointers.extend(condition.values.iter().map(|i| i.pointer.to_string()));
        }
        assert_eq!(
            pointers,
            [
                "/Statement/NotAction",
                "/Statement/NotResource/0",
                "/Statement/NotResource/1",
                "/Statement/Condition/StringEquals",
                "/Statement/Condition/StringEquals/acs:ResourceTag~1a~0b",
                "/Statement/Condition/StringEquals/acs:ResourceTag~1a~0b/0",
                "/Statement/Condition/StringEquals/acs:ResourceTag~1a~0b/1",
                "/Statement/Condition/StringEquals",
                "/Statement/Condition/StringEquals/k",
                "/Statement/Condition/StringEquals/k",
                "/Statement/Condition/Odd~1Operator~0",
                "/Statement/Condition/Odd~1Operator~0/k",
                "/Statement/Condition/Odd~1Operator~0/k",
            ]
        );
        // An index past what four bytes hold is written out whole.
        for index in [0, 41, u32::MAX as usize - 1, u32::MAX as usize, usize::MAX] {
            assert_eq!(Pointer::new("/a").element(index).to_string(), format!("/a/{index}"));
        }
    }

    #[test]
    fn a_principal_without_resource_is_a_trust_policy_only_for_sts_actions() {
        let principal = r#""Principal": {"Federated": ["acs:ram::1234567890123456:oidc-provider/gh"]}"#;
        let doc = |action: &str, resource: &str| {
            format!(
                r#"{{"Version": "1", "Statement": [{{"Effect": "Allow", {principal}, "Action": {action}{resource}}}]}}"#
            )
        };
        assert_eq!(kind(&doc(r#""sts:AssumeRole""#, "")), PolicyKind::Trust);
        assert_eq!(kind(&doc(r#""sts:AssumeRoleWithOIDC""#, "")), PolicyKind::Trust);
        assert_eq!(kind(&doc(r#"["STS:AssumeRoleWithSAML"]"#, "")), PolicyKind::Trust);
        // A permission policy with a `Principal` by mistake keeps its errors.
        assert_eq!(kind(&doc(r#""kvstore:DeleteInstance""#, "")), PolicyKind::Permission);
        assert_eq!(
            kind(&doc(r#"["sts:AssumeRoleWithOIDC", "kvstore:*"]"#, "")),
            PolicyKind::Permission
        );
        // `Principal` and `Resource`: a resource policy's shape, not a trust policy.
        assert_eq!(
            kind(&doc(r#""sts:AssumeRoleWithOIDC""#, r#", "Resource": "*""#)),
            PolicyKind::Permission
        );
    }
}
