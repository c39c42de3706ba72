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
    pub fn code(&self) -> desk_core::ErrorCode {
        use desk_core::ErrorCode;
        match self {
            StoreError::UnknownApply(_) => ErrorCode::NotFound,
            StoreError::Damaged(_) => ErrorCode::DatabaseUnusable,
            _ => ErrorCode::LocalStorage,
        }
    }
}
