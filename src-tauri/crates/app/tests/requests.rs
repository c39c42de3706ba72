//! Requests and approvals through the application layer against the
//! simulator and its Table service: a reader asks, someone else reviews under
//! their own identity and approves, and the approver's apply writes the
//! exemption with the request and the approval in its metadata. Two approvers
//! racing: exactly one wins, and the loser sends nothing.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use desk_app::{AppError, Desk, NewsSeen};
use desk_core::activity::{ActivityKind, ActivityQuery};
use desk_core::checks::{CheckKind, CheckStatus};
use desk_core::exemption::ExemptionCategory;
use desk_core::request::{
    ApprovalRequirement, ApproverChanges, ExemptionRequest, RequestListKind, RequestState, RequestTableChoice, TenantPolicy, TenantSettings,
};
use serde_json::{json, Value};

/// Reader everywhere: may ask, may not write.
const READER: &str = "riley.reader@contoso.example";
/// Owner: may write exemptions (the approver).
const MANAGER: &str = "morgan.manager@contoso.example";
/// Security admin: may write exemptions too (the other approver).
const ADMIN: &str = "alex.admin@contoso.example";

/// The demo seed's request table (all three people hold its data role).
fn table(world: &World) -> RequestTableChoice {
    let seeded = azure_sim::demo_request_table();
    RequestTableChoice { endpoint: world.sim.table_endpoint(&seeded.account), table: seeded.table }
}

/// The exemption PUTs and DELETEs sent so far (the table's own PUTs left out).
async fn exemption_writes(world: &World) -> Vec<Value> {
    world.puts().await.into_iter().filter(|p| p["path"].as_str().is_some_and(|s| s.contains("policyExemptions"))).collect()
}

async fn signed_in_user(world: &World, dir: &DataDir, upn: &str, profile: &str) -> Desk {
    let app = desk(dir, Arc::new(MemorySecrets::default()));
    world.control("/_sim/settings", json!({"deviceCodeAutoApproveAfterPolls": 1, "deviceCodeAutoApproveUpn": upn})).await;
    app.sign_in(&Recorder::default(), world.device_code(profile)).await.expect("signs in");
    app
}

async fn with_table(world: &World, app: &Desk, policy: TenantPolicy) {
    app.save_tenant_settings(TenantSettings { request_table: Some(table(world)), policy }).await.expect("settings saved");
}

async fn state_of(app: &Desk, id: &str) -> RequestState {
    let all = app.list_requests(RequestListKind::All).await.expect("lists");
    all.iter().find(|r| r.id == id).map(|r| r.state).expect("the request is listed")
}

/// Wait (at most 30 s) until the request reaches a final state.
async fn settled(app: &Desk, id: &str) -> RequestState {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let state = state_of(app, id).await;
        if state.is_final() {
            return state;
        }
        assert!(Instant::now() < deadline, "request {id} is still {state:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn code(e: AppError) -> (String, String) {
    (e.code().as_str().to_owned(), e.to_string())
}

async fn ask(reader: &Desk, name: &str) -> ExemptionRequest {
    let mut d = draft(&[PRODUCTION], SECURE_TRANSFER, name);
    d.category = Some(ExemptionCategory::Waiver);
    reader.submit_request(d, "Legacy clients until the migration".into(), Some("CHG-42".into())).await.expect("the request is stored")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_asks_someone_else_approves_and_azure_records_both() {
    let world = World::start().await;
    let (dir_r, dir_a) = (DataDir::new("req-reader"), DataDir::new("req-approver"));
    let reader = signed_in_user(&world, &dir_r, READER, "reader").await;
    with_table(&world, &reader, TenantPolicy::default()).await;
    let approver = signed_in_user(&world, &dir_a, MANAGER, "manager").await;
    with_table(&world, &approver, TenantPolicy::default()).await;

    let (mut approver_seen, mut reader_seen) = (NewsSeen::default(), NewsSeen::default());
    assert!(approver.request_news(&mut approver_seen).await.expect("news").is_empty());
    assert!(reader.request_news(&mut reader_seen).await.expect("news").is_empty());

    // The reader may not write: the plan is made anyway, and the request stored.
    let request = ask(&reader, "asked-by-riley").await;
    assert_eq!(request.state, RequestState::Pending);
    assert_eq!(request.requested_by.account, READER);
    assert!(!request.writes.is_empty());
    let permissions = request.checks.iter().find(|c| c.kind == CheckKind::Permissions).expect("checked");
    assert_eq!(permissions.status, CheckStatus::Failed, "that is why one asks");
    let mine = reader.list_requests(RequestListKind::Mine).await.expect("mine");
    assert_eq!(mine.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [request.id.as_str()]);
    assert!(reader.list_requests(RequestListKind::AwaitingDecision).await.expect("queue").is_empty(), "not in one's own queue");

    // The requester cannot approve it, even with a plan id of their own.
    let own = reader.review_request(&request.id, ApproverChanges::default()).await.expect("reviews");
    assert!(own.cannot_approve.as_deref().is_some_and(|w| w.contains("your own request")), "{:?}", own.cannot_approve);
    let refused = reader.approve_request(Arc::new(Recorder::default()), &request.id, &own.preparation.plan_id, ApproverChanges::default()).await;
    assert!(refused.is_err());

    // The approver hears of it once; the reader is not told of their own request.
    let news = approver.request_news(&mut approver_seen).await.expect("news");
    assert_eq!(news.awaiting.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [request.id.as_str()]);
    assert!(news.summary().1.contains(READER), "{:?}", news.summary());
    assert!(approver.request_news(&mut approver_seen).await.expect("news").is_empty(), "told once");
    assert!(reader.request_news(&mut reader_seen).await.expect("news").is_empty());

    // The approver's queue, the review under their identity, with a shorter expiry.
    let queue = approver.list_requests(RequestListKind::AwaitingDecision).await.expect("queue");
    assert!(queue.iter().any(|r| r.id == request.id));
    let changes = ApproverChanges { expires_on: Some("2030-01-31".into()), category: None };
    let later = ApproverChanges { expires_on: Some("2031-01-31".into()), category: None };
    assert!(approver.review_request(&request.id, later).await.is_err(), "an approver may only shorten the expiry");
    let review = approver.review_request(&request.id, changes.clone()).await.expect("reviews");
    assert_eq!(review.cannot_approve, None, "{:?}", review.preparation.checks);
    assert!(!review.preparation.blocked);
    assert!(review.differences.iter().any(|d| d.contains("2030-01-31")), "{:?}", review.differences);
    let events = Arc::new(Recorder::default());
    let apply_id = approver.approve_request(events, &request.id, &review.preparation.plan_id, changes).await.expect("approves");
    assert_eq!(settled(&approver, &request.id).await, RequestState::Applied);
    let report = approver.apply_report(&apply_id).expect("report");
    assert!(report.items.iter().all(|i| i.state == desk_core::apply::ItemState::Succeeded));

    // What Azure recorded: the request and both people, and the approver's token made the PUT.
    let puts: Vec<Value> = exemption_writes(&world).await.into_iter().filter(|p| p["path"].as_str().is_some_and(|s| s.contains("asked-by-riley"))).collect();
    assert_eq!(puts.len(), review.preparation.writes.len());
    for put in &puts {
        let metadata = &put["body"]["properties"]["metadata"];
        assert_eq!(metadata["requestId"], json!(request.id));
        assert_eq!(metadata["requestedBy"], json!(READER));
        assert_eq!(metadata["requestedByObjectId"], json!(request.requested_by.object_id));
        assert_eq!(metadata["ticket"], json!("CHG-42"));
        assert_eq!(metadata["approvedBy"], json!(MANAGER));
        assert_eq!(put["token"]["upn"], json!(MANAGER), "the approver's token wrote it");
        assert!(metadata["approvedAt"].is_string() && metadata["requestedAt"].is_string());
        assert!(put["body"]["properties"]["expiresOn"].as_str().is_some_and(|e| e.starts_with("2030-01-31")), "{put}");
    }
    // The register shows who asked and who approved.
    let register = approver.exemption_register("requests-register", &desk_app::Unwatched).await.expect("register");
    let row = register.iter().find(|e| e.exemption.name == "asked-by-riley").expect("the written exemption is in the register");
    assert_eq!((row.requested_by.as_deref(), row.approved_by.as_deref(), row.ticket.as_deref()), (Some(READER), Some(MANAGER), Some("CHG-42")));
    assert_eq!(row.created_by.as_deref(), Some(MANAGER), "systemData.createdBy is the approver");

    // The reader hears of the decision.
    let news = reader.request_news(&mut reader_seen).await.expect("news");
    assert_eq!(news.decided.iter().map(|r| (r.id.as_str(), r.state)).collect::<Vec<_>>(), [(request.id.as_str(), RequestState::Applied)]);

    // The history: asked, approved, applied; the reader sees it decided.
    let decided = reader.list_requests(RequestListKind::Mine).await.expect("mine");
    let states: Vec<RequestState> = decided[0].history.iter().map(|e| e.state).collect();
    assert_eq!(states, [RequestState::Pending, RequestState::Approved, RequestState::Applied]);
    assert_eq!(decided[0].apply_id.as_deref(), Some(apply_id.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_approvers_race_and_exactly_one_sends() {
    let world = World::start().await;
    let dirs = [DataDir::new("race-reader"), DataDir::new("race-one"), DataDir::new("race-two")];
    let reader = signed_in_user(&world, &dirs[0], READER, "reader").await;
    with_table(&world, &reader, TenantPolicy::default()).await;
    let one = signed_in_user(&world, &dirs[1], MANAGER, "manager").await;
    with_table(&world, &one, TenantPolicy::default()).await;
    let two = signed_in_user(&world, &dirs[2], ADMIN, "admin").await;
    with_table(&world, &two, TenantPolicy::default()).await;

    let request = ask(&reader, "raced").await;
    let first = one.review_request(&request.id, ApproverChanges::default()).await.expect("reviews");
    let second = two.review_request(&request.id, ApproverChanges::default()).await.expect("reviews");
    assert_eq!((first.cannot_approve.as_deref(), second.cannot_approve.as_deref()), (None, None));
    // The table's PUTs wait, so both approvers have read the request (and its
    // ETag) before either replaces it: a true race, decided by If-Match.
    world.control("/_sim/faults", json!({"rules": [{"pathPattern": "/tables/**", "methods": ["PUT"], "latencyMs": {"fixed": 400}}]})).await;
    let (a, b) = tokio::join!(
        one.approve_request(Arc::new(Recorder::default()), &request.id, &first.preparation.plan_id, ApproverChanges::default()),
        two.approve_request(Arc::new(Recorder::default()), &request.id, &second.preparation.plan_id, ApproverChanges::default()),
    );
    let (won, lost) = match (a, b) {
        (Ok(id), Err(e)) => ((one, id), e),
        (Err(e), Ok(id)) => ((two, id), e),
        other => panic!("exactly one approval must win: {other:?}"),
    };
    assert_eq!(code(lost), ("conflict".to_owned(), AppError::RequestRace.to_string()));
    world.faults_off().await;
    assert_eq!(settled(&won.0, &request.id).await, RequestState::Applied);
    let puts = exemption_writes(&world).await.into_iter().filter(|p| p["path"].as_str().is_some_and(|s| s.contains("/raced"))).count();
    assert_eq!(puts, first.preparation.writes.len(), "only the winner's writes were sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawn_rejected_and_sent_back_requests_go_only_where_the_rules_allow() {
    let world = World::start().await;
    let (dir_r, dir_a) = (DataDir::new("rules-reader"), DataDir::new("rules-approver"));
    let reader = signed_in_user(&world, &dir_r, READER, "reader").await;
    with_table(&world, &reader, TenantPolicy::default()).await;
    let approver = signed_in_user(&world, &dir_a, MANAGER, "manager").await;
    with_table(&world, &approver, TenantPolicy::default()).await;

    // Withdrawn: it can no longer be approved, and the review says why.
    let withdrawn = ask(&reader, "withdrawn").await;
    let review = approver.review_request(&withdrawn.id, ApproverChanges::default()).await.expect("reviews");
    assert!(approver.withdraw_request(&withdrawn.id).await.is_err(), "only the requester withdraws");
    assert_eq!(reader.withdraw_request(&withdrawn.id).await.expect("withdraws").state, RequestState::Withdrawn);
    let late = approver.approve_request(Arc::new(Recorder::default()), &withdrawn.id, &review.preparation.plan_id, ApproverChanges::default());
    assert_eq!(code(late.await.expect_err("withdrawn")).0, "invalid_request");
    let again = approver.review_request(&withdrawn.id, ApproverChanges::default()).await.expect("reviews");
    assert!(again.cannot_approve.as_deref().is_some_and(|w| w.contains("withdrawn")));

    // Sent back for changes, resubmitted with a new name, then rejected with a reason.
    let asked = ask(&reader, "first-try").await;
    assert!(approver.request_changes(&asked.id, " ".into()).await.is_err(), "a comment is required");
    let back = approver.request_changes(&asked.id, "Name it after the ticket".into()).await.expect("sent back");
    assert_eq!(back.state, RequestState::ChangesRequested);
    let edited = draft(&[PRODUCTION], SECURE_TRANSFER, "chg-42-waiver");
    let resubmitted = reader.resubmit_request(&asked.id, edited, "As asked".into(), Some("CHG-42".into())).await.expect("resubmits");
    assert_eq!(resubmitted.state, RequestState::Pending);
    assert!(resubmitted.writes.iter().all(|w| w.name.starts_with("chg-42-waiver")));
    assert!(approver.reject_request(&asked.id, String::new()).await.is_err(), "a reason is required");
    let rejected = approver.reject_request(&asked.id, "Fix it instead".into()).await.expect("rejects");
    assert_eq!(rejected.state, RequestState::Rejected);
    assert_eq!(rejected.history.last().and_then(|e| e.note.as_deref()), Some("Fix it instead"));
    assert!(exemption_writes(&world).await.is_empty(), "no exemption was written");

    // The audit log has the request and the decisions.
    let decisions = activity(&approver);
    assert!(decisions.iter().any(|(k, s)| *k == ActivityKind::Decision && s.contains("rejected: Fix it instead")), "{decisions:?}");
    assert!(activity(&reader).iter().any(|(k, s)| *k == ActivityKind::Request && s.contains("withdrawn")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tenant_policy_stops_a_direct_create_and_checks_requests() {
    let world = World::start().await;
    let dir = DataDir::new("policy");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    app.sign_in(&Recorder::default(), world.service_principal("ci")).await.expect("signs in");
    let policy = TenantPolicy { approval: ApprovalRequirement::Waivers, max_expiry_days: Some(30), ticket_required: true };
    with_table(&world, &app, policy).await;
    let mut waiver = draft(&[PRODUCTION], SECURE_TRANSFER, "policy-waiver");
    waiver.category = Some(ExemptionCategory::Waiver);
    let created = app.prepare_exemption(waiver.clone()).await.expect("prepares");
    assert!(created.blocked);
    let approval = created.checks.iter().find(|c| c.kind == CheckKind::Approval).expect("the policy's check");
    assert_eq!(approval.title, "This tenant requires approval for waivers — request it");
    let asked = app.submit_request(waiver, "Needed".into(), None).await;
    let (kind, message) = code(asked.expect_err("no ticket, expiry too late"));
    assert_eq!(kind, "checks_failed", "{message}");
    assert!(message.contains("ticket") && message.contains("expiry"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_file_is_reviewed_and_approved_with_its_requester_unverified() {
    let world = World::start().await;
    let (dir_r, dir_a) = (DataDir::new("file-reader"), DataDir::new("file-approver"));
    let reader = signed_in_user(&world, &dir_r, READER, "reader").await;
    let approver = signed_in_user(&world, &dir_a, MANAGER, "manager").await;

    let mut d = draft(&[PRODUCTION], SECURE_TRANSFER, "from-a-file");
    d.category = Some(ExemptionCategory::Waiver);
    let path = dir_r.path().join("asked").display().to_string();
    let written = reader.save_request_file(d, "Legacy".into(), Some("CHG-9".into()), &path).await.expect("saved");
    assert!(written.ends_with(".exemption-request.json"));
    assert!(reader.review_request_file(&written, ApproverChanges::default()).await.expect("reviews").cannot_approve.is_some());

    let opened = approver.review_request_file(&written, ApproverChanges::default()).await.expect("reviews");
    assert!(!opened.request.requester_verified);
    // Reviewed again by its id with the approver's changes (the file was opened once).
    let shorter = ApproverChanges { expires_on: Some("2029-12-31".into()), category: None };
    let review = approver.review_request(&opened.request.id, shorter).await.expect("reviews again");
    assert!(!review.request.requester_verified);
    assert!(review.preparation.writes.iter().all(|w| w.body["properties"]["expiresOn"].as_str().is_some_and(|e| e.starts_with("2029-12-31"))));
    assert_eq!(review.cannot_approve, None, "{:?}", review.preparation.checks);
    let apply_id = approver
        .approve_request(Arc::new(Recorder::default()), &review.request.id, &review.preparation.plan_id, ApproverChanges::default())
        .await
        .expect("approves");
    until("the apply ends", || !approver.is_running(&apply_id)).await;
    let again = approver.review_request(&review.request.id, ApproverChanges::default()).await.expect("reviews");
    assert!(again.cannot_approve.as_deref().is_some_and(|w| w.contains("approved")), "approved once: {:?}", again.cannot_approve);
    let puts: Vec<Value> = exemption_writes(&world).await.into_iter().filter(|p| p["path"].as_str().is_some_and(|s| s.contains("from-a-file"))).collect();
    assert!(!puts.is_empty());
    for put in &puts {
        let metadata = &put["body"]["properties"]["metadata"];
        assert_eq!((metadata["requestedBy"].clone(), metadata["requesterVerified"].clone()), (json!(READER), json!(false)));
        assert_eq!(metadata["requestId"], json!(review.request.id));
    }
    let decisions = activity(&approver);
    assert!(decisions.iter().any(|(_, s)| s.contains("from a file") && s.contains("unverified")), "{decisions:?}");

    // Another file request is rejected: recorded in the approver's log, nothing written.
    let path = dir_r.path().join("second").display().to_string();
    let second = reader.save_request_file(draft(&[PRODUCTION], SECURE_TRANSFER, "second-file"), "Again".into(), None, &path).await.expect("saved");
    let opened = approver.review_request_file(&second, ApproverChanges::default()).await.expect("reviews");
    let rejected = approver.reject_request(&opened.request.id, "Not without a ticket".into()).await.expect("rejects");
    assert_eq!(rejected.state, RequestState::Rejected);
    assert!(approver.review_request(&opened.request.id, ApproverChanges::default()).await.expect("reviews").cannot_approve.is_some());
    assert!(activity(&approver).iter().any(|(_, s)| s.contains("from a file") && s.contains("rejected: Not without a ticket")));
    assert!(exemption_writes(&world).await.iter().all(|p| !p["path"].as_str().unwrap_or_default().contains("second-file")));

    // A file of another tenant, or altered, is refused with a reason.
    let text = std::fs::read_to_string(&written).expect("reads");
    let other = dir_a.path().join("other.exemption-request.json");
    std::fs::write(&other, text.replace(&review.request.tenant_id, "fabrikam-tenant")).expect("writes");
    let refused = approver.review_request_file(&other.display().to_string(), ApproverChanges::default()).await;
    assert!(refused.expect_err("another tenant").to_string().contains("not the one you are signed in to"));
}

/// The Activity log's request and decision lines: (kind, summary).
fn activity(app: &Desk) -> Vec<(ActivityKind, String)> {
    let query = ActivityQuery { text: String::new(), kinds: vec![ActivityKind::Request, ActivityKind::Decision], limit: 0 };
    app.activity(&query).expect("activity").into_iter().map(|e| (e.kind, e.summary)).collect()
}
