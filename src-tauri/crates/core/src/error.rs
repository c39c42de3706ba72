use serde::Serialize;
use specta::Type;

use crate::ErrorCode;

/// Everything the domain can refuse.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CoreError {
    #[error("the exemption request is not valid: {}", summary(.0))]
    InvalidDraft(Vec<crate::validation::FieldError>),
    #[error("the recommendation \"{name}\" cannot be exempted: {reason}")]
    NotExemptible { name: String, reason: String },
    #[error(
        "the Microsoft cloud security benchmark is not assigned at {scope} (or above it), so the recommendation cannot be exempted there"
    )]
    BenchmarkNotAssigned { scope: String },
    #[error("no initiative assigned at {scope} holds the recommendation's policy definition {policy_definition_id}")]
    NotInInitiative { policy_definition_id: String, scope: String },
    #[error("Resolve the failed checks first: {0}.")]
    ChecksFailed(String),
    /// A write whose scope or name does not make a safe ARM path.
    #[error("the exemption \"{name}\" at {scope} cannot be written: {reason}")]
    InvalidWritePath { scope: String, name: String, reason: String },
    /// Two planned writes address one exemption; the second would replace the first.
    #[error("the plan writes {path} twice, so one exemption would replace another; choose a different name")]
    DuplicateWrite { path: String },
    /// A request cannot take that step (its state, a missing reason, a bad file).
    #[error("{0}")]
    RequestRefused(String),
    /// The person may not take that step on a request (their own, someone else's).
    #[error("{0}")]
    RequestNotAllowed(String),
}

fn summary(errors: &[crate::validation::FieldError]) -> String {
    errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ")
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::InvalidDraft(_) => ErrorCode::InvalidRequest,
            CoreError::NotExemptible { .. } => ErrorCode::NotExemptible,
            CoreError::BenchmarkNotAssigned { .. } => ErrorCode::BenchmarkNotAssigned,
            CoreError::NotInInitiative { .. } => ErrorCode::NotInInitiative,
            CoreError::ChecksFailed(_) => ErrorCode::ChecksFailed,
            CoreError::InvalidWritePath { .. } => ErrorCode::InvalidPath,
            CoreError::DuplicateWrite { .. } => ErrorCode::DuplicateWrite,
            CoreError::RequestRefused(_) => ErrorCode::InvalidRequest,
            CoreError::RequestNotAllowed(_) => ErrorCode::Forbidden,
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        let details = match self {
            CoreError::InvalidDraft(errors) => serde_json::to_value(errors).ok(),
            _ => None,
        };
        ErrorPayload { code: self.code(), message: self.to_string(), details }
    }
}

/// The one error shape the UI receives from every command.
#[derive(Debug, Clone, Serialize, PartialEq, Type)]
pub struct ErrorPayload {
    /// Stable, machine-readable: `invalid_request`, `not_exemptible`, `azure`, ….
    pub code: ErrorCode,
    /// A sentence a user can act on.
    pub message: String,
    /// Structured extras (field errors, Azure's error body), when there are any.
    #[specta(type = specta_typescript::Unknown)]
    pub details: Option<serde_json::Value>,
}
