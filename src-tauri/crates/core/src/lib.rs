//! The Exemption Desk domain, free of IO: what a recommendation, a scope and an
//! exemption are, the rules a request must satisfy, and how a request becomes
//! the list of ARM writes that carry it out.
//!
//! Every type that crosses the IPC boundary lives here and derives
//! `specta::Type`; the shell's command builder renders them, with the commands
//! and events, into the UI's `ui/src/ipc/bindings.ts`.

pub mod about;
pub mod activity;
pub mod apply;
pub mod arm_path;
pub mod change;
pub mod checks;
pub mod choice;
pub mod details;
pub mod error;
pub mod error_code;
pub mod exemption;
pub mod link;
pub mod permissions;
pub mod plan;
pub mod recommendation;
pub mod register;
pub mod request;
pub mod request_file;
pub mod resource;
pub mod scope;
pub mod session;
pub mod storage;
pub mod transfer;
pub mod validation;

#[cfg(test)]
mod fixtures;

pub use error::{CoreError, ErrorPayload};
pub use error_code::ErrorCode;
