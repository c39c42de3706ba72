//! The request register's table client (`desk_azure::request_table`), one
//! suite run against Azurite (the official emulator, over HTTPS with OAuth)
//! and against the simulator's Table API: round trips of requests too large
//! for one property, lists by tenant and filter across pages, two approvers
//! racing on one ETag, a replace that never creates, Azure's limits refused
//! before sending, a malformed entity, a missing table.

mod common;
mod table_support;

use std::sync::Arc;

use desk_azure::request_table::MAX_STRING_UNITS;
use desk_azure::{Authority, AzureError, EntraCredential, RequestFilter, RequestTable, SessionCredential, Tenant, Url, PUBLIC_TOKEN_SCOPE};
use desk_core::request::{Person, RequestState, RequestTableChoice};
use reqwest::Method;
use serde_json::{json, Value};
use table_support::{request, Azurite, Raw};

/// Someone signed in: who, their storage tokens, and (against the simulator)
/// their signed-in `Tenant`, whose `request_table` the app uses.
struct Signed {
    person: Person,
    credential: Arc<dyn SessionCredential>,
    tenant: Option<Tenant>,
}

/// One table service, with two people on it.
struct Backend {
    name: &'static str,
    endpoint: String,
    http: reqwest::Client,
    tenant_id: String,
    requester: Signed,
    approver: Signed,
}

impl Backend {
    fn table(&self, name: &str, who: &Signed) -> RequestTable {
        let choice = RequestTableChoice { endpoint: self.endpoint.clone(), table: name.to_owned() };
        match &who.tenant {
            Some(tenant) => tenant.request_table(&choice),
            None => RequestTable::new(self.http.clone(), who.credential.clone(), &choice),
        }
        .expect("a valid table choice")
    }

    async fn raw(&self) -> Raw {
        let token = self.requester.credential.get_token(&[desk_azure::STORAGE_SCOPE], None).await.expect("storage token");
        Raw { http: self.http.clone(), endpoint: self.endpoint.clone(), token: token.token.secret().to_owned() }
    }

    /// A fresh table for one case, so cases never see each other's rows.
    async fn fresh(&self, case: &str) -> RequestTable {
        let name = format!("{case}{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let table = self.table(&name, &self.requester);
        table.create_if_missing().await.unwrap_or_else(|e| panic!("{}: creating {name}: {e}", self.name));
        table.create_if_missing().await.unwrap_or_else(|e| panic!("{}: creating {name} again is fine: {e}", self.name));
        table
    }
}

async fn run_suite(backend: &Backend) {
    round_trip_of_a_large_request(backend).await;
    lists_by_tenant_and_filter_across_pages(backend).await;
    two_approvers_racing_on_one_etag(backend).await;
    a_replace_never_creates(backend).await;
    limits_are_refused_before_sending(backend).await;
    a_malformed_entity_is_named(backend).await;
    a_missing_table_says_so(backend).await;
}

async fn round_trip_of_a_large_request(b: &Backend) {
    let table = b.fresh("roundtrip").await;
    let big = request(&b.tenant_id, &b.requester.person, RequestState::Pending, 300);
    let json_units = serde_json::to_string(&big).expect("json").encode_utf16().count();
    assert!(json_units > 3 * MAX_STRING_UNITS, "the request outgrows one property ({json_units})");
    let etag = table.insert(&big).await.unwrap_or_else(|e| panic!("{}: insert: {e}", b.name));
    let (back, read_etag) = table.get(&b.tenant_id, &big.id).await.unwrap_or_else(|e| panic!("{}: get: {e}", b.name));
    if back != big {
        let (was, is) = (serde_json::to_string(&big).expect("json"), serde_json::to_string(&back).expect("json"));
        let at = was.chars().zip(is.chars()).take_while(|(a, b)| a == b).count();
        let around = |s: &str| s.chars().skip(at.saturating_sub(60)).take(160).collect::<String>();
        panic!("{}: the request comes back changed at character {at}:\n sent {}\n read {}", b.name, around(&was), around(&is));
    }
    assert_eq!(read_etag, etag, "{}: the ETag read is the one the insert answered", b.name);

    let (status, raw) =
        b.raw().await.send(Method::GET, &format!("{}(PartitionKey='{}',RowKey='{}')", table.table(), b.tenant_id, big.id), None).await;
    assert_eq!(status, 200, "{}: {raw}", b.name);
    let parts = raw["BodyParts"].as_i64().expect("BodyParts");
    assert!(parts >= 4, "{}: the body is split ({parts} parts)", b.name);
    for i in 0..parts {
        let units = raw[format!("Body{i}")].as_str().expect("a body part").encode_utf16().count();
        assert!(units <= MAX_STRING_UNITS, "{}: Body{i} holds {units} UTF-16 units", b.name);
    }
    assert_eq!(raw["State"], "Pending");
    assert_eq!(raw["RequesterObjectId"], b.requester.person.object_id.as_str());

    let again = table.insert(&big).await.expect_err("the id is taken");
    assert!(matches!(again, AzureError::RequestExists { .. }), "{}: {again:?}", b.name);
    assert_eq!(again.code(), "conflict");
}

async fn lists_by_tenant_and_filter_across_pages(b: &Backend) {
    let table = b.fresh("lists").await.with_page_size(2);
    let (alex, morgan) = (&b.requester.person, &b.approver.person);
    let mut made = Vec::new();
    for (by, state) in [
        (alex, RequestState::Pending),
        (alex, RequestState::Pending),
        (alex, RequestState::Pending),
        (morgan, RequestState::Pending),
        (morgan, RequestState::Pending),
        (alex, RequestState::Rejected),
        (alex, RequestState::Withdrawn),
    ] {
        let r = request(&b.tenant_id, by, state, 1);
        table.insert(&r).await.unwrap_or_else(|e| panic!("{}: insert: {e}", b.name));
        made.push(r);
    }
    let elsewhere = request("00000000-0000-4000-8000-0000000000aa", alex, RequestState::Pending, 1);
    table.insert(&elsewhere).await.expect("another tenant's request");

    let count = |filter: RequestFilter| {
        let table = table.clone();
        let tenant = b.tenant_id.clone();
        async move {
            let listed = table.list(&tenant, &filter).await.unwrap_or_else(|e| panic!("list {filter:?}: {e}"));
            assert!(listed.unreadable.is_empty(), "{:?}", listed.unreadable);
            assert!(listed.requests.iter().all(|(r, _)| r.tenant_id == tenant), "only the tenant's requests");
            listed.requests.len()
        }
    };
    assert_eq!(count(RequestFilter::default()).await, 7, "{}: every request of the tenant, over four pages", b.name);
    let pending = RequestFilter { state: Some(RequestState::Pending), ..Default::default() };
    assert_eq!(count(pending.clone()).await, 5, "{}", b.name);
    let alex_only = RequestFilter { requester_object_id: Some(alex.object_id.clone()), ..Default::default() };
    assert_eq!(count(alex_only).await, 5, "{}", b.name);
    let alex_pending = RequestFilter { requester_object_id: Some(alex.object_id.clone()), ..pending };
    assert_eq!(count(alex_pending).await, 3, "{}", b.name);
    let other = table.list("00000000-0000-4000-8000-0000000000aa", &RequestFilter::default()).await.expect("list");
    assert_eq!(other.requests.len(), 1);
    let listed = table.list(&b.tenant_id, &RequestFilter::default()).await.expect("list");
    let (first, etag) = listed.requests.iter().find(|(r, _)| r.id == made[0].id).expect("listed");
    assert_eq!(first, &made[0]);
    table.replace(first, etag).await.unwrap_or_else(|e| panic!("{}: a listed ETag is good for a replace: {e}", b.name));
}

async fn two_approvers_racing_on_one_etag(b: &Backend) {
    let table = b.fresh("race").await;
    let pending = request(&b.tenant_id, &b.requester.person, RequestState::Pending, 2);
    table.insert(&pending).await.expect("insert");
    let (read, etag) = table.get(&b.tenant_id, &pending.id).await.expect("get");
    let approver = b.table(table.table(), &b.approver);
    let mut approved = read.clone();
    approved.state = RequestState::Approved;
    let mut rejected = read.clone();
    rejected.state = RequestState::Rejected;
    let (one, other) = tokio::join!(approver.replace(&approved, &etag), table.replace(&rejected, &etag));
    let (won, lost) = match (&one, &other) {
        (Ok(_), Err(e)) => (RequestState::Approved, e),
        (Err(e), Ok(_)) => (RequestState::Rejected, e),
        _ => panic!("{}: exactly one of two replaces with the same ETag wins: {one:?} / {other:?}", b.name),
    };
    assert!(matches!(lost, AzureError::RequestChanged { id } if *id == pending.id), "{}: {lost:?}", b.name);
    assert_eq!(lost.code(), "conflict");
    assert!(lost.to_string().contains("Someone else changed request"), "{lost}");
    let (now, fresh) = table.get(&b.tenant_id, &pending.id).await.expect("get");
    assert_eq!(now.state, won, "{}: the winner's change is stored", b.name);
    let mut applied = now.clone();
    applied.state = RequestState::Applied;
    table.replace(&applied, &fresh).await.unwrap_or_else(|e| panic!("{}: the fresh ETag works: {e}", b.name));
}

async fn a_replace_never_creates(b: &Backend) {
    let table = b.fresh("noupsert").await;
    let existing = request(&b.tenant_id, &b.requester.person, RequestState::Pending, 1);
    let etag = table.insert(&existing).await.expect("insert");
    let ghost = request(&b.tenant_id, &b.requester.person, RequestState::Approved, 1);
    let e = table.replace(&ghost, &etag).await.expect_err("nothing to replace");
    assert!(matches!(e, AzureError::RequestNotFound { .. }), "{}: {e:?}", b.name);
    assert_eq!(e.code(), "not_found");
    let e = table.get(&b.tenant_id, &ghost.id).await.expect_err("not created");
    assert!(matches!(e, AzureError::RequestNotFound { .. }), "{}: {e:?}", b.name);
}

async fn limits_are_refused_before_sending(b: &Backend) {
    let table = b.fresh("limits").await;
    let mut huge = request(&b.tenant_id, &b.requester.person, RequestState::Pending, 1);
    // 600,000 characters: within what Azurite stores, past Azure's 1 MiB.
    huge.justification = "x".repeat(600_000);
    let e = table.insert(&huge).await.expect_err("past 1 MiB");
    assert!(matches!(e, AzureError::RequestTooLarge(_)), "{e:?}");
    assert!(e.to_string().contains("1,024 KiB"), "{e}");
    let mut long_ticket = request(&b.tenant_id, &b.requester.person, RequestState::Pending, 1);
    long_ticket.ticket = Some("T".repeat(MAX_STRING_UNITS + 1));
    let e = table.insert(&long_ticket).await.expect_err("a column past 32,768");
    assert!(e.to_string().contains("Ticket"), "{e}");
    let mut bad_key = request(&b.tenant_id, &b.requester.person, RequestState::Pending, 1);
    bad_key.id = "a/b".into();
    let e = table.insert(&bad_key).await.expect_err("a key with a slash");
    assert_eq!(e.code(), "invalid_request");
    for id in [&huge.id, &long_ticket.id] {
        let e = table.get(&b.tenant_id, id).await.expect_err("nothing was stored");
        assert!(matches!(e, AzureError::RequestNotFound { .. }), "{}: {e:?}", b.name);
    }
}

async fn a_malformed_entity_is_named(b: &Backend) {
    let table = b.fresh("malformed").await;
    let good = request(&b.tenant_id, &b.requester.person, RequestState::Pending, 1);
    table.insert(&good).await.expect("insert");
    let raw = b.raw().await;
    let planted = [
        ("bad00000-0000-4000-8000-000000000001", json!({"Schema": 1, "State": "Pending", "BodyParts": 2, "Body0": "{\"id\":"})),
        ("bad00000-0000-4000-8000-000000000002", json!({"Schema": 1, "State": "Pending", "BodyParts": 99999})),
        ("bad00000-0000-4000-8000-000000000003", json!({"Schema": 1, "State": "Pending", "BodyParts": 1, "Body0": "{\"id\": 5}"})),
        ("bad00000-0000-4000-8000-000000000004", json!({"Schema": 7, "State": "Pending", "BodyParts": 1, "Body0": "{}"})),
    ];
    for (id, props) in &planted {
        let mut entity = props.clone();
        entity["PartitionKey"] = Value::from(b.tenant_id.clone());
        entity["RowKey"] = Value::from(*id);
        let (status, answer) = raw.send(Method::POST, table.table(), Some(entity)).await;
        assert!((200..300).contains(&status), "{}: planting {id}: {status} {answer}", b.name);
        let e = table.get(&b.tenant_id, id).await.expect_err("malformed");
        assert!(matches!(e, AzureError::MalformedRequest { .. }), "{}: {e:?}", b.name);
        assert!(e.to_string().contains(id), "the message names the request: {e}");
        assert_eq!(e.code(), "unexpected_response");
    }
    let listed = table.list(&b.tenant_id, &RequestFilter::default()).await.expect("a list with bad rows still lists");
    assert_eq!(listed.requests.len(), 1, "{}: the good request", b.name);
    assert_eq!(listed.unreadable.len(), planted.len(), "{}: each bad one named", b.name);
}

async fn a_missing_table_says_so(b: &Backend) {
    let table = b.table("nosuchtable", &b.requester);
    let e = table.get(&b.tenant_id, "00000000-0000-4000-8000-000000000001").await.expect_err("no table");
    assert!(matches!(e, AzureError::RequestTableMissing { .. }), "{}: {e:?}", b.name);
    assert!(e.to_string().contains("create it in Settings"), "{e}");
    assert_eq!(e.code(), "not_found");
    let e = table.list(&b.tenant_id, &RequestFilter::default()).await.expect_err("no table");
    assert!(matches!(e, AzureError::RequestTableMissing { .. }), "{}: {e:?}", b.name);
    let e = table.insert(&request(&b.tenant_id, &b.requester.person, RequestState::Pending, 1)).await.expect_err("no table");
    assert!(matches!(e, AzureError::RequestTableMissing { .. }), "{}: {e:?}", b.name);
}

/// Signs `upn` in through the simulator's Entra twice over: as the app does
/// (a `Tenant`, whose `request_table` the suite uses against the simulator)
/// and as a bare credential, whose storage tokens also go to Azurite.
async fn sim_user(world: &common::World, upn: &str) -> Signed {
    let (tenant, identity) = world.as_user(upn).await;
    let credential = EntraCredential::sign_in_without_prompt(
        desk_azure::http::client().expect("client"),
        Authority {
            host: Url::parse(&format!("{}/", world.sim.base_url())).expect("url"),
            tenant: world.principals["tenantId"].as_str().expect("tenant").to_owned(),
        },
        world.principals["publicClientId"].as_str().expect("client id"),
        upn,
        PUBLIC_TOKEN_SCOPE,
    )
    .await
    .expect("signs in");
    Signed {
        person: Person { account: identity.account, object_id: identity.object_id },
        credential: Arc::new(credential),
        tenant: Some(tenant),
    }
}

/// Azurite, with storage tokens the simulator's Entra issued (v1 issuer,
/// audience `https://storage.azure.com`, as Entra issues them for Storage).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_register_suite_passes_against_azurite() {
    let azurite = Azurite::start();
    let world = common::World::start().await;
    let without_tenant = |mut signed: Signed| {
        signed.tenant = None;
        signed
    };
    let backend = Backend {
        name: "Azurite",
        endpoint: azurite.endpoint.clone(),
        http: azurite.http(),
        tenant_id: world.principals["tenantId"].as_str().expect("tenant").to_owned(),
        requester: without_tenant(sim_user(&world, "riley.reader@contoso.example").await),
        approver: without_tenant(sim_user(&world, "morgan.manager@contoso.example").await),
    };
    run_suite(&backend).await;
}

/// The simulator's Table API, reached as the app reaches it (`Tenant::request_table`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_register_suite_passes_against_the_simulator() {
    let world = common::World::start().await;
    let backend = Backend {
        name: "simulator",
        endpoint: world.sim.table_endpoint(&azure_sim::demo_request_table().account),
        http: desk_azure::http::client().expect("client"),
        tenant_id: world.principals["tenantId"].as_str().expect("tenant").to_owned(),
        requester: sim_user(&world, "riley.reader@contoso.example").await,
        approver: sim_user(&world, "morgan.manager@contoso.example").await,
    };
    run_suite(&backend).await;
}

/// Only the simulator models data roles: a principal without *Storage Table
/// Data Contributor* on the account is told which role it needs.
#[tokio::test]
async fn without_the_data_role_the_simulator_says_which_role_is_needed() {
    let world = common::World::start().await;
    let seeded = azure_sim::demo_request_table();
    let (tenant, _) = world.as_service_principal().await;
    let choice = RequestTableChoice { endpoint: world.sim.table_endpoint(&seeded.account), table: seeded.table.clone() };
    let table = tenant.request_table(&choice).expect("table");
    let tenant_id = world.principals["tenantId"].as_str().expect("tenant").to_owned();
    let e = table.list(&tenant_id, &RequestFilter::default()).await.expect_err("no data role");
    assert!(matches!(e, AzureError::RequestTableForbidden { .. }), "{e:?}");
    assert_eq!(e.code(), "forbidden");
    assert!(e.to_string().contains("Storage Table Data Contributor") && e.to_string().contains(&seeded.account), "{e}");
    let e = table.insert(&request(&tenant_id, &Person { account: "ci".into(), object_id: "ci".into() }, RequestState::Pending, 1)).await;
    assert!(matches!(e, Err(AzureError::RequestTableForbidden { .. })), "{e:?}");

    // The same seeded table is open to a user holding the role.
    let riley = sim_user(&world, "riley.reader@contoso.example").await;
    let theirs = riley.tenant.as_ref().expect("tenant").request_table(&choice).expect("table");
    let listed = theirs.list(&tenant_id, &RequestFilter::default()).await.expect("Riley holds the data role");
    assert!(listed.unreadable.is_empty());
}
