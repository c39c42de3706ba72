//! Secrets kept between runs (a user's refresh token) in the OS keyring:
//! the Secret Service on Linux, the Keychain on macOS, the Credential Manager
//! on Windows. There is no file fallback: without a keyring the user stays
//! signed in for the session only. Calls block on the keyring (D-Bus on
//! Linux); from async code run them in `spawn_blocking`.

use azure_core::credentials::Secret;

use crate::error::AzureError;

/// One keyring "service" (e.g. `Exemption Desk`), secrets keyed by account.
#[derive(Debug, Clone)]
pub struct SecretStore {
    service: String,
}

impl SecretStore {
    pub fn new(service: impl Into<String>) -> Self {
        SecretStore { service: service.into() }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, AzureError> {
        if account.trim().is_empty() {
            return Err(AzureError::InvalidInput("A keyring entry needs an account name.".into()));
        }
        keyring::Entry::new(&self.service, account).map_err(keyring_error)
    }

    /// Store (or replace) the secret for `account`.
    pub fn save(&self, account: &str, secret: &Secret) -> Result<(), AzureError> {
        self.entry(account)?.set_password(secret.secret()).map_err(keyring_error)
    }

    /// The secret for `account`, or `None` when there is none.
    pub fn load(&self, account: &str) -> Result<Option<Secret>, AzureError> {
        match self.entry(account)?.get_password() {
            Ok(secret) => Ok(Some(Secret::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    /// What a sign-in leaves for next time: its secret, or nothing, so that
    /// no secret of an earlier sign-in under that name lingers.
    pub fn keep(&self, account: &str, secret: Option<&Secret>) -> Result<(), AzureError> {
        match secret {
            Some(secret) => self.save(account, secret),
            None => self.delete(account),
        }
    }

    /// Forget the secret for `account`; fine when there is none.
    pub fn delete(&self, account: &str) -> Result<(), AzureError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

/// The keyring's failure for the user. Never quotes stored bytes.
fn keyring_error(e: keyring::Error) -> AzureError {
    match e {
        keyring::Error::NoStorageAccess(_) => AzureError::KeyringLocked,
        // gnome-keyring answers a refused or impossible unlock prompt with a
        // plain D-Bus error ("Cannot create an item in a locked collection").
        keyring::Error::PlatformFailure(inner) if inner.to_string().to_lowercase().contains("locked") => AzureError::KeyringLocked,
        keyring::Error::PlatformFailure(inner) => AzureError::KeyringUnavailable(inner.to_string()),
        keyring::Error::BadEncoding(_) => AzureError::unexpected("the keyring", "a stored secret is not UTF-8"),
        keyring::Error::NoEntry => AzureError::unexpected("the keyring", "no such entry"),
        keyring::Error::TooLong(what, limit) => AzureError::InvalidInput(format!("The keyring refuses a {what} longer than {limit}.")),
        keyring::Error::Invalid(what, why) => AzureError::InvalidInput(format!("The keyring refuses the {what}: {why}")),
        other => AzureError::KeyringUnavailable(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyring_failures_say_what_it_means_for_the_user() {
        let locked = keyring_error(keyring::Error::NoStorageAccess("locked".into()));
        assert_eq!(locked.code(), "keyring_locked");
        let prompt_failed =
            keyring_error(keyring::Error::PlatformFailure("DBus error: Cannot create an item in a locked collection".into()));
        assert_eq!(prompt_failed.code(), "keyring_locked");
        let missing = keyring_error(keyring::Error::PlatformFailure("no D-Bus session".into()));
        assert_eq!(missing.code(), "keyring_unavailable");
        assert!(missing.to_string().contains("signed in for this session only"), "{missing}");
        let bad = keyring_error(keyring::Error::BadEncoding(b"refresh-token-bytes\xff".to_vec()));
        assert!(!bad.to_string().contains("refresh-token"), "{bad}");
    }

    #[test]
    fn an_empty_account_is_refused_before_the_keyring() {
        let store = SecretStore::new("Exemption Desk test");
        assert_eq!(store.load(" ").err().map(|e| e.code()), Some(desk_core::ErrorCode::InvalidRequest));
    }
}
