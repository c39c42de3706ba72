//! The exemption register, the app's settings, and the expiry reminders.
//!
//! The register is read whole through the session (every level, see
//! `desk_azure`'s `register_reads.rs`) with the reminder window from the
//! settings. A reminder groups every exemption that entered the window and
//! was not reminded of at its current expiry into one notification; the
//! shell schedules the checks and shows it, then says it was shown
//! ([`Desk::reminded`]), so each is reminded of once per expiry.

use std::time::{Duration, Instant};

use desk_azure::{caught, Rows, Watch};
use desk_core::register::{ExpiryState, RegisterEntry, Settings, MAX_REMINDER_DAYS};

use crate::{lock, AppError, Desk};

/// How often, at most, the register is read for reminders while the app runs.
pub const REMINDER_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// Exemptions named in a reminder's text; the rest are counted.
const NAMED_IN_REMINDER: usize = 5;

/// One grouped desktop notification about exemptions entering the reminder window.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    /// "3 exemptions expire within 30 days".
    pub title: String,
    /// One line per exemption (the soonest first), then "and N more".
    pub body: String,
    /// `(exemption id, expiry)` of each exemption it names or counts.
    pub due: Vec<(String, String)>,
}

/// When reminders were last looked for, and for which session.
#[derive(Default)]
pub(crate) struct ReminderChecks(std::sync::Mutex<Option<(String, Instant)>>);

fn in_days(days: u32) -> String {
    match days {
        0 => "today".into(),
        1 => "tomorrow".into(),
        n => format!("in {n} days"),
    }
}

/// The reminder for `due` (rows in the reminder window not reminded of
/// yet); `None` when there are none.
pub fn reminder(due: &[RegisterEntry], window_days: u16) -> Option<Reminder> {
    let mut soon: Vec<(u32, &RegisterEntry)> = due
        .iter()
        .filter_map(|e| match e.expiry {
            ExpiryState::ExpiresSoon { days } => Some((days, e)),
            _ => None,
        })
        .collect();
    if soon.is_empty() {
        return None;
    }
    soon.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.exemption.name.cmp(&y.exemption.name)));
    let count = soon.len();
    let title = match count {
        1 => format!("1 exemption expires within {window_days} days"),
        n => format!("{n} exemptions expire within {window_days} days"),
    };
    let mut lines: Vec<String> = soon
        .iter()
        .take(NAMED_IN_REMINDER)
        .map(|(days, e)| {
            let name = e.exemption.display_name.as_deref().filter(|d| !d.trim().is_empty()).unwrap_or(&e.exemption.name);
            format!("{name} ({}) {}", e.scope_name, in_days(*days))
        })
        .collect();
    if count > NAMED_IN_REMINDER {
        lines.push(format!("and {} more", count - NAMED_IN_REMINDER));
    }
    let due = soon.iter().filter_map(|(_, e)| e.exemption.expires_on.clone().map(|t| (e.exemption.id.clone(), t))).collect();
    Some(Reminder { title, body: lines.join("\n"), due })
}

impl Desk {
    /// The register: every exemption the signed-in user can read, at every
    /// level. Cancellable under `read_id`; batches go to `rows` as they arrive.
    pub async fn exemption_register(&self, read_id: &str, rows: &dyn Rows<RegisterEntry>) -> Result<Vec<RegisterEntry>, AppError> {
        let read = self.reads.start(read_id)?;
        read.run(async {
            let window = self.settings()?.reminder_window_days;
            let connected = self.connected().await?;
            Ok(caught(connected.tenant.exemption_register_watched(window, Watch { rows, cancel: read.cancel() })).await?)
        })
        .await
    }

    /// The exemptions that expire within the reminder window, soonest first.
    pub async fn expiring_exemptions(&self) -> Result<Vec<RegisterEntry>, AppError> {
        let window = self.settings()?.reminder_window_days;
        let connected = self.connected().await?;
        let all = caught(connected.tenant.exemption_register(window)).await?;
        Ok(expiring(all))
    }

    pub fn settings(&self) -> Result<Settings, AppError> {
        Ok(self.store.settings()?)
    }

    /// Save the settings (a window of 1..=365 days); answers them as saved.
    pub fn save_settings(&self, mut settings: Settings) -> Result<Settings, AppError> {
        if !(1..=MAX_REMINDER_DAYS).contains(&settings.reminder_window_days) {
            return Err(AppError::InvalidSettings(format!(
                "The reminder window must be 1 to {MAX_REMINDER_DAYS} days; {} is not.",
                settings.reminder_window_days
            )));
        }
        settings.extra_ca_certificate = settings.extra_ca_certificate.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
        let extra_ca = settings.extra_ca_certificate.as_deref().map(std::path::PathBuf::from);
        if let Some(path) = &extra_ca {
            if !path.is_absolute() {
                return Err(AppError::InvalidSettings(format!(
                    "Give the extra CA certificate file's whole path (from /); \"{}\" is not.",
                    path.display()
                )));
            }
            // Read now, so a file that is missing or holds no certificate is refused here, by name.
            desk_azure::http::extra_ca_file(path).map_err(|e| AppError::InvalidSettings(e.to_string()))?;
        }
        self.store.save_settings(&settings)?;
        // Connections made from now on trust it (the current one keeps its client until the next sign-in).
        desk_azure::http::trust_extra_ca_file(extra_ca);
        // A new window may put other exemptions in it: look again at the next check.
        *lock(&self.reminder_checks.0) = None;
        self.settings()
    }

    /// The reminder to show now, if any: only while signed in (it never
    /// signs in by itself), with reminders on, at most every
    /// [`REMINDER_INTERVAL`] per session (at once after a sign-in), and only
    /// for exemptions not reminded of at their current expiry.
    pub async fn due_reminder(&self) -> Result<Option<Reminder>, AppError> {
        let settings = self.settings()?;
        if !settings.reminders_enabled {
            return Ok(None);
        }
        let Some(connected) = self.current().await else { return Ok(None) };
        let session = connected.choice_session();
        let checked = lock(&self.reminder_checks.0).clone();
        if checked.is_some_and(|(s, at)| s == session && at.elapsed() < REMINDER_INTERVAL) {
            return Ok(None);
        }
        let window = settings.reminder_window_days;
        let soon = expiring(caught(connected.tenant.exemption_register(window)).await?);
        *lock(&self.reminder_checks.0) = Some((session, Instant::now()));
        let pairs: Vec<(String, String)> =
            soon.iter().filter_map(|e| e.exemption.expires_on.clone().map(|t| (e.exemption.id.clone(), t))).collect();
        let fresh = self.store.not_reminded(&pairs)?;
        let due: Vec<RegisterEntry> = soon
            .into_iter()
            .filter(|e| fresh.iter().any(|(id, t)| *id == e.exemption.id && Some(t) == e.exemption.expires_on.as_ref()))
            .collect();
        Ok(reminder(&due, window))
    }

    /// The shell showed `reminder`: its exemptions are not reminded of again at these expiries.
    pub fn reminded(&self, reminder: &Reminder) -> Result<(), AppError> {
        Ok(self.store.remember_reminded(&reminder.due)?)
    }
}

/// The rows in the reminder window, soonest first.
fn expiring(all: Vec<RegisterEntry>) -> Vec<RegisterEntry> {
    let mut soon: Vec<RegisterEntry> = all.into_iter().filter(|e| matches!(e.expiry, ExpiryState::ExpiresSoon { .. })).collect();
    soon.sort_by_key(|e| match e.expiry {
        ExpiryState::ExpiresSoon { days } => days,
        _ => u32::MAX,
    });
    soon
}

#[cfg(test)]
mod tests {
    use desk_core::exemption::Exemption;
    use desk_core::register::ScopeLevel;

    use super::*;

    fn entry(name: &str, display: Option<&str>, expiry: ExpiryState) -> RegisterEntry {
        RegisterEntry {
            exemption: Exemption {
                id: format!("/subscriptions/s/providers/Microsoft.Authorization/policyExemptions/{name}"),
                name: name.into(),
                scope: "/subscriptions/s".into(),
                display_name: display.map(str::to_owned),
                description: None,
                category: None,
                expires_on: Some("2027-01-01T00:00:00Z".into()),
                expired: false,
                policy_assignment_id: "/a".into(),
                policy_definition_reference_ids: Vec::new(),
            },
            level: ScopeLevel::Subscription,
            scope_name: "Contoso Prod".into(),
            subscription_id: None,
            subscription_name: None,
            initiative_id: None,
            initiative_name: None,
            assignment_name: None,
            recommendations: Vec::new(),
            expiry,
            created_by: None,
            created_at: None,
            last_modified_by: None,
            last_modified_at: None,
            requested_by: None,
            approved_by: None,
            ticket: None,
        }
    }

    #[test]
    fn one_reminder_names_the_soonest_and_counts_the_rest() {
        let soon = |days| ExpiryState::ExpiresSoon { days };
        let mut due: Vec<RegisterEntry> = (0..7).map(|i| entry(&format!("e{i}"), None, soon(20 - i))).collect();
        due.push(entry("kv", Some("Certificate vault rebuild"), soon(0)));
        due.push(entry("fn", Some("  "), soon(1)));
        due.push(entry("later", None, ExpiryState::Active));
        let r = reminder(&due, 30).expect("a reminder");
        assert_eq!(r.title, "9 exemptions expire within 30 days");
        let lines: Vec<&str> = r.body.lines().collect();
        assert_eq!(lines[0], "Certificate vault rebuild (Contoso Prod) today");
        assert_eq!(lines[1], "fn (Contoso Prod) tomorrow", "a blank display name reads as the name");
        assert_eq!(lines[2], "e6 (Contoso Prod) in 14 days");
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[5], "and 4 more");
        assert_eq!(r.due.len(), 9, "every one counted is remembered, named or not");
    }

    #[test]
    fn no_reminder_without_exemptions_in_the_window() {
        assert_eq!(reminder(&[entry("a", None, ExpiryState::Active), entry("b", None, ExpiryState::Expired)], 30), None);
        let one = reminder(&[entry("a", None, ExpiryState::ExpiresSoon { days: 3 })], 7).expect("one");
        assert_eq!((one.title.as_str(), one.body.as_str()), ("1 exemption expires within 7 days", "a (Contoso Prod) in 3 days"));
    }
}
