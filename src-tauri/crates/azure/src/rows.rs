//! Long reads hand their rows over as they arrive, so a screen fills in at
//! once, and stop when the person no longer wants them.

use crate::apply::Cancel;

/// Where a long read reports rows as they arrive. Batches come in no
/// particular order; the read's final answer holds every row once.
pub trait Rows<T>: Send + Sync {
    fn arrived(&self, rows: &[T]);
}

/// A read nobody watches row by row.
pub struct Unwatched;

impl<T> Rows<T> for Unwatched {
    fn arrived(&self, _: &[T]) {}
}

/// What a long read needs besides its question: where rows go, and whether
/// to stop.
#[derive(Clone, Copy)]
pub struct Watch<'a, T> {
    pub rows: &'a dyn Rows<T>,
    pub cancel: &'a Cancel,
}
