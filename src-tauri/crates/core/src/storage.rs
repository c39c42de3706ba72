//! The local database as the UI sees it: open, or why not and what can be done.

use serde::Serialize;
use specta::Type;

/// What is wrong with the local database file.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Type)]
pub enum DatabaseProblemKind {
    /// The file has no bytes at all.
    Empty,
    /// The file is not an SQLite database (garbage, or another program's file).
    NotADatabase,
    /// An SQLite database whose pages or schema are damaged (e.g. truncated).
    Damaged,
    /// Written by a newer Exemption Desk.
    NewerVersion,
    /// The file or its folder cannot be written.
    ReadOnly,
    /// The disk is full.
    DiskFull,
    /// Another program holds the file locked.
    Busy,
    /// Anything else the operating system refused (permissions, I/O errors).
    Unavailable,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseProblem {
    pub kind: DatabaseProblemKind,
    /// A sentence for people: what is wrong with the file.
    pub reason: String,
    /// Whether "move the damaged file aside and start fresh" makes sense
    /// (not for a file another program holds, nor in a folder that cannot be written).
    pub can_move_aside: bool,
}

/// The local database: where it is and, when it could not be opened, why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Type)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseStatus {
    pub path: String,
    /// `None` when the database is open and in use.
    pub problem: Option<DatabaseProblem>,
    /// Where the damaged file was moved to, after "move aside".
    pub moved_to: Option<String>,
}
