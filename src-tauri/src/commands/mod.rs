//! One module per screen's needs; each command is one call into the application crate.

pub mod about;
pub mod apply;
pub mod changes;
pub mod database;
pub mod details;
pub mod exempt;
pub mod exemptions;
pub mod open;
pub mod reads;
pub mod recommendations;
pub mod register;
pub mod request_dialogs;
pub mod requests;
pub mod session;
pub mod settings;
pub mod transfer;
