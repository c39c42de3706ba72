//! The IPC contract, declared once: every command (a `#[tauri::command]
//! #[specta::specta]` function in `commands/`) and every event (`events.rs`)
//! is listed here and nowhere else. The same builder gives Tauri its invoke
//! handler and renders `ui/src/ipc/bindings.ts`; a test fails when that file
//! is stale (`UPDATE_BINDINGS=1 cargo test -p exemption-desk --lib bindings`
//! rewrites it).
//!
//! To add a command: write it in `commands/<area>.rs` as
//! `#[tauri::command] #[specta::specta] pub async fn do_thing(desk: State<'_, Desk>, arg: T) -> Result<R, ErrorPayload>`
//! (argument and result types derive `specta::Type`, in the core crate), add
//! `<area>::do_thing` to `collect_commands!` below, and run the command above;
//! the UI then calls `await commands.doThing(arg)`. An event: a struct in
//! `events.rs`, listed in `collect_events!`, sent with `.emit(&app)`.

use tauri_specta::{collect_commands, collect_events, Builder, ErrorHandlingMode};

use crate::commands::{
    about, apply, changes, database, details, exempt, exemptions, open, reads, recommendations, register, requests, session, settings,
    transfer,
};
use crate::events::{ApplyProgressEvent, ApplyStoppedEvent, DeviceCodeEvent, OpenExpiringEvent, OpenTargetEvent, RequestsChangedEvent};

/// Every command and event. Commands reject with an `ErrorPayload`, which the
/// generated functions throw (so `await commands.fooBar(…)` is the value).
/// One TypeScript type per Rust type: the window reads what it is sent, so
/// serde's separate serialize/deserialize shapes would only add aliases.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .error_handling(ErrorHandlingMode::Throw)
        .disable_serde_phases()
        .commands(collect_commands![
            session::session_info,
            session::list_profiles,
            session::sign_in,
            session::cancel_sign_in,
            session::choose_certificate_file,
            session::open_device_code_page,
            session::use_profile,
            session::sign_out,
            session::open_demo,
            recommendations::list_subscriptions,
            recommendations::list_management_groups,
            recommendations::write_access,
            recommendations::list_recommendations,
            recommendations::recommendation_resources,
            exempt::validate_exemption,
            exempt::prepare_exemption,
            exempt::recheck_exemption,
            exempt::grant_security_reader,
            exempt::save_draft,
            exempt::load_draft,
            exempt::discard_draft,
            apply::apply_plan,
            apply::cancel_apply,
            apply::apply_report,
            apply::retry_failed,
            apply::unfinished_applies,
            apply::resume_apply,
            apply::effect_status,
            exemptions::list_exemptions,
            register::exemption_register,
            register::expiring_exemptions,
            settings::get_settings,
            settings::save_settings,
            reads::cancel_read,
            changes::prepare_exemption_change,
            details::exemption_details,
            transfer::export_register,
            transfer::save_import_template,
            transfer::choose_import_file,
            transfer::prepare_import,
            database::database_status,
            database::move_database_aside,
            database::open_database_again,
            database::quit_app,
            requests::submit_request,
            requests::save_request_file,
            requests::list_requests,
            requests::review_request,
            requests::choose_request_file,
            requests::review_request_file,
            requests::approve_request,
            requests::reject_request,
            requests::request_changes,
            requests::withdraw_request,
            requests::open_request_ticket,
            requests::resubmit_request,
            requests::get_tenant_settings,
            requests::save_tenant_settings,
            requests::activity_log,
            requests::export_activity,
            open::pending_open_targets,
            about::about,
            about::diagnostics,
            about::open_logs_folder,
        ])
        .events(collect_events![
            ApplyProgressEvent,
            ApplyStoppedEvent,
            DeviceCodeEvent,
            OpenExpiringEvent,
            OpenTargetEvent,
            RequestsChangedEvent
        ])
}

#[cfg(test)]
const HEADER: &str = "// Generated from the Rust commands and types by tauri-specta (src-tauri/src/ipc.rs). Do not edit:\n\
                      // run `UPDATE_BINDINGS=1 cargo test -p exemption-desk --lib bindings` instead.";

/// Writes the TypeScript bindings to `path`.
#[cfg(test)]
pub fn export(path: &std::path::Path) -> Result<(), String> {
    let typescript = specta_typescript::Typescript::default().header(HEADER);
    builder().export(typescript, path).map_err(|e| format!("the TypeScript bindings could not be rendered: {e}"))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn committed_path() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts")
    }

    /// Renders into a scratch file (tauri-specta writes to a path) and compares.
    #[test]
    fn bindings_in_the_ui_are_current() {
        let scratch = std::env::temp_dir().join(format!("exemption-desk-bindings-{}.ts", std::process::id()));
        super::export(&scratch).expect("renders");
        let fresh = std::fs::read_to_string(&scratch).expect("rendered file");
        let _ = std::fs::remove_file(&scratch);
        let path = committed_path();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).expect("write bindings");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == fresh, "ui/src/ipc/bindings.ts is stale; run `UPDATE_BINDINGS=1 cargo test -p exemption-desk --lib bindings`");
    }

    #[test]
    fn commands_and_events_keep_the_names_the_ui_and_its_fakes_use() {
        let scratch = std::env::temp_dir().join(format!("exemption-desk-names-{}.ts", std::process::id()));
        super::export(&scratch).expect("renders");
        let ts = std::fs::read_to_string(&scratch).expect("rendered file");
        let _ = std::fs::remove_file(&scratch);
        for wire in
            ["\"prepare_exemption\"", "\"cancel_read\"", "\"apply_plan\"", "\"apply-progress\"", "\"apply-stopped\"", "\"device-code\""]
        {
            assert!(ts.contains(wire), "{wire} is missing from the bindings");
        }
        assert!(ts.contains("export type ErrorCode ="), "error codes are a union");
    }
}
