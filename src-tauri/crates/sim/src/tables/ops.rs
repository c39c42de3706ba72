//! The Table service's operations: create, query and delete tables; insert,
//! get, query, update (PUT), merge (MERGE/PATCH) and delete entities.

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::auth::{self, Caller, Permission};
use super::entity::{self, Metadata};
use super::filter::{self, Lit};
use super::{Answer, Req, TableError, Target};
use crate::model::tables::{Edm, Entity, StorageAccount, Table};
use crate::state::World;

/// Most entities (or tables) one query answers.
pub const MAX_PAGE: usize = 1000;

fn not_found() -> TableError {
    TableError::new(StatusCode::NOT_FOUND, "ResourceNotFound", "The specified resource does not exist.")
}

fn table_not_found() -> TableError {
    TableError::new(StatusCode::NOT_FOUND, "TableNotFound", "The table specified does not exist.")
}

fn method_not_allowed() -> TableError {
    TableError::new(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed", "The requested method is not allowed on the specified resource.")
}

pub fn dispatch(world: &mut World, caller: &Caller, account: &str, target: Target, req: &Req, now: DateTime<Utc>) -> Result<Answer, TableError> {
    let Some(account_id) = world.tables.accounts.get(&account.to_ascii_lowercase()).map(|a| a.resource_id.clone()) else {
        return Err(TableError::new(StatusCode::NOT_FOUND, "ResourceNotFound", format!("The storage account '{account}' does not exist.")));
    };
    let needed: &[Permission] = match (&target, &req.method) {
        (Target::Tables, &Method::GET) => &[auth::TABLES_READ],
        (Target::Tables, &Method::POST) => &[auth::TABLES_WRITE],
        (Target::Table(_), &Method::DELETE) => &[auth::TABLES_DELETE],
        (Target::Entities(_), &Method::GET) | (Target::Entity { .. }, &Method::GET) => &[auth::ENTITIES_READ],
        (Target::Entities(_), &Method::POST) => &[auth::ENTITIES_ADD],
        (Target::Entity { .. }, &Method::DELETE) => &[auth::ENTITIES_DELETE],
        (Target::Entity { .. }, m) if is_write(m) => {
            if req.header("if-match").is_some() {
                &[auth::ENTITIES_UPDATE]
            } else {
                &[auth::ENTITIES_ADD, auth::ENTITIES_UPDATE]
            }
        }
        _ => return Err(method_not_allowed()),
    };
    auth::require(world, caller, &account_id, needed)?;
    let Some(acct) = world.tables.accounts.get_mut(&account.to_ascii_lowercase()) else { return Err(not_found()) };
    match target {
        Target::Tables if req.method == Method::GET => query_tables(acct, req),
        Target::Tables => create_table(acct, req),
        Target::Table(name) => {
            acct.tables.remove(&name.to_ascii_lowercase()).ok_or_else(table_not_found)?;
            Ok(Answer { status: StatusCode::NO_CONTENT, body: None, headers: Vec::new() })
        }
        Target::Entities(table) if req.method == Method::GET => query_entities(acct, &table, req),
        Target::Entities(table) => insert(acct, &table, req, now),
        Target::Entity { table, pk, rk } if req.method == Method::GET => get(acct, &table, &pk, &rk, req),
        Target::Entity { table, pk, rk } if req.method == Method::DELETE => delete(acct, &table, &pk, &rk, req),
        Target::Entity { table, pk, rk } => {
            let merge = req.method != Method::PUT;
            update(acct, &table, &pk, &rk, req, now, merge)
        }
    }
}

fn is_write(m: &Method) -> bool {
    *m == Method::PUT || *m == Method::PATCH || m.as_str() == "MERGE"
}

fn valid_table_name(name: &str) -> bool {
    let mut c = name.chars();
    (3..=63).contains(&name.len()) && c.next().is_some_and(|f| f.is_ascii_alphabetic()) && c.all(|x| x.is_ascii_alphanumeric())
}

fn top(req: &Req) -> Result<usize, TableError> {
    match req.q("$top") {
        None => Ok(MAX_PAGE),
        Some(t) => match t.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
            _ => Err(TableError::bad("InvalidInput", format!("The value of $top ('{t}') must be between 1 and {MAX_PAGE}."))),
        },
    }
}

fn wants_no_content(req: &Req) -> Option<bool> {
    let p = req.header("prefer")?.to_ascii_lowercase();
    if p.contains("return-no-content") {
        Some(true)
    } else if p.contains("return-content") {
        Some(false)
    } else {
        None
    }
}

fn table_json(endpoint: &str, name: &str, level: Metadata) -> Value {
    let mut v = json!({ "TableName": name });
    if level == Metadata::Full {
        let account = endpoint.rsplit('/').next().unwrap_or("");
        v["odata.type"] = json!(format!("{account}.Tables"));
        v["odata.id"] = json!(format!("{endpoint}/Tables('{name}')"));
        v["odata.editLink"] = json!(format!("Tables('{name}')"));
    }
    v
}

fn query_tables(acct: &StorageAccount, req: &Req) -> Result<Answer, TableError> {
    let f = req.q("$filter").map(filter::parse).transpose()?;
    let top = top(req)?;
    let start = req.q("NextTableName").map(|s| s.to_ascii_lowercase()).unwrap_or_default();
    let mut matching =
        acct.tables.range(start..).map(|(_, t)| t).filter(|t| f.as_ref().is_none_or(|f| f.matches(&|p| (p == "TableName").then(|| Lit::Str(t.name.clone())))));
    let page: Vec<Value> = matching.by_ref().take(top).map(|t| table_json(&req.endpoint, &t.name, req.metadata)).collect();
    let mut headers = Vec::new();
    if let Some(next) = matching.next() {
        headers.push(("x-ms-continuation-NextTableName", next.name.to_ascii_lowercase()));
    }
    let mut body = json!({ "value": page });
    if req.metadata != Metadata::No {
        body["odata.metadata"] = json!(format!("{}/$metadata#Tables", req.endpoint));
    }
    Ok(Answer { status: StatusCode::OK, body: Some(body), headers })
}

fn create_table(acct: &mut StorageAccount, req: &Req) -> Result<Answer, TableError> {
    let body: Value = serde_json::from_slice(req.body).map_err(|_| TableError::bad("InvalidInput", "The request body is not valid JSON."))?;
    let Some(name) = body.get("TableName").and_then(Value::as_str) else {
        return Err(TableError::bad("PropertiesNeedValue", "The TableName property is required."));
    };
    if !valid_table_name(name) {
        return Err(TableError::bad("OutOfRangeInput", "The table name is invalid: 3 to 63 letters and digits, starting with a letter."));
    }
    let key = name.to_ascii_lowercase();
    if acct.tables.contains_key(&key) {
        return Err(TableError::new(StatusCode::CONFLICT, "TableAlreadyExists", "The table specified already exists."));
    }
    acct.tables.insert(key, Table { name: name.to_string(), entities: Default::default() });
    let location = format!("{}/Tables('{name}')", req.endpoint);
    if wants_no_content(req) == Some(true) {
        let headers = vec![("preference-applied", "return-no-content".to_string()), ("location", location)];
        return Ok(Answer { status: StatusCode::NO_CONTENT, body: None, headers });
    }
    let mut v = table_json(&req.endpoint, name, req.metadata);
    if req.metadata != Metadata::No {
        v["odata.metadata"] = json!(format!("{}/$metadata#Tables/@Element", req.endpoint));
    }
    Ok(Answer { status: StatusCode::CREATED, body: Some(v), headers: vec![("location", location)] })
}

fn table<'a>(acct: &'a StorageAccount, name: &str) -> Result<&'a Table, TableError> {
    acct.tables.get(&name.to_ascii_lowercase()).ok_or_else(table_not_found)
}

/// A timestamp after every other this account handed out (100 ns ticks), so
/// no two writes share an ETag.
fn next_timestamp(acct: &mut StorageAccount, now: DateTime<Utc>) -> DateTime<Utc> {
    let tick = Duration::nanoseconds(100);
    let nanos = now.timestamp_subsec_nanos();
    let mut t = now - Duration::nanoseconds(i64::from(nanos % 100));
    if let Some(last) = acct.last_timestamp {
        if t <= last {
            t = last + tick;
        }
    }
    acct.last_timestamp = Some(t);
    t
}

fn table_url(req: &Req, table: &Table) -> String {
    format!("{}/{}", req.endpoint, table.name)
}

fn select(req: &Req) -> Option<Vec<String>> {
    req.q("$select").map(|s| s.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect())
}

fn etag_headers(e: &Entity) -> Vec<(&'static str, String)> {
    vec![("etag", entity::etag(e))]
}

fn insert(acct: &mut StorageAccount, table_name: &str, req: &Req, now: DateTime<Utc>) -> Result<Answer, TableError> {
    table(acct, table_name)?;
    let parsed = entity::parse(req.body)?;
    let (Some(pk), Some(rk)) = (parsed.partition_key, parsed.row_key) else {
        return Err(TableError::bad("PropertiesNeedValue", "Values have not been specified for all properties in the entity: PartitionKey and RowKey are required."));
    };
    check_size(&pk, &rk, &parsed.props)?;
    let key = (pk.clone(), rk.clone());
    if table(acct, table_name)?.entities.contains_key(&key) {
        return Err(TableError::new(StatusCode::CONFLICT, "EntityAlreadyExists", "The specified entity already exists."));
    }
    let timestamp = next_timestamp(acct, now);
    let e = Entity { partition_key: pk, row_key: rk, timestamp, props: parsed.props };
    let Some(t) = acct.tables.get_mut(&table_name.to_ascii_lowercase()) else { return Err(table_not_found()) };
    let url = format!("{}/{}", req.endpoint, t.name);
    let location = format!("{url}(PartitionKey='{}',RowKey='{}')", entity::quote(&e.partition_key), entity::quote(&e.row_key));
    let mut headers = etag_headers(&e);
    headers.push(("location", location));
    let body = (wants_no_content(req) != Some(true)).then(|| {
        let mut m = entity::to_json(&e, req.metadata, &url, None);
        if req.metadata != Metadata::No {
            m.insert("odata.metadata".into(), json!(format!("{}/$metadata#{}/@Element", req.endpoint, t.name)));
        }
        Value::Object(m)
    });
    t.entities.insert(key, e);
    match (body, wants_no_content(req)) {
        (None, _) => {
            headers.push(("preference-applied", "return-no-content".into()));
            Ok(Answer { status: StatusCode::NO_CONTENT, body: None, headers })
        }
        (Some(b), explicit) => {
            if explicit == Some(false) {
                headers.push(("preference-applied", "return-content".into()));
            }
            Ok(Answer { status: StatusCode::CREATED, body: Some(b), headers })
        }
    }
}

fn check_size(pk: &str, rk: &str, props: &std::collections::BTreeMap<String, crate::model::tables::Prop>) -> Result<(), TableError> {
    if entity::entity_size(pk, rk, props) > entity::MAX_ENTITY_BYTES {
        return Err(TableError::bad("EntityTooLarge", "The entity is larger than the maximum size permitted."));
    }
    if props.len() > entity::MAX_CUSTOM_PROPERTIES {
        return Err(TableError::bad(
            "TooManyProperties",
            "The entity contains more properties than allowed. Each entity can include up to 252 properties to store data. Each entity also has 3 system properties.",
        ));
    }
    Ok(())
}

fn get(acct: &StorageAccount, table_name: &str, pk: &str, rk: &str, req: &Req) -> Result<Answer, TableError> {
    let t = table(acct, table_name)?;
    let e = t.entities.get(&(pk.to_string(), rk.to_string())).ok_or_else(not_found)?;
    let url = table_url(req, t);
    let mut m = entity::to_json(e, req.metadata, &url, select(req).as_deref());
    if req.metadata != Metadata::No {
        m.insert("odata.metadata".into(), json!(format!("{}/$metadata#{}/@Element", req.endpoint, t.name)));
    }
    Ok(Answer { status: StatusCode::OK, body: Some(Value::Object(m)), headers: etag_headers(e) })
}

/// An entity's property as a filter literal.
fn lit_of(e: &Entity, name: &str) -> Option<Lit> {
    match name {
        "PartitionKey" => return Some(Lit::Str(e.partition_key.clone())),
        "RowKey" => return Some(Lit::Str(e.row_key.clone())),
        "Timestamp" => return Some(Lit::DateTime(e.timestamp)),
        _ => {}
    }
    let p = e.props.get(name)?;
    Some(match (p.edm, &p.value) {
        (Edm::String | Edm::Binary, Value::String(s)) => Lit::Str(s.clone()),
        (Edm::Int32, Value::Number(n)) => Lit::Int(n.as_i64()?),
        (Edm::Int64, Value::String(s)) => Lit::Int(s.parse().ok()?),
        (Edm::Double, Value::Number(n)) => Lit::Double(n.as_f64()?),
        (Edm::Boolean, Value::Bool(b)) => Lit::Bool(*b),
        (Edm::DateTime, Value::String(s)) => Lit::DateTime(entity::parse_datetime(s)?),
        (Edm::Guid, Value::String(s)) => Lit::Guid(s.clone()),
        _ => return None,
    })
}

/// Continuation keys: opaque tokens, as the service's are.
fn encode_key(k: &str) -> String {
    use base64::Engine;
    let b = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(k.as_bytes());
    format!("1!{}!{b}", b.len())
}

fn decode_key(token: &str) -> Result<String, TableError> {
    use base64::Engine;
    let bad = || TableError::bad("InvalidInput", "The continuation token is invalid.");
    let b = token.splitn(3, '!').nth(2).ok_or_else(bad)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(b).map_err(|_| bad())?;
    String::from_utf8(bytes).map_err(|_| bad())
}

fn query_entities(acct: &StorageAccount, table_name: &str, req: &Req) -> Result<Answer, TableError> {
    let t = table(acct, table_name)?;
    let f = req.q("$filter").map(filter::parse).transpose()?;
    let top = top(req)?;
    let sel = select(req);
    let start = match (req.q("NextPartitionKey"), req.q("NextRowKey")) {
        (Some(p), r) => (decode_key(p)?, r.map(decode_key).transpose()?.unwrap_or_default()),
        (None, _) => (String::new(), String::new()),
    };
    let url = table_url(req, t);
    let mut matching = t.entities.range(start..).map(|(_, e)| e).filter(|e| f.as_ref().is_none_or(|f| f.matches(&|p| lit_of(e, p))));
    let page: Vec<Value> = matching.by_ref().take(top).map(|e| Value::Object(entity::to_json(e, req.metadata, &url, sel.as_deref()))).collect();
    let mut headers = Vec::new();
    if let Some(next) = matching.next() {
        headers.push(("x-ms-continuation-NextPartitionKey", encode_key(&next.partition_key)));
        headers.push(("x-ms-continuation-NextRowKey", encode_key(&next.row_key)));
    }
    let mut body = json!({ "value": page });
    if req.metadata != Metadata::No {
        body["odata.metadata"] = json!(format!("{}/$metadata#{}", req.endpoint, t.name));
    }
    Ok(Answer { status: StatusCode::OK, body: Some(body), headers })
}

/// `If-Match` against the stored entity: `Ok(true)` = it exists and matches
/// (or `*`), `Ok(false)` = no `If-Match` was sent.
fn check_if_match(req: &Req, current: Option<&Entity>) -> Result<bool, TableError> {
    let Some(wanted) = req.header("if-match") else { return Ok(false) };
    let current = current.ok_or_else(not_found)?;
    if wanted.trim() != "*" && wanted.trim() != entity::etag(current) {
        return Err(TableError::new(
            StatusCode::PRECONDITION_FAILED,
            "UpdateConditionNotSatisfied",
            "The update condition specified in the request was not satisfied.",
        ));
    }
    Ok(true)
}

#[allow(clippy::too_many_arguments)]
fn update(acct: &mut StorageAccount, table_name: &str, pk: &str, rk: &str, req: &Req, now: DateTime<Utc>, merge: bool) -> Result<Answer, TableError> {
    entity::check_key("PartitionKey", pk)?;
    entity::check_key("RowKey", rk)?;
    if req.header("if-none-match").is_some() {
        return Err(TableError::bad("InvalidInput", "If-None-Match HTTP header cannot be specified for PUT operations."));
    }
    let key = (pk.to_string(), rk.to_string());
    let current = table(acct, table_name)?.entities.get(&key).cloned();
    check_if_match(req, current.as_ref())?;
    let parsed = entity::parse(req.body)?;
    let props = match (merge, current) {
        (true, Some(c)) => {
            let mut p = c.props;
            p.extend(parsed.props);
            p
        }
        _ => parsed.props,
    };
    check_size(pk, rk, &props)?;
    let timestamp = next_timestamp(acct, now);
    let e = Entity { partition_key: pk.to_string(), row_key: rk.to_string(), timestamp, props };
    let headers = etag_headers(&e);
    let Some(t) = acct.tables.get_mut(&table_name.to_ascii_lowercase()) else { return Err(table_not_found()) };
    t.entities.insert(key, e);
    Ok(Answer { status: StatusCode::NO_CONTENT, body: None, headers })
}

fn delete(acct: &mut StorageAccount, table_name: &str, pk: &str, rk: &str, req: &Req) -> Result<Answer, TableError> {
    if req.header("if-match").is_none() {
        return Err(TableError::bad("MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified: If-Match."));
    }
    let key = (pk.to_string(), rk.to_string());
    let t = table(acct, table_name)?;
    check_if_match(req, t.entities.get(&key))?;
    let Some(t) = acct.tables.get_mut(&table_name.to_ascii_lowercase()) else { return Err(table_not_found()) };
    t.entities.remove(&key);
    Ok(Answer { status: StatusCode::NO_CONTENT, body: None, headers: Vec::new() })
}
