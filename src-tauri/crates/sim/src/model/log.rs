//! What handlers and the fault layer tell the request log (`crate::log`) about
//! a request, as response extensions. Pure data: imports nothing of the
//! simulator.

/// Set as a response extension by handlers that know who called:
/// the caller's UPN (users) or app id (service principals).
#[derive(Debug, Clone)]
pub struct LoggedPrincipal(pub String);

/// Set by handlers that validated a request body against the OpenAPI schema:
/// the violations found (empty = valid or not checked).
#[derive(Debug, Clone, Default)]
pub struct SchemaErrors(pub Vec<String>);

/// Set by the fault layer when it injected something (`latency`, `error`, `drop`).
#[derive(Debug, Clone)]
pub struct InjectedFault(pub String);

/// Set by ARM handlers: how many stored items (assessments, exemptions,
/// assignments, resources, index entries) answering the request looked at
/// (`crate::index::examine`). Shows that a list page costs O(page).
#[derive(Debug, Clone, Copy, Default)]
pub struct Examined(pub u64);
