//! Importing a CSV of exemptions: every row validated first (errors by row
//! and column), then, for the rows not excluded, one preview of every write
//! — an existing exemption edited through the change machinery, a new one
//! planned as creation plans it — registered like any preview, so
//! `apply_plan` sends exactly these writes through the journalled runner.

use chrono::Utc;
use desk_azure::{caught, Prepared};
use desk_core::apply::Preparation;
use desk_core::arm_path::ArmPath;
use desk_core::change::{ChangeRequest, ExemptionChange, ExemptionEdit, NewExpiry, TICKET_KEY};
use desk_core::checks::{Check, CheckKind, CheckStatus};
use desk_core::choice::ChoiceKey;
use desk_core::exemption::ExemptionDraft;
use desk_core::plan::{exemption_path, PlannedWrite, Requester};
use desk_core::request::{change_policy_checks, policy_checks, PolicyUse, TenantPolicy};
use desk_core::scope::ScopeChoice;
use desk_core::transfer::{
    parse_import, ImportError, ImportPreparation, ImportRequest, ImportRow, KnownRecommendations, RowAction, RowOutcome,
};
use futures::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

use crate::transfer_files::import_bytes;
use crate::{AppError, Desk};

/// The plan registry's key for import previews: one import dialog is open
/// at a time, so a newer import preview replaces the older ones.
pub const IMPORT_KEY: &str = "exemption-import";

/// What one row contributes to the preview.
struct RowPlan {
    action: RowAction,
    checks: Vec<Check>,
    writes: Vec<PlannedWrite>,
    /// An error found only now (a new exemption's recommendation), for the row's report.
    error: Option<ImportError>,
}

/// The scope choice creation makes for one ARM scope id.
fn scope_choice(scope: &str) -> Option<ScopeChoice> {
    let path = ArmPath::parse_scope(scope).ok()?;
    if let Some(name) = path.management_group_name() {
        return Some(ScopeChoice::ManagementGroup { name: name.to_owned() });
    }
    let sub = path.subscription_id()?.to_owned();
    Some(match path.segments().len() {
        2 => ScopeChoice::Subscriptions { ids: vec![sub] },
        4 => ScopeChoice::ResourceGroups { ids: vec![scope.trim_end_matches('/').to_owned()] },
        _ => ScopeChoice::Resources { ids: vec![scope.trim_end_matches('/').to_owned()] },
    })
}

/// The day an exemption as read expires on, in the user's time zone.
fn current_day(read: &Value, utc_offset_minutes: i32) -> Option<String> {
    let at = read.get("properties")?.get("expiresOn")?.as_str()?;
    let zone = chrono::FixedOffset::east_opt(utc_offset_minutes.checked_mul(60)?)?;
    Some(chrono::DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&zone).format("%Y-%m-%d").to_string())
}

/// Checks of every row, one per kind and title: the worst status, and the
/// details of the rows that did not pass, each with its row.
fn merged(rows: &[(u32, Vec<Check>)]) -> Vec<Check> {
    let rank = |s: CheckStatus| match s {
        CheckStatus::Failed => 3,
        CheckStatus::Warning => 2,
        CheckStatus::Passed => 1,
        CheckStatus::NotApplicable => 0,
    };
    let mut out: Vec<(Check, Vec<String>)> = Vec::new();
    for (row, checks) in rows {
        for c in checks {
            let noted = matches!(c.status, CheckStatus::Failed | CheckStatus::Warning).then(|| format!("Row {row}: {}", c.detail));
            match out.iter_mut().find(|(m, _)| m.kind == c.kind && m.title == c.title) {
                Some((m, notes)) => {
                    if rank(c.status) > rank(m.status) {
                        m.status = c.status;
                        m.remedy = c.remedy.clone().or(m.remedy.take());
                        m.grant_security_reader_at = c.grant_security_reader_at.clone().or(m.grant_security_reader_at.take());
                    }
                    notes.extend(noted);
                }
                None => out.push((c.clone(), noted.into_iter().collect())),
            }
        }
    }
    out.into_iter()
        .map(|(mut c, notes)| {
            if !notes.is_empty() {
                c.detail = notes.join("\n");
            }
            c
        })
        .collect()
}

/// Every row not excluded is valid: a file is imported as the user saw it,
/// never with some rows silently dropped.
fn rows_check(outcomes: &[RowOutcome]) -> Check {
    let invalid: Vec<String> = outcomes.iter().filter(|o| o.action == RowAction::Invalid).map(|o| o.row.to_string()).collect();
    let (status, detail, remedy) = if invalid.is_empty() {
        (CheckStatus::Passed, "Every row not excluded meets the rules.".to_owned(), None)
    } else {
        let rows = if invalid.len() == 1 { format!("Row {} has", invalid[0]) } else { format!("Rows {} have", invalid.join(", ")) };
        (CheckStatus::Failed, format!("{rows} errors."), Some("Exclude them, or correct the file and choose it again.".to_owned()))
    };
    Check {
        kind: CheckKind::Fields,
        status,
        title: "Every imported row meets the rules".into(),
        detail,
        remedy,
        grant_security_reader_at: None,
    }
}

/// No two writes to one exemption (two rows whose derived names meet).
fn distinct_check(writes: &[PlannedWrite]) -> Check {
    let mut seen = std::collections::HashSet::new();
    let twice: Vec<&str> = writes.iter().filter(|w| !seen.insert(w.path.to_lowercase())).map(|w| w.path.as_str()).collect();
    let title = "No two rows write the same exemption".to_owned();
    let (status, detail) = if twice.is_empty() {
        (CheckStatus::Passed, "Each write goes to a different exemption.".to_owned())
    } else {
        (CheckStatus::Failed, format!("Written twice: {}.", twice.join(", ")))
    };
    Check {
        kind: CheckKind::ExistingNames,
        status,
        title,
        detail,
        remedy: (!twice.is_empty()).then(|| "Exclude one of the rows, or give it another name.".to_owned()),
        grant_security_reader_at: None,
    }
}

impl Desk {
    /// Read the file and check every row; for the valid rows not in
    /// `excluded_rows`, the checks and every write, nothing sent. An
    /// unblocked preview waits for `apply_plan`, replacing older import previews.
    pub async fn prepare_import(&self, request: ImportRequest) -> Result<ImportPreparation, AppError> {
        let ticket = self.plans.ticket();
        let connected = self.connected().await?;
        let bytes = import_bytes(&request.source)?;
        let keys = caught(connected.tenant.recommendation_keys()).await?;
        let offset = request.utc_offset_minutes;
        let mut report = parse_import(&bytes, &KnownRecommendations::new(keys), Utc::now(), offset);
        if !report.file_errors.is_empty() {
            return Ok(ImportPreparation { report, outcomes: Vec::new(), preparation: None });
        }
        let policy = self.tenant_settings().await?.policy;
        // The rows to plan, planned several at once (each reads Azure) and taken in file order.
        // Collected first: a stream over the rows' iterator itself trips rustc's
        // higher-ranked lifetime check where the command's future must be `Send`.
        let plans: Vec<_> =
            report.rows.iter().map(|row| self.plan_if_chosen(&connected, &policy, row, &request.excluded_rows, offset)).collect();
        let planned: Vec<Option<RowPlan>> = stream::iter(plans).buffered(connected.tenant.read_options().limit()).try_collect().await?;
        let mut outcomes = Vec::new();
        let mut checks = Vec::new();
        let mut writes = Vec::new();
        for (row, plan) in report.rows.iter_mut().zip(planned) {
            let (action, count) = match plan {
                None if request.excluded_rows.contains(&row.row) => (RowAction::Excluded, 0),
                None => (RowAction::Invalid, 0),
                Some(plan) => {
                    row.errors.extend(plan.error);
                    let count = u32::try_from(plan.writes.len()).unwrap_or(u32::MAX);
                    checks.push((row.row, plan.checks));
                    writes.extend(plan.writes);
                    (plan.action, count)
                }
            };
            outcomes.push(RowOutcome { row: row.row, action, writes: count });
        }
        if checks.is_empty() {
            return Ok(ImportPreparation { report, outcomes, preparation: None });
        }
        let mut checks = merged(&checks);
        checks.push(rows_check(&outcomes));
        checks.push(distinct_check(&writes));
        let blocked = desk_core::checks::blocks(&checks) || writes.is_empty();
        let plan_id = self.plans.register_import(ticket, (!blocked).then(|| writes.clone()));
        let preparation = Preparation { plan_id, checks, writes, blocked, plan_error: None };
        Ok(ImportPreparation { report, outcomes, preparation: Some(preparation) })
    }

    /// A valid row the user did not exclude, planned; `None` for the others.
    async fn plan_if_chosen(
        &self,
        connected: &crate::Connected,
        policy: &TenantPolicy,
        row: &ImportRow,
        excluded: &[u32],
        offset: i32,
    ) -> Result<Option<RowPlan>, AppError> {
        if excluded.contains(&row.row) || !row.is_valid() {
            return Ok(None);
        }
        self.plan_row(connected, policy, row, offset).await.map(Some)
    }

    async fn plan_row(
        &self,
        connected: &crate::Connected,
        policy: &TenantPolicy,
        row: &ImportRow,
        offset: i32,
    ) -> Result<RowPlan, AppError> {
        let tenant = &connected.tenant;
        let path = exemption_path(&row.scope, &row.name).map_err(desk_azure::AzureError::from)?.to_string();
        let read = caught(tenant.exemption_raw(&path)).await?;
        if let Some(read) = read {
            let expires_on = row
                .expires_on
                .clone()
                .filter(|day| current_day(&read, offset).as_deref() != Some(day.as_str()))
                .map(|date| NewExpiry { date, utc_offset_minutes: offset });
            // An empty ticket cell leaves the ticket (removing one is the Edit form's).
            let edit = ExemptionEdit {
                display_name: row.display_name.clone(),
                description: row.description.clone(),
                category: row.category,
                expires_on,
                ticket: row.ticket.clone().filter(|t| !t.is_empty()),
            };
            let change = ChangeRequest { exemption_ids: vec![path], change: ExemptionChange::Edit(edit) };
            let mut plan = caught(tenant.prepare_change(&change)).await?;
            // An update obeys the policy as the register's Edit does.
            plan.checks.extend(change_policy_checks(&change.change, &plan.writes, policy, Utc::now().date_naive()));
            if plan.writes.is_empty() {
                // Already as the row says: not a failure of the import.
                let checks = plan.checks.into_iter().filter(|c| c.kind != CheckKind::Unchanged).collect();
                return Ok(RowPlan { action: RowAction::Unchanged, checks, writes: Vec::new(), error: None });
            }
            return Ok(RowPlan { action: RowAction::Update, checks: plan.checks, writes: plan.writes, error: None });
        }
        let invalid = |message: &str| RowPlan {
            action: RowAction::Invalid,
            checks: Vec::new(),
            writes: Vec::new(),
            error: Some(ImportError { row: Some(row.row), column: Some("recommendationKeys".into()), message: message.into() }),
        };
        let [key] = row.recommendation_keys.as_slice() else {
            return Ok(invalid("A new exemption needs exactly one recommendation key (\"every\" and lists only update existing ones)."));
        };
        let Some(scope) = scope_choice(&row.scope) else {
            return Ok(invalid("The scope is not one an exemption can be written at."));
        };
        let draft = ExemptionDraft {
            recommendation_key: key.clone(),
            scope,
            name: row.name.clone(),
            display_name: row.display_name.clone().unwrap_or_default(),
            expires_on: row.expires_on.clone(),
            utc_offset_minutes: offset,
            category: row.category,
            description: row.description.clone().unwrap_or_default(),
        };
        let requester = Requester {
            account: &connected.identity.account,
            object_id: &connected.identity.object_id,
            app_version: env!("CARGO_PKG_VERSION"),
        };
        let gather = || async { Ok::<_, AppError>(caught(tenant.gather(&draft.recommendation_key, &draft.scope)).await?) };
        let facts = self.choices.facts(&connected.choice_session(), ChoiceKey::of(&draft.recommendation_key, &draft.scope), gather).await?;
        let mut prepared = Prepared::decide(&draft, &facts, &requester);
        // The tenant's policy holds for an import as for the Exempt pane's Create: a row
        // the policy sends for approval fails here, and the user excludes it or requests it.
        let ticket = row.ticket.as_deref().filter(|t| !t.is_empty());
        prepared.checks.extend(policy_checks(&draft, ticket, policy, PolicyUse::Create, Utc::now().date_naive()));
        let mut writes = prepared.writes.unwrap_or_default();
        if let Some(ticket) = row.ticket.as_ref().filter(|t| !t.is_empty()) {
            for w in &mut writes {
                if let Some(Value::Object(metadata)) = w.body.get_mut("properties").and_then(|p| p.get_mut("metadata")) {
                    metadata.insert(TICKET_KEY.into(), Value::String(ticket.clone()));
                }
            }
        }
        Ok(RowPlan { action: RowAction::Create, checks: prepared.checks, writes, error: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: &str = "ae640e6b-ba3e-4256-9d62-2993eecfa6f2";

    #[test]
    fn each_level_of_scope_is_the_choice_creation_makes() {
        let mg = "/providers/Microsoft.Management/managementGroups/contoso";
        assert_eq!(scope_choice(mg), Some(ScopeChoice::ManagementGroup { name: "contoso".into() }));
        assert_eq!(scope_choice(&format!("/subscriptions/{SUB}")), Some(ScopeChoice::Subscriptions { ids: vec![SUB.into()] }));
        let rg = format!("/subscriptions/{SUB}/resourceGroups/rg");
        assert_eq!(scope_choice(&rg), Some(ScopeChoice::ResourceGroups { ids: vec![rg.clone()] }));
        let res = format!("{rg}/providers/Microsoft.Storage/storageAccounts/st");
        assert_eq!(scope_choice(&res), Some(ScopeChoice::Resources { ids: vec![res.clone()] }));
        assert_eq!(scope_choice("/nowhere"), None);
    }

    fn check(status: CheckStatus, detail: &str) -> Check {
        Check {
            kind: CheckKind::Permissions,
            status,
            title: "You may write".into(),
            detail: detail.into(),
            remedy: None,
            grant_security_reader_at: None,
        }
    }

    #[test]
    fn merged_checks_keep_the_worst_with_each_rows_reason() {
        let rows = vec![
            (2, vec![check(CheckStatus::Passed, "ok")]),
            (3, vec![check(CheckStatus::Failed, "no write at rg")]),
            (4, vec![check(CheckStatus::Warning, "unknown")]),
        ];
        let m = merged(&rows);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].status, CheckStatus::Failed);
        assert_eq!(m[0].detail, "Row 3: no write at rg\nRow 4: unknown");
        assert_eq!(merged(&rows[..1])[0].detail, "ok");
    }
}
