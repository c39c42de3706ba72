use std::path::Path;

use proptest::prelude::*;

use super::*;

const SUB: &str = "ae640e6b-ba3e-4256-9d62-2993eecfa6f2";

fn exemption_id() -> String {
    format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/policyExemptions/waiver-1")
}

fn parse(arg: &str) -> OpenTarget {
    parse_argument(arg, Path::new("/home/ana"), |p| p.starts_with("/home/ana/inbox"))
}

fn refusal(target: OpenTarget) -> String {
    match target {
        OpenTarget::Refused { message } => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn an_exemption_link_opens_the_exemption_given_as_a_path_or_percent_encoded() {
    let want = OpenTarget::Exemption { id: exemption_id() };
    assert_eq!(parse(&format!("exemption-desk://exemption{}", exemption_id())), want);
    assert_eq!(parse(&format!("exemption-desk://exemption{}/", exemption_id())), want, "a trailing slash from a launcher");
    let encoded = exemption_id().replace('/', "%2F");
    assert_eq!(parse(&format!("exemption-desk://exemption/{encoded}")), want);
    assert_eq!(parse(&format!("EXEMPTION-DESK://Exemption/{encoded}")), want, "schemes and hosts ignore case");
    let rg = format!("/subscriptions/{SUB}/resourceGroups/rg-data/providers/Microsoft.Authorization/policyExemptions/a b");
    assert_eq!(
        parse(&format!("exemption-desk://exemption{}", rg.replace(' ', "%20"))),
        OpenTarget::Exemption { id: rg }
    );
    let mg = "/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policyExemptions/x";
    assert_eq!(parse(&format!("exemption-desk://exemption{mg}")), OpenTarget::Exemption { id: mg.to_owned() });
}

#[test]
fn a_request_link_opens_the_request() {
    let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    assert_eq!(parse(&format!("exemption-desk://request/{id}")), OpenTarget::Request { id: id.to_owned() });
    assert_eq!(
        parse(&format!("exemption-desk://request/{}/", id.to_uppercase())),
        OpenTarget::Request { id: id.to_owned() },
        "lower-cased, trailing slash allowed"
    );
}

#[test]
fn malformed_links_are_refused_saying_what_is_wrong() {
    let cases = [
        ("exemption-desk:exemption/x", "must start with exemption-desk://"),
        ("exemption-desk://exemption/", "exemption id is missing"),
        ("exemption-desk://request/", "request id is missing"),
        ("exemption-desk://request/not-a-guid", "is not a request id"),
        ("exemption-desk://request/0f8fad5b-d9cb-469f-a165-70867728950e/extra", "is not a request id"),
        ("exemption-desk://settings/x", "exemption-desk://exemption/<exemption id>"),
        (&format!("exemption-desk://exemption/subscriptions/{SUB}"), "must name a policy exemption"),
        (&format!("exemption-desk://exemption{}?x=1", exemption_id()), "holds a '?'"),
        (&format!("exemption-desk://exemption{}#top", exemption_id()), "holds a '#'"),
        ("exemption-desk://exemption/%2", "two hexadecimal digits"),
        ("exemption-desk://exemption/%ff%fe", "not UTF-8"),
        ("exemption-desk://exemption/a%0Ab", "control character"),
        ("exemption-desk://exemption/subscriptions/x/../y", "segment"),
        (
            "exemption-desk://exemption/subscriptions/not-a-sub/providers/Microsoft.Authorization/policyExemptions/x",
            "must name a policy exemption",
        ),
        ("https://example.com/a", "neither an exemption-desk:// link nor a request file"),
        ("notes.txt", "neither an exemption-desk:// link nor a request file"),
    ];
    for (arg, why) in cases {
        let message = refusal(parse(arg));
        assert!(message.contains(why), "{arg}: {message}");
    }
}

#[test]
fn a_request_file_opens_when_it_exists_and_is_named_so() {
    assert_eq!(
        parse("/home/ana/inbox/r1.exemption-request.json"),
        OpenTarget::RequestFile { path: "/home/ana/inbox/r1.exemption-request.json".to_owned() }
    );
    assert_eq!(
        parse("inbox/./r1.Exemption-Request.JSON"),
        OpenTarget::RequestFile { path: "/home/ana/inbox/r1.Exemption-Request.JSON".to_owned() },
        "relative to the launch's folder"
    );
    assert_eq!(
        parse("file:///home/ana/inbox/my%20request.exemption-request.json"),
        OpenTarget::RequestFile { path: "/home/ana/inbox/my request.exemption-request.json".to_owned() },
        "as a file:// URL from a desktop entry's %u"
    );
    assert_eq!(
        parse("file://localhost/home/ana/inbox/r.exemption-request.json"),
        OpenTarget::RequestFile { path: "/home/ana/inbox/r.exemption-request.json".to_owned() }
    );
}

#[test]
fn a_request_file_that_is_missing_misnamed_or_elsewhere_is_refused() {
    let cases = [
        ("/home/ana/elsewhere/r.exemption-request.json", "not a file that exists"),
        ("../../../../etc/r.exemption-request.json", "not a path the app can open"),
        ("inbox/../../ana/inbox/r.exemption-request.json", "RequestFile"),
        ("file:///home/ana/inbox/r.json", "its name must end in .exemption-request.json"),
        ("file://server/share/r.exemption-request.json", "names another computer"),
        ("file:///home/ana/inbox/r%00.exemption-request.json", "control character"),
    ];
    for (arg, why) in cases {
        let target = parse(arg);
        if why == "RequestFile" {
            assert!(matches!(target, OpenTarget::RequestFile { .. }), "{arg}: {target:?}");
            continue;
        }
        let message = refusal(target);
        assert!(message.contains(why), "{arg}: {message}");
    }
}

#[test]
fn long_inputs_are_refused_and_never_echoed_whole() {
    let long = format!("exemption-desk://exemption/{}", "a".repeat(MAX_ARGUMENT_LEN));
    let message = refusal(parse(&long));
    assert!(message.contains("at most 4096"), "{message}");
    let message = refusal(parse(&format!("{}.txt", "b".repeat(1000))));
    assert!(message.chars().count() < 300, "{message}");
}

#[test]
fn a_launch_skips_the_program_and_options_and_caps_the_number_of_targets() {
    let args: Vec<String> =
        ["/usr/bin/exemption-desk", "--verbose", "exemption-desk://request/0f8fad5b-d9cb-469f-a165-70867728950e"].map(String::from).into();
    assert_eq!(
        parse_arguments(&args, Path::new("/"), |_| false),
        vec![OpenTarget::Request { id: "0f8fad5b-d9cb-469f-a165-70867728950e".to_owned() }]
    );
    assert!(parse_arguments(&["exemption-desk".to_owned()], Path::new("/"), |_| false).is_empty(), "a plain launch opens nothing");
    let many: Vec<String> = std::iter::once("app".to_owned()).chain((0..20).map(|i| format!("x{i}"))).collect();
    let targets = parse_arguments(&many, Path::new("/"), |_| false);
    assert_eq!(targets.len(), MAX_TARGETS + 1);
    assert!(refusal(targets[MAX_TARGETS].clone()).contains("12 more were left alone"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Anything at all: no panic, and a target it yields is well formed.
    #[test]
    fn any_input_is_parsed_without_panic(arg in any::<String>(), link in "exemption-desk://(exemption|request)/[ -~%/é]{0,80}") {
        for input in [arg.as_str(), link.as_str()] {
            match parse(input) {
                OpenTarget::Exemption { id } => prop_assert!(ArmPath::parse_id(&id).is_ok()),
                OpenTarget::Request { id } => prop_assert!(is_uuid(&id)),
                OpenTarget::RequestFile { path } => prop_assert!(path.starts_with("/home/ana/inbox")),
                OpenTarget::Refused { message } => prop_assert!(message.chars().count() < 400),
            }
        }
    }
}
