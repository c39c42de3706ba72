//! At home on the desktop: the log file, what was asked to open from outside
//! before the window listened, and the diagnostics a user can copy. The shell
//! wires these to Tauri (single instance, deep links, the About section).

pub mod log_file;
pub mod open_queue;
mod session;

pub use log_file::LogFile;
pub use open_queue::OpenQueue;
