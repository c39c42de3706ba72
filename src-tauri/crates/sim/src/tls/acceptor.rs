//! The TLS mode's rustls acceptor (feature `tls`).

use std::net::IpAddr;
use std::sync::Arc;

use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

use super::Tls;
use crate::errors::SimError;

/// A ready TLS acceptor and the certificate it presents.
#[derive(Clone)]
pub struct TlsServer {
    pub acceptor: TlsAcceptor,
    /// The leaf certificate (first of the chain), PEM.
    pub certificate_pem: String,
}

impl std::fmt::Debug for TlsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsServer").field("certificate_pem", &self.certificate_pem).finish_non_exhaustive()
    }
}

fn err(e: impl std::fmt::Display) -> SimError {
    SimError::Tls(e.to_string())
}

/// Build the acceptor for `tls` (`None` when it is [`Tls::Off`]); `ip` is
/// the bound address, added to a generated certificate's names.
pub fn server(tls: &Tls, ip: IpAddr) -> Result<Option<TlsServer>, SimError> {
    let (chain, key, pem) = match tls {
        Tls::Off => return Ok(None),
        Tls::SelfSigned => self_signed(ip)?,
        Tls::Files { cert, key } => {
            let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
                .map_err(|e| err(format!("{}: {e}", cert.display())))?
                .collect::<Result<_, _>>()
                .map_err(|e| err(format!("{}: {e}", cert.display())))?;
            let Some(first) = chain.first() else {
                return Err(err(format!("{}: no CERTIFICATE block", cert.display())));
            };
            let pem = pem_of(first);
            let key = PrivateKeyDer::from_pem_file(key).map_err(|e| err(format!("{}: {e}", key.display())))?;
            (chain, key, pem)
        }
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(err)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(err)?;
    // The connection loop speaks HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Some(TlsServer { acceptor: TlsAcceptor::from(Arc::new(config)), certificate_pem: pem }))
}

fn pem_of(der: &CertificateDer<'_>) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

type Material = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>, String);

/// A fresh self-signed certificate (ECDSA P-256, valid 30 days from now).
fn self_signed(ip: IpAddr) -> Result<Material, SimError> {
    let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    if !ip.is_unspecified() && !names.contains(&ip.to_string()) {
        names.push(ip.to_string());
    }
    let mut params = rcgen::CertificateParams::new(names).map_err(err)?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(rcgen::DnType::CommonName, "azure-sim");
    let now = std::time::SystemTime::now();
    params.not_before = (now - std::time::Duration::from_secs(3600)).into();
    params.not_after = (now + std::time::Duration::from_secs(30 * 24 * 3600)).into();
    let key = rcgen::KeyPair::generate().map_err(err)?;
    let cert = params.self_signed(&key).map_err(err)?;
    let pem = cert.pem();
    let der = cert.der().clone();
    let key = PrivateKeyDer::try_from(key.serialize_der()).map_err(err)?;
    Ok((vec![der], key, pem))
}
