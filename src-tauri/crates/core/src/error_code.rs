use serde::{Deserialize, Serialize};
use specta::Type;

/// Every code an `ErrorPayload` can carry: stable and machine-readable, a
/// TypeScript union in the UI. Each crate's error type maps to these in its
/// `code()`; the strings (`snake_case` of the variant) never change meaning.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // The request itself (core, azure).
    InvalidRequest,
    InvalidPath,
    DuplicateWrite,
    NotExemptible,
    BenchmarkNotAssigned,
    NotInInitiative,
    ChecksFailed,
    NotFound,
    /// Someone else changed the thing first (an ETag that no longer matches), or it exists already.
    Conflict,
    // Azure and Entra (azure).
    Network,
    Unauthenticated,
    Forbidden,
    Throttled,
    Azure,
    UnexpectedResponse,
    Configuration,
    SignIn,
    SignInStopped,
    CliNotSignedIn,
    /// A read stopped because nobody waits for it (the screen was left).
    ReadCancelled,
    // The OS keyring (azure, shell).
    Keyring,
    KeyringUnavailable,
    KeyringLocked,
    // The local database (store, shell).
    LocalStorage,
    DatabaseUnusable,
    DatabaseInUse,
    // The shell.
    NotRunning,
    AlreadyRunning,
    DemoUnavailable,
    Browser,
    Dialog,
    /// A bug: the work panicked and was caught.
    Internal,
    /// Never sent by the backend: the window's code for a failure that did
    /// not arrive as an `ErrorPayload` (no IPC bridge, a rejected argument).
    Unknown,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 33] = [
        ErrorCode::InvalidRequest,
        ErrorCode::InvalidPath,
        ErrorCode::DuplicateWrite,
        ErrorCode::NotExemptible,
        ErrorCode::BenchmarkNotAssigned,
        ErrorCode::NotInInitiative,
        ErrorCode::ChecksFailed,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::Network,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::Throttled,
        ErrorCode::Azure,
        ErrorCode::UnexpectedResponse,
        ErrorCode::Configuration,
        ErrorCode::SignIn,
        ErrorCode::SignInStopped,
        ErrorCode::CliNotSignedIn,
        ErrorCode::ReadCancelled,
        ErrorCode::Keyring,
        ErrorCode::KeyringUnavailable,
        ErrorCode::KeyringLocked,
        ErrorCode::LocalStorage,
        ErrorCode::DatabaseUnusable,
        ErrorCode::DatabaseInUse,
        ErrorCode::NotRunning,
        ErrorCode::AlreadyRunning,
        ErrorCode::DemoUnavailable,
        ErrorCode::Browser,
        ErrorCode::Dialog,
        ErrorCode::Internal,
        ErrorCode::Unknown,
    ];

    /// The code as the UI receives it (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidPath => "invalid_path",
            ErrorCode::DuplicateWrite => "duplicate_write",
            ErrorCode::NotExemptible => "not_exemptible",
            ErrorCode::BenchmarkNotAssigned => "benchmark_not_assigned",
            ErrorCode::NotInInitiative => "not_in_initiative",
            ErrorCode::ChecksFailed => "checks_failed",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Network => "network",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Throttled => "throttled",
            ErrorCode::Azure => "azure",
            ErrorCode::UnexpectedResponse => "unexpected_response",
            ErrorCode::Configuration => "configuration",
            ErrorCode::SignIn => "sign_in",
            ErrorCode::SignInStopped => "sign_in_stopped",
            ErrorCode::CliNotSignedIn => "cli_not_signed_in",
            ErrorCode::ReadCancelled => "read_cancelled",
            ErrorCode::Keyring => "keyring",
            ErrorCode::KeyringUnavailable => "keyring_unavailable",
            ErrorCode::KeyringLocked => "keyring_locked",
            ErrorCode::LocalStorage => "local_storage",
            ErrorCode::DatabaseUnusable => "database_unusable",
            ErrorCode::DatabaseInUse => "database_in_use",
            ErrorCode::NotRunning => "not_running",
            ErrorCode::AlreadyRunning => "already_running",
            ErrorCode::DemoUnavailable => "demo_unavailable",
            ErrorCode::Browser => "browser",
            ErrorCode::Dialog => "dialog",
            ErrorCode::Internal => "internal",
            ErrorCode::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets tests and logs compare with the wire string: `assert_eq!(e.code(), "sign_in")`.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn every_code_reaches_the_ui_as_its_string() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).ok(), Some(serde_json::Value::from(code.as_str())), "{code:?}");
            assert!(seen.insert(code.as_str()), "{code:?} repeats a string");
            let back: ErrorCode = serde_json::from_value(serde_json::Value::from(code.as_str())).expect("reads back");
            assert_eq!(back, code);
        }
    }
}
