//! What the app was asked to open from outside: a deep link
//! (`exemption-desk://exemption/<id>`, `exemption-desk://request/<id>`) or a
//! request file (`*.exemption-request.json`), given on the command line, by
//! the OS, or by a second launch handing its arguments to the running one.
//!
//! Every way in goes through [`parse_arguments`] (a launch's argv) or
//! [`parse_argument`] (one link or path), strictly: ids are parsed with
//! [`ArmPath`], lengths are capped, and anything else becomes
//! [`OpenTarget::Refused`] with a message saying what was wrong. Whether a
//! path names a file is asked of the caller, so this module does no IO.

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::arm_path::{is_bidi_control, ArmPath};

/// Sent to the window as the `open-target` event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum OpenTarget {
    /// Open the register at this exemption (its full ARM id).
    Exemption { id: String },
    /// Open this request on the Requests screen.
    Request { id: String },
    /// Open this request file (an absolute path) for review.
    RequestFile { path: String },
    /// What was given could not be opened; nothing changed.
    Refused { message: String },
}

/// The URL scheme the app registers.
pub const SCHEME: &str = "exemption-desk";
/// The ending of a request file's name.
pub const REQUEST_FILE_SUFFIX: &str = ".exemption-request.json";
/// The longest argument looked at, in bytes (an exemption id is at most a few hundred).
pub const MAX_ARGUMENT_LEN: usize = 4096;
/// At most this many targets from one launch; the rest are refused together.
pub const MAX_TARGETS: usize = 8;

/// The targets in a launch's arguments (`args[0]`, the program, is skipped).
/// Arguments starting with `-` are options, not targets. `cwd` is the
/// launching process's working folder, for relative paths.
pub fn parse_arguments(args: &[String], cwd: &Path, is_file: impl Fn(&Path) -> bool) -> Vec<OpenTarget> {
    let given: Vec<&String> = args.iter().skip(1).filter(|a| !a.starts_with('-')).collect();
    let mut targets: Vec<OpenTarget> = given.iter().take(MAX_TARGETS).map(|a| parse_argument(a, cwd, &is_file)).collect();
    if given.len() > MAX_TARGETS {
        targets.push(refused(format!(
            "Only the first {MAX_TARGETS} links or files of one launch are opened; {} more were left alone.",
            given.len().saturating_sub(MAX_TARGETS)
        )));
    }
    targets
}

/// One link or path: where it leads, or why it leads nowhere.
pub fn parse_argument(arg: &str, cwd: &Path, is_file: impl Fn(&Path) -> bool) -> OpenTarget {
    if arg.len() > MAX_ARGUMENT_LEN {
        return refused(format!("What was given is {} bytes long; a link or a path is at most {MAX_ARGUMENT_LEN}.", arg.len()));
    }
    if let Some(rest) = strip_prefix_ignore_case(arg, "file://") {
        return match file_url_path(rest) {
            Ok(path) => request_file(&path, cwd, &is_file, arg),
            Err(why) => refused(format!("\"{}\" is not a file link the app can open: {why}.", shown(arg))),
        };
    }
    if let Some(rest) = strip_prefix_ignore_case(arg, SCHEME).and_then(|r| r.strip_prefix(':')) {
        return match parse_link(rest) {
            Ok(target) => target,
            Err(why) => refused(format!("\"{}\" is not a link the app can open: {why}.", shown(arg))),
        };
    }
    if has_suffix_ignore_case(arg, REQUEST_FILE_SUFFIX) {
        return request_file(Path::new(arg), cwd, &is_file, arg);
    }
    refused(format!(
        "\"{}\" is neither an {SCHEME}:// link nor a request file (a name ending in {REQUEST_FILE_SUFFIX}).",
        shown(arg)
    ))
}

/// After `exemption-desk:`: `//exemption/<id>` or `//request/<uuid>`.
fn parse_link(rest: &str) -> Result<OpenTarget, String> {
    let Some(rest) = rest.strip_prefix("//") else {
        return Err(format!("it must start with {SCHEME}://"));
    };
    if let Some(c) = rest.chars().find(|c| matches!(c, '?' | '#')) {
        return Err(format!("it holds a '{c}', which these links never do"));
    }
    let (kind, value) = rest.split_once('/').unwrap_or((rest, ""));
    let value = value.strip_suffix('/').unwrap_or(value);
    if kind.eq_ignore_ascii_case("exemption") {
        exemption(value)
    } else if kind.eq_ignore_ascii_case("request") {
        request(value)
    } else {
        Err(format!("it must be {SCHEME}://exemption/<exemption id> or {SCHEME}://request/<request id>"))
    }
}

fn exemption(value: &str) -> Result<OpenTarget, String> {
    if value.is_empty() {
        return Err("the exemption id is missing".to_owned());
    }
    let decoded = percent_decode(value)?;
    let id = if decoded.starts_with('/') { decoded } else { format!("/{decoded}") };
    let path = ArmPath::parse_id(&id).map_err(|e| e.to_string().trim_end_matches('.').to_owned())?;
    let segments = path.segments();
    let is_exemption = segments.len() >= 6
        && segments.len() % 2 == 0
        && segments.iter().rev().nth(1).is_some_and(|s| s.eq_ignore_ascii_case("policyExemptions"))
        && segments.iter().rev().nth(2).is_some_and(|s| s.eq_ignore_ascii_case("Microsoft.Authorization"))
        && segments.iter().rev().nth(3).is_some_and(|s| s.eq_ignore_ascii_case("providers"));
    let at_scope = segments.len() >= 4 && ArmPath::parse_scope(&scope_of(segments)).is_ok();
    if !is_exemption || !at_scope {
        return Err("the id must name a policy exemption (<scope>/providers/Microsoft.Authorization/policyExemptions/<name>)".to_owned());
    }
    Ok(OpenTarget::Exemption { id: path.to_string() })
}

/// The id's scope: everything before `/providers/Microsoft.Authorization/policyExemptions/<name>`.
fn scope_of(segments: &[String]) -> String {
    let keep = segments.len().saturating_sub(4);
    segments.iter().take(keep).fold(String::new(), |mut out, s| {
        out.push('/');
        out.push_str(s);
        out
    })
}

fn request(value: &str) -> Result<OpenTarget, String> {
    if value.is_empty() {
        return Err("the request id is missing".to_owned());
    }
    if !is_uuid(value) {
        return Err(format!("\"{}\" is not a request id (a GUID like 0f8fad5b-d9cb-469f-a165-70867728950e)", shown(value)));
    }
    Ok(OpenTarget::Request { id: value.to_ascii_lowercase() })
}

/// `8-4-4-4-12` hexadecimal digits.
pub fn is_uuid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn request_file(path: &Path, cwd: &Path, is_file: &impl Fn(&Path) -> bool, given: &str) -> OpenTarget {
    let name_ok = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| has_suffix_ignore_case(n, REQUEST_FILE_SUFFIX));
    if !name_ok {
        return refused(format!("\"{}\" is not a request file: its name must end in {REQUEST_FILE_SUFFIX}.", shown(given)));
    }
    let absolute = if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) };
    let Some(absolute) = normalised(&absolute) else {
        return refused(format!("\"{}\" is not a path the app can open.", shown(given)));
    };
    if !is_file(&absolute) {
        return refused(format!("\"{}\" is not a file that exists (or the app may not read it).", shown(given)));
    }
    match absolute.to_str() {
        Some(path) => OpenTarget::RequestFile { path: path.to_owned() },
        None => refused(format!("\"{}\" is not a path the app can open.", shown(given))),
    }
}

/// `a/./b/../c` as `a/c`, without touching the disk; `None` when it climbs above its root or is not absolute.
fn normalised(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir | Component::Normal(_) => out.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() || !out.has_root() {
                    return None;
                }
            }
        }
    }
    out.is_absolute().then_some(out)
}

/// After `file://`: an empty or `localhost` host, then the percent-encoded absolute path.
fn file_url_path(rest: &str) -> Result<PathBuf, String> {
    let path = if let Some(p) = strip_prefix_ignore_case(rest, "localhost/") {
        format!("/{p}")
    } else if rest.starts_with('/') {
        rest.to_owned()
    } else {
        return Err("it names another computer".to_owned());
    };
    if let Some(c) = path.chars().find(|c| matches!(c, '?' | '#')) {
        return Err(format!("it holds a '{c}'"));
    }
    let decoded = percent_decode(&path)?;
    #[cfg(windows)]
    let decoded = decoded.trim_start_matches('/').to_owned();
    Ok(PathBuf::from(decoded))
}

/// `%XX` sequences decoded; the result must be UTF-8 with no control characters.
fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i.saturating_add(1)..i.saturating_add(3)).and_then(|h| std::str::from_utf8(h).ok());
            let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or("a '%' is not followed by two hexadecimal digits")?;
            out.push(byte);
            i = i.saturating_add(3);
        } else {
            out.push(b);
            i = i.saturating_add(1);
        }
    }
    let decoded = String::from_utf8(out).map_err(|_| "its percent-encoded bytes are not UTF-8".to_owned())?;
    if decoded.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return Err("it holds a control character".to_owned());
    }
    Ok(decoded)
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..)).flatten()
}

fn has_suffix_ignore_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len() && text.get(text.len().saturating_sub(suffix.len())..).is_some_and(|t| t.eq_ignore_ascii_case(suffix))
}

fn refused(message: String) -> OpenTarget {
    OpenTarget::Refused { message }
}

/// An input as a message may show it: control and bidi characters escaped, at most 120 characters.
fn shown(input: &str) -> String {
    const MAX: usize = 120;
    let escaped: String = input
        .chars()
        .flat_map(|c| {
            let visible = !c.is_control() && !is_bidi_control(c) && c != '"';
            if visible { vec![c] } else { c.escape_default().collect() }
        })
        .collect();
    if escaped.chars().count() > MAX {
        format!("{}…", escaped.chars().take(MAX).collect::<String>())
    } else {
        escaped
    }
}

#[cfg(test)]
#[path = "link_tests.rs"]
mod tests;
