//! Certificate credentials of service principals: reading the X.509
//! certificates registered on them and checking the RFC 7523 client
//! assertions signed with them, as Entra does
//! (<https://learn.microsoft.com/entra/identity-platform/certificate-credentials>).
//!
//! An assertion is a JWT with header `alg` (`RS256` or `PS256`) and `x5t`
//! and/or `x5t#S256` (base64url SHA-1 / SHA-256 of the certificate's DER), and
//! claims `aud` (this tenant's token endpoint), `iss` = `sub` = the client id,
//! `exp`, `nbf`, `jti`. Reusing an assertion (same `jti`) while it is valid is
//! accepted, as Entra does: MSAL caches a signed assertion and sends it again.

use axum::http::StatusCode;
use axum::response::Response;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::{DateTime, Utc};
use ring::digest;
use ring::signature::{self, UnparsedPublicKey};
use serde_json::{Map, Value};
use x509_parser::oid_registry::OID_PKCS1_RSAENCRYPTION;
use x509_parser::pem::Pem;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::oauth_error;
use crate::errors::SimError;
use crate::state::{App, KeyCredential, ServicePrincipal, World};

/// The only `client_assertion_type` Entra accepts.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Clock skew allowed on `exp`/`nbf` (seconds).
const SKEW_SECS: i64 = 300;
const DOCS: &str = "Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .";

/// Read the first `CERTIFICATE` block of a PEM text (other blocks, such as a
/// private key, are skipped). A text without `-----BEGIN` is taken as the
/// base64 of the DER, the way Graph's `keyCredentials[].key` carries it.
pub fn from_pem(text: &str) -> Result<KeyCredential, SimError> {
    if !text.contains("-----BEGIN") {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let der = STANDARD_NO_PAD
            .decode(compact.trim_end_matches('='))
            .map_err(|_| SimError::Certificate("expected a PEM 'CERTIFICATE' block (or the base64 of a DER certificate)".into()))?;
        return from_der(&der);
    }
    for block in Pem::iter_from_buffer(text.as_bytes()) {
        let block = block.map_err(|e| SimError::Certificate(format!("unreadable PEM: {e}")))?;
        if block.label == "CERTIFICATE" {
            return from_der(&block.contents);
        }
    }
    Err(SimError::Certificate("no 'CERTIFICATE' block in the PEM".into()))
}

/// Read a DER certificate. Only RSA keys are accepted (as for Entra's
/// certificate credentials).
pub fn from_der(der: &[u8]) -> Result<KeyCredential, SimError> {
    let (rest, cert) = X509Certificate::from_der(der).map_err(|e| SimError::Certificate(format!("not an X.509 certificate: {e}")))?;
    let der = &der[..der.len() - rest.len()];
    let spki = cert.public_key();
    if spki.algorithm.algorithm != OID_PKCS1_RSAENCRYPTION {
        return Err(SimError::Certificate(format!(
            "the certificate's key is not RSA (algorithm {}); only RSA certificates are supported",
            spki.algorithm.algorithm
        )));
    }
    let time = |t: i64| DateTime::<Utc>::from_timestamp(t, 0).ok_or_else(|| SimError::Certificate("validity out of range".into()));
    Ok(KeyCredential {
        subject: cert.subject().to_string(),
        x5t: URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, der)),
        x5t_s256: URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, der)),
        not_before: time(cert.validity().not_before.timestamp())?,
        not_after: time(cert.validity().not_after.timestamp())?,
        rsa_public_key: spki.subject_public_key.data.to_vec(),
    })
}

/// Decode a thumbprint leniently: base64url or standard base64, padded or not.
fn thumbprint_bytes(t: &str) -> Option<Vec<u8>> {
    let t = t.trim_end_matches('=');
    URL_SAFE_NO_PAD.decode(t).or_else(|_| STANDARD_NO_PAD.decode(t)).ok()
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn key_dates(c: &KeyCredential) -> String {
    format!("Found key 'Start={}, End={}'", c.not_before.format("%m/%d/%Y %H:%M:%S"), c.not_after.format("%m/%d/%Y %H:%M:%S"))
}

fn see_keys(client_id: &str) -> String {
    format!(
        "Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{client_id}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/{client_id}'"
    )
}

fn invalid_client(app: &App, code: u32, message: &str) -> Response {
    oauth_error(app, StatusCode::UNAUTHORIZED, "invalid_client", code, message)
}

fn malformed(app: &App, why: &str) -> Response {
    invalid_client(app, 50027, &format!("JWT token is invalid or malformed. {why}"))
}

fn segment(part: &str) -> Option<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// `2024-10-02T22:05:03.6755165Z`, as Entra writes times in AADSTS700024.
fn entra_time(t: DateTime<Utc>) -> String {
    crate::arm::arm_time(&t)
}

/// Authenticate `sp` by a client assertion. `Err` is the Entra error to send.
#[allow(clippy::result_large_err)]
pub(crate) fn check_assertion(app: &App, world: &World, sp: &ServicePrincipal, assertion: &str) -> Result<(), Response> {
    let parts: Vec<&str> = assertion.split('.').collect();
    let [h, p, s] = parts[..] else {
        return Err(malformed(app, "The client assertion is not a signed JWT (header.payload.signature)."));
    };
    let (Some(header), Some(claims)) = (segment(h), segment(p)) else {
        return Err(malformed(app, "The header or payload is not base64url-encoded JSON."));
    };
    let Some(sig) = URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok().filter(|s| !s.is_empty()) else {
        return Err(malformed(app, "The signature is missing or not base64url."));
    };
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let algorithm: &'static dyn signature::VerificationAlgorithm = match alg {
        "RS256" => &signature::RSA_PKCS1_2048_8192_SHA256,
        "PS256" => &signature::RSA_PSS_2048_8192_SHA256,
        other => return Err(malformed(app, &format!("Unsupported signing algorithm '{other}'; use RS256 or PS256."))),
    };

    // Which certificate: x5t#S256 when present, otherwise x5t.
    let s256 = header.get("x5t#S256").and_then(Value::as_str);
    let sha1 = header.get("x5t").and_then(Value::as_str);
    let (sent, key_of): (&str, fn(&KeyCredential) -> &str) = match (s256, sha1) {
        (Some(t), _) => (t, |c| c.x5t_s256.as_str()),
        (None, Some(t)) => (t, |c| c.x5t.as_str()),
        (None, None) => return Err(invalid_client(app, 50027, "Invalid JWT token. No certificate thumbprint specified in token header.")),
    };
    let sent_bytes = thumbprint_bytes(sent);
    let cert = sent_bytes.as_ref().and_then(|b| sp.certificates.iter().find(|c| thumbprint_bytes(key_of(c)).as_ref() == Some(b)));
    let client_id = &sp.client_id;
    let thumb = sent_bytes.as_deref().map(hex_upper);
    let thumb_part = thumb.as_ref().map(|t| format!("Thumbprint of key used by client: '{t}', ")).unwrap_or_default();
    let Some(cert) = cert else {
        return Err(invalid_client(
            app,
            700027,
            &format!(
                "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., {thumb_part}{}]",
                see_keys(client_id)
            ),
        ));
    };
    let now = app.now();
    if cert.not_after < now {
        return Err(invalid_client(
            app,
            700027,
            &format!(
                "Client assertion contains an invalid signature. [Reason - The key used is expired., {thumb_part}{}, {}]",
                key_dates(cert),
                see_keys(client_id)
            ),
        ));
    }
    let signed = format!("{h}.{p}");
    if UnparsedPublicKey::new(algorithm, &cert.rsa_public_key).verify(signed.as_bytes(), &sig).is_err() {
        return Err(invalid_client(
            app,
            700027,
            &format!(
                "Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., {thumb_part}{}, {}]",
                key_dates(cert),
                see_keys(client_id)
            ),
        ));
    }

    // Claims.
    let Some(aud) = claims.get("aud").and_then(Value::as_str) else {
        return Err(malformed(app, "The 'aud' claim must be a single string: the token endpoint."));
    };
    let endpoints = [&world.tenant_id, &world.tenant_domain].map(|t| format!("{}/{t}/oauth2/v2.0/token", app.base_url));
    if !endpoints.iter().any(|e| e.eq_ignore_ascii_case(aud)) {
        return Err(invalid_client(app, 700023, &format!("Client assertion audience claim does not match Realm issuer. {DOCS}")));
    }
    let iss = claims.get("iss").and_then(Value::as_str);
    let sub = claims.get("sub").and_then(Value::as_str);
    let same = |v: Option<&str>| v.is_some_and(|v| v.eq_ignore_ascii_case(client_id));
    if !same(iss) || !same(sub) {
        return Err(invalid_client(
            app,
            700021,
            &format!("Client assertion application identifier doesn't match 'client_id' parameter. {DOCS}"),
        ));
    }
    let nbf = claims.get("nbf").and_then(Value::as_i64);
    let exp = claims.get("exp").and_then(Value::as_i64);
    let t = now.timestamp();
    let in_range = exp.is_some_and(|e| e + SKEW_SECS > t) && nbf.is_none_or(|n| n - SKEW_SECS <= t);
    if !in_range {
        let at = |v: Option<i64>| entra_time(v.and_then(|s| DateTime::<Utc>::from_timestamp(s, 0)).unwrap_or_default());
        return Err(invalid_client(
            app,
            700024,
            &format!(
                "Client assertion is not within its valid time range. Current time: {}, assertion valid from {}, expiry time of assertion {}. {DOCS}",
                entra_time(now),
                at(nbf),
                at(exp)
            ),
        ));
    }
    if claims.get("jti").and_then(Value::as_str).is_none_or(str::is_empty) {
        return Err(malformed(app, "The 'jti' claim is required."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CI_CERT: &str = include_str!("../../data/certificates/exemption-desk-ci.crt");
    const CI_PEM: &str = include_str!("../../data/certificates/exemption-desk-ci.pem");

    #[test]
    fn reads_the_demo_certificate() {
        let c = from_pem(CI_CERT).expect("cert");
        // `openssl x509 -fingerprint -sha1` of the file: BF:5E:44:DF:…:BD:02.
        assert_eq!(hex_upper(&thumbprint_bytes(&c.x5t).expect("b64")), "BF5E44DFAD979A739BE92207B0EF53925107BD02");
        assert_eq!(thumbprint_bytes(&c.x5t_s256).expect("b64").len(), 32);
        assert!(c.subject.contains("exemption-desk-ci"), "{}", c.subject);
        assert!(c.not_after > c.not_before);
        // The combined key+cert file yields the same certificate.
        assert_eq!(from_pem(CI_PEM).expect("pem"), c);
        // So does the bare base64 of the DER.
        let b64: String = CI_CERT.lines().filter(|l| !l.starts_with("-----")).collect();
        assert_eq!(from_pem(&b64).expect("b64"), c);
    }

    #[test]
    fn refuses_garbage() {
        assert!(matches!(from_pem("hello"), Err(SimError::Certificate(_))));
        assert!(matches!(from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), Err(SimError::Certificate(_))));
        assert!(matches!(from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), Err(SimError::Certificate(_))));
    }

    #[test]
    fn times_have_seven_fractional_digits() {
        let t = DateTime::<Utc>::from_timestamp(1_727_906_703, 675_516_500).expect("time");
        assert_eq!(entra_time(t), "2024-10-02T22:05:03.6755165Z");
        assert_eq!(entra_time(DateTime::<Utc>::default()), "1970-01-01T00:00:00.0000000Z");
    }

    #[test]
    fn thumbprints_decode_in_either_alphabet() {
        assert_eq!(thumbprint_bytes("v15E361-mnM="), thumbprint_bytes("v15E361+mnM"));
        assert_eq!(hex_upper(&[0xbf, 0x5e, 0x01]), "BF5E01");
    }
}
