use desk_core::{CoreError, ErrorCode, ErrorPayload};
use serde_json::json;

fn refusal_text(advice: &str, entra: &str) -> String {
    if entra.is_empty() {
        advice.to_owned()
    } else {
        format!("{advice} (Entra: {entra})")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AzureError {
    #[error("Could not reach {url}: {reason}")]
    Network { url: String, reason: String },
    /// ARM answered with an error body (`{"error":{"code","message"}}`).
    #[error("Azure refused the request ({code}): {message}")]
    Arm { status: u16, code: String, message: String, path: String, retry_after_seconds: Option<u64> },
    /// Entra refused to issue a token.
    #[error("Sign-in failed ({error}): {description}")]
    SignIn { error: String, description: String },
    /// Entra refused for a reason the user can act on: what to do, then
    /// Entra's own words (AADSTS code, trace ids). See `refusal::explain`.
    #[error("{}", refusal_text(advice, entra))]
    Refused { error: String, advice: &'static str, entra: String },
    /// The user did not finish signing in in time, or cancelled it.
    #[error("{0}")]
    SignInStopped(String),
    /// Developer-tools sign-in, but neither `az` nor `azd` is installed with
    /// someone signed in. Carries what the tools said.
    #[error("Sign in with `az login` (or `azd auth login`) first. ({0})")]
    CliNotSignedIn(String),
    /// No OS keyring (no Secret Service, Keychain or Credential Manager).
    #[error("No keyring is available; you stay signed in for this session only. ({0})")]
    KeyringUnavailable(String),
    #[error("The keyring is locked; unlock it to stay signed in after Exemption Desk closes.")]
    KeyringLocked,
    #[error("Azure's answer to {what} was not understood: {detail}")]
    Unexpected { what: String, detail: String },
    #[error("The connection settings are not usable: {0}")]
    Config(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("Defender for Cloud gives no metadata for recommendation {0}, so it cannot be exempted.")]
    RecommendationNotFound(String),
    /// The request register's table answered 403 `AuthorizationPermissionMismatch`.
    #[error("You need the Storage Table Data Contributor role on the storage account {account} to use its request table.")]
    RequestTableForbidden { account: String },
    /// The request register's table does not exist (404 `TableNotFound`).
    #[error("The table {table} does not exist in the storage account {account}; create it in Settings.")]
    RequestTableMissing { table: String, account: String },
    #[error("Request {id} is not in the request table.")]
    RequestNotFound { id: String },
    /// An insert found the row taken (409 `EntityAlreadyExists`).
    #[error("A request with id {id} is already in the request table.")]
    RequestExists { id: String },
    /// A conditional replace whose ETag no longer matches (412): someone else won.
    #[error("Someone else changed request {id} first; reload it to see what changed, then try again.")]
    RequestChanged { id: String },
    /// A request stored in the table that cannot be read back as one.
    #[error("Request {id} in the request table cannot be read: {detail}")]
    MalformedRequest { id: String, detail: String },
    /// A request the table would refuse (or that Azure would, where the emulator would not).
    #[error("The request cannot be stored in the request table: {0}")]
    RequestTooLarge(String),
    #[error(transparent)]
    Domain(#[from] CoreError),
    /// A bug: the work panicked. Caught so the app keeps running (see [`crate::caught`]).
    #[error("The read was stopped: nobody is waiting for it any more.")]
    ReadCancelled,
    #[error("Exemption Desk stopped this step after an internal error: {0}")]
    Internal(String),
}

/// A path, id or segment refused on its way to a URL (see `desk_core::arm_path`).
impl From<desk_core::arm_path::PathError> for AzureError {
    fn from(e: desk_core::arm_path::PathError) -> Self {
        AzureError::InvalidInput(e.to_string())
    }
}

impl AzureError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AzureError::Network { .. } => ErrorCode::Network,
            AzureError::Arm { status: 401, .. } => ErrorCode::Unauthenticated,
            AzureError::Arm { status: 403, .. } => ErrorCode::Forbidden,
            AzureError::Arm { status: 429, .. } => ErrorCode::Throttled,
            AzureError::Arm { .. } => ErrorCode::Azure,
            AzureError::SignIn { .. } | AzureError::Refused { .. } => ErrorCode::SignIn,
            AzureError::SignInStopped(_) => ErrorCode::SignInStopped,
            AzureError::CliNotSignedIn(_) => ErrorCode::CliNotSignedIn,
            AzureError::KeyringUnavailable(_) => ErrorCode::KeyringUnavailable,
            AzureError::KeyringLocked => ErrorCode::KeyringLocked,
            AzureError::Unexpected { .. } => ErrorCode::UnexpectedResponse,
            AzureError::Config(_) => ErrorCode::Configuration,
            AzureError::InvalidInput(_) => ErrorCode::InvalidRequest,
            AzureError::RecommendationNotFound(_) => ErrorCode::NotFound,
            AzureError::RequestTableForbidden { .. } => ErrorCode::Forbidden,
            AzureError::RequestTableMissing { .. } | AzureError::RequestNotFound { .. } => ErrorCode::NotFound,
            AzureError::RequestExists { .. } | AzureError::RequestChanged { .. } => ErrorCode::Conflict,
            AzureError::MalformedRequest { .. } => ErrorCode::UnexpectedResponse,
            AzureError::RequestTooLarge(_) => ErrorCode::InvalidRequest,
            AzureError::Domain(e) => e.code(),
            AzureError::ReadCancelled => ErrorCode::ReadCancelled,
            AzureError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The `{code, message, details}` the UI shows.
    pub fn payload(&self) -> ErrorPayload {
        match self {
            AzureError::Domain(e) => e.payload(),
            AzureError::Arm { status, code, path, .. } => ErrorPayload {
                code: self.code(),
                message: self.to_string(),
                details: Some(json!({ "status": status, "azureCode": code, "path": path })),
            },
            // The advice is the message; Entra's own words (for a support
            // ticket) go in the details, shown on request.
            AzureError::Refused { error, advice, entra } => ErrorPayload {
                code: self.code(),
                message: (*advice).to_owned(),
                details: Some(json!({ "entraError": error, "entra": entra })),
            },
            // No answer, or no keyring: what to do is the message; the
            // technical text goes in the details, shown on request.
            AzureError::Network { url, reason } => ErrorPayload {
                code: self.code(),
                message: crate::advice::network(url, reason, crate::advice::proxy_from_env().as_deref()),
                details: Some(json!({ "technical": self.to_string() })),
            },
            AzureError::KeyringUnavailable(inner) => ErrorPayload {
                code: self.code(),
                message: crate::advice::KEYRING_UNAVAILABLE.to_owned(),
                details: Some(json!({ "technical": inner })),
            },
            AzureError::KeyringLocked => ErrorPayload {
                code: self.code(),
                message: crate::advice::KEYRING_LOCKED.to_owned(),
                details: Some(json!({ "technical": self.to_string() })),
            },
            AzureError::SignIn { error, .. } => {
                ErrorPayload { code: self.code(), message: self.to_string(), details: Some(json!({ "entraError": error })) }
            }
            _ => ErrorPayload { code: self.code(), message: self.to_string(), details: None },
        }
    }

    /// Worth another attempt: throttled, a server error, or a dropped connection.
    pub fn is_transient(&self) -> bool {
        match self {
            AzureError::Network { .. } => true,
            AzureError::Arm { status, .. } => *status == 429 || *status == 408 || (500..600).contains(status),
            _ => false,
        }
    }

    pub(crate) fn unexpected(what: impl Into<String>, detail: impl ToString) -> Self {
        AzureError::Unexpected { what: what.into(), detail: detail.to_string() }
    }
}
