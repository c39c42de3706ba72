//! Each kind of damaged database is reported, left as it was, and can be
//! moved aside; a valid file with an unfinished apply is never replaced.

use std::path::{Path, PathBuf};

use desk_core::apply::ItemState;
use desk_core::plan::PlannedWrite;
use desk_core::storage::DatabaseProblemKind;
use serde_json::json;

use crate::{move_aside, Damage, Store, StoreError, DATABASE_FILE};

/// A fresh folder for one test (removed when dropped).
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Folder {
        let dir = std::env::temp_dir().join(format!("desk-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("test folder");
        Folder(dir)
    }

    fn db(&self) -> PathBuf {
        self.0.join(DATABASE_FILE)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(n: u32) -> PlannedWrite {
    PlannedWrite {
        method: Default::default(),
        as_read: None,
        scope: format!("/subscriptions/s{n}"),
        name: format!("exemption-{n}"),
        path: format!("/subscriptions/s{n}/providers/Microsoft.Authorization/policyExemptions/exemption-{n}"),
        policy_assignment_id: "/a".into(),
        initiative_name: "MCSB".into(),
        policy_definition_reference_ids: vec!["r".into()],
        replaces_existing: false,
        below_chosen_scope: false,
        body: json!({"properties": {"description": "x".repeat(300)}}),
    }
}

/// A valid database holding an apply cut short: item 0 done, the rest not.
fn with_unfinished_apply(path: &Path, items: u32) {
    let store = Store::open(path).expect("opens");
    let writes: Vec<PlannedWrite> = (0..items).map(write).collect();
    store.record_apply("cut", "key", "alex", &writes).expect("records");
    store.set_item_state("cut", 0, ItemState::Succeeded, 1, None).expect("updates");
    store.set_item_state("cut", 1, ItemState::Sending, 1, None).expect("updates");
}

fn damage(path: &Path) -> Damage {
    match Store::open(path) {
        Err(StoreError::Damaged(d)) => *d,
        Err(other) => panic!("expected a damage report, got {other}"),
        Ok(_) => panic!("{} opened although it cannot be used", path.display()),
    }
}

/// Moving aside keeps the file byte for byte and lets a fresh database start.
fn moved_aside_and_fresh(path: &Path, before: &[u8]) {
    let kept = move_aside(path).expect("moves aside");
    assert_eq!(std::fs::read(&kept).expect("kept file"), before, "the damaged file is kept as it was");
    assert!(kept.file_name().and_then(|n| n.to_str()).unwrap_or("").starts_with("exemption-desk.sqlite.damaged-"), "{}", kept.display());
    let store = Store::open(path).expect("a fresh database");
    assert!(store.unfinished_applies("alex").expect("reads").is_empty());
}

#[test]
fn a_garbage_file_is_reported_left_alone_and_can_be_moved_aside() {
    let folder = Folder::new("garbage");
    let garbage = b"this is not a database, it is a shopping list\n".repeat(200);
    std::fs::write(folder.db(), &garbage).expect("writes");
    let d = damage(&folder.db());
    assert_eq!(d.kind, DatabaseProblemKind::NotADatabase, "{d}");
    assert_eq!(d.path, folder.db());
    assert!(d.reason().starts_with("The file is not an SQLite database"), "{}", d.reason());
    assert!(d.problem().can_move_aside);
    assert_eq!(std::fs::read(folder.db()).expect("still there"), garbage, "untouched");
    moved_aside_and_fresh(&folder.db(), &garbage);
}

#[test]
fn a_truncated_database_is_reported_as_damaged() {
    let folder = Folder::new("truncated");
    with_unfinished_apply(&folder.db(), 200);
    let whole = std::fs::read(folder.db()).expect("reads");
    assert!(whole.len() > 64 * 1024, "several pages: {}", whole.len());
    let cut = &whole[..whole.len() / 2];
    std::fs::write(folder.db(), cut).expect("truncates");
    let d = damage(&folder.db());
    assert_eq!(d.kind, DatabaseProblemKind::Damaged, "{d}");
    assert!(d.reason().starts_with("The database is damaged"), "{}", d.reason());
    assert_eq!(std::fs::read(folder.db()).expect("still there"), cut, "untouched");
    moved_aside_and_fresh(&folder.db(), cut);
}

#[test]
fn a_zero_length_file_is_reported_not_reinitialised() {
    let folder = Folder::new("empty");
    std::fs::write(folder.db(), b"").expect("writes");
    let d = damage(&folder.db());
    assert_eq!(d.kind, DatabaseProblemKind::Empty, "{d}");
    assert!(d.reason().contains("empty (0 bytes)"), "{}", d.reason());
    assert_eq!(std::fs::metadata(folder.db()).expect("still there").len(), 0, "not initialised");
    moved_aside_and_fresh(&folder.db(), b"");
}

#[test]
fn another_programs_database_and_a_newer_schema_are_not_taken_over() {
    let folder = Folder::new("foreign");
    {
        let conn = rusqlite::Connection::open(folder.db()).expect("opens");
        conn.execute_batch("CREATE TABLE recipes (name TEXT);").expect("creates");
    }
    assert_eq!(damage(&folder.db()).kind, DatabaseProblemKind::NotADatabase);
    std::fs::remove_file(folder.db()).expect("removes");
    with_unfinished_apply(&folder.db(), 2);
    {
        let conn = rusqlite::Connection::open(folder.db()).expect("opens");
        conn.pragma_update(None, "user_version", 99).expect("sets");
    }
    let d = damage(&folder.db());
    assert_eq!(d.kind, DatabaseProblemKind::NewerVersion, "{d}");
    assert!(d.reason().contains("schema 99"), "{}", d.reason());
}

/// Make `path` unwritable for this process. Root ignores permission bits,
/// so as root the file or folder is made immutable (`chattr +i`) instead.
struct ReadOnly(PathBuf);

/// Whether this process is root: the test made `ours`, so it has our uid.
fn running_as_root(ours: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(ours).map(|m| m.uid() == 0).unwrap_or(false)
}

impl ReadOnly {
    fn new(path: &Path) -> ReadOnly {
        use std::os::unix::fs::PermissionsExt;
        if running_as_root(path) {
            let status = std::process::Command::new("chattr").arg("+i").arg(path).status().expect("chattr runs");
            assert!(status.success(), "as root, this test needs `chattr +i` (CAP_LINUX_IMMUTABLE) to make {} read-only", path.display());
        } else {
            let mode = if path.is_dir() { 0o500 } else { 0o400 };
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
        ReadOnly(path.to_owned())
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if running_as_root(&self.0) {
            let _ = std::process::Command::new("chattr").arg("-i").arg(&self.0).status();
        } else {
            let mode = if self.0.is_dir() { 0o700 } else { 0o600 };
            let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(mode));
        }
    }
}

#[test]
fn a_read_only_file_keeps_its_unfinished_apply_for_when_it_can_be_written() {
    let folder = Folder::new("ro-file");
    with_unfinished_apply(&folder.db(), 3);
    let before = std::fs::read(folder.db()).expect("reads");
    {
        let _read_only = ReadOnly::new(&folder.db());
        let d = damage(&folder.db());
        assert_eq!(d.kind, DatabaseProblemKind::ReadOnly, "{d}");
        assert!(d.reason().starts_with("The file or its folder cannot be written"), "{}", d.reason());
        assert_eq!(std::fs::read(folder.db()).expect("reads"), before, "untouched");
    }
    let store = Store::open(&folder.db()).expect("opens once writable");
    let unfinished = store.unfinished_applies("alex").expect("reads");
    assert_eq!(unfinished.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec!["cut"], "the unfinished apply is still offered");
    assert_eq!(unfinished[0].items.iter().filter(|i| !i.state.is_final()).count(), 2);
}

#[test]
fn a_read_only_folder_is_reported_and_nothing_is_moved() {
    let folder = Folder::new("ro-dir");
    let dir = folder.0.join("data");
    let db = dir.join(DATABASE_FILE);
    with_unfinished_apply(&db, 3);
    let before = std::fs::read(&db).expect("reads");
    {
        let _read_only = ReadOnly::new(&dir);
        let d = damage(&db);
        assert_eq!(d.kind, DatabaseProblemKind::ReadOnly, "{d}");
        assert!(!d.problem().can_move_aside, "a folder that takes no new file cannot hold a fresh database");
        assert_eq!(std::fs::read(&db).expect("reads"), before, "untouched");
        let fresh = dir.join("other.sqlite");
        assert!(matches!(Store::open(&fresh), Err(StoreError::Damaged(d)) if d.kind == DatabaseProblemKind::ReadOnly));
    }
    let store = Store::open(&db).expect("opens once writable");
    assert_eq!(store.unfinished_applies("alex").expect("reads").len(), 1, "found after the failed open");
}

#[test]
fn the_data_folder_and_database_files_are_private_to_this_user() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o7777;
    let folder = Folder::new("perms");
    let dir = folder.0.join("new").join("data");
    let db = dir.join(DATABASE_FILE);
    let store = Store::open(&db).expect("creates");
    store.save_draft(&Default::default()).expect("writes");
    assert_eq!(mode(&dir), 0o700, "data folder");
    assert_eq!(mode(&db), 0o600, "database");
    let wal = dir.join(format!("{DATABASE_FILE}-wal"));
    let shm = dir.join(format!("{DATABASE_FILE}-shm"));
    assert!(wal.exists() && shm.exists(), "WAL files while open");
    assert_eq!((mode(&wal), mode(&shm)), (0o600, 0o600), "-wal and -shm");
    drop(store);

    // An earlier version's 0755 folder and 0644 database are tightened.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let _store = Store::open(&db).expect("reopens");
    assert_eq!((mode(&dir), mode(&db)), (0o700, 0o600));

    // A shared folder such as /tmp (sticky bit) is not changed.
    let shared = folder.0.join("shared");
    std::fs::create_dir(&shared).expect("creates");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).expect("chmod");
    let _store = Store::open(&shared.join(DATABASE_FILE)).expect("creates");
    assert_eq!(mode(&shared), 0o1777);
    assert_eq!(mode(&shared.join(DATABASE_FILE)), 0o600);
}

#[test]
fn an_unusable_store_refuses_every_call_until_it_adopts_a_database() {
    let folder = Folder::new("unusable");
    std::fs::write(folder.db(), b"garbage").expect("writes");
    let d = damage(&folder.db());
    let store = Store::unusable(d.clone()).expect("stand-in");
    assert_eq!(store.damage(), Some(d));
    let refused = store.load_draft().expect_err("refused");
    assert_eq!(refused.code(), "database_unusable");
    assert!(refused.to_string().contains(DATABASE_FILE), "{refused}");
    assert!(store.unfinished_applies("alex").is_err(), "no empty journal pretends nothing is unfinished");
    move_aside(&folder.db()).expect("moves");
    store.adopt(Store::open(&folder.db()).expect("fresh"));
    assert_eq!(store.damage(), None);
    assert_eq!(store.load_draft().expect("reads"), None);
}

#[test]
fn moving_aside_takes_the_log_along_and_never_overwrites() {
    let folder = Folder::new("aside");
    let db = folder.db();
    for (suffix, text) in [("", "db one"), ("-wal", "wal one"), ("-shm", "shm one")] {
        std::fs::write(format!("{}{suffix}", db.display()), text).expect("writes");
    }
    let first = move_aside(&db).expect("moves");
    assert!(!db.exists());
    assert_eq!(std::fs::read_to_string(format!("{}-wal", first.display())).expect("log kept beside it"), "wal one");
    std::fs::write(&db, "db two").expect("writes");
    let second = move_aside(&db).expect("moves again");
    assert_ne!(first, second);
    assert_eq!(std::fs::read_to_string(&first).expect("first kept"), "db one");
    assert_eq!(std::fs::read_to_string(&second).expect("second kept"), "db two");
}
