//! Panics stop at the edge of a step: a command or an apply that panics ends
//! with an error the window can show, instead of a promise that never settles
//! or an apply that stays "running" until restart.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use desk_core::apply::ItemState;
use desk_core::plan::PlannedWrite;
use futures::FutureExt;

use crate::apply::{apply_writes, ApplyObserver, ApplyOptions, Cancel};
use crate::arm::Arm;
use crate::error::AzureError;

/// Run `work`; a panic in it becomes [`AzureError::Internal`].
pub async fn caught<T>(work: impl Future<Output = Result<T, AzureError>>) -> Result<T, AzureError> {
    match AssertUnwindSafe(work).catch_unwind().await {
        Ok(result) => result,
        Err(panic) => {
            let what = panic_text(panic.as_ref());
            tracing::error!("caught a panic: {what}");
            Err(AzureError::Internal(what))
        }
    }
}

/// [`apply_writes`], with a panic reported as an error. The journal then
/// holds the writes not yet final as they were (planned, sending), so the
/// apply is offered for resuming; nothing is marked done that was not.
pub async fn apply_writes_caught(
    arm: &Arm,
    items: Vec<(u32, PlannedWrite)>,
    options: &ApplyOptions,
    observer: &dyn ApplyObserver,
    cancel: &Cancel,
) -> Result<Vec<(u32, ItemState)>, AzureError> {
    caught(async { Ok(apply_writes(arm, items, options, observer, cancel).await) }).await
}

fn panic_text(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_an_internal_error() {
        let boom = async {
            let limit: Option<u32> = None;
            if limit.is_none() {
                panic!("overflow when adding durations");
            }
            Ok::<u32, AzureError>(1)
        };
        let e = caught(boom).await.expect_err("caught");
        assert_eq!(e.code(), "internal");
        assert!(e.to_string().contains("overflow when adding durations"), "{e}");
        assert_eq!(caught(async { Ok::<_, AzureError>(5) }).await.ok(), Some(5));
    }
}
