//! The local audit log as the Activity screen shows it: every sign-in,
//! request, decision, write and delete, with who, when and the outcome.

use serde::{Deserialize, Serialize};
use specta::Type;

/// What kind of thing happened.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
pub enum ActivityKind {
    SignIn,
    SignOut,
    Request,
    Decision,
    Write,
    Delete,
    Other,
}

/// One line of the log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ActivityEntry {
    /// UTC, RFC 3339.
    pub at: String,
    pub kind: ActivityKind,
    /// Who did it (UPN or application id).
    pub account: String,
    /// What, in words ("Approved request … for …", "PUT …/policyExemptions/x").
    pub summary: String,
    /// How it ended ("Succeeded", "Failed: …", "Rejected").
    pub outcome: String,
    /// The exemption, request or apply it concerns, when there is one.
    pub subject: Option<String>,
}

/// Which lines to show: text found anywhere in a line, of these kinds (all when empty), at most `limit`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Type)]
#[serde(rename_all = "camelCase")]
pub struct ActivityQuery {
    pub text: String,
    pub kinds: Vec<ActivityKind>,
    pub limit: u32,
}

/// The most lines one query answers (and one export writes).
pub const ACTIVITY_LIMIT_MAX: u32 = 10_000;
/// The lines a query with no limit (0) answers.
pub const ACTIVITY_LIMIT_DEFAULT: u32 = 1_000;

/// The audit log's action strings and the kind each is shown as; any other
/// action is [`ActivityKind::Other`]. Written by `store.audit(account, action, detail)`.
pub const ACTION_KINDS: [(&str, ActivityKind); 4] = [
    ("sign_in", ActivityKind::SignIn),
    ("sign_out", ActivityKind::SignOut),
    ("request", ActivityKind::Request),
    ("decision", ActivityKind::Decision),
];

impl ActivityKind {
    pub const ALL: [ActivityKind; 7] = [
        ActivityKind::SignIn,
        ActivityKind::SignOut,
        ActivityKind::Request,
        ActivityKind::Decision,
        ActivityKind::Write,
        ActivityKind::Delete,
        ActivityKind::Other,
    ];

    /// The kind's name as serialised (`SignIn`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::SignIn => "SignIn",
            ActivityKind::SignOut => "SignOut",
            ActivityKind::Request => "Request",
            ActivityKind::Decision => "Decision",
            ActivityKind::Write => "Write",
            ActivityKind::Delete => "Delete",
            ActivityKind::Other => "Other",
        }
    }

    pub fn parse(name: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The kind of an audit line by its action; unknown actions are `Other`.
    pub fn of_action(action: &str) -> ActivityKind {
        ACTION_KINDS.iter().find(|(a, _)| *a == action).map_or(ActivityKind::Other, |(_, k)| *k)
    }

    /// In words, for the export.
    pub fn words(self) -> &'static str {
        match self {
            ActivityKind::SignIn => "Sign-in",
            ActivityKind::SignOut => "Sign-out",
            ActivityKind::Request => "Request",
            ActivityKind::Decision => "Decision",
            ActivityKind::Write => "Write",
            ActivityKind::Delete => "Delete",
            ActivityKind::Other => "Other",
        }
    }
}

impl ActivityQuery {
    /// The number of lines to answer: the default for 0, never above the cap.
    pub fn effective_limit(&self) -> u32 {
        match self.limit {
            0 => ACTIVITY_LIMIT_DEFAULT,
            n => n.min(ACTIVITY_LIMIT_MAX),
        }
    }
}

/// The export's columns.
pub const ACTIVITY_COLUMNS: [&str; 6] = ["when", "kind", "account", "summary", "outcome", "subject"];

/// The lines as CSV (UTF-8 with a BOM, CRLF), each cell guarded against
/// formula injection as the register's export is.
pub fn activity_csv(entries: &[ActivityEntry]) -> Vec<u8> {
    use crate::transfer::csv::record;
    use crate::transfer::guard_formula;
    let mut text = String::from("\u{feff}");
    text.push_str(&record(&ACTIVITY_COLUMNS));
    for e in entries {
        let cells = [e.at.as_str(), e.kind.words(), &e.account, &e.summary, &e.outcome, e.subject.as_deref().unwrap_or_default()];
        let guarded: Vec<String> = cells.iter().map(|c| guard_formula(c)).collect();
        text.push_str(&record(&guarded));
    }
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(summary: &str) -> ActivityEntry {
        ActivityEntry {
            at: "2026-12-01T10:00:00.000Z".into(),
            kind: ActivityKind::Write,
            account: "@ann".into(),
            summary: summary.into(),
            outcome: "Failed: 403, \"no\"".into(),
            subject: None,
        }
    }

    #[test]
    fn kinds_round_trip_and_unknown_actions_are_other() {
        for kind in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::Value::String(kind.as_str().into())));
        }
        assert_eq!(ActivityKind::of_action("sign_in"), ActivityKind::SignIn);
        assert_eq!(ActivityKind::of_action("decision"), ActivityKind::Decision);
        assert_eq!(ActivityKind::of_action("export_register"), ActivityKind::Other);
        assert_eq!(ActivityKind::of_action("SIGN_IN"), ActivityKind::Other, "actions are written in one spelling");
    }

    #[test]
    fn limits_default_and_cap() {
        let query = |limit| ActivityQuery { limit, ..Default::default() };
        assert_eq!(query(0).effective_limit(), ACTIVITY_LIMIT_DEFAULT);
        assert_eq!(query(5).effective_limit(), 5);
        assert_eq!(query(u32::MAX).effective_limit(), ACTIVITY_LIMIT_MAX);
    }

    #[test]
    fn the_csv_guards_formulas_and_quotes_what_must_be() {
        let text = String::from_utf8(activity_csv(&[entry("=HYPERLINK(\"x\")"), entry("-1+1")])).expect("UTF-8");
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "\u{feff}when,kind,account,summary,outcome,subject");
        assert_eq!(lines[1], "2026-12-01T10:00:00.000Z,Write,'@ann,\"'=HYPERLINK(\"\"x\"\")\",\"Failed: 403, \"\"no\"\"\",");
        assert!(lines[2].contains(",'-1+1,"), "{}", lines[2]);
        assert_eq!(lines[3], "", "every record ends with CRLF");
    }
}
