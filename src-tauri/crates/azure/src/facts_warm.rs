//! A preparation's reads made all at once: the distinct lists and objects
//! [`Tenant::scope_facts`] will ask for are gathered first, read
//! [`crate::ReadOptions::concurrency`] at a time, and put in its cache
//! ([`Reads`]); the walk then finds them there. A read that fails here is
//! left out of the cache, so the walk makes it again and reports its error
//! exactly as it would have.

use desk_core::exemption::Exemption;
use desk_core::permissions::Permissions;
use desk_core::plan::InitiativeMember;
use desk_core::scope::{resource_group_of, subscription_of, subscription_scope, ScopeChoice};

use crate::apply::Cancel;
use crate::facts::{assignment_scope, covers, exemptions_key, strictly_inside, Reads};
use crate::fan_out::fan_out;
use crate::tenant::Tenant;

/// One read a preparation needs.
#[derive(Clone, PartialEq, Eq)]
enum Job {
    AssignmentsAt(String),
    Unfiltered(String),
    Permissions(String),
    Initiative(String),
    Exemptions(String, Option<&'static str>),
}

enum Found {
    Assignments(Vec<(String, String)>),
    Permissions(Option<Permissions>),
    Initiative((String, Vec<InitiativeMember>)),
    Exemptions(Vec<Exemption>),
}

const EXACT: Option<&str> = Some("atExactScope()");

impl Reads {
    fn has(&self, job: &Job) -> bool {
        match job {
            Job::AssignmentsAt(s) => self.assignments.contains_key(&s.to_ascii_lowercase()),
            Job::Unfiltered(s) => self.assignments.contains_key(&format!("{}|within", s.to_ascii_lowercase())),
            Job::Permissions(s) => self.permissions.contains_key(&s.to_ascii_lowercase()),
            Job::Initiative(id) => self.initiatives.contains_key(&id.to_ascii_lowercase()),
            Job::Exemptions(s, f) => self.exemptions.contains_key(&exemptions_key(s, *f)),
        }
    }

    fn keep(&mut self, job: Job, found: Found) {
        match (job, found) {
            (Job::AssignmentsAt(s), Found::Assignments(a)) => {
                self.assignments.insert(s.to_ascii_lowercase(), a);
            }
            (Job::Unfiltered(s), Found::Assignments(a)) => {
                self.assignments.insert(format!("{}|within", s.to_ascii_lowercase()), a);
            }
            (Job::Permissions(s), Found::Permissions(p)) => {
                self.permissions.insert(s.to_ascii_lowercase(), p);
            }
            (Job::Initiative(id), Found::Initiative(i)) => {
                self.initiatives.insert(id.to_ascii_lowercase(), i);
            }
            (Job::Exemptions(s, f), Found::Exemptions(e)) => {
                self.exemptions.insert(exemptions_key(&s, f), e);
            }
            _ => {}
        }
    }

    fn cached(&self, key: &str) -> Vec<(String, String)> {
        self.assignments.get(&key.to_ascii_lowercase()).cloned().unwrap_or_default()
    }
}

impl Tenant {
    /// Read these jobs at once (those not in `reads` yet) and keep what they found.
    async fn run(&self, mut jobs: Vec<Job>, reads: &mut Reads) {
        jobs.retain(|j| !reads.has(j));
        let mut distinct: Vec<Job> = Vec::with_capacity(jobs.len());
        for job in jobs {
            if !distinct.contains(&job) {
                distinct.push(job);
            }
        }
        let answers = fan_out(distinct, self.options.limit(), &Cancel::default(), |job| async move {
            let found = match &job {
                Job::AssignmentsAt(s) => self.fetch_assignments_at(s).await.map(Found::Assignments),
                Job::Unfiltered(s) => self.fetch_unfiltered(s).await.map(Found::Assignments),
                Job::Permissions(s) => self.fetch_permissions(s).await.map(Found::Permissions),
                Job::Initiative(id) => self.fetch_initiative(id).await.map(Found::Initiative),
                Job::Exemptions(s, f) => self.exemptions_at(s, *f).await.map(Found::Exemptions),
            };
            Ok((job, found.ok()))
        })
        .await
        .unwrap_or_default();
        for (job, found) in answers {
            if let Some(found) = found {
                reads.keep(job, found);
            }
        }
    }

    pub(crate) async fn warm_assignments_at(&self, scopes: Vec<String>, reads: &mut Reads) {
        self.run(scopes.into_iter().map(Job::AssignmentsAt).collect(), reads).await;
    }

    pub(crate) async fn warm_unfiltered(&self, scopes: Vec<String>, reads: &mut Reads) {
        self.run(scopes.into_iter().map(Job::Unfiltered).collect(), reads).await;
    }

    pub(crate) async fn warm_initiatives(&self, ids: Vec<String>, reads: &mut Reads) {
        self.run(ids.into_iter().map(Job::Initiative).collect(), reads).await;
    }

    /// Everything [`Tenant::scope_facts`] will read for `choice`, in two rounds:
    /// the lists at the chosen scopes, then what those lists name
    /// (initiatives, the scopes of assignments and their rights and names).
    pub(crate) async fn warm_scope_facts(&self, choice: &ScopeChoice, reads: &mut Reads) {
        let scopes = choice.scopes();
        let mut first = Vec::new();
        match choice {
            ScopeChoice::Resources { .. } => {
                for sub in choice.subscription_ids() {
                    first.push(Job::Exemptions(subscription_scope(&sub), None));
                    first.push(Job::Unfiltered(subscription_scope(&sub)));
                }
                for scope in &scopes {
                    first.push(Job::Permissions(resource_group_of(scope).unwrap_or_else(|| scope.clone())));
                }
            }
            ScopeChoice::ManagementGroup { .. } => {
                for scope in &scopes {
                    first.extend([
                        Job::Exemptions(scope.clone(), EXACT),
                        Job::AssignmentsAt(scope.clone()),
                        Job::Permissions(scope.clone()),
                    ]);
                }
            }
            ScopeChoice::Subscriptions { .. } | ScopeChoice::ResourceGroups { .. } => {
                for scope in &scopes {
                    first.extend([
                        Job::Exemptions(scope.clone(), EXACT),
                        Job::AssignmentsAt(scope.clone()),
                        Job::Unfiltered(scope.clone()),
                        Job::Permissions(scope.clone()),
                    ]);
                }
            }
        }
        self.run(first, reads).await;
        // The assignments the walk will use, as it will pick them.
        let mut used: Vec<(String, String)> = Vec::new();
        let mut below_scopes: Vec<String> = Vec::new();
        for scope in &scopes {
            match choice {
                ScopeChoice::Resources { .. } => {
                    let sub = subscription_of(scope).map(|s| subscription_scope(&s)).unwrap_or_default();
                    used.extend(reads.cached(&format!("{sub}|within")).into_iter().filter(|(id, _)| covers(&assignment_scope(id), scope)));
                }
                ScopeChoice::ManagementGroup { .. } => used.extend(reads.cached(scope)),
                ScopeChoice::Subscriptions { .. } | ScopeChoice::ResourceGroups { .. } => {
                    used.extend(reads.cached(scope));
                    for (id, definition) in reads.cached(&format!("{scope}|within")) {
                        if strictly_inside(&assignment_scope(&id), scope) {
                            if definition.to_ascii_lowercase().contains("/policysetdefinitions/") {
                                below_scopes.push(assignment_scope(&id));
                            }
                            used.push((id, definition));
                        }
                    }
                }
            }
        }
        let mut second = Vec::new();
        for (id, definition) in &used {
            if definition.to_ascii_lowercase().contains("/policysetdefinitions/") {
                second.push(Job::Initiative(definition.clone()));
                second.push(Job::Permissions(assignment_scope(id)));
            }
        }
        for scope in below_scopes {
            second.push(Job::Exemptions(scope.clone(), EXACT));
            second.push(Job::Permissions(scope));
        }
        self.run(second, reads).await;
    }
}
