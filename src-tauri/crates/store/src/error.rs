#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the local database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("could not create {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("a stored record is damaged: {0}")]
    Corrupt(String),
    #[error("the local database {0}")]
    Damaged(Box<crate::open::Damage>),
    #[error("no apply {0} in the journal")]
    UnknownApply(String),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::UnknownApply(_) => "not_found",
            StoreError::Damaged(_) => "database_unusable",
            _ => "local_storage",
        }
    }
}
