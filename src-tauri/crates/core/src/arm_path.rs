//! ARM paths as typed segments, so no name or id can change which resource a
//! request addresses.
//!
//! An [`ArmPath`] is a list of raw segments. On the wire every segment is
//! percent-encoded on its own (everything outside RFC 3986's unreserved set),
//! so a `#`, `?`, `%`, `/` or space inside a name stays part of that name and
//! can never start a fragment, a query or another segment. `.` and `..`
//! segments, which URL parsers collapse, and empty segments cannot be built.
//!
//! Ids and scopes that come from the UI are parsed strictly
//! ([`ArmPath::parse_scope`], [`ArmPath::parse_resource_id`], …): the shape
//! Azure documents, and none of `%`, `?`, `#`, `\` or control characters in
//! any segment. Each refusal says what was expected and what is wrong, for a
//! field error.

use std::fmt;

use crate::scope::{is_management_group_name, is_subscription_id};

/// Why a path, id or segment was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{input}\" is not {expected}: {reason}.")]
pub struct PathError {
    /// The input as shown to people (escaped, cut to a readable length).
    pub input: String,
    /// What was expected, e.g. "a resource id".
    pub expected: &'static str,
    pub reason: String,
}

impl PathError {
    fn new(input: &str, expected: &'static str, reason: impl Into<String>) -> Self {
        PathError { input: shown(input), expected, reason: reason.into() }
    }
}

/// An input as it may appear in a message: control and bidi characters
/// escaped, at most 120 characters.
fn shown(input: &str) -> String {
    const MAX: usize = 120;
    let escaped: String = input
        .chars()
        .flat_map(|c| {
            let visible = !c.is_control() && !is_bidi_control(c) && c != '"';
            let text: String = if visible { c.to_string() } else { c.escape_default().to_string() };
            text.chars().collect::<Vec<_>>()
        })
        .collect();
    if escaped.chars().count() > MAX {
        let cut: String = escaped.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        escaped
    }
}

/// Bidirectional embedding, override and isolate characters (U+202A–U+202E,
/// U+2066–U+2069), which reorder how text around them is shown.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

pub const MANAGEMENT_GROUPS_PROVIDER: &str = "Microsoft.Management";
pub const AUTHORIZATION_PROVIDER: &str = "Microsoft.Authorization";

/// A path on Azure Resource Manager, as raw segments.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ArmPath {
    segments: Vec<String>,
}

const EXPECTED_SEGMENT: &str = "a path segment";
const EXPECTED_ID: &str = "an Azure resource id";
const EXPECTED_SCOPE: &str = "a scope (a management group, subscription, resource group or resource)";
const EXPECTED_RESOURCE: &str = "a resource id";
const EXPECTED_GROUP: &str = "a resource group id";
const EXPECTED_SUBSCRIPTION: &str = "a subscription id";
const EXPECTED_MANAGEMENT_GROUP: &str = "a management group name";

/// What any raw segment must be: something, and not a dot segment (which URL
/// parsers collapse whatever its encoding).
fn raw_segment_problem(segment: &str) -> Option<&'static str> {
    match segment {
        "" => Some("it has an empty segment"),
        "." | ".." => Some("'.' and '..' segments are not allowed"),
        _ => None,
    }
}

/// What a segment of an id read as text must be besides: none of the
/// characters that change how a URL is read, and no control characters.
fn id_segment_problem(segment: &str) -> Option<String> {
    if let Some(problem) = raw_segment_problem(segment) {
        return Some(problem.to_owned());
    }
    if let Some(c) = segment.chars().find(|c| matches!(c, '?' | '#' | '\\' | '%')) {
        return Some(format!("it contains '{c}', which ids never do"));
    }
    if segment.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return Some("it contains a control character".to_owned());
    }
    None
}

fn keyword(segment: &str, word: &str) -> bool {
    segment.eq_ignore_ascii_case(word)
}

/// A resource group's name as Azure allows it: 1–90 letters, digits, `_`,
/// `(`, `)`, `-` or `.`, not ending in `.`.
pub fn is_resource_group_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 90
        && !name.ends_with('.')
        && name.chars().all(|c| c.is_alphanumeric() || "_()-.".contains(c))
}

fn is_namespace(segment: &str) -> bool {
    !segment.starts_with('.') && !segment.ends_with('.') && segment.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
}

fn is_type_name(segment: &str) -> bool {
    segment.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl ArmPath {
    /// The root, `/` (no segments).
    pub fn root() -> Self {
        ArmPath::default()
    }

    /// A path of raw segments; each is encoded on output, so any text is
    /// safe except empty, `.` and `..` segments, which are refused.
    pub fn from_segments<I, S>(segments: I) -> Result<Self, PathError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        ArmPath::root().join(segments)
    }

    /// This path with raw segments appended (see [`ArmPath::from_segments`]).
    pub fn join<I, S>(&self, segments: I) -> Result<Self, PathError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut path = self.clone();
        for segment in segments {
            let segment = segment.as_ref();
            if let Some(problem) = raw_segment_problem(segment) {
                return Err(PathError::new(segment, EXPECTED_SEGMENT, problem));
            }
            path.segments.push(segment.to_owned());
        }
        Ok(path)
    }

    /// This path with one raw segment appended.
    pub fn child(&self, segment: &str) -> Result<Self, PathError> {
        self.join([segment])
    }

    /// `{self}/providers/{namespace}/{type}` and further raw segments.
    pub fn provider<I, S>(&self, namespace: &str, rest: I) -> Result<Self, PathError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.join(["providers", namespace])?.join(rest)
    }

    /// The raw segments.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The path as sent: `/` and each segment percent-encoded.
    pub fn encoded(&self) -> String {
        if self.segments.is_empty() {
            return "/".to_owned();
        }
        let mut out = String::new();
        for segment in &self.segments {
            out.push('/');
            encode_segment(segment, &mut out);
        }
        out
    }

    /// Any id Azure hands back (`/providers/…/policySetDefinitions/…`, an
    /// assignment's scope, …): split at `/`, each segment refused when it
    /// holds `%`, `?`, `#`, `\`, a control character, or is empty or a dot
    /// segment. No shape is required.
    pub fn parse_id(id: &str) -> Result<Self, PathError> {
        split(id, EXPECTED_ID).map(|segments| ArmPath { segments: segments.into_iter().map(str::to_owned).collect() })
    }

    /// `/providers/Microsoft.Management/managementGroups/{name}`, a
    /// subscription, a resource group or a resource id, strictly.
    pub fn parse_scope(scope: &str) -> Result<Self, PathError> {
        let segments = split(scope, EXPECTED_SCOPE)?;
        let parsed = match segments.as_slice() {
            [p, ns, mg, name] if keyword(p, "providers") && keyword(ns, MANAGEMENT_GROUPS_PROVIDER) && keyword(mg, "managementGroups") => {
                ArmPath::management_group(name).map_err(|e| PathError::new(scope, EXPECTED_SCOPE, e.reason))
            }
            [s, _] if keyword(s, "subscriptions") => ArmPath::parse_subscription(scope),
            [s, _, rg, _] if keyword(s, "subscriptions") && keyword(rg, "resourceGroups") => ArmPath::parse_resource_group(scope),
            [s, ..] if keyword(s, "subscriptions") => ArmPath::parse_resource_id(scope),
            _ => Err(PathError::new(
                scope,
                EXPECTED_SCOPE,
                "it must start with /providers/Microsoft.Management/managementGroups/ or /subscriptions/",
            )),
        };
        parsed.map_err(|e| PathError { expected: EXPECTED_SCOPE, ..e })
    }

    /// `/providers/Microsoft.Management/managementGroups/{name}` for a valid group name.
    pub fn management_group(name: &str) -> Result<Self, PathError> {
        if !is_management_group_name(name) {
            return Err(PathError::new(
                name,
                EXPECTED_MANAGEMENT_GROUP,
                "use 1–90 letters, digits, '-', '_', '(', ')' or '.', not ending in '.'",
            ));
        }
        ArmPath::from_segments(["providers", MANAGEMENT_GROUPS_PROVIDER, "managementGroups", name])
    }

    /// `/subscriptions/{guid}` for a bare subscription GUID.
    pub fn subscription(id: &str) -> Result<Self, PathError> {
        if !is_subscription_id(id) {
            return Err(PathError::new(
                id,
                EXPECTED_SUBSCRIPTION,
                "a subscription id is a GUID such as 00000000-0000-0000-0000-000000000000",
            ));
        }
        ArmPath::from_segments(["subscriptions", id])
    }

    /// `/subscriptions/{guid}`, strictly.
    pub fn parse_subscription(scope: &str) -> Result<Self, PathError> {
        let segments = split(scope, EXPECTED_SUBSCRIPTION)?;
        match segments.as_slice() {
            [s, id] if keyword(s, "subscriptions") => {
                ArmPath::subscription(id).map_err(|e| PathError::new(scope, EXPECTED_SUBSCRIPTION, e.reason))
            }
            _ => Err(PathError::new(scope, EXPECTED_SUBSCRIPTION, "it must be /subscriptions/{guid}")),
        }
    }

    /// `/subscriptions/{guid}/resourceGroups/{name}`, strictly.
    pub fn parse_resource_group(scope: &str) -> Result<Self, PathError> {
        let segments = split(scope, EXPECTED_GROUP)?;
        match segments.as_slice() {
            [s, sub, rg, name] if keyword(s, "subscriptions") && keyword(rg, "resourceGroups") => {
                check_group_prefix(scope, EXPECTED_GROUP, sub, name)?;
                ArmPath::from_segments(segments)
            }
            _ => Err(PathError::new(scope, EXPECTED_GROUP, "it must be /subscriptions/{guid}/resourceGroups/{name}")),
        }
    }

    /// `/subscriptions/{guid}/resourceGroups/{name}/providers/{namespace}/{type}/{name}[/{type}/{name}…]`, strictly.
    pub fn parse_resource_id(id: &str) -> Result<Self, PathError> {
        let shape = "it must be /subscriptions/{guid}/resourceGroups/{group}/providers/{namespace}/{type}/{name}";
        let segments = split(id, EXPECTED_RESOURCE)?;
        let [s, sub, rg, group, p, namespace, rest @ ..] = segments.as_slice() else {
            return Err(PathError::new(id, EXPECTED_RESOURCE, shape));
        };
        if !(keyword(s, "subscriptions") && keyword(rg, "resourceGroups") && keyword(p, "providers")) {
            return Err(PathError::new(id, EXPECTED_RESOURCE, shape));
        }
        check_group_prefix(id, EXPECTED_RESOURCE, sub, group)?;
        if !is_namespace(namespace) {
            return Err(PathError::new(id, EXPECTED_RESOURCE, format!("\"{}\" is not a provider namespace", shown(namespace))));
        }
        if rest.is_empty() || rest.len() % 2 != 0 {
            return Err(PathError::new(id, EXPECTED_RESOURCE, "after the provider it needs pairs of type and name"));
        }
        if let Some(bad) = rest.iter().step_by(2).find(|t| !is_type_name(t)) {
            return Err(PathError::new(id, EXPECTED_RESOURCE, format!("\"{}\" is not a resource type", shown(bad))));
        }
        ArmPath::from_segments(segments)
    }

    /// The subscription GUID of a subscription-or-below path.
    pub fn subscription_id(&self) -> Option<&str> {
        match self.segments.as_slice() {
            [s, id, ..] if keyword(s, "subscriptions") && is_subscription_id(id) => Some(id),
            _ => None,
        }
    }

    /// The resource group (`/subscriptions/{guid}/resourceGroups/{name}`) a path lies in.
    pub fn resource_group(&self) -> Option<ArmPath> {
        match self.segments.as_slice() {
            [s, _, rg, _, ..] if keyword(s, "subscriptions") && keyword(rg, "resourceGroups") => {
                Some(ArmPath { segments: self.segments[..4].to_vec() })
            }
            _ => None,
        }
    }

    /// The management group's name when this is a management group's path.
    pub fn management_group_name(&self) -> Option<&str> {
        match self.segments.as_slice() {
            [p, ns, mg, name] if keyword(p, "providers") && keyword(ns, MANAGEMENT_GROUPS_PROVIDER) && keyword(mg, "managementGroups") => {
                Some(name)
            }
            _ => None,
        }
    }

    /// `{self}/providers/Microsoft.Authorization/policyExemptions/{name}`.
    pub fn policy_exemption(&self, name: &str) -> Result<Self, PathError> {
        self.provider(AUTHORIZATION_PROVIDER, ["policyExemptions", name])
    }
}

fn check_group_prefix(input: &str, expected: &'static str, sub: &str, group: &str) -> Result<(), PathError> {
    if !is_subscription_id(sub) {
        return Err(PathError::new(input, expected, format!("\"{}\" is not a subscription GUID", shown(sub))));
    }
    if !is_resource_group_name(group) {
        return Err(PathError::new(
            input,
            expected,
            format!(
                "\"{}\" is not a resource group name (1–90 letters, digits, '_', '(', ')', '-' or '.', not ending in '.')",
                shown(group)
            ),
        ));
    }
    Ok(())
}

/// An id's segments: it starts with `/`, and every segment passes [`id_segment_problem`].
fn split<'a>(id: &'a str, expected: &'static str) -> Result<Vec<&'a str>, PathError> {
    let Some(rest) = id.strip_prefix('/') else {
        return Err(PathError::new(id, expected, "it must start with '/'"));
    };
    let segments: Vec<&str> = rest.split('/').collect();
    for (index, segment) in segments.iter().enumerate() {
        if let Some(problem) = id_segment_problem(segment) {
            let place = index.saturating_add(1);
            return Err(PathError::new(id, expected, format!("segment {place} (\"{}\"): {problem}", shown(segment))));
        }
    }
    Ok(segments)
}

/// Percent-encode every byte outside RFC 3986's unreserved set.
fn encode_segment(segment: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0F)]));
        }
    }
}

/// For people: the raw segments joined by `/`, as Azure shows ids.
impl fmt::Display for ArmPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str("/");
        }
        for segment in &self.segments {
            write!(f, "/{segment}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: &str = "ae640e6b-ba3e-4256-9d62-2993eecfa6f2";

    fn resource() -> String {
        format!("/subscriptions/{SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/st1")
    }

    #[test]
    fn each_raw_segment_is_encoded_on_its_own() {
        let path = ArmPath::subscription(SUB).and_then(|s| s.policy_exemption("victim#new?x=1/../other %41é")).expect("builds");
        assert_eq!(
            path.encoded(),
            format!(
                "/subscriptions/{SUB}/providers/Microsoft.Authorization/policyExemptions/victim%23new%3Fx%3D1%2F..%2Fother%20%2541%C3%A9"
            )
        );
        assert_eq!(path.segments().len(), 6, "the name stays one segment");
        assert_eq!(
            path.to_string(),
            format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/policyExemptions/victim#new?x=1/../other %41é")
        );
        assert_eq!(ArmPath::root().encoded(), "/");
        assert_eq!(ArmPath::from_segments(["a-b_c.d~e"]).expect("builds").encoded(), "/a-b_c.d~e");
    }

    #[test]
    fn empty_and_dot_segments_cannot_be_built() {
        for bad in ["", ".", ".."] {
            let error = ArmPath::root().child(bad).expect_err("refused");
            assert!(error.to_string().contains("segment"), "{error}");
        }
        assert!(ArmPath::root().child("...").is_ok(), "three dots are an ordinary name");
    }

    #[test]
    fn resource_ids_are_parsed_strictly() {
        let id = resource();
        let path = ArmPath::parse_resource_id(&id).expect("valid");
        assert_eq!(path.to_string(), id);
        assert_eq!(path.subscription_id(), Some(SUB));
        assert_eq!(path.resource_group().map(|g| g.to_string()), Some(format!("/subscriptions/{SUB}/resourceGroups/rg-data")));
        assert!(ArmPath::parse_resource_id(&format!("{id}/blobServices/default")).is_ok());
        assert!(ArmPath::parse_resource_id(&id.to_uppercase()).is_ok(), "keywords are case-insensitive");
        let refused = [
            (format!("{id}?api-version=1"), "'?'"),
            (format!("{id}#x"), "'#'"),
            (format!("/subscriptions/{SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/.."), "'..'"),
            (format!("/subscriptions/{SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/a/../.."), "'..'"),
            (format!("/subscriptions/{SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/a%2F..%2F.."), "'%'"),
            (format!("/subscriptions/{SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/a\\b"), "'\\'"),
            (format!("{id}\u{7}"), "control"),
            (format!("{id}\u{202E}"), "control"),
            (format!("{id}/"), "empty segment"),
            (format!("/subscriptions/{SUB}//resourceGroups/rg"), "empty segment"),
            (id.trim_start_matches('/').to_owned(), "start with '/'"),
            (format!("/subscriptions/{SUB}/resourceGroups/rg-data"), "it must be"),
            (format!("/subscriptions/{SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts"), "pairs"),
            ("/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1".to_owned(), "GUID"),
            (format!("/subscriptions/{SUB}/resourceGroups/rg./providers/Microsoft.Storage/storageAccounts/st1"), "resource group name"),
            (format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft Storage/storageAccounts/st1"), "namespace"),
            (format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Storage/storage:Accounts/st1"), "resource type"),
        ];
        for (input, reason) in refused {
            let error = ArmPath::parse_resource_id(&input).expect_err(&input);
            let message = error.to_string();
            assert!(message.contains("is not a resource id"), "{message}");
            assert!(message.contains(reason), "{input}: {message}");
        }
    }

    #[test]
    fn messages_show_hostile_input_escaped_and_short() {
        let error = ArmPath::parse_resource_id(&format!("/\u{202E}{}", "x".repeat(500))).expect_err("refused");
        assert!(!error.input.contains('\u{202E}'));
        assert!(error.input.chars().count() <= 121, "{}", error.input);
    }

    #[test]
    fn scopes_of_each_kind_parse() {
        let mg = "/providers/Microsoft.Management/managementGroups/landing-zones";
        assert_eq!(ArmPath::parse_scope(mg).expect("mg").management_group_name(), Some("landing-zones"));
        assert_eq!(ArmPath::management_group("landing-zones").expect("mg").to_string(), mg);
        let sub = format!("/subscriptions/{SUB}");
        assert_eq!(ArmPath::parse_scope(&sub).expect("sub"), ArmPath::subscription(SUB).expect("sub"));
        assert!(ArmPath::parse_subscription(&sub).is_ok());
        let rg = format!("{sub}/resourceGroups/rg-data");
        assert_eq!(ArmPath::parse_scope(&rg).expect("rg"), ArmPath::parse_resource_group(&rg).expect("rg"));
        assert!(ArmPath::parse_scope(&resource()).is_ok());
        for bad in [
            "/providers/Microsoft.Management/managementGroups/a.".to_owned(),
            "/providers/Microsoft.Management/managementGroups/..".to_owned(),
            "/providers/Other/x".to_owned(),
            format!("{sub}/resourceGroups"),
            format!("{rg}/x"),
            format!("{sub}?x"),
            "/".to_owned(),
        ] {
            let error = ArmPath::parse_scope(&bad).expect_err(&bad);
            assert_eq!(error.expected, EXPECTED_SCOPE, "{bad}");
        }
        assert!(ArmPath::management_group("con/toso").is_err());
        assert!(ArmPath::subscription("nope").is_err());
        assert!(ArmPath::parse_subscription(&format!("{sub}/x")).is_err());
    }

    #[test]
    fn ids_from_azure_keep_their_segments() {
        let set = "/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8";
        let path = ArmPath::parse_id(set).expect("valid");
        assert_eq!(path.encoded(), set);
        assert!(ArmPath::parse_id("/providers/x/../y").is_err());
        assert!(ArmPath::parse_id("/providers/x#y").is_err());
    }
}
