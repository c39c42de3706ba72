//! What the About section shows and what *Copy diagnostics* copies: the
//! version, the licenses of the bundled dependencies (listed at build time),
//! and facts a support person needs — never a secret, a token or the account.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::session::SessionMode;

/// A dependency shipped inside the app.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub struct BundledLicense {
    pub name: String,
    pub version: String,
    /// An SPDX expression, as the package declares it ("MIT OR Apache-2.0").
    pub license: String,
    pub source: LicenseSource,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub enum LicenseSource {
    /// A Rust crate compiled into the binary.
    Crate,
    /// An npm package bundled into the window's code.
    Npm,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub struct AboutInfo {
    pub version: String,
    /// Sorted by source, then name.
    pub licenses: Vec<BundledLicense>,
}

/// The session as diagnostics may name it: no account, object id or endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticSession {
    pub mode: SessionMode,
    pub cloud: String,
    pub tenant_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticFacts {
    pub version: String,
    /// e.g. "Debian GNU/Linux 12 (bookworm), linux x86_64".
    pub os: String,
    /// e.g. "WebKitGTK 2.48.3".
    pub webview: String,
    /// Where the log file is, if there is one.
    pub log_folder: Option<String>,
    /// `None` when not signed in.
    pub session: Option<DiagnosticSession>,
}

/// The text *Copy diagnostics* puts on the clipboard, one fact a line.
pub fn diagnostics_text(facts: &DiagnosticFacts) -> String {
    let mut lines = vec![
        format!("Exemption Desk {}", one_line(&facts.version)),
        format!("OS: {}", one_line(&facts.os)),
        format!("Web view: {}", one_line(&facts.webview)),
    ];
    match &facts.session {
        Some(session) => {
            let mode = match session.mode {
                SessionMode::Demo => "demo tenant (simulator)",
                SessionMode::External => "endpoint from EXEMPTION_DESK_* variables",
                SessionMode::Profile => "signed-in profile",
            };
            lines.push(format!("Mode: {mode}"));
            lines.push(format!("Cloud: {}", one_line(&session.cloud)));
            lines.push(format!("Tenant: {}", one_line(&session.tenant_id)));
        }
        None => lines.push("Mode: not signed in".to_owned()),
    }
    if let Some(folder) = &facts.log_folder {
        lines.push(format!("Logs: {}", one_line(folder)));
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// A fact on one line, at most 300 characters, with no control characters.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(session: Option<DiagnosticSession>) -> DiagnosticFacts {
        DiagnosticFacts {
            version: "0.1.0".into(),
            os: "Debian GNU/Linux 12 (bookworm), linux x86_64".into(),
            webview: "WebKitGTK 2.48.3".into(),
            log_folder: Some("/home/ana/.local/share/app.exemptiondesk.desktop/logs".into()),
            session,
        }
    }

    #[test]
    fn diagnostics_name_the_version_os_web_view_cloud_tenant_and_mode() {
        let text = diagnostics_text(&facts(Some(DiagnosticSession {
            mode: SessionMode::Profile,
            cloud: "Azure".into(),
            tenant_id: "6c1297b4-fd6e-48e9-a473-c2cd6680ae92".into(),
        })));
        assert_eq!(
            text,
            "Exemption Desk 0.1.0\nOS: Debian GNU/Linux 12 (bookworm), linux x86_64\nWeb view: WebKitGTK 2.48.3\n\
             Mode: signed-in profile\nCloud: Azure\nTenant: 6c1297b4-fd6e-48e9-a473-c2cd6680ae92\n\
             Logs: /home/ana/.local/share/app.exemptiondesk.desktop/logs\n"
        );
    }

    #[test]
    fn diagnostics_say_when_nobody_is_signed_in_and_stay_one_fact_a_line() {
        let mut f = facts(None);
        f.os = "evil\nTenant: forged".into();
        let text = diagnostics_text(&f);
        assert!(text.contains("Mode: not signed in"));
        assert_eq!(text.lines().filter(|l| l.starts_with("Tenant:")).count(), 0, "{text}");
    }
}
