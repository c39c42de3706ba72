//! A tenant profile's settings for requests: where its requests are kept (an
//! Azure Table) and its policy. Kept per profile in the store, under the
//! tenant and the profile (or the mode: the demo, a configured endpoint); in
//! the demo with nothing saved, the request table is the demo tenant's own.

use std::net::IpAddr;

use desk_azure::Url;
use desk_core::request::{RequestTableChoice, TenantSettings};
use desk_core::session::SessionMode;
use serde_json::{json, Value};

use crate::{AppError, Connected, Desk};

/// The longest maximum expiry a tenant may set (ten years).
pub const MAX_EXPIRY_DAYS_LIMIT: u16 = 3650;
/// The longest endpoint accepted.
const ENDPOINT_MAX: usize = 2048;

/// The settings' fields, as `details` names them for the Settings screen.
pub const FIELD_ENDPOINT: &str = "requestTable.endpoint";
pub const FIELD_TABLE: &str = "requestTable.table";
pub const FIELD_MAX_EXPIRY: &str = "policy.maxExpiryDays";

/// One field the settings cannot be saved with, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub message: String,
}

impl FieldProblem {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldProblem { field, message: message.into() }
    }
}

/// The `details` of the error: `[{field, message}]`, the draft's shape.
pub(crate) fn field_details(problems: &[FieldProblem]) -> Value {
    Value::Array(problems.iter().map(|p| json!({"field": p.field, "message": p.message})).collect())
}

/// Whose settings these are: the tenant and the profile, or the mode.
pub(crate) fn profile_key(connected: &Connected) -> String {
    let tenant = connected.identity.tenant_id.to_lowercase();
    match connected.mode {
        SessionMode::Profile => format!("profile:{}|tenant:{tenant}", connected.profile_name.as_deref().unwrap_or_default()),
        SessionMode::Demo => format!("demo|tenant:{tenant}"),
        SessionMode::External => format!("external:{}|tenant:{tenant}", connected.tenant.arm().endpoint()),
    }
}

fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The table service's endpoint as saved (without a trailing `/`), or why not.
fn endpoint(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Enter the table service's endpoint, e.g. https://contosorisk.table.core.windows.net.".into());
    }
    if raw.len() > ENDPOINT_MAX {
        return Err(format!("The endpoint is longer than {ENDPOINT_MAX} characters."));
    }
    let url = Url::parse(raw).map_err(|e| format!("\"{raw}\" is not a full URL ({e}); enter e.g. https://contosorisk.table.core.windows.net."))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("The endpoint must not hold a user name or password; the app signs in with your Entra account.".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("The endpoint must not have a query (?…) or fragment (#…): a SAS token or key does not belong here.".into());
    }
    match url.scheme() {
        "https" if url.host().is_some() => {}
        "http" if is_loopback(&url) => {}
        "http" => return Err("The endpoint must use https:// (http:// only for an emulator on this computer).".into()),
        _ => return Err(format!("The endpoint must be an https:// URL, not {}:.", url.scheme())),
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A table name Azure accepts: 3 to 63 letters and digits, starting with a letter, not `tables`.
fn table(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    let mut chars = name.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    if !starts_with_letter || !chars.all(|c| c.is_ascii_alphanumeric()) || !(3..=63).contains(&name.len()) {
        return Err(format!("A table name has 3 to 63 letters and digits and starts with a letter; \"{name}\" does not."));
    }
    if name.eq_ignore_ascii_case("tables") {
        return Err("\"tables\" is reserved by Azure; choose another name.".into());
    }
    Ok(name.to_owned())
}

/// The settings as they will be saved (trimmed, the endpoint without a
/// trailing `/`), or every field that is wrong.
pub fn validate_tenant_settings(settings: TenantSettings) -> Result<TenantSettings, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let request_table = settings.request_table.map(|choice| {
        let endpoint = endpoint(&choice.endpoint).unwrap_or_else(|m| {
            problems.push(FieldProblem::new(FIELD_ENDPOINT, m));
            choice.endpoint.clone()
        });
        let table = table(&choice.table).unwrap_or_else(|m| {
            problems.push(FieldProblem::new(FIELD_TABLE, m));
            choice.table.clone()
        });
        RequestTableChoice { endpoint, table }
    });
    if let Some(days) = settings.policy.max_expiry_days.filter(|d| !(1..=MAX_EXPIRY_DAYS_LIMIT).contains(d)) {
        problems.push(FieldProblem::new(FIELD_MAX_EXPIRY, format!("The maximum expiry must be 1 to {MAX_EXPIRY_DAYS_LIMIT} days; {days} is not.")));
    }
    if problems.is_empty() {
        Ok(TenantSettings { request_table, policy: settings.policy })
    } else {
        Err(problems)
    }
}

impl Desk {
    /// The signed-in tenant profile's request table and policy: as saved;
    /// in the demo with nothing saved, the demo tenant's table; else none.
    pub async fn tenant_settings(&self) -> Result<TenantSettings, AppError> {
        let connected = self.connected().await?;
        if let Some(saved) = self.store.tenant_settings(&profile_key(&connected))? {
            return Ok(saved);
        }
        Ok(TenantSettings { request_table: connected.demo_request_table.clone(), ..TenantSettings::default() })
    }

    /// Validate and save the signed-in profile's settings; answers them as
    /// saved. Every wrong field is named in the error's `details`.
    pub async fn save_tenant_settings(&self, settings: TenantSettings) -> Result<TenantSettings, AppError> {
        let settings = validate_tenant_settings(settings).map_err(AppError::InvalidTenantSettings)?;
        let connected = self.connected().await?;
        self.store.save_tenant_settings(&profile_key(&connected), &settings)?;
        self.tenant_settings().await
    }
}

#[cfg(test)]
mod tests {
    use desk_core::request::{ApprovalRequirement, TenantPolicy};

    use super::*;

    fn with_table(endpoint: &str, table: &str) -> TenantSettings {
        TenantSettings {
            request_table: Some(RequestTableChoice { endpoint: endpoint.into(), table: table.into() }),
            policy: TenantPolicy::default(),
        }
    }

    fn fields(settings: TenantSettings) -> Vec<&'static str> {
        validate_tenant_settings(settings).err().unwrap_or_default().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn good_settings_are_saved_trimmed() {
        let saved = validate_tenant_settings(with_table(" https://contosorisk.table.core.windows.net/ ", " exemptionRequests1 ")).expect("valid");
        let choice = saved.request_table.expect("a table");
        assert_eq!(choice.endpoint, "https://contosorisk.table.core.windows.net");
        assert_eq!(choice.table, "exemptionRequests1");
        for ok in ["http://127.0.0.1:10002/devstoreaccount1", "http://localhost:10002/devstoreaccount1", "http://[::1]:8080/acct"] {
            assert!(validate_tenant_settings(with_table(ok, "abc")).is_ok(), "{ok}: an emulator on this computer");
        }
        let no_table = TenantSettings { request_table: None, policy: TenantPolicy { max_expiry_days: Some(3650), ..Default::default() } };
        assert!(validate_tenant_settings(no_table).is_ok(), "requests as files only");
    }

    #[test]
    fn each_wrong_field_is_named() {
        let endpoint = |e: &str| fields(with_table(e, "requests"));
        for bad in [
            "",
            "contosorisk.table.core.windows.net",
            "/relative",
            "http://contosorisk.table.core.windows.net",
            "http://10.0.0.1",
            "ftp://contosorisk.example",
            "https://user:pass@contosorisk.table.core.windows.net",
            "https://contosorisk.table.core.windows.net?sv=2024&sig=secret",
            "https://contosorisk.table.core.windows.net/#x",
            "file:///etc/passwd",
        ] {
            assert_eq!(endpoint(bad), [FIELD_ENDPOINT], "{bad:?}");
        }
        let table = |t: &str| fields(with_table("https://a.example", t));
        for bad in ["ab", "1abc", "has-dash", "Tables", "tables", &"a".repeat(64), "ünïcode", ""] {
            assert_eq!(table(bad), [FIELD_TABLE], "{bad:?}");
        }
        assert!(table(&"a".repeat(63)).is_empty());
        let expiry = |days| fields(TenantSettings { policy: TenantPolicy { max_expiry_days: Some(days), ..Default::default() }, ..Default::default() });
        assert_eq!(expiry(0), [FIELD_MAX_EXPIRY]);
        assert_eq!(expiry(3651), [FIELD_MAX_EXPIRY]);
        assert!(expiry(1).is_empty());
        let all = TenantSettings {
            request_table: Some(RequestTableChoice { endpoint: "http://x".into(), table: "x".into() }),
            policy: TenantPolicy { approval: ApprovalRequirement::Always, max_expiry_days: Some(0), ticket_required: true },
        };
        assert_eq!(fields(all), [FIELD_ENDPOINT, FIELD_TABLE, FIELD_MAX_EXPIRY], "every field at once, in form order");
    }

    #[test]
    fn the_error_names_the_fields_for_the_screen() {
        let problems = validate_tenant_settings(with_table("http://x", "ok1")).expect_err("refused");
        let payload = AppError::InvalidTenantSettings(problems).payload();
        assert_eq!(payload.code, desk_core::ErrorCode::InvalidRequest);
        assert_eq!(payload.details.as_ref().and_then(|d| d[0]["field"].as_str()), Some(FIELD_ENDPOINT));
        assert!(payload.message.contains("https://"), "{}", payload.message);
    }
}
