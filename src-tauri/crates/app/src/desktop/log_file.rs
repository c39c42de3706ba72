//! The app's log file, rotated by size: `exemption-desk.log` grows to
//! [`MAX_BYTES`], then becomes `exemption-desk.log.1` (the older ones move up
//! to `.KEEP`, the oldest is dropped), so the folder never holds more than
//! `MAX_BYTES × (KEEP + 1)`. Written to by the shell's `tracing` subscriber
//! (through a `Mutex`, which makes it a `MakeWriter`); what is logged never
//! holds a secret (secrets redact themselves in `Debug`, and no token or
//! password is ever logged).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The file's name in the log folder.
pub const FILE_NAME: &str = "exemption-desk.log";
/// A file is rotated once it would grow past this.
pub const MAX_BYTES: u64 = 5 * 1024 * 1024;
/// Rotated files kept besides the current one.
pub const KEEP: u32 = 3;

pub struct LogFile {
    dir: PathBuf,
    max_bytes: u64,
    keep: u32,
    file: Option<File>,
    written: u64,
}

impl LogFile {
    /// Opens (appends to) the log in `dir`, creating the folder, with the default caps.
    pub fn open(dir: &Path) -> io::Result<Self> {
        LogFile::with_caps(dir, MAX_BYTES, KEEP)
    }

    pub fn with_caps(dir: &Path, max_bytes: u64, keep: u32) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        let mut log = LogFile { dir: dir.to_path_buf(), max_bytes, keep, file: None, written: 0 };
        log.reopen()?;
        Ok(log)
    }

    /// The current file's path.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    fn numbered(&self, n: u32) -> PathBuf {
        self.dir.join(format!("{FILE_NAME}.{n}"))
    }

    fn reopen(&mut self) -> io::Result<()> {
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(self.path())?;
        self.written = file.metadata().map(|m| m.len()).unwrap_or(0);
        self.file = Some(file);
        Ok(())
    }

    /// `.KEEP` is dropped, each `.n` becomes `.n+1`, the current file `.1`, and a new one starts.
    fn rotate(&mut self) -> io::Result<()> {
        self.file = None;
        if self.keep == 0 {
            let _ = fs::remove_file(self.path());
        } else {
            let _ = fs::remove_file(self.numbered(self.keep));
            for n in (1..self.keep).rev() {
                let from = self.numbered(n);
                if from.exists() {
                    fs::rename(&from, self.numbered(n.saturating_add(1)))?;
                }
            }
            fs::rename(self.path(), self.numbered(1))?;
        }
        self.reopen()
    }
}

impl Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let len = u64::try_from(buf.len()).unwrap_or(u64::MAX);
        if self.written > 0 && self.written.saturating_add(len) > self.max_bytes {
            self.rotate()?;
        }
        let file = match self.file.as_mut() {
            Some(file) => file,
            None => {
                self.reopen()?;
                self.file.as_mut().ok_or_else(|| io::Error::other("the log file is not open"))?
            }
        };
        let n = file.write(buf)?;
        self.written = self.written.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.file.as_mut() {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("desk-log-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn the_log_rotates_by_size_and_keeps_a_bounded_number_of_files() {
        let dir = scratch("rotate");
        let mut log = LogFile::with_caps(&dir.join("logs"), 100, 2).expect("opens, creating the folder");
        for i in 0..30 {
            writeln!(log, "line {i:02} of the log, padded to some length").expect("writes");
        }
        log.flush().expect("flushes");
        let mut names: Vec<String> =
            fs::read_dir(dir.join("logs")).expect("lists").map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(names, ["exemption-desk.log", "exemption-desk.log.1", "exemption-desk.log.2"]);
        let mut total = 0;
        for name in &names {
            let len = fs::metadata(dir.join("logs").join(name)).expect("stat").len();
            assert!(len <= 100, "{name} is {len} bytes");
            total += len;
        }
        assert!(total <= 300);
        let newest = fs::read_to_string(log.path()).expect("reads");
        assert!(newest.contains("line 29"), "{newest}");
        let older = fs::read_to_string(dir.join("logs/exemption-desk.log.1")).expect("reads");
        assert!(older.contains("line 27") && !older.contains("line 29"), "{older}");
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn a_restart_appends_and_counts_what_is_already_there() {
        let dir = scratch("append");
        {
            let mut log = LogFile::with_caps(&dir, 60, 1).expect("opens");
            writeln!(log, "first run: 40 bytes of text here.......").expect("writes");
        }
        let mut log = LogFile::with_caps(&dir, 60, 1).expect("opens again");
        writeln!(log, "second run: this line does not fit").expect("writes");
        assert!(fs::read_to_string(dir.join("exemption-desk.log.1")).expect("rotated").starts_with("first run"));
        assert!(fs::read_to_string(log.path()).expect("current").starts_with("second run"));
        let _ = fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[test]
    fn only_the_user_may_read_the_log() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("mode");
        let log = LogFile::open(&dir).expect("opens");
        let mode = fs::metadata(log.path()).expect("stat").permissions().mode();
        assert_eq!(mode & 0o077, 0, "mode {mode:o}");
        let _ = fs::remove_dir_all(dir);
    }
}
