//! Requests as files (`*.exemption-request.json`) for tenants without a
//! request table: the requester saves one where the native save dialog said;
//! an approver opens one (a dialog, a file association, the command line) and
//! reviews it as one from the table, its requester marked unverified.

use std::collections::VecDeque;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use desk_azure::AzureError;
use desk_core::exemption::ExemptionDraft;
use desk_core::request::{ApproverChanges, ExemptionRequest, RequestReview};
use desk_core::request_file::{read_request_file, write_request_file, REQUEST_FILE_BYTES_MAX, REQUEST_FILE_SUFFIX};

use crate::transfer_files::write_whole;
use crate::{lock, AppError, Desk};

/// At most this many opened request files are remembered.
const OPENED_MAX: usize = 16;

/// The request files opened this session (newest last), so that
/// `review_request(id, changes)` can review one again with an approver's changes.
#[derive(Default)]
pub struct OpenedFiles(Mutex<VecDeque<ExemptionRequest>>);

impl OpenedFiles {
    pub(crate) fn remember(&self, request: &ExemptionRequest) {
        let mut opened = lock(&self.0);
        opened.retain(|r| r.id != request.id);
        if opened.len() >= OPENED_MAX {
            opened.pop_front();
        }
        opened.push_back(request.clone());
    }

    /// The opened file's request with this id, for the signed-in tenant.
    pub(crate) fn find(&self, id: &str, tenant_id: &str) -> Option<ExemptionRequest> {
        lock(&self.0).iter().find(|r| r.id == id && r.tenant_id.eq_ignore_ascii_case(tenant_id)).cloned()
    }
}

/// The name the save dialog suggests: the exemption's name, made safe, and the suffix.
pub fn request_file_name(draft: &ExemptionDraft) -> String {
    let stem: String =
        draft.name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).take(64).collect();
    let stem = stem.trim_matches('-');
    format!("{}{REQUEST_FILE_SUFFIX}", if stem.is_empty() { "exemption" } else { stem })
}

fn file_error(message: String) -> AppError {
    AppError::File(message)
}

/// The path to write, with the suffix added when missing; refused when
/// relative, a folder, or in a folder that does not exist.
fn save_path(path: &str) -> Result<PathBuf, AppError> {
    let mut path = PathBuf::from(path);
    if !path.is_absolute() {
        return Err(file_error(format!("Choose where to save the request (\"{}\" is not a full path).", path.display())));
    }
    if path.is_dir() {
        return Err(file_error(format!("{} is a folder; choose a file name.", path.display())));
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if !name.to_ascii_lowercase().ends_with(REQUEST_FILE_SUFFIX) {
        let stem = name.strip_suffix(".json").unwrap_or(&name);
        path.set_file_name(format!("{stem}{REQUEST_FILE_SUFFIX}"));
    }
    if !path.parent().is_some_and(Path::is_dir) {
        return Err(file_error(format!("The folder of {} does not exist.", path.display())));
    }
    Ok(path)
}

/// A request file's bytes, at most [`REQUEST_FILE_BYTES_MAX`] (one more is read to tell).
fn read_capped(path: &str) -> Result<Vec<u8>, AppError> {
    let path = Path::new(path);
    if !path.is_absolute() || !path.is_file() {
        return Err(file_error(format!("{} is not a file.", path.display())));
    }
    let failed = |e: std::io::Error| file_error(format!("{} could not be read: {e}.", path.display()));
    let file = std::fs::File::open(path).map_err(failed)?;
    let mut bytes = Vec::new();
    let cap = u64::try_from(REQUEST_FILE_BYTES_MAX).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap).read_to_end(&mut bytes).map_err(failed)?;
    Ok(bytes)
}

impl Desk {
    /// Prepare a request as [`Desk::submit_request`] does, and save it to
    /// `path` instead of a table; answers the path written.
    pub async fn save_request_file(&self, draft: ExemptionDraft, justification: String, ticket: Option<String>, path: &str) -> Result<String, AppError> {
        let path = save_path(path)?;
        let connected = self.connected().await?;
        let settings = self.tenant_settings().await?;
        let request = self.new_request(&connected, &settings.policy, draft, &justification, ticket).await?;
        let text = write_request_file(&request).map_err(AzureError::from)?;
        write_whole(&path, text.as_bytes())?;
        let detail = format!("Saved request {} ({} at {}) as {}", request.id, request.recommendation_name, request.scope_summary, path.display());
        self.store.audit(&connected.who(), "request", &detail)?;
        Ok(path.display().to_string())
    }

    /// Open the request file at `path` and review it (see [`Desk::review`]):
    /// its schema, size, fields and tenant are checked, and its requester
    /// is as the file states it (`requester_verified` false).
    pub async fn review_request_file(&self, path: &str, changes: ApproverChanges) -> Result<RequestReview, AppError> {
        let bytes = read_capped(path)?;
        let connected = self.connected().await?;
        let request = read_request_file(&bytes, &connected.identity.tenant_id).map_err(AzureError::from)?;
        self.file_requests.remember(&request);
        let settings = self.tenant_settings().await?;
        self.review(&connected, &settings.policy, request, &changes).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suggested_name_is_safe_and_the_path_gets_the_suffix() {
        let draft = ExemptionDraft { name: "legacy TLS/1.0 waiver".into(), ..Default::default() };
        assert_eq!(request_file_name(&draft), "legacy-TLS-1-0-waiver.exemption-request.json");
        assert_eq!(request_file_name(&ExemptionDraft::default()), "exemption.exemption-request.json");
        let dir = std::env::temp_dir();
        let bare = dir.join("asked").display().to_string();
        assert_eq!(save_path(&bare).ok(), Some(dir.join("asked.exemption-request.json")));
        assert_eq!(save_path(&format!("{bare}.json")).ok(), Some(dir.join("asked.exemption-request.json")));
        assert!(save_path("relative.exemption-request.json").is_err());
        assert!(save_path(&dir.display().to_string()).is_err());
    }
}
