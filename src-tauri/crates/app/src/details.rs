//! One exemption in detail, for its drawer: as Azure returned it, what it
//! covers, and what this app did to it.

use desk_azure::{caught, AzureError};
use desk_core::change::{targets, ChangeRequest, ExemptionChange};
use desk_core::details::{properties, ExemptionDetails};
use desk_core::validation::{DraftField, FieldError};
use desk_core::CoreError;

use crate::{AppError, Desk};

impl Desk {
    /// The exemption `exemption_id`: refused before any read unless it is
    /// exactly a policy exemption's id (parsed strictly, segment by segment).
    /// One that no longer exists still shows what this app did to it.
    pub async fn exemption_details(&self, exemption_id: &str) -> Result<ExemptionDetails, AppError> {
        let request = ChangeRequest { exemption_ids: vec![exemption_id.to_owned()], change: ExemptionChange::Delete };
        let target = targets(&request).map_err(AzureError::from)?.remove(0);
        if !target.path.eq_ignore_ascii_case(exemption_id) {
            let message = format!("{exemption_id} is not a policy exemption's id.");
            return Err(AzureError::from(CoreError::InvalidDraft(vec![FieldError { field: DraftField::Scope, message }])).into());
        }
        let connected = self.connected().await?;
        let read = caught(connected.tenant.exemption_details(&target.path)).await?;
        let audit = self.store.exemption_audit(&target.path)?;
        let (properties, raw_json) = match read.raw {
            Some((value, text)) => (properties(&value), Some(text)),
            None => (Vec::new(), None),
        };
        Ok(ExemptionDetails { exemption_id: target.path, raw_json, properties, coverage: read.coverage, audit })
    }
}
