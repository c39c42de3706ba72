//! The Table service's side of an exchange: its answers (read within a size
//! cap), its `odata.error` bodies turned into errors a user can act on, its
//! continuation headers, and the query string it expects.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

use crate::error::AzureError;
use crate::http::{self as limits, Body};

/// The Table REST API version spoken (JSON, `If-Match`, continuation headers).
pub const API_VERSION: &str = "2019-02-02";

/// What an exchange was about, for naming what went wrong.
pub enum Target<'a> {
    /// The table itself (create, list).
    Table,
    /// Inserting request `id`.
    Insert(&'a str),
    /// Reading or replacing request `id`.
    Entity(&'a str),
}

pub struct TableAnswer {
    url: Url,
    pub status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl TableAnswer {
    pub async fn read(url: Url, response: reqwest::Response) -> Result<Self, AzureError> {
        let status = response.status();
        let headers = response.headers().clone();
        // A page of up to 1,000 entities of up to 1 MiB each is not read whole:
        // the page cap refuses a list that large (pages are 100 by default).
        let body = limits::read_body(&url, response, Body::Page).await?;
        Ok(TableAnswer { url, status, headers, body })
    }

    pub fn json(&self) -> Result<Value, AzureError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| AzureError::unexpected("the request table", format!("an answer that is not JSON ({e})")))
    }

    pub fn etag(&self) -> Option<super::ETag> {
        let value = self.headers.get("ETag")?.to_str().ok()?.trim();
        (!value.is_empty()).then(|| super::ETag(value.to_owned()))
    }

    /// The next page's keys (`x-ms-continuation-NextPartitionKey` / `…NextRowKey`).
    pub fn continuation(&self) -> Option<(String, String)> {
        let header = |name: &str| self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let partition = header("x-ms-continuation-NextPartitionKey").filter(|v| !v.is_empty())?;
        Some((partition, header("x-ms-continuation-NextRowKey").unwrap_or_default()))
    }

    /// The service's error code (`odata.error.code`), or "" when it sent none.
    pub fn code(&self) -> String {
        self.said().0
    }

    fn said(&self) -> (String, String) {
        let parsed: Option<Value> = serde_json::from_slice(&self.body).ok();
        let error = parsed.as_ref().and_then(|v| v.get("odata.error"));
        let code = error.and_then(|e| e.get("code")).and_then(Value::as_str).unwrap_or_default().to_owned();
        let message = error
            .and_then(|e| e.get("message"))
            .and_then(|m| m.get("value").or(Some(m)))
            .and_then(Value::as_str)
            .map(|m| m.lines().next().unwrap_or(m).to_owned())
            .unwrap_or_else(|| String::from_utf8_lossy(&self.body).chars().take(300).collect());
        (code, message)
    }

    /// The error for a failed answer about `target`.
    pub fn refusal(&self, target: &Target<'_>, table: &str, account: &str) -> AzureError {
        let (code, message) = self.said();
        let status = self.status.as_u16();
        match (status, code.as_str(), target) {
            (403, "AuthorizationPermissionMismatch" | "AuthorizationFailure", _) => {
                AzureError::RequestTableForbidden { account: account.to_owned() }
            }
            (404, "TableNotFound", _) | (404, _, Target::Table) => {
                AzureError::RequestTableMissing { table: table.to_owned(), account: account.to_owned() }
            }
            (404, _, Target::Entity(id) | Target::Insert(id)) => AzureError::RequestNotFound { id: (*id).to_owned() },
            (409, "EntityAlreadyExists", Target::Insert(id)) => AzureError::RequestExists { id: (*id).to_owned() },
            (412, _, Target::Entity(id) | Target::Insert(id)) => AzureError::RequestChanged { id: (*id).to_owned() },
            _ => AzureError::Arm {
                status,
                code: if code.is_empty() { self.status.as_str().to_owned() } else { code },
                message: if message.is_empty() { format!("HTTP {status} with no error message") } else { message },
                path: self.url.path().to_owned(),
                retry_after_seconds: limits::retry_after(&self.headers).map(|d| d.as_secs()),
            },
        }
    }
}

/// `value` as JSON in ASCII only: every other character as a `\uXXXX`
/// escape (a surrogate pair beyond the BMP). The same JSON to any reader, and
/// no multi-byte character for a server to cut in two between the chunks of
/// a large body (Azurite does; the service stores the same string either way).
pub fn ascii_json(value: &Value) -> Result<Vec<u8>, AzureError> {
    let text = serde_json::to_string(value).map_err(|e| AzureError::Internal(format!("an entity as JSON: {e}")))?;
    let mut out = String::with_capacity(text.len());
    let mut units = [0u16; 2];
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    Ok(out.into_bytes())
}

/// The current time as HTTP dates are written (`x-ms-date`).
pub fn now_rfc1123() -> String {
    chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// `pairs` as a query string, every byte but the unreserved ones
/// percent-encoded (a space is `%20`, never `+`).
pub fn query(pairs: &[(&str, &str)]) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'$' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_sent_in_ascii_and_reads_back_the_same() {
        let value = serde_json::json!({"a": "Straße — ok ✓ 😀", "b": [1, "\n\"q\""]});
        let bytes = ascii_json(&value).expect("json");
        assert!(bytes.is_ascii());
        assert_eq!(serde_json::from_slice::<Value>(&bytes).expect("reads"), value);
    }

    #[test]
    fn queries_encode_spaces_and_quotes() {
        assert_eq!(query(&[("$filter", "PartitionKey eq 'a b'"), ("$top", "5")]), "$filter=PartitionKey%20eq%20%27a%20b%27&$top=5");
    }
}
