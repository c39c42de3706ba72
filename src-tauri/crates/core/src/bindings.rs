//! The TypeScript the UI compiles against, rendered from the Rust types and
//! the command table below. `ui/src/ipc/bindings.ts` is this output; a test
//! fails when it is stale (`UPDATE_BINDINGS=1 cargo test -p exemption-desk-core`
//! rewrites it).

use ts_rs::{Config, TS};

use crate::apply::{ApplyItem, ApplyProgress, ApplyReport, ApplyStopped, EffectItem, EffectReport, HeldBy, ItemState, Preparation};
use crate::checks::{Check, CheckKind, CheckStatus};
use crate::error::ErrorPayload;
use crate::exemption::{Exemption, ExemptionCategory, ExemptionDraft};
use crate::plan::PlannedWrite;
use crate::recommendation::{AssessmentType, Recommendation, Severity};
use crate::resource::{AssessedResource, ResourceStatus};
use crate::scope::{ManagementGroupNode, ScopeChoice, Subscription};
use crate::session::{CloudChoice, CloudKind, DeviceCodePrompt, Profile, SessionInfo, SessionMode, SignInMethod, SignInRequest};
use crate::storage::{DatabaseProblem, DatabaseProblemKind, DatabaseStatus};
use crate::validation::{DraftField, FieldError};

/// A Tauri command as the UI calls it: its name, its arguments (camelCase, as
/// Tauri maps them) and what it returns.
struct Command {
    name: &'static str,
    args: Vec<(&'static str, String)>,
    returns: String,
}

fn command(name: &'static str, args: Vec<(&'static str, String)>, returns: String) -> Command {
    Command { name, args, returns }
}

fn commands(cfg: &Config) -> Vec<Command> {
    let string = || "string".to_owned();
    let subscription_ids = || ("subscriptionIds", "Array<string>".to_owned());
    let draft = || ("draft", ExemptionDraft::name(cfg));
    let apply_id = || ("applyId", string());
    let void = || "null".to_owned();
    vec![
        command("session_info", vec![], SessionInfo::name(cfg)),
        command("list_profiles", vec![], Vec::<Profile>::name(cfg)),
        command("sign_in", vec![("request", SignInRequest::name(cfg))], SessionInfo::name(cfg)),
        command("use_profile", vec![("name", string())], SessionInfo::name(cfg)),
        command("sign_out", vec![("name", string())], void()),
        command("open_demo", vec![], SessionInfo::name(cfg)),
        command("cancel_sign_in", vec![], void()),
        command("choose_certificate_file", vec![], Option::<String>::name(cfg)),
        command("open_device_code_page", vec![], void()),
        command("list_subscriptions", vec![], Vec::<Subscription>::name(cfg)),
        command("list_management_groups", vec![], Option::<ManagementGroupNode>::name(cfg)),
        command("list_recommendations", vec![subscription_ids()], Vec::<Recommendation>::name(cfg)),
        command(
            "recommendation_resources",
            vec![("recommendationKey", string()), subscription_ids()],
            Vec::<AssessedResource>::name(cfg),
        ),
        command("validate_exemption", vec![draft()], Vec::<FieldError>::name(cfg)),
        command("prepare_exemption", vec![draft()], Preparation::name(cfg)),
        command("grant_security_reader", vec![("managementGroup", string())], void()),
        command("apply_plan", vec![("planId", string())], string()),
        command("cancel_apply", vec![apply_id()], void()),
        command("apply_report", vec![apply_id()], ApplyReport::name(cfg)),
        command("retry_failed", vec![apply_id()], void()),
        command("unfinished_applies", vec![], Vec::<ApplyReport>::name(cfg)),
        command("resume_apply", vec![apply_id()], void()),
        command("effect_status", vec![apply_id()], EffectReport::name(cfg)),
        command("save_draft", vec![draft()], void()),
        command("load_draft", vec![], Option::<ExemptionDraft>::name(cfg)),
        command("discard_draft", vec![], void()),
        command("list_exemptions", vec![subscription_ids()], Vec::<Exemption>::name(cfg)),
        command("database_status", vec![], DatabaseStatus::name(cfg)),
        command("move_database_aside", vec![], DatabaseStatus::name(cfg)),
        command("open_database_again", vec![], DatabaseStatus::name(cfg)),
        command("quit_app", vec![], void()),
    ]
}

/// Events the backend emits, with their payload types.
fn events(cfg: &Config) -> Vec<(&'static str, &'static str, String)> {
    vec![
        ("applyProgress", "apply-progress", ApplyProgress::name(cfg)),
        ("applyStopped", "apply-stopped", ApplyStopped::name(cfg)),
        ("deviceCode", "device-code", DeviceCodePrompt::name(cfg)),
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
        CloudKind::decl(&cfg),
        CloudChoice::decl(&cfg),
        SignInMethod::decl(&cfg),
        SignInRequest::decl(&cfg),
        Profile::decl(&cfg),
        DeviceCodePrompt::decl(&cfg),
        Subscription::decl(&cfg),
        ManagementGroupNode::decl(&cfg),
        ScopeChoice::decl(&cfg),
        AssessmentType::decl(&cfg),
        Severity::decl(&cfg),
        Recommendation::decl(&cfg),
        ResourceStatus::decl(&cfg),
        AssessedResource::decl(&cfg),
        ExemptionCategory::decl(&cfg),
        ExemptionDraft::decl(&cfg),
        DraftField::decl(&cfg),
        FieldError::decl(&cfg),
        Exemption::decl(&cfg),
        PlannedWrite::decl(&cfg),
        CheckStatus::decl(&cfg),
        CheckKind::decl(&cfg),
        Check::decl(&cfg),
        Preparation::decl(&cfg),
        ItemState::decl(&cfg),
        ApplyItem::decl(&cfg),
        ApplyReport::decl(&cfg),
        ApplyProgress::decl(&cfg),
        ApplyStopped::decl(&cfg),
        EffectItem::decl(&cfg),
        HeldBy::decl(&cfg),
        EffectReport::decl(&cfg),
        DatabaseProblemKind::decl(&cfg),
        DatabaseProblem::decl(&cfg),
        DatabaseStatus::decl(&cfg),
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
    out.push_str("};\n\n/** Backend events: `listen(events.applyProgress, (e: Event<ApplyProgress>) => …)`. */\nexport const events = {\n");
    for (key, name, _) in events(&cfg) {
        out.push_str(&format!("  {key}: \"{name}\",\n"));
    }
    out.push_str("} as const;\n\nexport type EventPayloads = {\n");
    for (_, name, payload) in events(&cfg) {
        out.push_str(&format!("  \"{name}\": {payload};\n"));
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
        assert!(super::typescript().contains("prepareExemption: (draft: ExemptionDraft): Promise<Preparation> => invoke(\"prepare_exemption\", { draft })"));
    }
}
