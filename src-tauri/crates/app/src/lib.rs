//! The application: what Exemption Desk does, with no window. The shell
//! (`src-tauri`) holds one [`Desk`] as its state and turns each command into
//! one call here; tests drive the same calls against the simulator.

mod activity;
mod apply;
mod change;
mod choices;
mod database;
pub mod desktop;
mod details;
mod error;
mod events;
mod exempt;
mod import;
pub mod plans;
mod profiles;
mod read_registry;
mod reads;
mod register;
mod requests;
mod runner;
mod session;
mod tenant_settings;
mod transfer_files;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex as SyncMutex};

use desk_azure::{Cancel, SecretStore, Url};
use desk_store::Store;
use read_registry::ReadRegistry;
use tokio::sync::Mutex;

pub use activity::{activity_file_name, ACTIVITY_EXPORT_MAX};
pub use choices::{ChoiceCache, CHOICES_MAX, CHOICE_AGE};
pub use database::open_store;
/// Where a long read hands its rows as they arrive (the shell forwards them to the window).
pub use desk_azure::{Rows, Unwatched};
pub use error::AppError;
pub use events::{Demo, DemoTenant, Events, Secrets};
pub use exempt::validate_exemption;
pub use import::IMPORT_KEY;
pub use plans::{Gone, Plan, PlanRegistry};
pub use read_registry::MAX_READS;
pub use register::{reminder, Reminder, REMINDER_INTERVAL};
pub use requests::{request_file_name, NewsSeen, RequestNews, TICKET_MAX};
pub use session::Connected;
pub use tenant_settings::{validate_tenant_settings, FieldProblem, FIELD_ENDPOINT, FIELD_MAX_EXPIRY, FIELD_TABLE, MAX_EXPIRY_DAYS_LIMIT};
pub use transfer_files::{export_file_name, EXPORT_ROWS_MAX, IMPORT_BYTES_MAX};

/// Keyring entries are filed under this service name.
pub const KEYRING_SERVICE: &str = "Exemption Desk";

/// The application's state: the session (the connection to a tenant), the
/// local store, plans awaiting confirmation and applies in flight.
pub struct Desk {
    connected: Mutex<Option<Arc<Connected>>>,
    /// Stops the sign-in in progress, if any.
    sign_in_cancel: SyncMutex<Option<Cancel>>,
    /// The page the current device-code sign-in asks the user to open.
    device_code_page: SyncMutex<Option<Url>>,
    /// Refuses every call while the database file cannot be used (see `database_status`).
    store: Arc<Store>,
    /// Where the database lives.
    database_path: PathBuf,
    /// Where a damaged database was moved aside to, this session.
    database_moved_to: SyncMutex<Option<PathBuf>>,
    plans: PlanRegistry,
    /// What Azure said about each recent choice (see `choices.rs`).
    choices: Arc<ChoiceCache>,
    /// Long reads running now, each cancellable by the id the window gave it.
    reads: ReadRegistry,
    /// When the register was last read for expiry reminders.
    reminder_checks: register::ReminderChecks,
    /// Request files opened this session, so a review with changes finds them by id.
    file_requests: requests::OpenedFiles,
    running: Arc<SyncMutex<HashMap<String, Cancel>>>,
    secrets: Arc<dyn Secrets>,
    demo: Arc<dyn Demo>,
}

pub(crate) fn lock<T>(m: &SyncMutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Desk {
    /// Profiles' secrets go to the OS keyring; `demo` starts the demo tenant.
    pub fn new(store: Store, database_path: PathBuf, demo: Arc<dyn Demo>) -> Self {
        // The extra CA chosen in Settings holds for every connection, from the first.
        desk_azure::http::trust_extra_ca_file(store.settings().ok().and_then(|s| s.extra_ca_certificate).map(PathBuf::from));
        Desk {
            database_path,
            database_moved_to: SyncMutex::new(None),
            connected: Mutex::new(None),
            sign_in_cancel: SyncMutex::new(None),
            device_code_page: SyncMutex::new(None),
            store: Arc::new(store),
            plans: PlanRegistry::default(),
            choices: Arc::new(ChoiceCache::default()),
            reads: ReadRegistry::default(),
            reminder_checks: Default::default(),
            file_requests: Default::default(),
            running: Arc::new(SyncMutex::new(HashMap::new())),
            secrets: Arc::new(SecretStore::new(KEYRING_SERVICE)),
            demo,
        }
    }

    /// Keep profiles' secrets elsewhere than the OS keyring.
    pub fn with_secrets(mut self, secrets: Arc<dyn Secrets>) -> Self {
        self.secrets = secrets;
        self
    }

    /// The local store (the journal, drafts, profiles, the audit log).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Plans awaiting confirmation.
    pub fn plans(&self) -> &PlanRegistry {
        &self.plans
    }
}
