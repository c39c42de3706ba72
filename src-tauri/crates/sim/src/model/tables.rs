//! What the simulated Table service stores: storage accounts, their tables
//! and entities. Pure data: imports nothing of the simulator.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

/// The Entity Data Model types a table property can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edm {
    String,
    Int32,
    Int64,
    Double,
    Boolean,
    DateTime,
    Guid,
    Binary,
}

impl Edm {
    pub fn parse(name: &str) -> Option<Edm> {
        Some(match name {
            "Edm.String" => Edm::String,
            "Edm.Int32" => Edm::Int32,
            "Edm.Int64" => Edm::Int64,
            "Edm.Double" => Edm::Double,
            "Edm.Boolean" => Edm::Boolean,
            "Edm.DateTime" => Edm::DateTime,
            "Edm.Guid" => Edm::Guid,
            "Edm.Binary" => Edm::Binary,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Edm::String => "Edm.String",
            Edm::Int32 => "Edm.Int32",
            Edm::Int64 => "Edm.Int64",
            Edm::Double => "Edm.Double",
            Edm::Boolean => "Edm.Boolean",
            Edm::DateTime => "Edm.DateTime",
            Edm::Guid => "Edm.Guid",
            Edm::Binary => "Edm.Binary",
        }
    }
}

/// One property value as stored: its JSON wire value (Int64 as a string,
/// DateTime normalised, Binary base64) and its type.
#[derive(Debug, Clone, PartialEq)]
pub struct Prop {
    pub value: Value,
    pub edm: Edm,
}

/// An entity: keys, the service-set timestamp (its ETag derives from it) and
/// its custom properties.
#[derive(Debug, Clone)]
pub struct Entity {
    pub partition_key: String,
    pub row_key: String,
    pub timestamp: DateTime<Utc>,
    pub props: BTreeMap<String, Prop>,
}

/// A table: its name as created and its entities ordered by (PartitionKey, RowKey).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub name: String,
    pub entities: BTreeMap<(String, String), Entity>,
}

/// A storage account's Table service.
#[derive(Debug, Clone, Default)]
pub struct StorageAccount {
    pub name: String,
    /// Its ARM id: where data roles are looked up (at it or above).
    pub resource_id: String,
    /// Tables by lower-case name (table names are case-insensitive).
    pub tables: BTreeMap<String, Table>,
    /// The last timestamp handed out, so two writes never share an ETag.
    pub last_timestamp: Option<DateTime<Utc>>,
}

/// Every storage account's tables, by lower-case account name.
#[derive(Debug, Clone, Default)]
pub struct TableStore {
    pub accounts: BTreeMap<String, StorageAccount>,
}
