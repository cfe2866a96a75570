//! A ROS template refers to a name it does not define.
//!
//! ## What it does
//! Reports every `Ref` (`!Ref`), `Fn::GetAtt` (`!GetAtt`) and `${Name}` of an `Fn::Sub`
//! (`!Sub`) in the `Properties` of a ROS template's RAM resource (`ALIYUN::RAM::ManagedPolicy`,
//! `Role`, `User`, `Group`, and control policies) whose name is none of the template's
//! `Parameters`, `Resources` or `Locals`, nor a variable of that `Fn::Sub`'s own map, nor one of
//! the eight pseudo parameters ROS's documentation lists (`ALIYUN::StackName`, `StackId`,
//! `Region`, `AccountId`, `TenantId`, `ResourceGroupId`, `NoValue`, `Index`; checked
//! 2026-11-28: `ALIYUN::Bogus` is no name). A template with a `Transform` (which may define
//! names) is not judged, nor a `${...}` written with white space in it. A function whose
//! argument is not a name (`Ref: 5`, `Fn::GetAtt: []`, `${}`) is reported too, and so is a
//! `Parameters`, `Resources` or `Locals` section that is not a map.
//!
//! Elsewhere in a template a dangling name is not reported: Alibaba's own templates
//! (`aliyun/ros-templates`) name undefined parameters in their console metadata
//! (`AssociationPropertyMetadata`), `Conditions` and `Outputs`, and none in a RAM resource.
//!
//! ## Why is this bad?
//! ROS's function reference says that `Ref` takes the name of a parameter, a resource or a
//! local variable, and `Fn::GetAtt` a resource's: a name the template does not define gives
//! the document no value its author meant. ROS likely refuses the template, as CloudFormation
//! and Heat refuse theirs (ramguard's reading; not tried against ROS itself). Before this rule
//! the value was only "known when ROS creates the stack": `lint` passed the template, and
//! `preflight` could answer `go` from policies that would never exist as written.
//!
//! ## Example
//! ```yaml
//! Parameters:
//!   InstanceArn: {Type: String}
//! Resources:
//!   Teardown:
//!     Type: ALIYUN::RAM::ManagedPolicy
//!     Properties:
//!       PolicyName: teardown
//!       PolicyDocument:
//!         Version: '1'
//!         Statement:
//!           - {Effect: Allow, Action: kvstore:DeleteInstance, Resource: !Ref InstanceArns}
//! ```
//!
//! Use instead: the name the template defines, `!Ref InstanceArn`.

use super::{Finding, Rule, Severity};
use crate::source::Span;

pub static RULE: Rule = Rule {
    code: "RG023",
    name: "undefined-reference",
    severity: Severity::Error,
    source: include_str!("undefined_reference.rs"),
    // Made by the ROS reader (see `inputs::ros`).
    check: Rule::no_check,
};

/// `written` (`Ref: Name`, `Fn::GetAtt: Name.Attr`, `${Name}`) names `name`, which the
/// template does not define; `near` is a defined name spelled alike.
pub fn finding(span: Span, written: &str, name: &str, near: Option<&str>) -> Finding {
    let help = match near {
        Some(near) => format!("did you mean `{near}`? Or define `{name}` under `Parameters`"),
        None => format!("define `{name}` under `Parameters` (or `Resources`, `Locals`), or name one that is"),
    };
    Finding::new(
        &RULE,
        span,
        format!("`{written}` names `{name}`, which this template does not define (ROS likely refuses the template)"),
    )
    .label("no parameter, resource or local of this name")
    .help(help)
}

/// `written` (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `${}`) names nothing: its argument is not a name.
pub fn no_name(span: Span, written: &str) -> Finding {
    Finding::new(
        &RULE,
        span,
        format!("`{written}` names nothing: its argument is not a name (ROS likely refuses the template)"),
    )
    .label("not a name")
    .help("`Ref` takes a name as a string, `Fn::GetAtt` `[Name, Attribute]`, `Fn::Sub` a string or `[string, {variables}]` whose `${Name}` are names")
}

/// A template section that names things (`Parameters`, `Resources`, `Locals`) is not a map:
/// nothing it defines can be told, and ROS refuses the template.
pub fn not_a_map(span: Span, section: &str) -> Finding {
    Finding::new(
        &RULE,
        span,
        format!("`{section}` is not a map: ROS refuses the template, and what its functions name cannot be told"),
    )
    .label("expected a map of names")
    .help(format!("write `{section}` as a map (`Name: {{...}}`)"))
}
