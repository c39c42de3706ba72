//! The request register: requests for exemptions in an Azure Table, reached
//! with the signed-in user's own Entra token (scope
//! `https://storage.azure.com/.default`, role *Storage Table Data
//! Contributor*), over the Table REST API with the hardened client.
//!
//! One entity per request ([`entity`]). Every change is a conditional
//! replace (`If-Match` with the ETag read): without it a PUT silently becomes
//! an upsert, so two approvers acting at once would both "win". The app never
//! deletes a request, so there is no delete here.

mod entity;
mod wire;

use std::sync::Arc;

use desk_core::request::{ExemptionRequest, RequestState, RequestTableChoice};
use reqwest::Method;
use serde_json::{Map, Value};
use url::Url;

use crate::credential::SessionCredential;
use crate::error::AzureError;
use crate::tenant::Tenant;
pub use entity::{MAX_ENTITY_BYTES, MAX_OWN_PROPERTIES, MAX_STRING_UNITS};
use wire::{TableAnswer, Target};

/// The token scope of Azure Storage, the same in every cloud.
pub const STORAGE_SCOPE: &str = "https://storage.azure.com/.default";
/// Requests read per page of a list (the service's most is 1,000).
const DEFAULT_PAGE_SIZE: u32 = 100;
/// A list stops here rather than read for ever.
const MAX_PAGES: usize = 1_000;
const MAX_LISTED: usize = 20_000;

/// An entity's version as the table service names it; a replace sends it back
/// in `If-Match`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ETag(String);

impl ETag {
    /// An ETag kept from an earlier read (a wrong one only makes the replace
    /// answer [`AzureError::RequestChanged`]).
    pub fn new(value: impl Into<String>) -> Self {
        ETag(value.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which requests [`RequestTable::list`] returns (all of the tenant when empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    pub state: Option<RequestState>,
    pub requester_object_id: Option<String>,
}

/// A list's requests, and those that could not be read (each an error naming it).
#[derive(Debug, Default)]
pub struct Listed {
    pub requests: Vec<(ExemptionRequest, ETag)>,
    pub unreadable: Vec<AzureError>,
}

/// One table of requests, for one signed-in session.
#[derive(Clone)]
pub struct RequestTable {
    http: reqwest::Client,
    credential: Arc<dyn SessionCredential>,
    /// The table service's endpoint, with a trailing slash (Azurite's has the account as its path).
    endpoint: Url,
    table: String,
    /// The storage account, for messages.
    account: String,
    page_size: u32,
}

impl std::fmt::Debug for RequestTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestTable").field("endpoint", &self.endpoint.as_str()).field("table", &self.table).finish_non_exhaustive()
    }
}

impl Tenant {
    /// The request table `choice` names, reached with this session's sign-in.
    pub fn request_table(&self, choice: &RequestTableChoice) -> Result<RequestTable, AzureError> {
        let (http, credential) = self.arm.session();
        RequestTable::new(http, credential, choice)
    }
}

impl RequestTable {
    /// The table `choice` names: an `https` endpoint (plain `http` only on
    /// loopback) with no user, query or fragment, and a valid table name.
    pub fn new(http: reqwest::Client, credential: Arc<dyn SessionCredential>, choice: &RequestTableChoice) -> Result<Self, AzureError> {
        let endpoint = endpoint(&choice.endpoint)?;
        check_table_name(&choice.table)?;
        let account = account_of(&endpoint);
        Ok(RequestTable { http, credential, endpoint, table: choice.table.clone(), account, page_size: DEFAULT_PAGE_SIZE })
    }

    /// Read lists `n` requests a page (1 to 1,000), so paging can be seen.
    pub fn with_page_size(mut self, n: u32) -> Self {
        self.page_size = n.clamp(1, 1_000);
        self
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// Create the table; one that exists already is fine.
    pub async fn create_if_missing(&self) -> Result<(), AzureError> {
        let url = self.url("Tables")?;
        let body = serde_json::json!({ "TableName": self.table });
        let answer = self.send(Method::POST, url, &[("Prefer", "return-no-content")], Some(&body)).await?;
        if answer.status.is_success() || (answer.status.as_u16() == 409 && answer.code() == "TableAlreadyExists") {
            return Ok(());
        }
        Err(answer.refusal(&Target::Table, &self.table, &self.account))
    }

    /// Store a new request; an id already taken is [`AzureError::RequestExists`].
    pub async fn insert(&self, request: &ExemptionRequest) -> Result<ETag, AzureError> {
        let entity = Value::Object(entity::to_entity(request)?);
        let url = self.url(&self.table)?;
        let answer = self.send(Method::POST, url, &[("Prefer", "return-no-content")], Some(&entity)).await?;
        if !answer.status.is_success() {
            return Err(answer.refusal(&Target::Insert(&request.id), &self.table, &self.account));
        }
        answer.etag().ok_or_else(|| AzureError::unexpected("the request table", "an insert answered without an ETag"))
    }

    /// The request `id` of `tenant_id` and its ETag.
    pub async fn get(&self, tenant_id: &str, id: &str) -> Result<(ExemptionRequest, ETag), AzureError> {
        let url = self.entity_url(tenant_id, id)?;
        let answer = self.send(Method::GET, url, &[], None).await?;
        if !answer.status.is_success() {
            return Err(answer.refusal(&Target::Entity(id), &self.table, &self.account));
        }
        let header_etag = answer.etag();
        let body = answer.json()?;
        let Value::Object(entity) = body else {
            return Err(AzureError::MalformedRequest {
                id: id.to_owned(),
                detail: "the table answered something that is not an entity".into(),
            });
        };
        let request = entity::from_entity(&entity, id)?;
        let etag = header_etag
            .or_else(|| odata_etag(&entity))
            .ok_or_else(|| AzureError::unexpected("the request table", "an entity without an ETag"))?;
        Ok((request, etag))
    }

    /// Replace the stored request with `request` if it is still at `etag`;
    /// someone else's change since is [`AzureError::RequestChanged`], a request
    /// that is not there [`AzureError::RequestNotFound`] (never created).
    pub async fn replace(&self, request: &ExemptionRequest, etag: &ETag) -> Result<ETag, AzureError> {
        let entity = Value::Object(entity::to_entity(request)?);
        let url = self.entity_url(&request.tenant_id, &request.id)?;
        let answer = self.send(Method::PUT, url, &[("If-Match", etag.as_str())], Some(&entity)).await?;
        if !answer.status.is_success() {
            return Err(answer.refusal(&Target::Entity(&request.id), &self.table, &self.account));
        }
        answer.etag().ok_or_else(|| AzureError::unexpected("the request table", "a replace answered without an ETag"))
    }

    /// The requests of `tenant_id` that `filter` keeps, every page followed.
    pub async fn list(&self, tenant_id: &str, filter: &RequestFilter) -> Result<Listed, AzureError> {
        entity::check_key("tenant id", tenant_id)?;
        let mut expression = format!("PartitionKey eq {}", quoted(tenant_id));
        if let Some(state) = filter.state {
            expression.push_str(&format!(" and State eq {}", quoted(&entity::state_name(state))));
        }
        if let Some(oid) = &filter.requester_object_id {
            expression.push_str(&format!(" and RequesterObjectId eq {}", quoted(oid)));
        }
        let top = self.page_size.to_string();
        let mut next: Option<(String, String)> = None;
        let mut listed = Listed::default();
        for _ in 0..MAX_PAGES {
            let mut query = vec![("$filter", expression.as_str()), ("$top", top.as_str())];
            if let Some((pk, rk)) = &next {
                query.push(("NextPartitionKey", pk));
                if !rk.is_empty() {
                    query.push(("NextRowKey", rk));
                }
            }
            let mut url = self.url(&format!("{}()", self.table))?;
            url.set_query(Some(&wire::query(&query)));
            let answer = self.send(Method::GET, url, &[], None).await?;
            if !answer.status.is_success() {
                return Err(answer.refusal(&Target::Table, &self.table, &self.account));
            }
            let continuation = answer.continuation();
            let page = answer.json()?;
            let Some(Value::Array(entities)) = page.get("value") else {
                return Err(AzureError::unexpected("the request table", "a list without `value`"));
            };
            for item in entities {
                let Value::Object(entity) = item else {
                    listed.unreadable.push(AzureError::MalformedRequest { id: "(unnamed)".into(), detail: "not an entity".into() });
                    continue;
                };
                match entity::from_entity(entity, "(unnamed)") {
                    Ok(request) => match odata_etag(entity) {
                        Some(etag) => listed.requests.push((request, etag)),
                        None => listed
                            .unreadable
                            .push(AzureError::MalformedRequest { id: request.id, detail: "it came without an ETag".into() }),
                    },
                    Err(e) => listed.unreadable.push(e),
                }
            }
            if listed.requests.len().saturating_add(listed.unreadable.len()) > MAX_LISTED {
                return Err(AzureError::unexpected("the request table", format!("more than {MAX_LISTED} requests in one list")));
            }
            match continuation {
                Some(token) if Some(&token) == next.as_ref() => {
                    return Err(AzureError::unexpected("the request table", "a continuation back to the page just read"));
                }
                Some(token) => next = Some(token),
                None => return Ok(listed),
            }
        }
        Err(AzureError::unexpected("the request table", format!("more than {MAX_PAGES} pages")))
    }

    /// The endpoint with `tail` appended to its path.
    fn url(&self, tail: &str) -> Result<Url, AzureError> {
        let mut url = self.endpoint.clone();
        url.path_segments_mut().map_err(|()| AzureError::Config("the table endpoint cannot take a path".into()))?.pop_if_empty().push(tail);
        Ok(url)
    }

    fn entity_url(&self, tenant_id: &str, id: &str) -> Result<Url, AzureError> {
        entity::check_key("tenant id", tenant_id)?;
        entity::check_key("request id", id)?;
        self.url(&format!("{}(PartitionKey={},RowKey={})", self.table, quoted(tenant_id), quoted(id)))
    }

    /// One exchange; a token the service calls expired is dropped and the
    /// request sent once more with a fresh one.
    async fn send(&self, method: Method, url: Url, headers: &[(&str, &str)], body: Option<&Value>) -> Result<TableAnswer, AzureError> {
        let answer = self.send_once(method.clone(), url.clone(), headers, body).await?;
        if answer.status.as_u16() == 401 {
            tracing::info!("the table service refused the storage token; asking for a new one");
            self.credential.forget(STORAGE_SCOPE).await;
            return self.send_once(method, url, headers, body).await;
        }
        Ok(answer)
    }

    async fn send_once(&self, method: Method, url: Url, headers: &[(&str, &str)], body: Option<&Value>) -> Result<TableAnswer, AzureError> {
        let token = self.credential.get_token(&[STORAGE_SCOPE], None).await.map_err(crate::arm::from_credential)?;
        let mut request = self
            .http
            .request(method, url.clone())
            .bearer_auth(token.token.secret())
            .header("Accept", "application/json;odata=minimalmetadata")
            .header("x-ms-version", wire::API_VERSION)
            .header("x-ms-date", wire::now_rfc1123())
            .header("DataServiceVersion", "3.0;NetFx")
            .header("MaxDataServiceVersion", "3.0;NetFx");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            let bytes = wire::ascii_json(body)?;
            request = request.header("Content-Type", "application/json").body(bytes);
        }
        let response = request.send().await.map_err(|e| crate::http::network(&url, e))?;
        crate::http::not_redirected(&url, &response)?;
        TableAnswer::read(url, response).await
    }
}

/// `value` as an OData string literal: in single quotes, each doubled.
fn quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn odata_etag(entity: &Map<String, Value>) -> Option<ETag> {
    entity.get("odata.etag").and_then(Value::as_str).filter(|s| !s.is_empty()).map(|s| ETag(s.to_owned()))
}

/// The table service's endpoint: https, or http to loopback only; nothing
/// but scheme, host, port and path; a trailing slash added.
fn endpoint(text: &str) -> Result<Url, AzureError> {
    let bad = |why: &str| AzureError::InvalidInput(format!("The table endpoint \"{text}\" {why}."));
    let mut url = Url::parse(text.trim()).map_err(|e| bad(&format!("is not a URL ({e})")))?;
    match url.scheme() {
        "https" => {}
        "http" if crate::cloud::is_loopback(&url) => {}
        "http" => return Err(bad("must use https (plain http only to this computer)")),
        _ => return Err(bad("must start with https://")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not hold a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not hold a query (a SAS token) or a fragment; the table is reached with your sign-in"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("names no host"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// A table's name: 3–63 letters and digits, starting with a letter, not `tables`.
fn check_table_name(name: &str) -> Result<(), AzureError> {
    let ok = (3..=63).contains(&name.len())
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && !name.eq_ignore_ascii_case("tables");
    if ok {
        Ok(())
    } else {
        Err(AzureError::InvalidInput(format!("\"{name}\" is not a table name: 3 to 63 letters and digits, starting with a letter.")))
    }
}

/// The storage account for messages: `contoso` of `contoso.table.core.windows.net`,
/// the last path segment of a path-style endpoint (the emulator's, the simulator's), else the host.
fn account_of(endpoint: &Url) -> String {
    let host = endpoint.host_str().unwrap_or_default();
    if let Some(last) = endpoint.path_segments().and_then(|mut s| s.rfind(|s| !s.is_empty())) {
        return last.to_owned();
    }
    match host.split_once(".table.") {
        Some((account, _)) => account.to_owned(),
        None => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_must_be_https_except_on_loopback() {
        assert!(endpoint("https://contoso.table.core.windows.net").is_ok());
        assert!(endpoint("http://127.0.0.1:10002/devstoreaccount1").is_ok());
        assert!(endpoint("http://localhost:10002/devstoreaccount1").is_ok());
        assert!(endpoint("http://contoso.table.core.windows.net").is_err());
        assert!(endpoint("ftp://contoso.table.core.windows.net").is_err());
        assert!(endpoint("https://contoso.table.core.windows.net/?sv=2020&sig=x").is_err());
        assert!(endpoint("https://user:pw@contoso.table.core.windows.net").is_err());
        assert_eq!(endpoint("https://127.0.0.1:1/devstoreaccount1").map(|u| u.path().to_owned()).ok(), Some("/devstoreaccount1/".into()));
    }

    #[test]
    fn accounts_are_named_from_the_host_or_the_path() {
        let name = |s: &str| endpoint(s).map(|u| account_of(&u)).unwrap_or_default();
        assert_eq!(name("https://contoso.table.core.windows.net"), "contoso");
        assert_eq!(name("https://127.0.0.1:10002/devstoreaccount1"), "devstoreaccount1");
        assert_eq!(name("http://127.0.0.1:8123/tables/stcontosorisk"), "stcontosorisk");
    }

    #[test]
    fn table_names_follow_azure() {
        assert!(check_table_name("ExemptionRequests").is_ok());
        for bad in ["ab", "1abc", "with-dash", "tables", &"a".repeat(64)] {
            assert!(check_table_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn odata_literals_double_quotes() {
        assert_eq!(quoted("o'brien"), "'o''brien'");
    }
}
