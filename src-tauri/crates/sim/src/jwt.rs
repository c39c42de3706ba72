//! JWT-shaped access tokens signed with HMAC-SHA256 and a per-process
//! secret, built and checked by `jsonwebtoken`. Time claims are checked here
//! against the simulator's own clock (which tests move), not the system's.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::Value;

/// Sign `claims` into `header.payload.signature`.
pub fn sign(secret: &[u8], claims: &Value) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("azure-sim".into());
    // HMAC signs with a key of any length and JSON claims always serialize.
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret)).unwrap_or_default()
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
    let mut signature_only = Validation::new(Algorithm::HS256);
    signature_only.validate_exp = false;
    signature_only.validate_nbf = false;
    signature_only.validate_aud = false;
    signature_only.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Value>(token, &DecodingKey::from_secret(secret), &signature_only)
        .map_err(|e| match e.kind() {
            ErrorKind::InvalidSignature => TokenProblem::BadSignature,
            _ => TokenProblem::Malformed,
        })?
        .claims;
    let exp = claims.get("exp").and_then(Value::as_i64).ok_or(TokenProblem::Malformed)?;
    if exp <= now {
        return Err(TokenProblem::Expired { exp });
    }
    if let Some(nbf) = claims.get("nbf").and_then(Value::as_i64) {
        // Allow 5 minutes of clock skew, as Azure does.
        if nbf > now.saturating_add(300) {
            return Err(TokenProblem::NotYetValid);
        }
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
