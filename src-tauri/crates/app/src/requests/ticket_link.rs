//! A request's ticket, opened in the browser when it is a web page. The
//! window names the request, never an address: the address is the one stored
//! with the request, and only an http(s) page with a host and without a user
//! name or password is opened (a link a requester typed must not carry
//! credentials into the approver's browser, nor open a file or a program).

use desk_azure::Url;

use super::prepare::refused;
use crate::profiles::{is_web_page, open_browser};
use crate::{AppError, Desk};

/// The web page a ticket names, if it is one that may be opened.
pub(crate) fn ticket_page(ticket: &str) -> Option<Url> {
    let url = Url::parse(ticket.trim()).ok()?;
    (is_web_page(&url) && url.username().is_empty() && url.password().is_none()).then_some(url)
}

impl Desk {
    /// Open the ticket of request `request_id` (from the table, or a request
    /// file opened this session) in the system browser.
    pub async fn open_request_ticket(&self, request_id: &str) -> Result<(), AppError> {
        let connected = self.connected().await?;
        let settings = self.tenant_settings().await?;
        let request = self.request_by_id(&connected, &settings, request_id).await?;
        let page =
            request.ticket.as_deref().and_then(ticket_page).ok_or_else(|| {
                refused("This request's ticket is not a web address (an http or https link), so there is nothing to open.")
            })?;
        open_browser(&page).map_err(|reason| AppError::Browser { reason, page: page.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::ticket_page;

    #[test]
    fn only_web_pages_without_credentials_are_opened() {
        let opened = |t: &str| ticket_page(t).map(|u| u.to_string());
        assert_eq!(opened("https://tickets.contoso.example/CHG-9").as_deref(), Some("https://tickets.contoso.example/CHG-9"));
        assert_eq!(opened(" http://itsm.local/change?id=4 ").as_deref(), Some("http://itsm.local/change?id=4"));
        for refused in [
            "CHG-9",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "mailto:cab@contoso.example",
            "https://user:secret@tickets.contoso.example/CHG-9",
            "https://user@tickets.contoso.example/CHG-9",
            "https://",
            "ftp://tickets.contoso.example/CHG-9",
            "",
        ] {
            assert_eq!(opened(refused), None, "{refused}");
        }
    }
}
