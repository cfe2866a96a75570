//! The README's rule table is the registry's, word for word.

#[test]
fn the_readme_lists_every_rule() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("<!-- rules:start -->\n")
        .map(|i| i + "<!-- rules:start -->\n".len());
    let end = readme.find("<!-- rules:end -->");
    let (Some(start), Some(end)) = (start, end) else {
        unreachable!("the README has no rules table markers")
    };
    let mut expected = String::from("| code | name | default | summary |\n| --- | --- | --- | --- |\n");
    for rule in ramguard::rules::ALL {
        expected.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.summary()
        ));
    }
    assert_eq!(
        readme.get(start..end),
        Some(expected.as_str()),
        "regenerate the README's rule table"
    );
}
