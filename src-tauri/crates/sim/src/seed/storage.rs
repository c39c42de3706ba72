//! The demo tenant's risk register: storage account `stcontosorisk` (a
//! resource in Shared Services, visible in ARM like the others) with the
//! table `exemptionrequests`, and who may use it. Alex Admin, Morgan Manager
//! and Riley Reader hold *Storage Table Data Contributor* on the account; the
//! `exemption-desk-ci` service principal holds no data role (its entity
//! requests get 403 `AuthorizationPermissionMismatch`).

use crate::model::tables::{StorageAccount, Table};
use crate::state::{ResourceGroup, Resource, World};

use super::demo::{role, ADMIN_OID, MANAGER_OID, READER_OID, SUB_SHARED};

pub const REQUESTS_ACCOUNT: &str = "stcontosorisk";
pub const REQUESTS_TABLE: &str = "exemptionrequests";
pub const REQUESTS_RESOURCE_GROUP: &str = "rg-shared-governance";
pub const STORAGE_TABLE_DATA_CONTRIBUTOR: &str = "Storage Table Data Contributor";

/// The account's ARM id.
pub fn requests_account_id() -> String {
    format!("/subscriptions/{SUB_SHARED}/resourceGroups/{REQUESTS_RESOURCE_GROUP}/providers/Microsoft.Storage/storageAccounts/{REQUESTS_ACCOUNT}")
}

/// Add the account, its table and the data-role assignments to `w`.
pub fn add(w: &mut World) {
    let id = requests_account_id();
    w.resource_groups.push(ResourceGroup {
        subscription_id: SUB_SHARED.into(),
        name: REQUESTS_RESOURCE_GROUP.into(),
        location: "westeurope".into(),
    });
    w.resources.push(Resource {
        id: id.clone(),
        name: REQUESTS_ACCOUNT.into(),
        type_: "Microsoft.Storage/storageAccounts".into(),
        kind: Some("StorageV2".into()),
        location: "westeurope".into(),
        subscription_id: SUB_SHARED.into(),
        resource_group: REQUESTS_RESOURCE_GROUP.into(),
        tags: vec![("environment".into(), "shared".into()), ("costCenter".into(), "CC-4711".into())],
    });
    w.changed();
    for (name, oid) in [
        ("a4f0c1d2-6b1e-4c55-9e0f-3c2b7d8e9f01", ADMIN_OID),
        ("b5e1d2c3-7c2f-4d66-8f10-4d3c8e9f0a12", MANAGER_OID),
        ("c6f2e3d4-8d30-4e77-9021-5e4d9f0a1b23", READER_OID),
    ] {
        w.role_assignments.push(role(name, oid, "User", STORAGE_TABLE_DATA_CONTRIBUTOR, &id));
    }
    let mut account = StorageAccount { name: REQUESTS_ACCOUNT.into(), resource_id: id, ..Default::default() };
    account.tables.insert(REQUESTS_TABLE.into(), Table { name: REQUESTS_TABLE.into(), entities: Default::default() });
    w.tables.accounts.insert(REQUESTS_ACCOUNT.into(), account);
}
