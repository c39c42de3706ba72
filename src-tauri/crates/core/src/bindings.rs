//! The TypeScript the UI compiles against, rendered from the Rust types and
//! the command table below. `ui/src/ipc/bindings.ts` is this output; a test
//! fails when it is stale (`UPDATE_BINDINGS=1 cargo test -p exemption-desk-core`
//! rewrites it).

use ts_rs::{Config, TS};

use crate::error::ErrorPayload;
use crate::exemption::{Exemption, ExemptionCategory, ExemptionDraft};
use crate::plan::PlannedWrite;
use crate::recommendation::{AssessmentType, Recommendation, Severity};
use crate::scope::Subscription;
use crate::session::{SessionInfo, SessionMode};
use crate::validation::{DraftField, FieldError};

/// A Tauri command as the UI calls it: its name, its arguments (camelCase, as
/// Tauri maps them) and what it returns.
struct Command {
    name: &'static str,
    args: Vec<(&'static str, String)>,
    returns: String,
}

fn commands(cfg: &Config) -> Vec<Command> {
    let subscription_ids = || ("subscriptionIds", "Array<string>".to_owned());
    let draft = || ("draft", ExemptionDraft::name(cfg));
    vec![
        Command { name: "session_info", args: vec![], returns: SessionInfo::name(cfg) },
        Command { name: "list_subscriptions", args: vec![], returns: Vec::<Subscription>::name(cfg) },
        Command {
            name: "list_recommendations",
            args: vec![subscription_ids()],
            returns: Vec::<Recommendation>::name(cfg),
        },
        Command { name: "validate_exemption", args: vec![draft()], returns: Vec::<FieldError>::name(cfg) },
        Command { name: "create_exemption", args: vec![draft()], returns: Vec::<Exemption>::name(cfg) },
        Command { name: "list_exemptions", args: vec![subscription_ids()], returns: Vec::<Exemption>::name(cfg) },
    ]
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The whole generated file.
pub fn typescript() -> String {
    let cfg = Config::new();
    let decls = [
        ErrorPayload::decl(&cfg),
        SessionMode::decl(&cfg),
        SessionInfo::decl(&cfg),
        Subscription::decl(&cfg),
        AssessmentType::decl(&cfg),
        Severity::decl(&cfg),
        Recommendation::decl(&cfg),
        ExemptionCategory::decl(&cfg),
        ExemptionDraft::decl(&cfg),
        DraftField::decl(&cfg),
        FieldError::decl(&cfg),
        Exemption::decl(&cfg),
        PlannedWrite::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types in src-tauri/crates/core (bindings.rs). Do not edit:\n\
         // run `UPDATE_BINDINGS=1 cargo test -p exemption-desk-core bindings` instead.\n\n\
         import { invoke } from \"@tauri-apps/api/core\";\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.push_str("/** Every backend command; each rejects with an `ErrorPayload`. */\nexport const commands = {\n");
    for c in commands(&cfg) {
        let params: Vec<String> = c.args.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        let passed: Vec<&str> = c.args.iter().map(|(n, _)| *n).collect();
        let payload = if passed.is_empty() { String::new() } else { format!(", {{ {} }}", passed.join(", ")) };
        out.push_str(&format!(
            "  {}: ({}): Promise<{}> => invoke(\"{}\"{}),\n",
            camel(c.name),
            params.join(", "),
            c.returns,
            c.name,
            payload
        ));
    }
    out.push_str("};\n");
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn committed_path() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../ui/src/ipc/bindings.ts")
    }

    #[test]
    fn bindings_in_the_ui_are_current() {
        let fresh = super::typescript();
        let path = committed_path();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).expect("write bindings");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/ipc/bindings.ts is stale; run `UPDATE_BINDINGS=1 cargo test -p exemption-desk-core bindings`"
        );
    }

    #[test]
    fn commands_are_camel_cased_for_the_ui() {
        assert_eq!(super::camel("list_recommendations"), "listRecommendations");
        assert!(super::typescript().contains("createExemption: (draft: ExemptionDraft): Promise<Array<Exemption>> => invoke(\"create_exemption\", { draft })"));
    }
}
