//! The backstop behind the single-instance plugin: a second copy of the app
//! on the same data folder (no session bus to find the first, another
//! launcher) must not write the same journal. The first copy holds an
//! exclusive OS lock on `exemption-desk.lock` in the data folder for as long
//! as it runs; the OS releases it when the process ends, however it ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "exemption-desk.lock";

/// Held for the life of the process.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("Exemption Desk is already running with the data folder {0}; use its window.")]
    Held(PathBuf),
    #[error("The data folder's lock file {path} could not be opened: {source}")]
    Io { path: PathBuf, source: io::Error },
}

impl InstanceLock {
    /// Takes the lock in `data_dir` (created if needed), or says who holds it.
    pub fn acquire(data_dir: &Path) -> Result<InstanceLock, LockError> {
        let path = data_dir.join(FILE_NAME);
        let io = |source| LockError::Io { path: path.clone(), source };
        std::fs::create_dir_all(data_dir).map_err(io)?;
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(InstanceLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(LockError::Held(data_dir.to_path_buf())),
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = std::env::temp_dir().join(format!("desk-lock-{}", std::process::id()));
        let first = InstanceLock::acquire(&dir).expect("the first takes it");
        let second = InstanceLock::acquire(&dir).expect_err("a second is refused");
        assert!(second.to_string().contains("already running"), "{second}");
        drop(first);
        let again = InstanceLock::acquire(&dir).expect("free again once the first is gone");
        drop(again);
        let _ = std::fs::remove_dir_all(dir);
    }
}
