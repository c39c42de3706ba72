//! Sign-in through the developer tools' session, against a stand-in `az` on
//! PATH that answers `az account get-access-token` as the real CLI does, with
//! a token the simulator issued to its CI service principal.
//!
//! The tests here change PATH for the whole process, so they take `PATH_LOCK`.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use azure_core::credentials::Secret;
use common::World;
use desk_azure::{Authority, AzureError, EntraCredential, SignIn, Url, PUBLIC_TOKEN_SCOPE};
use tokio::sync::Mutex;

static PATH_LOCK: Mutex<()> = Mutex::const_new(());

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("exemption-desk-{label}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Puts `dir` (alone, or before the current PATH) on PATH until dropped.
struct PathGuard(Option<std::ffi::OsString>);

impl PathGuard {
    fn set(dir: &Path, keep_rest: bool) -> PathGuard {
        let old = std::env::var_os("PATH");
        let mut parts = vec![dir.to_path_buf()];
        if keep_rest {
            parts.extend(old.iter().flat_map(std::env::split_paths));
        }
        std::env::set_var("PATH", std::env::join_paths(parts).expect("PATH"));
        PathGuard(old)
    }
}

impl Drop for PathGuard {
    fn drop(&mut self) {
        match &self.0 {
            Some(old) => std::env::set_var("PATH", old),
            None => std::env::remove_var("PATH"),
        }
    }
}

/// A token for ARM from the simulator, as its CI service principal.
async fn simulator_token(world: &World) -> String {
    let sp = world.principals["servicePrincipals"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["displayName"] == "exemption-desk-ci"))
        .expect("seeded CI principal");
    let authority = Authority {
        host: Url::parse(&format!("{}/", world.sim.base_url())).expect("url"),
        tenant: world.principals["tenantId"].as_str().expect("tenant").to_owned(),
    };
    let credential = EntraCredential::client_secret(
        reqwest::Client::new(),
        authority,
        sp["clientId"].as_str().expect("id").to_owned(),
        Secret::new(sp["clientSecret"].as_str().expect("secret").to_owned()),
    );
    credential.token(PUBLIC_TOKEN_SCOPE).await.expect("client credentials").token.secret().to_owned()
}

/// An `az` that accepts only `account get-access-token -o json --scope
/// {scope} --tenant {tenant}` and answers with Azure CLI 2.54+'s JSON; each
/// call's arguments are appended to `{dir}/calls`.
fn write_fake_az(dir: &Path, scope: &str, tenant: &str, token: &str) {
    let expires = chrono::Utc::now() + chrono::Duration::hours(1);
    let answer = serde_json::json!({
        "accessToken": token,
        "expiresOn": expires.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S%.6f").to_string(),
        "expires_on": expires.timestamp(),
        "subscription": common::PRODUCTION,
        "tenant": tenant,
        "tokenType": "Bearer",
    });
    let script = format!(
        r#"#!/bin/sh
# Stand-in for the Azure CLI (test only).
echo "$*" >> '{calls}'
env > '{calls}.env'
if [ "$1" != account ] || [ "$2" != get-access-token ]; then
  echo "ERROR: 'az $*' is not what the credential should run" >&2; exit 2
fi
shift 2
scope=; resource=; tenant=; output=
while [ $# -gt 0 ]; do
  case "$1" in
    --scope|--scopes) scope=$2; shift 2 ;;
    --resource) resource=$2; shift 2 ;;
    --tenant|-t) tenant=$2; shift 2 ;;
    -o|--output) output=$2; shift 2 ;;
    *) echo "ERROR: unrecognized arguments: $1" >&2; exit 2 ;;
  esac
done
if [ -n "$resource" ]; then echo "ERROR: expected --scope, got --resource $resource" >&2; exit 1; fi
if [ "$scope" != '{scope}' ]; then echo "ERROR: unexpected scope '$scope'" >&2; exit 1; fi
if [ "$tenant" != '{tenant}' ]; then echo "ERROR: unexpected tenant '$tenant'" >&2; exit 1; fi
if [ "$output" != json ]; then echo "ERROR: expected -o json" >&2; exit 1; fi
cat <<'JSON'
{answer}
JSON
"#,
        calls = dir.join("calls").display(),
    );
    let path = dir.join("az");
    std::fs::write(&path, script).expect("write az");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod az");
}

#[tokio::test]
async fn az_runs_without_the_apps_secret_variables() {
    let _path = PATH_LOCK.lock().await;
    let world = World::start().await;
    let tenant_id = world.principals["tenantId"].as_str().expect("tenant").to_owned();
    let token = simulator_token(&world).await;
    let bin = TempDir::new("fake-az-env");
    write_fake_az(&bin.0, PUBLIC_TOKEN_SCOPE, &tenant_id, &token);
    let _guard = PathGuard::set(&bin.0, true);
    std::env::set_var("EXEMPTION_DESK_CLIENT_SECRET", "secret-from-the-environment");
    std::env::set_var("EXEMPTION_DESK_CLIENT_CERTIFICATE_PASSWORD", "password-from-the-environment");
    std::env::set_var("EXEMPTION_DESK_HARMLESS", "passed-on");
    let connected = world.connection(SignIn::DeveloperTools { tenant: Some(tenant_id) }).connect().await;
    std::env::remove_var("EXEMPTION_DESK_CLIENT_SECRET");
    std::env::remove_var("EXEMPTION_DESK_CLIENT_CERTIFICATE_PASSWORD");
    connected.expect("signs in through az");
    let seen = std::fs::read_to_string(bin.0.join("calls.env")).expect("az ran");
    assert!(seen.contains("EXEMPTION_DESK_HARMLESS=passed-on"), "the environment is otherwise passed on");
    assert!(!seen.contains("from-the-environment"), "no secret reaches az: {seen}");
}

#[tokio::test]
async fn the_cli_session_lists_the_demo_subscriptions() {
    let _path = PATH_LOCK.lock().await;
    let world = World::start().await;
    let tenant_id = world.principals["tenantId"].as_str().expect("tenant").to_owned();
    let token = simulator_token(&world).await;
    let bin = TempDir::new("fake-az");
    write_fake_az(&bin.0, PUBLIC_TOKEN_SCOPE, &tenant_id, &token);
    let _guard = PathGuard::set(&bin.0, true);

    let sign_in = SignIn::DeveloperTools { tenant: Some(tenant_id.clone()) };
    let (tenant, identity) = world.connection(sign_in).connect().await.expect("signs in through az");
    assert_eq!(identity.tenant_id, tenant_id);
    assert_eq!(tenant.subscriptions().await.expect("lists").len(), 4);
    assert_eq!(tenant.subscriptions().await.expect("lists again").len(), 4);

    let calls = std::fs::read_to_string(bin.0.join("calls")).expect("az was run");
    assert_eq!(
        calls.lines().collect::<Vec<_>>(),
        [format!("account get-access-token -o json --scope {PUBLIC_TOKEN_SCOPE} --tenant {tenant_id}")],
        "one run of az, its token cached for the later requests"
    );
}

#[tokio::test]
async fn without_az_the_user_is_told_to_sign_in() {
    let _path = PATH_LOCK.lock().await;
    let world = World::start().await;
    let empty = TempDir::new("no-az");
    let _guard = PathGuard::set(&empty.0, false);

    let sign_in = SignIn::DeveloperTools { tenant: None };
    let error = world.connection(sign_in).connect().await.err().expect("no az, no azd");
    assert!(matches!(error, AzureError::CliNotSignedIn(_)), "{error:?}");
    assert!(error.to_string().starts_with("Sign in with `az login` (or `azd auth login`) first"), "{error}");
    assert_eq!(error.payload().code, "cli_not_signed_in");
}

#[tokio::test]
async fn a_refusal_from_az_is_reported_as_such() {
    let _path = PATH_LOCK.lock().await;
    let world = World::start().await;
    let bin = TempDir::new("fake-az-other-tenant");
    // This az answers for another tenant only, as if signed in elsewhere.
    write_fake_az(&bin.0, PUBLIC_TOKEN_SCOPE, "00000000-0000-0000-0000-000000000000", "unused");
    let _guard = PathGuard::set(&bin.0, false);

    let tenant = world.principals["tenantId"].as_str().expect("tenant").to_owned();
    let error = world.connection(SignIn::DeveloperTools { tenant: Some(tenant) }).connect().await.err().expect("refused");
    assert!(matches!(error, AzureError::SignIn { ref error, .. } if error == "developer_tools"), "{error:?}");
    assert!(error.to_string().contains("unexpected tenant"), "{error}");
}
