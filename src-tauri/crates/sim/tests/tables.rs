//! The simulated Azure Table service: tables, entities, ETag concurrency,
//! the service's limits, paging, and Azure Storage's OAuth (storage tokens
//! from the simulated Entra, data roles on the demo tenant's register).

mod common;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ACCOUNT: &str = "stcontosorisk";
const TABLE: &str = "exemptionrequests";
const VERSION: &str = "2019-02-02";
const MORGAN: &str = "morgan.manager@contoso.example";
const RILEY: &str = "riley.reader@contoso.example";

/// A storage token for a user: sign in for ARM, then redeem the refresh
/// token for `https://storage.azure.com/.default`, as the app does.
async fn storage_token(env: &Env, upn: &str) -> String {
    let signed_in = env.user_token(upn).await;
    let client = env.principals["publicClientId"].as_str().expect("client").to_string();
    let rt = signed_in["refresh_token"].as_str().expect("refresh token").to_string();
    let r = env
        .token_form(&[
            ("grant_type", "refresh_token"),
            ("client_id", &client),
            ("refresh_token", &rt),
            ("scope", "https://storage.azure.com/.default offline_access"),
        ])
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    v["access_token"].as_str().expect("access_token").to_string()
}

fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("payload");
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("claims")
}

struct Resp {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Resp {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
    fn code(&self) -> Option<&str> {
        self.body["odata.error"]["code"].as_str()
    }
}

async fn call(env: &Env, token: &str, method: &str, path: &str, body: Option<Value>, extra: &[(&str, &str)]) -> Resp {
    let url = format!("{}{path}", env.sim.table_endpoint(ACCOUNT));
    // Defaults that `extra` replaces (not repeats).
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-ms-version", VERSION.parse().expect("header"));
    headers.insert("accept", "application/json;odata=minimalmetadata".parse().expect("header"));
    for (k, v) in extra {
        let name = reqwest::header::HeaderName::from_bytes(k.as_bytes()).expect("name");
        headers.insert(name, v.parse().expect("value"));
    }
    let mut rb = env.http.request(Method::from_bytes(method.as_bytes()).expect("method"), url).bearer_auth(token).headers(headers);
    if let Some(b) = body {
        rb = rb.header("content-type", "application/json").body(b.to_string());
    }
    let r = rb.send().await.expect("send");
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.expect("text");
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    Resp { status, headers, body }
}

fn entity_path(pk: &str, rk: &str) -> String {
    format!("/{TABLE}(PartitionKey='{pk}',RowKey='{rk}')")
}

#[tokio::test]
async fn entra_issues_storage_tokens_in_the_v1_shape() {
    let env = start().await;
    let t = storage_token(&env, MORGAN).await;
    let c = claims(&t);
    assert_eq!(c["aud"], "https://storage.azure.com");
    assert_eq!(c["iss"], format!("https://sts.windows.net/{}/", env.tenant()));
    assert_eq!(c["scp"], "user_impersonation");
    assert_eq!(c["upn"], MORGAN);
    // `//.default` (the v1 form) gives the same audience; ARM tokens are unchanged.
    let (id, secret) = env.sp("exemption-desk-ci");
    for scope in ["https://storage.azure.com//.default", "https://storage.azure.com/.default"] {
        let r = env
            .token_form(&[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", &secret), ("scope", scope)])
            .await;
        let v: Value = r.json().await.expect("json");
        assert_eq!(claims(v["access_token"].as_str().expect("at"))["aud"], "https://storage.azure.com", "{scope}");
    }
    assert_eq!(claims(&env.sp_token().await)["aud"], "https://management.azure.com/");
    env.sim.shutdown().await;
}

#[tokio::test]
async fn tables_create_query_conflict() {
    let env = start().await;
    let t = storage_token(&env, MORGAN).await;
    let r = call(&env, &t, "GET", "/Tables", None, &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["value"], json!([{"TableName": TABLE}]));
    assert!(r.body["odata.metadata"].as_str().expect("metadata").ends_with("/$metadata#Tables"));
    assert_eq!(r.header("x-ms-version").as_deref(), Some(VERSION));
    assert!(r.header("x-ms-request-id").is_some());

    let r = call(&env, &t, "POST", "/Tables", Some(json!({"TableName": "scratch"})), &[]).await;
    assert_eq!((r.status, r.body["TableName"].as_str()), (StatusCode::CREATED, Some("scratch")));
    let r = call(&env, &t, "POST", "/Tables", Some(json!({"TableName": "quiet"})), &[("prefer", "return-no-content")]).await;
    assert_eq!(r.status, 204);
    assert_eq!(r.header("preference-applied").as_deref(), Some("return-no-content"));
    let r = call(&env, &t, "POST", "/Tables", Some(json!({"TableName": "Scratch"})), &[]).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, Some("TableAlreadyExists")));
    assert!(r.body["odata.error"]["message"]["value"].as_str().expect("message").starts_with("The table specified already exists."));
    assert_eq!(r.header("x-ms-error-code").as_deref(), Some("TableAlreadyExists"));
    let r = call(&env, &t, "POST", "/Tables", Some(json!({"TableName": "1bad_name"})), &[]).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, Some("OutOfRangeInput")));

    let r = call(&env, &t, "GET", "/Tables?$filter=TableName%20eq%20'quiet'", None, &[]).await;
    assert_eq!(r.body["value"], json!([{"TableName": "quiet"}]));
    let r = call(&env, &t, "GET", "/Tables?$top=1", None, &[]).await;
    assert_eq!(r.body["value"].as_array().map(Vec::len), Some(1));
    let next = r.header("x-ms-continuation-NextTableName").expect("continuation");
    let r = call(&env, &t, "GET", &format!("/Tables?$top=5&NextTableName={next}"), None, &[]).await;
    assert_eq!(r.body["value"].as_array().map(Vec::len), Some(2));
    assert!(r.header("x-ms-continuation-NextTableName").is_none());

    let r = call(&env, &t, "DELETE", "/Tables('scratch')", None, &[]).await;
    assert_eq!(r.status, 204);
    let r = call(&env, &t, "GET", "/scratch()", None, &[]).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, Some("TableNotFound")));
    env.sim.shutdown().await;
}

#[tokio::test]
async fn entities_insert_get_update_merge_delete() {
    let env = start().await;
    let t = storage_token(&env, RILEY).await;
    let entity = json!({
        "PartitionKey": "tenant", "RowKey": "req-1", "State": "Pending", "Count": 3,
        "Big@odata.type": "Edm.Int64", "Big": "9007199254740993",
        "RequestedAt@odata.type": "Edm.DateTime", "RequestedAt": "2026-05-01T10:00:00Z",
    });
    let r = call(&env, &t, "POST", &format!("/{TABLE}"), Some(entity.clone()), &[]).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let etag = r.header("etag").expect("etag");
    assert!(etag.starts_with("W/\"datetime'") && etag.ends_with("'\"") && etag.contains("%3A"), "{etag}");
    assert_eq!(r.body["odata.etag"], etag.as_str());
    assert_eq!(r.body["Big@odata.type"], "Edm.Int64");
    assert_eq!(r.body["Big"], "9007199254740993");
    assert_eq!(r.body["Timestamp@odata.type"], "Edm.DateTime");
    assert!(r.body.get("Count@odata.type").is_none());
    assert!(r.header("location").expect("location").ends_with(&entity_path("tenant", "req-1")));

    let r = call(&env, &t, "POST", &format!("/{TABLE}"), Some(entity.clone()), &[]).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, Some("EntityAlreadyExists")));
    let r = call(&env, &t, "POST", &format!("/{TABLE}"), Some(json!({"PartitionKey": "tenant", "RowKey": "req-2"})), &[("prefer", "return-no-content")]).await;
    assert_eq!(r.status, 204);
    assert!(r.header("etag").is_some());

    // Get: the ETag in header and body (minimal metadata), none in the body without metadata.
    let r = call(&env, &t, "GET", &entity_path("tenant", "req-1"), None, &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!((r.header("etag").as_deref(), r.body["odata.etag"].as_str()), (Some(etag.as_str()), Some(etag.as_str())));
    assert_eq!(r.body["RequestedAt@odata.type"], "Edm.DateTime");
    let r = call(&env, &t, "GET", &entity_path("tenant", "req-1"), None, &[("accept", "application/json;odata=nometadata")]).await;
    assert!(r.body.get("odata.etag").is_none() && r.body.get("Big@odata.type").is_none());
    assert!(r.header("content-type").expect("ct").contains("odata=nometadata"));
    let r = call(&env, &t, "GET", &entity_path("tenant", "nope"), None, &[]).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, Some("ResourceNotFound")));

    // Merge keeps other properties; PUT replaces them.
    let r = call(&env, &t, "MERGE", &entity_path("tenant", "req-1"), Some(json!({"State": "Approved"})), &[("if-match", &etag)]).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let etag2 = r.header("etag").expect("etag");
    assert_ne!(etag2, etag);
    let r = call(&env, &t, "GET", &entity_path("tenant", "req-1"), None, &[]).await;
    assert_eq!((r.body["State"].as_str(), r.body["Count"].as_i64()), (Some("Approved"), Some(3)));
    let r = call(&env, &t, "PATCH", &entity_path("tenant", "req-1"), Some(json!({"Note": "x"})), &[("if-match", &etag2)]).await;
    assert_eq!(r.status, 204);
    let etag3 = r.header("etag").expect("etag");
    let r = call(&env, &t, "PUT", &entity_path("tenant", "req-1"), Some(json!({"State": "Applied"})), &[("if-match", &etag3)]).await;
    assert_eq!(r.status, 204);
    let etag4 = r.header("etag").expect("etag");
    let r = call(&env, &t, "GET", &entity_path("tenant", "req-1"), None, &[]).await;
    assert_eq!((r.body["State"].as_str(), r.body.get("Count")), (Some("Applied"), None));
    // POST with X-HTTP-Method: MERGE is a merge.
    let r = call(&env, &t, "POST", &entity_path("tenant", "req-1"), Some(json!({"Count": 4})), &[("if-match", "*"), ("x-http-method", "MERGE")]).await;
    assert_eq!(r.status, 204);

    // Without If-Match, PUT and MERGE are upserts (as Azure does); with it, a missing entity is 404.
    let r = call(&env, &t, "PUT", &entity_path("tenant", "req-9"), Some(json!({"State": "Pending"})), &[]).await;
    assert_eq!(r.status, 204);
    let r = call(&env, &t, "MERGE", &entity_path("tenant", "req-8"), Some(json!({"State": "Pending"})), &[("if-match", "*")]).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, Some("ResourceNotFound")));

    // Delete needs If-Match; a stale ETag is 412.
    let r = call(&env, &t, "DELETE", &entity_path("tenant", "req-1"), None, &[]).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, Some("MissingRequiredHeader")));
    let r = call(&env, &t, "DELETE", &entity_path("tenant", "req-1"), None, &[("if-match", &etag4)]).await;
    assert_eq!((r.status, r.code()), (StatusCode::PRECONDITION_FAILED, Some("UpdateConditionNotSatisfied")));
    let r = call(&env, &t, "DELETE", &entity_path("tenant", "req-1"), None, &[("if-match", "*")]).await;
    assert_eq!(r.status, 204);
    let r = call(&env, &t, "DELETE", &entity_path("tenant", "req-1"), None, &[("if-match", "*")]).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, Some("ResourceNotFound")));

    // The control endpoint shows what is stored, with ETags.
    let v: Value = env.http.get(format!("{}/_sim/tables/{ACCOUNT}/{TABLE}", env.base)).send().await.expect("get").json().await.expect("json");
    let rows: Vec<&str> = v["value"].as_array().expect("value").iter().filter_map(|e| e["RowKey"].as_str()).collect();
    assert_eq!(rows, ["req-2", "req-9"]);
    assert!(v["value"][0]["odata.etag"].is_string());
    env.sim.shutdown().await;
}

#[tokio::test]
async fn two_updates_with_one_etag_exactly_one_wins() {
    let env = start().await;
    let (morgan, riley) = (storage_token(&env, MORGAN).await, storage_token(&env, RILEY).await);
    let r = call(&env, &riley, "POST", &format!("/{TABLE}"), Some(json!({"PartitionKey": "t", "RowKey": "race", "State": "Pending"})), &[]).await;
    let etag = r.header("etag").expect("etag");
    let (path, cond) = (entity_path("t", "race"), [("if-match", etag.as_str())]);
    let a = call(&env, &morgan, "MERGE", &path, Some(json!({"State": "Approved"})), &cond);
    let b = call(&env, &riley, "MERGE", &path, Some(json!({"State": "Withdrawn"})), &cond);
    let (a, b) = tokio::join!(a, b);
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [204, 412]);
    let loser = if a.status == 412 { &a } else { &b };
    assert_eq!(loser.code(), Some("UpdateConditionNotSatisfied"));
    env.sim.shutdown().await;
}

#[tokio::test]
async fn queries_filter_select_and_page() {
    let env = start().await;
    let t = storage_token(&env, MORGAN).await;
    for i in 0..7 {
        let state = if i % 2 == 0 { "Pending" } else { "Approved" };
        let e = json!({"PartitionKey": "contoso", "RowKey": format!("req-{i:02}"), "State": state, "N": i});
        assert_eq!(call(&env, &t, "POST", &format!("/{TABLE}"), Some(e), &[("prefer", "return-no-content")]).await.status, 204);
    }
    call(&env, &t, "POST", &format!("/{TABLE}"), Some(json!({"PartitionKey": "other", "RowKey": "req-00", "State": "Pending"})), &[]).await;

    let q = |f: &str| format!("/{TABLE}()?$filter={}", urlencode(f));
    let rows = |r: &Resp| r.body["value"].as_array().expect("value").iter().map(|e| e["RowKey"].as_str().unwrap_or("").to_string()).collect::<Vec<_>>();
    let r = call(&env, &t, "GET", &q("PartitionKey eq 'contoso' and State eq 'Pending'"), None, &[]).await;
    assert_eq!(rows(&r), ["req-00", "req-02", "req-04", "req-06"]);
    let r = call(&env, &t, "GET", &q("PartitionKey eq 'contoso' and RowKey gt 'req-02' and RowKey le 'req-04'"), None, &[]).await;
    assert_eq!(rows(&r), ["req-03", "req-04"]);
    let r = call(&env, &t, "GET", &q("N ge 5 or PartitionKey eq 'other'"), None, &[]).await;
    assert_eq!(rows(&r), ["req-05", "req-06", "req-00"]);
    assert!(r.body["value"][0]["odata.etag"].is_string());
    let r = call(&env, &t, "GET", &q("PartitionKey eq"), None, &[]).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, Some("InvalidInput")));

    let r = call(&env, &t, "GET", &format!("{}&$select=RowKey,State", q("PartitionKey eq 'other'")), None, &[]).await;
    let first = r.body["value"][0].as_object().expect("entity");
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["RowKey", "State", "odata.etag"]);

    // Paging: $top 3 over 7, continuation headers carried back as NextPartitionKey/NextRowKey.
    let mut seen = Vec::new();
    let mut next: Option<(String, String)> = None;
    for _ in 0..5 {
        let mut path = format!("{}&$top=3", q("PartitionKey eq 'contoso'"));
        if let Some((p, r)) = &next {
            path.push_str(&format!("&NextPartitionKey={}&NextRowKey={}", urlencode(p), urlencode(r)));
        }
        let r = call(&env, &t, "GET", &path, None, &[]).await;
        assert_eq!(r.status, 200);
        seen.extend(rows(&r));
        next = r.header("x-ms-continuation-NextPartitionKey").zip(r.header("x-ms-continuation-NextRowKey"));
        if next.is_none() {
            break;
        }
    }
    assert_eq!(seen, (0..7).map(|i| format!("req-{i:02}")).collect::<Vec<_>>());
    let r = call(&env, &t, "GET", &format!("/{TABLE}()?$top=0"), None, &[]).await;
    assert_eq!(r.status, 400);
    env.sim.shutdown().await;
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~'".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[tokio::test]
async fn the_service_limits_are_enforced() {
    let env = start().await;
    let t = storage_token(&env, MORGAN).await;
    let collection = format!("/{TABLE}");
    let insert = |e: Value| call(&env, &t, "POST", &collection, Some(e), &[]);
    // 32,768 UTF-16 units per string: at the limit it fits, one more does not (a non-BMP char counts two).
    let r = insert(json!({"PartitionKey": "l", "RowKey": "at-limit", "S": "x".repeat(32 * 1024)})).await;
    assert_eq!(r.status, 201);
    let r = insert(json!({"PartitionKey": "l", "RowKey": "over", "S": "😀".repeat(16 * 1024 + 1)})).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, Some("PropertyValueTooLarge")));
    // 252 properties of one's own, not 253.
    let mut e = json!({"PartitionKey": "l", "RowKey": "props"});
    for i in 0..252 {
        e[format!("P{i}")] = json!(i);
    }
    assert_eq!(insert(e.clone()).await.status, 201);
    e["RowKey"] = json!("props2");
    e["P252"] = json!(1);
    let r = insert(e).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, Some("TooManyProperties")));
    // 1 MiB per entity: 20 strings of 30,000 characters are 1.2 MB in UTF-16.
    let mut e = json!({"PartitionKey": "l", "RowKey": "huge"});
    for i in 0..20 {
        e[format!("S{i}")] = json!("y".repeat(30_000));
    }
    let r = insert(e).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, Some("EntityTooLarge")));
    // Merging into an entity can push it over the limit too.
    let mut half = json!({});
    for i in 0..10 {
        half[format!("A{i}")] = json!("z".repeat(30_000));
    }
    let mut base = half.clone();
    base["PartitionKey"] = json!("l");
    base["RowKey"] = json!("grow");
    assert_eq!(insert(base).await.status, 201);
    let mut more = json!({});
    for i in 0..10 {
        more[format!("B{i}")] = json!("z".repeat(30_000));
    }
    let r = call(&env, &t, "MERGE", &entity_path("l", "grow"), Some(more), &[("if-match", "*")]).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, Some("EntityTooLarge")));
    // Key rules, names, types.
    let r = insert(json!({"PartitionKey": "a/b", "RowKey": "x"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, Some("OutOfRangeInput")));
    let r = insert(json!({"PartitionKey": "k".repeat(1025), "RowKey": "x"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, Some("KeyValueTooLarge")));
    let r = insert(json!({"PartitionKey": "l", "RowKey": "x", "bad-name": 1})).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, Some("PropertyNameInvalid")));
    let r = insert(json!({"PartitionKey": "l", "RowKey": "x", "N@odata.type": "Edm.Int64", "N": "twelve"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, Some("InvalidInput")));
    let r = insert(json!({"PartitionKey": "l", "RowKey": "x", "Nested": {"a": 1}})).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, Some("InvalidInput")));
    let r = insert(json!({"PartitionKey": "l"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, Some("PropertiesNeedValue")));
    env.sim.shutdown().await;
}

#[tokio::test]
async fn storage_oauth_and_data_roles() {
    let env = start().await;
    let path = format!("/{TABLE}()");
    // No token, an ARM token (wrong audience), a garbage token: 401 with a challenge.
    let r = env.http.get(format!("{}{path}", env.sim.table_endpoint(ACCOUNT))).header("x-ms-version", VERSION).send().await.expect("send");
    assert_eq!(r.status(), 401);
    assert!(r.headers()["www-authenticate"].to_str().expect("h").contains("resource_id=https://storage.azure.com"));
    let arm = env.user_access(MORGAN).await;
    let r = call(&env, &arm, "GET", &path, None, &[]).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, Some("InvalidAuthenticationInfo")));
    assert!(r.body["odata.error"]["message"]["value"].as_str().expect("msg").contains("Audience validation failed"));
    assert!(r.header("www-authenticate").expect("challenge").starts_with("Bearer authorization_uri="));
    let r = call(&env, "not.a.token", "GET", &path, None, &[]).await;
    assert_eq!(r.status, 401);
    // Bearer tokens need x-ms-version 2017-11-09 or later.
    let good = storage_token(&env, MORGAN).await;
    let r = call(&env, &good, "GET", &path, None, &[("x-ms-version", "2015-12-11")]).await;
    assert_eq!(r.status, 400);

    // The CI service principal has management roles but no data role: 403 on entities.
    let (id, secret) = env.sp("exemption-desk-ci");
    let v: Value = env
        .token_form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("scope", "https://storage.azure.com/.default"),
        ])
        .await
        .json()
        .await
        .expect("json");
    let sp = v["access_token"].as_str().expect("at").to_string();
    for (method, p, body) in [
        ("GET", path.clone(), None),
        ("POST", format!("/{TABLE}"), Some(json!({"PartitionKey": "p", "RowKey": "r"}))),
        ("PUT", entity_path("p", "r"), Some(json!({"A": 1}))),
    ] {
        let r = call(&env, &sp, method, &p, body, &[]).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, Some("AuthorizationPermissionMismatch")), "{method} {p}");
        assert_eq!(
            r.body["odata.error"]["message"]["value"].as_str().expect("msg").lines().next(),
            Some("This request is not authorized to perform this operation using this permission.")
        );
    }
    // Riley is a Reader in ARM but holds Storage Table Data Contributor on the account.
    let riley = storage_token(&env, RILEY).await;
    assert_eq!(call(&env, &riley, "GET", &path, None, &[]).await.status, 200);
    // Unknown account: 404.
    let url = format!("{}/{TABLE}()", env.sim.table_endpoint("stnosuchaccount"));
    let r = env.http.get(url).bearer_auth(&good).header("x-ms-version", VERSION).send().await.expect("send");
    assert_eq!(r.status(), 404);

    // The request log shows who called the Table service, with the token's claims.
    call(&env, &riley, "POST", &format!("/{TABLE}"), Some(json!({"PartitionKey": "p", "RowKey": "by-riley"})), &[]).await;
    let log: Value = env.http.get(format!("{}/_sim/requests", env.base)).send().await.expect("log").json().await.expect("json");
    let last = log.as_array().expect("log").last().expect("entry").clone();
    assert_eq!((last["method"].as_str(), last["status"].as_u64()), (Some("POST"), Some(201)));
    assert_eq!(last["path"], format!("/tables/{ACCOUNT}/{TABLE}"));
    assert_eq!(last["principal"], RILEY);
    assert_eq!(last["token"]["upn"], RILEY);
    assert_eq!(last["token"]["aud"], "https://storage.azure.com");
    assert_eq!(last["token"]["oid"], claims(&riley)["oid"]);
    assert_eq!(last["body"]["RowKey"], "by-riley");
    env.sim.shutdown().await;
}

#[tokio::test]
async fn the_register_account_is_an_arm_resource_with_data_role_assignments() {
    let env = start().await;
    let arm = env.user_access(MORGAN).await;
    let id = format!("/subscriptions/{SHARED}/resourceGroups/rg-shared-governance/providers/Microsoft.Storage/storageAccounts/{ACCOUNT}");
    let (s, v) = env.get(&arm, &format!("/subscriptions/{SHARED}/resourceGroups/rg-shared-governance/resources?api-version=2021-04-01")).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["value"].as_array().expect("value").iter().any(|r| r["id"].as_str().is_some_and(|i| i.eq_ignore_ascii_case(&id))), "{v}");
    let (s, v) =
        env.get(&arm, &format!("{id}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()")).await;
    assert_eq!(s, 200, "{v}");
    let contributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    let holders = v["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter(|ra| ra["properties"]["roleDefinitionId"].as_str().is_some_and(|d| d.ends_with(contributor)))
        .count();
    assert_eq!(holders, 3, "{v}");
    assert_eq!(azure_sim::demo_request_table(), azure_sim::DemoRequestTable { account: ACCOUNT.into(), table: TABLE.into() });
    assert_eq!(env.sim.table_endpoint(ACCOUNT), format!("{}/tables/{ACCOUNT}", env.base));
    env.sim.shutdown().await;
}

fn example(name: &str) -> Value {
    let path = format!("{}/data/tables/examples/2019-02-02/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("vendored example {path}: {e}"));
    serde_json::from_str(&text).expect("example JSON")
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

/// The official examples (Azure/azure-rest-api-specs, Microsoft.Tables
/// 2019-02-02, vendored in `data/tables/`) replayed: same status, and with
/// full metadata the same properties, type annotations and values.
#[tokio::test]
async fn official_examples_replay() {
    let env = start().await;
    let t = storage_token(&env, MORGAN).await;
    let full = [("accept", "application/json;odata=fullmetadata")];

    let ex = example("TableCreate.json");
    let r = call(&env, &t, "POST", "/Tables", Some(ex["parameters"]["tableProperties"].clone()), &full).await;
    assert_eq!(r.status, 201);
    assert_eq!(keys(&r.body), keys(&ex["responses"]["201"]["body"]));
    assert_eq!(r.body["odata.editLink"], ex["responses"]["201"]["body"]["odata.editLink"]);
    let ex = example("TableGet.json");
    let r = call(&env, &t, "GET", "/Tables?$filter=TableName%20eq%20'mytable'", None, &full).await;
    assert_eq!(keys(&r.body), keys(&ex["responses"]["200"]["body"]));
    assert_eq!(r.body["value"], ex["responses"]["200"]["body"]["value"].as_array().map(|v| v.iter().map(|t| {
        let mut t = t.clone();
        t["odata.id"] = json!(format!("{}/Tables('mytable')", env.sim.table_endpoint(ACCOUNT)));
        t["odata.type"] = json!(format!("{ACCOUNT}.Tables"));
        t
    }).collect::<Vec<_>>()).map(Value::Array).expect("value"));

    call(&env, &t, "POST", "/Tables", Some(json!({"TableName": "Customers"})), &[]).await;
    let ex = example("TableInsertEntity.json");
    let r = call(&env, &t, "POST", "/Customers", Some(ex["parameters"]["tableEntityProperties"].clone()), &full).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let want = &ex["responses"]["201"]["body"];
    assert_eq!(keys(&r.body), keys(want));
    for (k, v) in want.as_object().expect("body") {
        match k.as_str() {
            "odata.metadata" | "odata.type" | "odata.id" | "odata.etag" | "Timestamp" => {}
            "CustomerSince" => assert_eq!(r.body[k], "2008-07-10T00:00:00Z"),
            _ => assert_eq!(&r.body[k], v, "{k}"),
        }
    }
    assert_eq!(r.body["odata.editLink"], "Customers(PartitionKey='mypartitionkey',RowKey='myrowkey')");

    let ex = example("TableUpdateEntity.json");
    let p = &ex["parameters"];
    let path = format!("/{}(PartitionKey='{}',RowKey='{}')", p["table"].as_str().expect("t"), p["partitionKey"].as_str().expect("pk"), p["rowKey"].as_str().expect("rk"));
    let r = call(&env, &t, "PUT", &path, Some(p["tableEntityProperties"].clone()), &[]).await;
    assert_eq!(r.status.as_u16().to_string(), ex["responses"].as_object().expect("r").keys().next().expect("status").as_str());

    let ex = example("TableQueryEntities.json");
    let r = call(&env, &t, "GET", "/Customers()?$top=1&$select=PartitionKey,RowKey,Timestamp,CustomerSince", None, &full).await;
    assert_eq!(keys(&r.body), keys(&ex["responses"]["200"]["body"]));
    assert_eq!(keys(&r.body["value"][0]), keys(&ex["responses"]["200"]["body"]["value"][0]));
    let ex = example("TableQueryEntityWithPartitionAndRowKey.json");
    let r = call(&env, &t, "GET", &format!("{path}?$select=PartitionKey,RowKey,Timestamp,CustomerSince"), None, &full).await;
    assert_eq!(keys(&r.body), keys(&ex["responses"]["200"]["body"]));

    let ex = example("TableDeleteEntity.json");
    let r = call(&env, &t, "DELETE", &path, None, &[("if-match", ex["parameters"]["If-Match"].as_str().expect("if-match"))]).await;
    assert_eq!(r.status, 204);
    env.sim.shutdown().await;
}
