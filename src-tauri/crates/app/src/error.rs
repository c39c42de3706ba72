//! The one error type of the application layer, and the `{code, message,
//! details}` the UI shows for it.

use desk_azure::AzureError;
use desk_core::{ErrorCode, ErrorPayload};
use desk_store::StoreError;

use crate::plans::Gone;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Azure(#[from] AzureError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The `EXEMPTION_DESK_*` configuration could not be read.
    #[error("{0}")]
    Configuration(String),
    #[error("{0}")]
    DemoUnavailable(String),
    /// `apply_plan` was given a plan that is not (or no longer) waiting.
    #[error("{}", .0.message())]
    PlanNotCurrent(Gone),
    #[error("That apply is not running.")]
    NotRunning,
    #[error("That apply is already running.")]
    AlreadyRunning,
    /// A long read's id is not a short token of letters, digits, `-` and `_`.
    #[error("A read needs an id of up to 100 letters, digits, '-' or '_'.")]
    InvalidReadId,
    /// Settings outside what the Settings screen accepts.
    #[error("{0}")]
    InvalidSettings(String),
    #[error("There is no device-code sign-in in progress.")]
    NoDeviceCodeSignIn,
    #[error("There is no profile named \"{0}\".")]
    NoProfile(String),
    #[error("The browser could not be opened ({reason}); go to {page} yourself.")]
    Browser { reason: String, page: String },
    #[error(
        "The keyring holding the sign-in of \"{0}\" is locked. Unlock it (for example your login keyring) and choose Use again, or sign in anew; that sign-in then lasts until Exemption Desk closes."
    )]
    KeyringLocked(String),
    /// The keyring call itself stopped (its thread panicked).
    #[error("{0}")]
    Keyring(String),
    #[error("The local database is in use; there is nothing to move aside.")]
    DatabaseInUse,
    #[error("{0} It cannot be moved aside from here.")]
    DatabaseUnusable(String),
    /// Tenant settings the Settings screen cannot save, each field with why.
    #[error("{}", .0.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join(" "))]
    InvalidTenantSettings(Vec<crate::tenant_settings::FieldProblem>),
    /// An export or import file could not be written or read, or its path is refused.
    #[error("{0}")]
    File(String),
    /// Requests need a request table, and the tenant profile names none.
    #[error("This tenant has no request table: choose one in Settings, or save the request as a file.")]
    NoRequestTable,
    /// A conditional update of a request lost: someone else acted on it first.
    #[error("Someone else acted on this request first; nothing was sent. Open it again to see what they did.")]
    RequestRace,
}

impl AppError {
    /// Stable and machine-readable, as the UI receives it.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Azure(e) => e.code(),
            AppError::Store(e) => e.code(),
            AppError::Configuration(_) => ErrorCode::Configuration,
            AppError::DemoUnavailable(_) => ErrorCode::DemoUnavailable,
            AppError::PlanNotCurrent(_) | AppError::NoDeviceCodeSignIn | AppError::NoProfile(_) => ErrorCode::NotFound,
            AppError::InvalidReadId | AppError::File(_) | AppError::InvalidSettings(_) | AppError::InvalidTenantSettings(_) => {
                ErrorCode::InvalidRequest
            }
            AppError::NotRunning => ErrorCode::NotRunning,
            AppError::AlreadyRunning => ErrorCode::AlreadyRunning,
            AppError::Browser { .. } => ErrorCode::Browser,
            AppError::KeyringLocked(_) => ErrorCode::KeyringLocked,
            AppError::Keyring(_) => ErrorCode::Keyring,
            AppError::DatabaseInUse => ErrorCode::DatabaseInUse,
            AppError::DatabaseUnusable(_) => ErrorCode::DatabaseUnusable,
            AppError::NoRequestTable => ErrorCode::Configuration,
            AppError::RequestRace => ErrorCode::Conflict,
        }
    }

    /// The `{code, message, details}` the UI shows.
    pub fn payload(&self) -> ErrorPayload {
        match self {
            AppError::Azure(e) => e.payload(),
            AppError::InvalidTenantSettings(problems) => ErrorPayload {
                code: self.code(),
                message: self.to_string(),
                details: Some(crate::tenant_settings::field_details(problems)),
            },
            other => ErrorPayload { code: other.code(), message: other.to_string(), details: None },
        }
    }
}

impl From<AppError> for ErrorPayload {
    fn from(e: AppError) -> Self {
        e.payload()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ui_gets_each_layers_code_and_sentence() {
        let gone = AppError::PlanNotCurrent(Gone::Expired).payload();
        assert_eq!((gone.code, gone.message.as_str()), (ErrorCode::NotFound, Gone::Expired.message()));
        let store = AppError::from(StoreError::UnknownApply("a-1".into()));
        assert_eq!(store.payload().code, "not_found");
        assert_eq!(store.payload().message, StoreError::UnknownApply("a-1".into()).to_string());
        let azure = AppError::from(AzureError::InvalidInput("Enter a tenant.".into()));
        assert_eq!(ErrorPayload::from(azure), AzureError::InvalidInput("Enter a tenant.".into()).payload());
    }
}
