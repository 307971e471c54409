//! Writing a file safely: a saved session holds a person's answers (a date of birth among
//! them), so it is written privately, atomically, and never through a link someone planted.
//!
//! [`write`] writes a temporary file beside the target, created exclusively (`O_CREAT |
//! O_EXCL`, and `O_NOFOLLOW`: a file or link already at that name is never opened) with the
//! mode asked (0600 for a session; the umask can only narrow it), syncs it, renames it over
//! the target and syncs the folder, so a crash leaves the old file or the new one, never a
//! mix. An existing target keeps its own mode, so a `chmod 600` stays. A target that is a symbolic link
//! is refused: replacing the link would leave the file it points to stale, and writing
//! through it would let a link planted at a session's name overwrite its target. Temporary
//! files of this program left beside the target by an earlier save that did not finish (they
//! hold answers) are removed, and named, on the next save.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The mode of a new file that holds personal data: read and write for its owner only.
pub const PRIVATE: u32 = 0o600;

/// The mode of a new file anyone may read (the umask applies): reports, facts files.
pub const SHARED: u32 = 0o666;

/// How the temporary file of a save to `name` is named: `.NAME.pathway-PID-N.tmp`.
fn temporary_name(name: &str, pid: u32, n: u32) -> String {
    format!(".{name}.pathway-{pid}-{n}.tmp")
}

/// The process that wrote a temporary file of a save to `name`, if `file` is one: this
/// version's `.NAME.pathway-PID-N.tmp`, or the earlier `.NAME.PID.tmp`.
fn temporary_of(file: &str, name: &str) -> Option<u32> {
    let rest = file
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix('.')?;
    let middle = rest.strip_suffix(".tmp")?;
    let pid = match middle.strip_prefix("pathway-") {
        Some(tagged) => tagged.split_once('-')?.0,
        None => middle,
    };
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether process `pid` is running, where `/proc` tells; elsewhere it is taken to have ended.
fn is_running(pid: u32) -> bool {
    Path::new("/proc/self").exists() && Path::new("/proc").join(pid.to_string()).exists()
}

/// Writes `bytes` to `path` as described in the module documentation; `mode` is the mode of a
/// new file ([`PRIVATE`] or [`SHARED`]). Returns the stale temporary files it removed.
pub fn write(path: &Path, bytes: &[u8], mode: u32) -> io::Result<Vec<PathBuf>> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| io::Error::other("not a file name"))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let keep = existing_mode(path)?;
    let removed = remove_stale(dir, name);
    let (tmp, mut file) = create_temporary(dir, name, mode)?;
    let written = (|| {
        file.write_all(bytes)?;
        if let Some(keep) = keep {
            set_mode(&file, keep)?;
        }
        file.sync_all()
    })();
    drop(file);
    if let Err(e) = written.and_then(|()| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_folder(dir)?;
    Ok(removed)
}

/// The permission bits of the file at `path`, `None` when there is none; an error for a
/// symbolic link or anything but a regular file.
fn existing_mode(path: &Path) -> io::Result<Option<u32>> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if meta.file_type().is_symlink() {
        let to = fs::read_link(path)
            .map(|t| format!(" (to {})", t.display()))
            .unwrap_or_default();
        return Err(io::Error::other(format!(
            "it is a symbolic link{to}; give the path of the file itself"
        )));
    }
    if !meta.is_file() {
        return Err(io::Error::other("it is not a regular file"));
    }
    Ok(Some(permissions(&meta)))
}

#[cfg(unix)]
fn permissions(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn permissions(_: &fs::Metadata) -> u32 {
    PRIVATE
}

#[cfg(unix)]
fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // On the open file (fchmod): the umask does not apply, and no path is followed.
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &File, _: u32) -> io::Result<()> {
    Ok(())
}

/// Removes the temporary files of saves to `name` in `dir` whose process has ended; returns
/// them. A file that cannot be removed is left (the save itself goes on).
fn remove_stale(dir: &Path, name: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let own = std::process::id();
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file.to_str().and_then(|f| temporary_of(f, name)) else {
            continue;
        };
        if pid == own || is_running(pid) {
            continue;
        }
        // Never followed: a link is removed itself, and anything else but a file is left.
        let path = entry.path();
        let kind = fs::symlink_metadata(&path).map(|m| m.file_type());
        if kind.is_ok_and(|k| k.is_file() || k.is_symlink()) && fs::remove_file(&path).is_ok() {
            removed.push(path);
        }
    }
    removed.sort();
    removed
}

/// A new temporary file beside the target, created exclusively, not through a link, with
/// `mode` (less the umask, which the kernel applies).
fn create_temporary(dir: &Path, name: &str, mode: u32) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let pid = std::process::id();
    let mut last = None;
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(temporary_name(name, pid, n));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options
                .mode(mode)
                .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
        }
        match options.open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            // Something is at that name already (planted, or another save): the next name.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary file could be created")))
}

/// Syncs the folder, so that the rename itself survives a crash. File systems that cannot
/// sync a folder say so with `EINVAL`: nothing more can be done there.
fn sync_folder(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    match File::open(dir).and_then(|d| d.sync_all()) {
        Err(e)
            if e.kind() != io::ErrorKind::InvalidInput
                && e.kind() != io::ErrorKind::Unsupported =>
        {
            return Err(e);
        }
        _ => {}
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pathway-save-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut all: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        all.sort();
        all
    }

    /// V5: a new session file is 0600, and an existing file keeps its mode (a `chmod 600` is
    /// not undone, and a file the worker shared stays shared).
    #[test]
    fn a_new_file_is_private_and_an_existing_one_keeps_its_mode() {
        let dir = folder("mode");
        let file = dir.join("case.json");
        write(&file, b"one", PRIVATE).unwrap();
        assert_eq!(mode(&file), 0o600);
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        write(&file, b"two", PRIVATE).unwrap();
        assert_eq!(mode(&file), 0o640);
        assert_eq!(fs::read(&file).unwrap(), b"two");
        assert_eq!(names(&dir), ["case.json"], "no temporary file is left");
        // A shared file gets the mode any new file gets (the umask applies), never more.
        let report = dir.join("report.json");
        write(&report, b"r", SHARED).unwrap();
        let usual = dir.join("usual.json");
        fs::write(&usual, b"u").unwrap();
        assert_eq!(mode(&report), mode(&usual));
    }

    /// V4: a link planted at every temporary name this save could use is never written
    /// through; the save uses another name or fails, and the link's target is untouched.
    #[test]
    fn a_link_planted_at_the_temporary_name_is_never_followed() {
        let dir = folder("planted");
        let victim = dir.join("victim.txt");
        fs::write(&victim, "precious").unwrap();
        let pid = std::process::id();
        for n in 0..64 {
            symlink(&victim, dir.join(temporary_name("case.json", pid, n))).unwrap();
        }
        // The earlier version's name too.
        symlink(&victim, dir.join(format!(".case.json.{pid}.tmp"))).unwrap();
        let file = dir.join("case.json");
        let result = write(&file, b"answers", PRIVATE);
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        if result.is_ok() {
            assert_eq!(fs::read(&file).unwrap(), b"answers");
            assert!(
                !fs::symlink_metadata(&file)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
        }
    }

    /// Saving over a symbolic link is refused, naming it; the file it points to is untouched.
    #[test]
    fn a_target_that_is_a_link_is_refused() {
        let dir = folder("link");
        let victim = dir.join("victim.txt");
        fs::write(&victim, "precious").unwrap();
        let file = dir.join("case.json");
        symlink(&victim, &file).unwrap();
        let e = write(&file, b"answers", PRIVATE).unwrap_err();
        assert!(e.to_string().contains("is a symbolic link (to "), "{e}");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert!(
            fs::symlink_metadata(&file)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let e = write(&dir, b"x", PRIVATE).unwrap_err();
        assert!(
            e.to_string().contains("not a regular file")
                || e.to_string().contains("not a file name"),
            "{e}"
        );
    }

    /// V4: temporary files left by an earlier save that did not finish (they hold answers)
    /// are removed by the next save and named; other files are left alone.
    #[test]
    fn stale_temporary_files_are_removed_on_the_next_save() {
        let dir = folder("stale");
        // No process has these ids (above Linux's pid_max of 2^22).
        let old = dir.join(".case.json.4194305.tmp");
        let new = dir.join(temporary_name("case.json", 4_194_306, 3));
        let other = dir.join(".other.json.4194305.tmp");
        let mine_running = dir.join(temporary_name("case.json", 1, 0));
        for f in [&old, &new, &other, &mine_running] {
            fs::write(f, "answers").unwrap();
        }
        let removed = write(&dir.join("case.json"), b"x", PRIVATE).unwrap();
        assert_eq!(removed, [old.clone(), new.clone()]);
        assert!(!old.exists() && !new.exists());
        assert!(
            other.exists(),
            "another file's temporary is not this save's"
        );
        assert!(mine_running.exists(), "process 1 is running");
    }

    #[test]
    fn temporary_names_are_recognised_only_for_their_target() {
        assert_eq!(temporary_of(".a.json.pathway-12-3.tmp", "a.json"), Some(12));
        assert_eq!(temporary_of(".a.json.12.tmp", "a.json"), Some(12));
        assert_eq!(temporary_of(".a.json.x.tmp", "a.json"), None);
        assert_eq!(temporary_of(".ab.json.12.tmp", "a.json"), None);
        assert_eq!(temporary_of("a.json", "a.json"), None);
    }
}
