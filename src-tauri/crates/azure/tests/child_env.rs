//! The browser opener and the developer tools run without the secrets the
//! app was given in its environment. (Own test binary: it sets variables.)

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use azure_identity::Executor;
use desk_azure::child::{open_url, SecretFreeExecutor};
use desk_azure::Url;

fn with_secrets() {
    std::env::set_var("EXEMPTION_DESK_CLIENT_SECRET", "secret-from-the-environment");
    std::env::set_var("EXEMPTION_DESK_CLIENT_CERTIFICATE_PASSWORD", "password-from-the-environment");
    std::env::set_var("EXEMPTION_DESK_HARMLESS", "passed-on");
}

#[tokio::test]
async fn the_browser_is_opened_without_the_apps_secrets() {
    with_secrets();
    let dir = std::env::temp_dir().join(format!("desk-child-env-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let seen = dir.join("env");
    let browser = dir.join("browser.sh");
    std::fs::write(&browser, format!("#!/bin/sh\nenv > '{0}.tmp'\necho \"$1\" >> '{0}.tmp'\nmv '{0}.tmp' '{0}'\n", seen.display()))
        .expect("writes");
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let url = Url::parse("https://login.example/authorize?state=s").expect("url");
    open_url(Some(browser.as_os_str()), &url).expect("opens");
    let mut text = None;
    for _ in 0..100 {
        if let Ok(found) = std::fs::read_to_string(&seen) {
            text = Some(found);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let text = text.expect("the browser ran");
    assert!(text.contains("https://login.example/authorize?state=s"), "{text}");
    assert!(text.contains("EXEMPTION_DESK_HARMLESS=passed-on"), "the environment is otherwise passed on");
    assert!(!text.contains("from-the-environment"), "no secret reaches the browser: {text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn az_and_azd_are_run_without_the_apps_secrets() {
    with_secrets();
    let output = SecretFreeExecutor.run(OsStr::new("/bin/sh"), &[OsStr::new("-c"), OsStr::new("env")]).await.expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("EXEMPTION_DESK_HARMLESS=passed-on"));
    assert!(!text.contains("from-the-environment"), "{text}");
    let missing = open_url(Some(OsStr::new("/no/such/browser")), &Url::parse("https://x.example/").expect("url"));
    assert!(missing.err().unwrap_or_default().contains("/no/such/browser"));
}
