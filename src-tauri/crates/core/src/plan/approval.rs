//! What Azure records of a request and its approval: the written exemptions'
//! `metadata` names the request, the requester and the approver, so the
//! register (and anyone reading the exemption in the portal) sees both.

use serde_json::{json, Value};

use super::{PlannedWrite, WriteMethod};
use crate::change::TICKET_KEY;
use crate::request::Person;

/// The request and its approval, as stamped on each written exemption.
#[derive(Debug, Clone, PartialEq)]
pub struct Approval<'a> {
    pub request_id: &'a str,
    pub requested_by: &'a Person,
    /// UTC, RFC 3339.
    pub requested_at: &'a str,
    pub approved_by: &'a Person,
    /// UTC, RFC 3339.
    pub approved_at: &'a str,
    pub ticket: Option<&'a str>,
    /// False for a request opened from a file: the requester is as the file states it.
    pub requester_verified: bool,
}

/// Stamp every PUT's `metadata` with the request and its approval. The plan
/// was made under the approver's identity, so `requestedBy` is set back to
/// the requester here.
pub fn stamp_approval(writes: &mut [PlannedWrite], approval: &Approval<'_>) {
    for write in writes.iter_mut().filter(|w| w.method == WriteMethod::Put) {
        let Some(properties) = write.body.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        let metadata = properties.entry("metadata").or_insert_with(|| json!({}));
        if !metadata.is_object() {
            *metadata = json!({});
        }
        let Some(metadata) = metadata.as_object_mut() else {
            continue;
        };
        let mut set = |key: &str, value: Value| {
            metadata.insert(key.to_owned(), value);
        };
        set("requestId", json!(approval.request_id));
        set("requestedBy", json!(approval.requested_by.account));
        set("requestedByObjectId", json!(approval.requested_by.object_id));
        set("requestedAt", json!(approval.requested_at));
        set("approvedBy", json!(approval.approved_by.account));
        set("approvedByObjectId", json!(approval.approved_by.object_id));
        set("approvedAt", json!(approval.approved_at));
        if let Some(ticket) = approval.ticket.map(str::trim).filter(|t| !t.is_empty()) {
            set(TICKET_KEY, json!(ticket));
        }
        if !approval.requester_verified {
            set("requesterVerified", json!(false));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::*;
    use crate::plan::plan_exemptions;

    #[test]
    fn the_metadata_names_request_requester_and_approver() {
        let approver = Person { account: "owner@contoso.com".into(), object_id: "oid-owner".into() };
        let reader = Person { account: "reader@contoso.com".into(), object_id: "oid-reader".into() };
        let scopes = [facts(&sub(SUB_A), vec![benchmark(&sub(SUB_A))])];
        let mut writes = plan_exemptions(&draft(), &recommendation(), &scopes, &requester(), now()).expect("as built");
        let approval = Approval {
            request_id: "req-1",
            requested_by: &reader,
            requested_at: "2026-11-24T09:00:00Z",
            approved_by: &approver,
            approved_at: "2026-11-25T12:00:00Z",
            ticket: Some(" CHG-7 "),
            requester_verified: false,
        };
        stamp_approval(&mut writes, &approval);
        let metadata = &writes[0].body["properties"]["metadata"];
        for (key, value) in [
            ("requestId", "req-1"),
            ("requestedBy", "reader@contoso.com"),
            ("requestedByObjectId", "oid-reader"),
            ("requestedAt", "2026-11-24T09:00:00Z"),
            ("approvedBy", "owner@contoso.com"),
            ("approvedByObjectId", "oid-owner"),
            ("approvedAt", "2026-11-25T12:00:00Z"),
            ("ticket", "CHG-7"),
        ] {
            assert_eq!(metadata[key], json!(value), "{key}");
        }
        assert_eq!(metadata["requesterVerified"], json!(false));
        assert!(metadata["createdWith"].as_str().expect("as built").starts_with("Exemption Desk"), "the plan's own keys stay");
    }
}
