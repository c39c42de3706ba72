//! A service principal's certificate: the private key that signs client
//! assertions (RFC 7523, as Entra asks for certificate credentials) and the
//! certificate's thumbprints that tell Entra which registered key to check.
//!
//! The assertion is an RS256 JWT built and signed by `jsonwebtoken` (with
//! ring underneath); the key is checked against the certificate on loading.
//!
//! Read from a PEM file holding the private key (PKCS #8 or PKCS #1, not
//! encrypted) and the certificate, as `az login --service-principal` takes,
//! or from a PKCS #12 (`.pfx`/`.p12`) file with its password, as
//! `azure_identity`'s `ClientCertificateCredential` takes. The key stays in
//! memory; nothing here writes or logs it.

use std::fmt;
use std::path::Path;

use azure_core::credentials::Secret;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::signature::RsaKeyPair;
use rustls_pki_types::pem::{PemObject, SectionKind};
use serde::Serialize;
use sha2::{Digest, Sha256};
use url::Url;

use crate::error::AzureError;

/// How long an assertion is valid (Entra accepts up to ten minutes).
const ASSERTION_LIFETIME_SECONDS: i64 = 300;

/// The largest certificate file read (certificate chains are a few KB).
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A signing key and the certificate it belongs to.
pub struct ClientCertificate {
    key: EncodingKey,
    /// base64url SHA-1 of the certificate (`x5t`).
    x5t: String,
    /// base64url SHA-256 of the certificate (`x5t#S256`).
    x5t_s256: String,
    not_after: Option<DateTime<Utc>>,
}

impl fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCertificate").field("x5t", &self.x5t).field("not_after", &self.not_after).finish_non_exhaustive()
    }
}

/// The bytes of the regular file at `path`, at most [`MAX_FILE_BYTES`].
fn read_small_regular_file(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let not_regular = "it is not a regular file (a device, a pipe or a folder), so it is not a certificate.";
    if !std::fs::metadata(path).map_err(|e| e.to_string())?.is_file() {
        return Err(not_regular.into());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Should the path have become a pipe since, opening it does not wait for a writer.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(not_regular.into());
    }
    let too_large = "it is larger than 1 MiB, so it is not a certificate.";
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large.into());
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large.into());
    }
    Ok(bytes)
}

fn refused(path: &str, why: impl fmt::Display) -> AzureError {
    AzureError::InvalidInput(format!("The certificate file {path} cannot be used: {why}"))
}

impl ClientCertificate {
    /// Read the certificate file at `path` (PEM or PKCS #12) on a blocking
    /// thread, off the async runtime.
    pub async fn load(path: String, password: Option<Secret>) -> Result<Self, AzureError> {
        tokio::task::spawn_blocking(move || Self::from_file(&path, password.as_ref()))
            .await
            .map_err(|e| AzureError::Config(format!("reading the certificate file stopped: {e}")))?
    }

    /// Read the certificate file at `path` (PEM or PKCS #12). Only a regular
    /// file of at most 1 MiB is read: a device (`/dev/zero`), a pipe (which
    /// would block) or a folder is refused before anything is read.
    pub fn from_file(path: &str, password: Option<&Secret>) -> Result<Self, AzureError> {
        let trimmed = path.trim();
        if trimmed.is_empty() {
            return Err(AzureError::InvalidInput("Choose the service principal's certificate file.".into()));
        }
        let bytes = read_small_regular_file(Path::new(trimmed)).map_err(|e| refused(trimmed, e))?;
        let certificate = Self::from_bytes(&bytes, password).map_err(|e| refused(trimmed, e))?;
        if let Some(expired) = certificate.not_after.filter(|t| *t < Utc::now()) {
            return Err(AzureError::InvalidInput(format!(
                "The certificate in {trimmed} expired on {}; upload a new one to the app registration and choose it here.",
                expired.format("%Y-%m-%d")
            )));
        }
        Ok(certificate)
    }

    /// Parse PEM (recognised by its `-----BEGIN` armour) or PKCS #12 bytes.
    /// The error says what is wrong, without the file's contents.
    pub fn from_bytes(bytes: &[u8], password: Option<&Secret>) -> Result<Self, String> {
        let is_pem = bytes.windows(10).any(|w| w == b"-----BEGIN");
        let (key_der, cert_der) = if is_pem { pem_parts(bytes)? } else { pkcs12_parts(bytes, password)? };
        let (key, pkcs1) = match RsaKeyPair::from_pkcs8(&key_der) {
            Ok(key) => (key, false),
            Err(_) => {
                (RsaKeyPair::from_der(&key_der).map_err(|e| format!("its private key is not an RSA key Entra accepts ({e})."))?, true)
            }
        };
        let (_, cert) = x509_parser::parse_x509_certificate(&cert_der).map_err(|e| format!("its certificate cannot be read ({e})."))?;
        // The certificate's subject public key is the key pair's (PKCS #1) public key.
        if cert.public_key().subject_public_key.data.as_ref() != key.public().as_ref() {
            return Err("its private key does not belong to its certificate.".into());
        }
        let not_after = DateTime::from_timestamp(cert.validity().not_after.timestamp(), 0);
        let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &cert_der);
        Ok(ClientCertificate {
            key: signing_key(&key_der, pkcs1)?,
            x5t: URL_SAFE_NO_PAD.encode(sha1.as_ref()),
            x5t_s256: URL_SAFE_NO_PAD.encode(Sha256::digest(&cert_der)),
            not_after,
        })
    }

    /// A signed client assertion for `client_id` to present at `token_endpoint`.
    pub fn assertion(&self, client_id: &str, token_endpoint: &Url, now: DateTime<Utc>) -> Result<Secret, AzureError> {
        let mut header = Header::new(Algorithm::RS256);
        header.x5t = Some(self.x5t.clone());
        header.x5t_s256 = Some(self.x5t_s256.clone());
        let issued = now.timestamp();
        let claims = AssertionClaims {
            aud: token_endpoint.as_str(),
            iss: client_id,
            sub: client_id,
            jti: uuid::Uuid::new_v4().to_string(),
            nbf: issued,
            iat: issued,
            exp: issued.saturating_add(ASSERTION_LIFETIME_SECONDS),
        };
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map(Secret::new)
            .map_err(|_| AzureError::Config("the certificate's key could not sign the client assertion".into()))
    }
}

/// The claims of a client assertion (RFC 7523 §3).
#[derive(Serialize)]
struct AssertionClaims<'a> {
    aud: &'a str,
    iss: &'a str,
    sub: &'a str,
    jti: String,
    nbf: i64,
    iat: i64,
    exp: i64,
}

/// `jsonwebtoken`'s RSA key from PKCS #1 DER, or from PKCS #8 DER through
/// its PEM reader (which takes the PKCS #1 key out of the PKCS #8 wrapping).
fn signing_key(key_der: &[u8], pkcs1: bool) -> Result<EncodingKey, String> {
    if pkcs1 {
        return Ok(EncodingKey::from_rsa_der(key_der));
    }
    let body = STANDARD.encode(key_der);
    let lines: Vec<&str> = body.as_bytes().chunks(64).filter_map(|line| std::str::from_utf8(line).ok()).collect();
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", lines.join("\n"));
    EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| format!("its private key is not an RSA key Entra accepts ({e})."))
}

/// The first private key and the first certificate of a PEM file.
fn pem_parts(bytes: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let mut key = None;
    let mut cert = None;
    let mut encrypted = false;
    for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(bytes) {
        let (kind, der) = section.map_err(|e| format!("it is not valid PEM ({e})."))?;
        match kind {
            SectionKind::PrivateKey | SectionKind::RsaPrivateKey if key.is_none() => key = Some(der),
            SectionKind::Certificate if cert.is_none() => cert = Some(der),
            SectionKind::EcPrivateKey => return Err("its key is an elliptic-curve key; Entra needs an RSA key.".into()),
            _ => {}
        }
    }
    // rustls' PEM reader skips sections it does not know, such as encrypted keys.
    if key.is_none() && bytes.windows(21).any(|w| w == b"ENCRYPTED PRIVATE KEY") {
        encrypted = true;
    }
    match (key, cert) {
        (Some(key), Some(cert)) => Ok((key, cert)),
        (None, _) if encrypted => {
            Err("its private key is encrypted; use a PKCS #12 (.pfx) file with its password, or a PEM file with an unencrypted key.".into())
        }
        (None, _) => Err("it has no private key; the PEM file must hold the private key and the certificate.".into()),
        (Some(_), None) => Err("it has no certificate; the PEM file must hold the private key and the certificate.".into()),
    }
}

/// The private key and its certificate from a PKCS #12 file.
fn pkcs12_parts(bytes: &[u8], password: Option<&Secret>) -> Result<(Vec<u8>, Vec<u8>), String> {
    let password = password.map(Secret::secret).unwrap_or("");
    let store = p12_keystore::KeyStore::from_pkcs12(bytes, password, p12_keystore::Pkcs12ImportPolicy::Strict).map_err(|e| match e {
        p12_keystore::error::Error::MacError(_) if password.is_empty() => "it needs its password.".to_owned(),
        p12_keystore::error::Error::MacError(_) => "the password is not the file's password.".to_owned(),
        other => format!("it is neither PEM nor a PKCS #12 (.pfx) file ({other})."),
    })?;
    let (_, chain) = store.private_key_chain().ok_or("it holds no private key with its certificate.")?;
    let cert = chain.certs().first().ok_or("it holds a private key without its certificate.")?;
    Ok((chain.key().as_der().to_vec(), cert.as_der().to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO_PEM: &str = include_str!("../../sim/data/certificates/exemption-desk-ci.pem");
    const DEMO_PFX: &[u8] = include_bytes!("../../sim/data/certificates/exemption-desk-ci.pfx");
    const DEMO_CRT: &str = include_str!("../../sim/data/certificates/exemption-desk-ci.crt");
    const OTHER_PEM: &str = include_str!("../../sim/data/certificates/unregistered.pem");

    fn error(bytes: &[u8], password: Option<&str>) -> String {
        ClientCertificate::from_bytes(bytes, password.map(|p| Secret::new(p.to_owned())).as_ref()).err().unwrap_or_default()
    }

    #[test]
    fn pem_and_pkcs12_of_one_certificate_have_one_thumbprint() {
        let pem = ClientCertificate::from_bytes(DEMO_PEM.as_bytes(), None).expect("PEM");
        let pfx = ClientCertificate::from_bytes(DEMO_PFX, Some(&Secret::new("demo-pfx-password".to_owned()))).expect("PKCS #12");
        assert_eq!(pem.x5t, pfx.x5t);
        // The SHA-1 thumbprint `openssl x509 -fingerprint -sha1` printed for the demo certificate.
        let hex: String = URL_SAFE_NO_PAD.decode(&pem.x5t).expect("b64").iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(hex, "BF5E44DFAD979A739BE92207B0EF53925107BD02");
        assert!(pem.not_after.is_some_and(|t| t > Utc::now()));
        let other = ClientCertificate::from_bytes(OTHER_PEM.as_bytes(), None).expect("PEM");
        assert_ne!(other.x5t, pem.x5t);
    }

    #[test]
    fn the_assertion_is_a_signed_jwt_for_the_token_endpoint() {
        let cert = ClientCertificate::from_bytes(DEMO_PEM.as_bytes(), None).expect("PEM");
        let endpoint = Url::parse("https://login.example/t/oauth2/v2.0/token").expect("url");
        let now = Utc::now();
        let jwt = cert.assertion("app-id", &endpoint, now).expect("signed");
        let parts: Vec<&str> = jwt.secret().split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("b64")).expect("json");
        let claims: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("json");
        assert_eq!((header["alg"].as_str(), header["x5t"].as_str()), (Some("RS256"), Some(cert.x5t.as_str())));
        assert_eq!(claims["aud"], endpoint.as_str());
        assert_eq!((claims["iss"].as_str(), claims["sub"].as_str()), (Some("app-id"), Some("app-id")));
        assert_eq!(claims["exp"].as_i64(), Some(now.timestamp() + ASSERTION_LIFETIME_SECONDS));
        // The signature verifies with the certificate's public key, and only with it.
        let der = rustls_pki_types::CertificateDer::from_pem_slice(DEMO_CRT.as_bytes()).expect("cert");
        let (_, parsed) = x509_parser::parse_x509_certificate(&der).expect("x509");
        let public = ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            parsed.public_key().subject_public_key.data.to_vec(),
        );
        let signature = URL_SAFE_NO_PAD.decode(parts[2]).expect("b64");
        let input = format!("{}.{}", parts[0], parts[1]);
        assert!(public.verify(input.as_bytes(), &signature).is_ok());
        assert!(public.verify(b"something else", &signature).is_err());
    }

    #[test]
    fn unusable_files_say_why() {
        assert!(error(DEMO_PFX, None).contains("needs its password"));
        assert!(error(DEMO_PFX, Some("wrong")).contains("not the file's password"));
        assert!(error(b"hello", None).contains("neither PEM nor a PKCS #12"));
        assert!(error(DEMO_CRT.as_bytes(), None).contains("has no private key"));
        let key_only: String = DEMO_PEM.split("-----BEGIN CERTIFICATE-----").next().unwrap_or_default().to_owned();
        assert!(error(key_only.as_bytes(), None).contains("has no certificate"));
        let other_key = OTHER_PEM.split("-----BEGIN CERTIFICATE-----").next().unwrap_or_default();
        let mismatched = format!("{other_key}{DEMO_CRT}");
        assert!(error(mismatched.as_bytes(), None).contains("does not belong"));
        let encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assert!(error(format!("{encrypted}{DEMO_CRT}").as_bytes(), None).contains("encrypted"));
    }

    #[test]
    fn files_are_read_with_a_clear_error() {
        let e = ClientCertificate::from_file("/no/such/file.pem", None).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("/no/such/file.pem cannot be used"), "{e}");
        let e = ClientCertificate::from_file("  ", None).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("Choose the service principal's certificate file"), "{e}");
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../sim/data/certificates/exemption-desk-ci.pem");
        assert!(ClientCertificate::from_file(path, None).is_ok());
        let expired = concat!(env!("CARGO_MANIFEST_DIR"), "/../sim/data/certificates/expired.pem");
        let e = ClientCertificate::from_file(expired, None).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("expired on 2021-01-01; upload a new one"), "{e}");
    }

    /// Refused quickly, on the blocking pool: a file that never ends, a pipe
    /// no one writes to, a folder, and a file over the cap.
    #[tokio::test]
    async fn devices_pipes_folders_and_large_files_are_refused_without_reading_them() {
        let dir = std::env::temp_dir().join(format!("desk-cert-inputs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let fifo = dir.join("cert.pem");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
        assert!(made.success(), "mkfifo");
        let large = dir.join("large.pem");
        std::fs::write(&large, vec![b'A'; 1024 * 1024 + 1]).expect("writes");
        let cases = [
            ("/dev/zero".to_owned(), "not a regular file"),
            (fifo.display().to_string(), "not a regular file"),
            (dir.display().to_string(), "not a regular file"),
            (large.display().to_string(), "larger than 1 MiB"),
        ];
        for (path, why) in cases {
            let started = std::time::Instant::now();
            let read = tokio::time::timeout(std::time::Duration::from_secs(5), ClientCertificate::load(path.clone(), None)).await;
            let e = read.expect("answers at once").err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains(&format!("The certificate file {path} cannot be used")) && e.contains(why), "{path}: {e}");
            assert!(started.elapsed() < std::time::Duration::from_secs(2), "{path}: {:?}", started.elapsed());
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
