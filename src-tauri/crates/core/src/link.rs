//! What the app was asked to open from outside: a deep link
//! (`exemption-desk://exemption/<id>`, `exemption-desk://request/<id>`) or a
//! request file (`*.exemption-request.json`), given on the command line, by
//! the OS, or by a second launch handing its arguments to the running one.

use serde::{Deserialize, Serialize};
use specta::Type;

/// Sent to the window as the `open-target` event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum OpenTarget {
    /// Open the register at this exemption (its full ARM id).
    Exemption { id: String },
    /// Open this request on the Requests screen.
    Request { id: String },
    /// Open this request file (an absolute path) for review.
    RequestFile { path: String },
    /// What was given could not be opened; nothing changed.
    Refused { message: String },
}
