//! What the app was asked to open (a deep link, a request file) before the
//! window listened for it: the first launch's arguments arrive while the
//! page still loads. Targets wait here until the window asks for them once
//! (`pending_open_targets`); from then on they are sent as they arrive.

use std::sync::Mutex;

use desk_core::link::OpenTarget;

/// At most this many wait; later ones replace nothing and are dropped (a launch brings at most a few).
pub const MAX_WAITING: usize = 16;

#[derive(Default)]
pub struct OpenQueue {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    listening: bool,
    waiting: Vec<OpenTarget>,
}

impl OpenQueue {
    /// Targets that just arrived: returned to be sent now when the window
    /// listens, else kept for [`OpenQueue::take_waiting`] (and none returned).
    pub fn arrived(&self, targets: Vec<OpenTarget>) -> Vec<OpenTarget> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.listening {
            return targets;
        }
        let room = MAX_WAITING.saturating_sub(state.waiting.len());
        state.waiting.extend(targets.into_iter().take(room));
        Vec::new()
    }

    /// The window listens from now on: what waited, in arrival order.
    pub fn take_waiting(&self) -> Vec<OpenTarget> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.listening = true;
        std::mem::take(&mut state.waiting)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(n: u32) -> OpenTarget {
        OpenTarget::Request { id: format!("{n}") }
    }

    #[test]
    fn targets_wait_until_the_window_listens_then_pass_straight_through() {
        let queue = OpenQueue::default();
        assert!(queue.arrived(vec![request(1)]).is_empty());
        assert!(queue.arrived(vec![request(2)]).is_empty());
        assert_eq!(queue.take_waiting(), vec![request(1), request(2)]);
        assert_eq!(queue.arrived(vec![request(3)]), vec![request(3)], "sent at once now");
        assert!(queue.take_waiting().is_empty(), "a reload asks again and finds nothing twice");
    }

    #[test]
    fn the_waiting_list_is_bounded() {
        let queue = OpenQueue::default();
        for n in 0..100 {
            queue.arrived(vec![request(n)]);
        }
        let waiting = queue.take_waiting();
        assert_eq!(waiting.len(), MAX_WAITING);
        assert_eq!(waiting.first(), Some(&request(0)), "the first ones are kept");
    }
}
