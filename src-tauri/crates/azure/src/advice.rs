//! What to do about a failure that is not Azure's answer: no network, a proxy
//! in the way, no keyring. Like Entra's refusals (`refusal.rs`), the advice is
//! what the window shows; the technical text is kept beside it for a support
//! ticket, shown on request.

/// The advice for a request to `url` that got no answer, from the error
/// chain's text (`reason`) and the proxy this process was told to use, if any.
pub(crate) fn network(url: &str, reason: &str, proxy: Option<&str>) -> String {
    let host = url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_else(|| url.to_owned());
    let r = reason.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| r.contains(w));
    if has(&["407", "proxy authentication"]) {
        return "The proxy asks for a sign-in Exemption Desk cannot give. Ask your IT department for a proxy that lets it through, or set HTTPS_PROXY to one with its user name and password, then retry.".into();
    }
    if let Some(proxy) = proxy.filter(|_| has(&["proxy", "connect", "dns", "refused", "unreachable", "timed out", "no answer"])) {
        return format!(
            "The proxy {proxy} (from HTTPS_PROXY or ALL_PROXY) did not pass the request on to {host}. Check that the proxy is running and allows {host}, or unset the variable if you need no proxy, then retry."
        );
    }
    if has(&["certificate", "tls", "ssl", "handshake"]) {
        return format!("The secure connection to {host} failed: its certificate was not accepted. A proxy or firewall that inspects HTTPS needs its root certificate in the system's certificate store, or in a PEM file chosen in Settings (Connections) or named by the {} environment variable; ask your IT department, then retry.", crate::http::CA_CERTIFICATE_ENV);
    }
    if has(&["dns", "lookup", "resolve", "name or service not known", "no such host"]) {
        return format!("This computer cannot find {host}: it looks offline, or its DNS is not working. Check the network connection (and VPN), then retry.");
    }
    if has(&["refused", "unreachable", "reset", "no route"]) {
        return format!("Nothing answers at {host}: this computer looks offline, or a firewall blocks it. Check the network connection (and VPN), then retry.");
    }
    if has(&["timed out", "no answer in time", "timeout"]) {
        return format!("{host} did not answer in time. The network may be slow or dropping the connection; retry in a moment.");
    }
    format!("Could not reach {host}. Check the network connection, VPN and proxy settings, then retry.")
}

/// The proxy this process sends HTTPS through, as reqwest reads it from the
/// environment (the URL without any user name or password).
pub(crate) fn proxy_from_env() -> Option<String> {
    ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"].iter().find_map(|name| {
        let value = std::env::var(name).ok().filter(|v| !v.trim().is_empty())?;
        Some(match url::Url::parse(&value) {
            Ok(mut u) => {
                let _ = u.set_username("");
                let _ = u.set_password(None);
                u.to_string().trim_end_matches('/').to_owned()
            }
            Err(_) => "that is set".to_owned(),
        })
    })
}

/// No keyring: what it means and how to get one.
pub(crate) const KEYRING_UNAVAILABLE: &str = "No keyring is available, so you stay signed in only until Exemption Desk closes. To stay signed in, start your desktop's keyring (GNOME Keyring, KWallet or another Secret Service), or on Windows and macOS check that Credential Manager or Keychain is working, then sign in again.";

/// A locked keyring: how to unlock it.
pub(crate) const KEYRING_LOCKED: &str = "The keyring is locked, so Exemption Desk cannot keep your sign-in. Unlock it (your desktop usually asks for your login password), then sign in again.";

#[cfg(test)]
mod tests {
    use super::*;

    const ARM: &str = "https://management.azure.com/subscriptions";

    #[test]
    fn offline_is_told_apart_from_a_refusing_host_and_a_slow_one() {
        let dns = network(ARM, "error sending request: client error (Connect): dns error: failed to lookup address information", None);
        assert!(dns.contains("cannot find management.azure.com") && dns.contains("offline"), "{dns}");
        let refused = network(ARM, "tcp connect error: Connection refused (os error 111)", None);
        assert!(refused.starts_with("Nothing answers at management.azure.com"), "{refused}");
        let slow = network(ARM, "no answer in time (operation timed out)", None);
        assert!(slow.contains("did not answer in time"), "{slow}");
    }

    #[test]
    fn a_proxy_is_named_when_it_is_in_the_way() {
        let via = network(ARM, "tcp connect error: Connection refused (os error 111)", Some("http://proxy.corp:3128"));
        assert!(via.contains("proxy http://proxy.corp:3128") && via.contains("allows management.azure.com"), "{via}");
        let auth = network(ARM, "unsuccessful tunnel: 407 Proxy Authentication Required", None);
        assert!(auth.contains("proxy asks for a sign-in"), "{auth}");
        let tls = network(ARM, "invalid peer certificate: UnknownIssuer", None);
        assert!(tls.contains("root certificate"), "{tls}");
        assert!(tls.contains("EXEMPTION_DESK_CA_CERTIFICATE"), "{tls}");
    }

    #[test]
    fn anything_else_still_says_what_to_check() {
        assert!(network(ARM, "something odd", None).starts_with("Could not reach management.azure.com."));
    }
}
