//! The session as diagnostics may name it, without signing in to find out.

use desk_core::about::DiagnosticSession;

use crate::Desk;

impl Desk {
    /// The current session's mode, cloud and tenant; `None` when not signed
    /// in. Unlike `session_info`, never starts a sign-in.
    pub async fn diagnostic_session(&self) -> Option<DiagnosticSession> {
        let connected = self.connected.lock().await.clone()?;
        let info = connected.session_info();
        Some(DiagnosticSession { mode: info.mode, cloud: info.cloud, tenant_id: info.tenant_id })
    }
}
