//! Checks computed once per choice: the simulator's request log shows that a
//! preparation which changes only the description (or is the Preview of the
//! same draft) sends nothing to Azure, while a new scope, "Check again" and
//! the first preparation after an apply read again.

mod common;

use std::sync::Arc;

use common::*;

/// How many requests (not `/_sim` controls) the simulator has served.
async fn served(world: &World) -> usize {
    world.requests().await.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_description_sends_no_request_a_new_scope_or_an_apply_reads_again() {
    let world = World::start().await;
    let dir = DataDir::new("choice");
    let app = Arc::new(desk(&dir, Arc::new(MemorySecrets::default())));
    let events = Arc::new(Recorder::default());
    app.sign_in(&*events, world.service_principal("ci")).await.expect("signs in");

    let mut d = draft(&[PRODUCTION], SECURE_TRANSFER, "choice-once");
    let before = served(&world).await;
    let first = app.prepare_exemption(d.clone()).await.expect("prepares");
    assert!(!first.blocked, "{:?}", first.checks);
    let after_first = served(&world).await;
    assert!(after_first > before, "the first preparation of a choice reads Azure");

    // Typing: description, name, expiry, category change; the choice does not.
    d.description = "Handled by the WAF; reviewed by the security team".into();
    d.name = "choice-once-2".into();
    d.expires_on = Some("2031-01-31".into());
    d.category = Some(desk_core::exemption::ExemptionCategory::Waiver);
    let typed = app.prepare_exemption(d.clone()).await.expect("prepares");
    // The Preview button prepares the same draft again.
    let preview = app.prepare_exemption(d.clone()).await.expect("prepares");
    assert_eq!(served(&world).await, after_first, "only the choice's reads cost requests");
    assert_eq!(typed.checks, preview.checks);
    assert_eq!(typed.writes[0].body["properties"]["description"], "Handled by the WAF; reviewed by the security team");
    assert!(typed.writes.iter().all(|w| w.name.starts_with("choice-once-2")), "the plan follows the new name");
    assert_eq!(typed.writes.len(), first.writes.len());

    // Another scope is another choice.
    d.scope = desk_core::scope::ScopeChoice::Subscriptions { ids: vec![PRODUCTION.into(), DEVELOPMENT.into()] };
    let wider = app.prepare_exemption(d.clone()).await.expect("prepares");
    let after_scope = served(&world).await;
    assert!(after_scope > after_first, "a new scope reads Azure");
    assert!(wider.writes.len() > typed.writes.len());

    // "Check again" reads the same choice anew.
    app.recheck_exemption(d.clone()).await.expect("prepares");
    let after_recheck = served(&world).await;
    assert!(after_recheck > after_scope, "Check again reads Azure");
    let current = app.prepare_exemption(d.clone()).await.expect("prepares");
    assert_eq!(served(&world).await, after_recheck);

    // An apply writes: the next preparation reads again, and sees the exemptions it made.
    let apply_id = app.apply_plan(events.clone(), &current.plan_id).await.expect("starts");
    until("the apply finishes", || !app.is_running(&apply_id)).await;
    let after_apply = served(&world).await;
    d.scope = desk_core::scope::ScopeChoice::Subscriptions { ids: vec![PRODUCTION.into()] };
    let again = app.prepare_exemption(d.clone()).await.expect("prepares");
    assert!(served(&world).await > after_apply, "after an apply the choice is read anew");
    assert!(again.writes.iter().all(|w| w.replaces_existing), "the exemptions just written are seen: {:?}", again.writes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_draft_is_refused_before_any_read() {
    let world = World::start().await;
    let dir = DataDir::new("choice-invalid");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    app.sign_in(&Recorder::default(), world.service_principal("ci")).await.expect("signs in");
    let before = served(&world).await;
    let mut d = draft(&[PRODUCTION], SECURE_TRANSFER, "choice-invalid");
    d.name = "no/slashes".into();
    assert!(app.prepare_exemption(d).await.is_err());
    assert_eq!(served(&world).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_again_reads_the_choice_anew() {
    let world = World::start().await;
    let dir = DataDir::new("choice-session");
    let app = desk(&dir, Arc::new(MemorySecrets::default()));
    let events = Recorder::default();
    app.sign_in(&events, world.service_principal("ci")).await.expect("signs in");
    let d = draft(&[PRODUCTION], SECURE_TRANSFER, "choice-session");
    app.prepare_exemption(d.clone()).await.expect("prepares");
    app.use_profile("ci".into()).await.expect("uses the profile again");
    let before = served(&world).await;
    app.prepare_exemption(d).await.expect("prepares");
    assert!(served(&world).await > before, "a new session does not reuse the old one's reads");
}
