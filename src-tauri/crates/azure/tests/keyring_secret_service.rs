//! A secret round-trips through the real OS keyring (the Secret Service on
//! Linux). Run with a keyring, e.g.:
//!
//! ```sh
//! dbus-run-session -- bash -c 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
//!   DESK_REQUIRE_KEYRING=1 cargo test -p exemption-desk-azure --test keyring_secret_service'
//! ```
//!
//! With `DESK_REQUIRE_KEYRING=1` a missing or locked keyring fails the test;
//! without it the test notes that no keyring works and passes.

use azure_core::credentials::Secret;
use desk_azure::{AzureError, SecretStore};

fn required() -> bool {
    std::env::var("DESK_REQUIRE_KEYRING").is_ok_and(|v| v == "1")
}

#[test]
fn a_refresh_token_round_trips_through_the_os_keyring() {
    let store = SecretStore::new("Exemption Desk (test)");
    let account = format!("keyring-test-{}", uuid::Uuid::new_v4());
    let secret = Secret::new(format!("rt-{}", uuid::Uuid::new_v4()));

    match store.save(&account, &secret) {
        Ok(()) => {}
        Err(e @ (AzureError::KeyringUnavailable(_) | AzureError::KeyringLocked)) if !required() => {
            println!("note: no usable keyring here ({e}); set DESK_REQUIRE_KEYRING=1 to make this a failure");
            return;
        }
        Err(e) => panic!("saving to the keyring failed: {e}"),
    }
    let loaded = store.load(&account).expect("reads back");
    assert!(loaded.as_ref() == Some(&secret), "the same secret comes back");

    let replaced = Secret::new("rt-replaced");
    store.save(&account, &replaced).expect("replaces");
    assert!(store.load(&account).expect("reads back").as_ref() == Some(&replaced), "replaced, not duplicated");

    // A later sign-in under the name with nothing to keep (an Azure CLI
    // session) leaves no secret of the earlier one behind.
    store.keep(&account, None).expect("forgets");
    assert!(store.load(&account).expect("reads").is_none(), "nothing lingers");
    store.keep(&account, Some(&replaced)).expect("keeps");
    assert!(store.load(&account).expect("reads back").as_ref() == Some(&replaced));

    store.delete(&account).expect("deletes");
    assert!(store.load(&account).expect("reads").is_none(), "gone after delete");
    store.delete(&account).expect("deleting twice is fine");

    // Last, as it locks the keyring for the rest of this D-Bus session: a
    // locked keyring is reported as locked (the app then says to unlock it
    // and keeps the sign-in in memory), and nothing is read or written.
    store.save(&account, &secret).expect("saves before locking");
    if !lock_login_collection() {
        assert!(!required(), "dbus-send could not lock the keyring");
        return;
    }
    let read = store.load(&account);
    assert!(matches!(read, Err(AzureError::KeyringLocked)), "a locked keyring reads as locked: {read:?}");
    let written = store.save(&account, &Secret::new("rt-while-locked"));
    assert!(matches!(written, Err(AzureError::KeyringLocked)), "a locked keyring writes as locked: {written:?}");
}

/// Lock the default ("login") collection through the Secret Service's D-Bus API.
fn lock_login_collection() -> bool {
    std::process::Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/aliases/default",
        ])
        .output()
        .is_ok_and(|o| o.status.success())
}
