//! JWT-shaped access tokens signed with HMAC-SHA256 and a per-process secret.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Sign `claims` into `header.payload.signature`.
pub fn sign(secret: &[u8], claims: &Value) -> String {
    let header = json!({"typ": "JWT", "alg": "HS256", "kid": "azure-sim"});
    let h = URL_SAFE_NO_PAD.encode(header.to_string());
    let p = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{h}.{p}");
    let sig = mac(secret, signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

fn mac(secret: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    match HmacSha256::new_from_slice(secret) {
        Ok(mut m) => {
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// Why a token was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Malformed,
    BadSignature,
    Expired { exp: i64 },
    NotYetValid,
}

/// Verify signature and time claims; return the claims.
pub fn verify(secret: &[u8], token: &str, now: i64) -> Result<Value, TokenProblem> {
    let mut parts = token.split('.');
    let (h, p, s) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(p), Some(s), None) => (h, p, s),
        _ => return Err(TokenProblem::Malformed),
    };
    let sig = URL_SAFE_NO_PAD.decode(s).map_err(|_| TokenProblem::Malformed)?;
    let mut m = HmacSha256::new_from_slice(secret).map_err(|_| TokenProblem::Malformed)?;
    m.update(format!("{h}.{p}").as_bytes());
    m.verify_slice(&sig).map_err(|_| TokenProblem::BadSignature)?;
    let payload = URL_SAFE_NO_PAD.decode(p).map_err(|_| TokenProblem::Malformed)?;
    let claims: Value = serde_json::from_slice(&payload).map_err(|_| TokenProblem::Malformed)?;
    let exp = claims.get("exp").and_then(Value::as_i64).ok_or(TokenProblem::Malformed)?;
    if exp <= now {
        return Err(TokenProblem::Expired { exp });
    }
    if let Some(nbf) = claims.get("nbf").and_then(Value::as_i64) {
        // Allow 5 minutes of clock skew, as Azure does.
        if nbf > now + 300 {
            return Err(TokenProblem::NotYetValid);
        }
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let secret = b"k";
        let t = sign(secret, &json!({"exp": 2000, "nbf": 1000, "oid": "x"}));
        assert_eq!(verify(secret, &t, 1500).map(|c| c["oid"].clone()), Ok(json!("x")));
        assert_eq!(verify(secret, &t, 2000), Err(TokenProblem::Expired { exp: 2000 }));
        assert_eq!(verify(b"other", &t, 1500), Err(TokenProblem::BadSignature));
        assert_eq!(verify(secret, "a.b", 1500), Err(TokenProblem::Malformed));
        let mut tampered = t.clone();
        tampered.insert(t.len() / 2, 'A');
        assert!(verify(secret, &tampered, 1500).is_err());
    }
}
