//! What the request watch (the shell's polling task) tells the user: new
//! pending requests for an approver (never their own), and decisions on the
//! user's own requests, each once. What was told is remembered in memory,
//! per session.

use desk_core::request::{ExemptionRequest, RequestState};
use std::collections::{HashMap, HashSet};

use super::me;
use crate::{AppError, Desk};

/// What the watch has told, for one session; start with `NewsSeen::default()`.
#[derive(Debug, Default)]
pub struct NewsSeen {
    session: String,
    pending: HashSet<String>,
    mine: HashMap<String, RequestState>,
    primed: bool,
}

/// New since the last look.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RequestNews {
    /// Pending requests of others, not told before.
    pub awaiting: Vec<ExemptionRequest>,
    /// The user's own requests whose state changed since the last look.
    pub decided: Vec<ExemptionRequest>,
}

impl RequestNews {
    pub fn is_empty(&self) -> bool {
        self.awaiting.is_empty() && self.decided.is_empty()
    }

    /// One notification for all of it: a title and a body.
    pub fn summary(&self) -> (String, String) {
        let mut lines = Vec::new();
        match self.awaiting.len() {
            0 => {}
            1 => lines.push(self.awaiting.iter().map(|r| format!("{} asks to exempt {}.", r.requested_by.account, r.recommendation_name)).collect()),
            n => lines.push(format!("{n} new requests await your approval.")),
        }
        for r in self.decided.iter().take(3) {
            lines.push(format!("Your request for {} is {}.", r.recommendation_name, r.state.words()));
        }
        if self.decided.len() > 3 {
            lines.push(format!("And {} more of your requests changed.", self.decided.len() - 3));
        }
        let title = if self.decided.is_empty() { "Requests await your approval" } else { "Your requests changed" };
        (title.to_owned(), lines.join("\n"))
    }
}

impl Desk {
    /// What is new in the request table since `seen` last looked; nothing
    /// when nobody is signed in or the tenant has no request table. The first
    /// look tells the pending requests waiting, and remembers the states of
    /// the user's own requests without telling them.
    pub async fn request_news(&self, seen: &mut NewsSeen) -> Result<RequestNews, AppError> {
        let Some(connected) = self.current().await else {
            return Ok(RequestNews::default());
        };
        let settings = self.tenant_settings().await?;
        if settings.request_table.is_none() {
            return Ok(RequestNews::default());
        }
        let session = connected.choice_session();
        if seen.session != session {
            *seen = NewsSeen { session, ..NewsSeen::default() };
        }
        let all = self.list_requests(desk_core::request::RequestListKind::All).await?;
        let me = me(&connected);
        let mut news = RequestNews::default();
        for request in all {
            if request.requested_by.same_as(&me) {
                let before = seen.mine.insert(request.id.clone(), request.state);
                if seen.primed && before.is_some_and(|b| b != request.state) {
                    news.decided.push(request);
                }
            } else if request.state == RequestState::Pending && seen.pending.insert(request.id.clone()) {
                news.awaiting.push(request);
            }
        }
        seen.primed = true;
        Ok(news)
    }
}
