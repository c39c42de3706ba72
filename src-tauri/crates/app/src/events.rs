//! What the application tells the window while it works, and the services it
//! is given from outside: the OS keyring and, in demo mode, a simulated tenant.
//! The shell implements [`Events`] with Tauri's `Emitter`; tests record them.

use std::any::Any;

use azure_core::credentials::Secret;
use desk_azure::{AzureError, Connection, SecretStore};
use desk_core::apply::{ApplyProgress, ApplyStopped};
use desk_core::request::RequestTableChoice;
use desk_core::session::DeviceCodePrompt;

/// Where the events go; an `Err` is the reason they could not be delivered.
pub trait Events: Send + Sync + 'static {
    fn apply_progress(&self, progress: &ApplyProgress) -> Result<(), String>;
    fn apply_stopped(&self, stopped: &ApplyStopped) -> Result<(), String>;
    /// A failure stops the sign-in: the user would have no code to enter.
    fn device_code(&self, prompt: &DeviceCodePrompt) -> Result<(), String>;
}

/// Where a profile's secret is kept between runs. Calls may block.
pub trait Secrets: Send + Sync + 'static {
    fn keep(&self, profile: &str, secret: Option<&Secret>) -> Result<(), AzureError>;
    fn load(&self, profile: &str) -> Result<Option<Secret>, AzureError>;
    fn delete(&self, profile: &str) -> Result<(), AzureError>;
}

/// The OS keyring, entries filed under the given service name.
impl Secrets for SecretStore {
    fn keep(&self, profile: &str, secret: Option<&Secret>) -> Result<(), AzureError> {
        SecretStore::keep(self, profile, secret)
    }

    fn load(&self, profile: &str) -> Result<Option<Secret>, AzureError> {
        SecretStore::load(self, profile)
    }

    fn delete(&self, profile: &str) -> Result<(), AzureError> {
        SecretStore::delete(self, profile)
    }
}

/// A running demo tenant: how to reach it, and what keeps it running
/// (dropped when the session that uses it ends).
pub struct DemoTenant {
    pub connection: Connection,
    /// The demo tenant's request table: the default until the user saves another.
    pub request_table: Option<RequestTableChoice>,
    pub keep_alive: Box<dyn Any + Send + Sync>,
}

/// Starts the demo tenant (the shell starts the simulator in-process).
#[async_trait::async_trait]
pub trait Demo: Send + Sync + 'static {
    /// `Err` is a sentence for the user.
    async fn start(&self) -> Result<DemoTenant, String>;
}
