//! The optional TLS mode: a rustls server configuration from a certificate
//! the simulator generates (self-signed, for `localhost`, `127.0.0.1`, `::1`
//! and the address it binds) or from PEM files given to it. Clients trust
//! the certificate it reports ([`TlsServer::certificate_pem`]); official SDKs
//! and MSAL then talk to it over `https://` without a proxy.

#[cfg(not(feature = "tls"))]
use std::net::IpAddr;
use std::path::PathBuf;

#[cfg(not(feature = "tls"))]
use crate::errors::SimError;

/// How the simulator serves: plain HTTP (default) or HTTPS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Tls {
    /// Plain `http://`.
    #[default]
    Off,
    /// `https://` with a certificate generated at start (new key every run).
    SelfSigned,
    /// `https://` with this PEM certificate chain and PEM private key.
    Files { cert: PathBuf, key: PathBuf },
}

#[cfg(feature = "tls")]
mod acceptor;
#[cfg(feature = "tls")]
pub use acceptor::{server, TlsServer};

/// Built without the `tls` feature (the app's demo tenant): plain HTTP only.
#[cfg(not(feature = "tls"))]
#[derive(Debug, Clone)]
pub struct TlsServer {
    pub certificate_pem: String,
    never: std::convert::Infallible,
}

#[cfg(not(feature = "tls"))]
impl TlsServer {
    pub fn unreachable(&self) -> ! {
        match self.never {}
    }
}

/// Built without the `tls` feature: [`Tls::Off`] only.
#[cfg(not(feature = "tls"))]
pub fn server(tls: &Tls, _ip: IpAddr) -> Result<Option<TlsServer>, SimError> {
    match tls {
        Tls::Off => Ok(None),
        _ => Err(SimError::Tls("this build of the simulator has no TLS mode (cargo feature `tls`)".into())),
    }
}
