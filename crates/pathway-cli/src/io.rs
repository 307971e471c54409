//! Files, dates and errors: everything the library leaves to its callers.

use std::fmt;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use pathway::{Bundle, Date, LoadError, LoadOptions, PathwayId, SourceFile};
use pathway_cli::save;

/// The largest file `pathway` reads as a pathway file or a scenario, in bytes. The bundled
/// pathway files are about 60 kB.
pub(crate) const MAX_FILE: u64 = 16 * 1024 * 1024;

/// The most a pathway set's files may hold together, in bytes.
pub(crate) const MAX_SET: u64 = 64 * 1024 * 1024;

/// The most files a pathway set may have. The bundled set has four.
pub(crate) const MAX_SET_FILES: usize = 1000;

/// The largest saved session `walk --resume` reads, in bytes. A session is a few kB.
pub(crate) const MAX_SESSION: u64 = 1024 * 1024;

/// What the exit codes mean, the same for every command (in `--help` and README.md).
pub(crate) const EXIT_FAILED: u8 = 1;
pub(crate) const EXIT_INPUT: u8 = 2;
pub(crate) const EXIT_INTERRUPTED: u8 = 130;

/// An error for the user: `error: …` and an optional hint, with the exit status.
#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    pub(crate) exit: u8,
}

impl CliError {
    /// Bad input or usage (exit 2).
    pub(crate) fn input(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
            exit: EXIT_INPUT,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl From<LoadError> for CliError {
    fn from(err: LoadError) -> Self {
        Self::input(format!("the pathway set does not load:\n{err}"))
    }
}

pub(crate) type Result<T, E = CliError> = std::result::Result<T, E>;

/// Reads a file of at most [`MAX_FILE`] bytes, naming it in the error.
pub(crate) fn read(path: &Path) -> Result<String> {
    read_at_most(path, MAX_FILE, "a pathway or scenario file")
}

/// Reads a JSON file of at most `limit` bytes (`what` it is, for the message): a larger one is
/// refused without reading more than `limit` bytes of it, and so is text that is not UTF-8 or
/// that starts with a byte order mark (which JSON does not allow).
pub(crate) fn read_at_most(path: &Path, limit: u64, what: &str) -> Result<String> {
    let fail = |why: String| CliError::input(format!("cannot read {}: {why}", path.display()));
    let file = fs::File::open(path).map_err(|e| fail(plain(&e)))?;
    let too_large = |size: String| {
        fail(format!(
            "it is {size}, larger than {what} may be ({})",
            bytes(limit)
        ))
        .hint("give the right file: this one is far larger than any such file")
    };
    match file.metadata() {
        Ok(meta) if meta.is_dir() => return Err(fail("it is a folder, not a file".into())),
        Ok(meta) if meta.is_file() && meta.len() > limit => {
            return Err(too_large(bytes(meta.len())));
        }
        _ => {}
    }
    let mut data = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut data)
        .map_err(|e| fail(plain(&e)))?;
    if data.len() as u64 > limit {
        return Err(too_large(format!("more than {}", bytes(limit))));
    }
    let text = String::from_utf8(data).map_err(|e| {
        fail(format!(
            "it is not UTF-8 text (byte {} is not)",
            e.utf8_error().valid_up_to() + 1
        ))
        .hint("save the file as UTF-8 text")
    })?;
    if text.starts_with('\u{feff}') {
        return Err(fail(
            "it starts with a byte order mark (U+FEFF), which JSON does not allow".into(),
        )
        .hint(
            "save the file as UTF-8 without a byte order mark (\"UTF-8\", not \"UTF-8 with BOM\")",
        ));
    }
    Ok(text)
}

/// A size for people: `64 KiB`, `16 MiB`, or bytes.
pub(crate) fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

/// A word for a POSIX shell: as it is when nothing in it is special, else in single quotes.
pub(crate) fn quoted(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A path as a word for a POSIX shell ([`quoted`]).
pub(crate) fn quoted_path(path: &Path) -> String {
    quoted(&path.display().to_string())
}

/// An IO error's message without the "(os error N)" suffix.
pub(crate) fn plain(e: &std::io::Error) -> String {
    let text = e.to_string();
    text.split(" (os error").next().unwrap_or(&text).to_owned()
}

/// Today's date (UTC), or the `--today` given.
pub(crate) fn today(arg: Option<&str>) -> Result<Date> {
    match arg {
        Some(text) => text
            .parse()
            .map_err(|e| CliError::input(format!("--today: {e}"))),
        None => {
            let secs = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Date::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
                .ok_or_else(|| CliError::input("the system clock is out of range: give --today"))
        }
    }
}

/// A loaded pathway set and where it came from.
pub(crate) struct Set {
    pub(crate) bundle: Bundle,
    pub(crate) origin: String,
    /// The pathway a file argument named, if any.
    pub(crate) named: Option<PathwayId>,
}

/// Loads a pathway set: a folder, or one pathway file with its folder's contacts directory.
pub(crate) fn load_dir(path: &Path, options: &LoadOptions) -> Result<Bundle> {
    let texts = set_files(path)?;
    let files: Vec<SourceFile<'_>> = texts
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect();
    Ok(Bundle::load_with(&files, options)?)
}

/// The files of a set, by name, with their text: every `*.json` of a folder, or one file
/// with the contacts directories (`"format": "contacts/v1"`) beside it.
pub(crate) fn set_files(path: &Path) -> Result<Vec<(String, String)>> {
    let (dir, only) = if path.is_file() {
        (folder_of(path), Some(path))
    } else {
        (path, None)
    };
    let entries = fs::read_dir(dir)
        .map_err(|e| CliError::input(format!("cannot read {}: {}", dir.display(), plain(&e))))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    if paths.len() > MAX_SET_FILES {
        return Err(CliError::input(format!(
            "{} holds {} .json files, more than a pathway set may have ({MAX_SET_FILES})",
            dir.display(),
            paths.len()
        ))
        .hint("give the folder of one pathway set"));
    }
    if paths.is_empty() {
        return Err(CliError::input(format!(
            "{} holds no .json pathway files",
            dir.display()
        )));
    }
    let mut texts = Vec::new();
    let mut total = 0;
    for p in &paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = read(p)?;
        total += text.len() as u64;
        if total > MAX_SET {
            return Err(CliError::input(format!(
                "the .json files of {} hold more than a pathway set may ({})",
                dir.display(),
                bytes(MAX_SET)
            ))
            .hint("give the folder of one pathway set"));
        }
        let keep = match only {
            None => true,
            Some(file) => p.file_name() == file.file_name() || is_contacts(&text),
        };
        if keep {
            texts.push((name, text));
        }
    }
    Ok(texts)
}

/// Whether a file is a contacts directory (by its `format`).
fn is_contacts(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            v.get("format")?
                .as_str()
                .map(|f| f.starts_with("contacts/"))
        })
        .unwrap_or(false)
}

/// The folder a file is in (`.` for a bare name).
pub(crate) fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// How to name a set in messages: a folder, or a file "with" the contacts beside it.
pub(crate) fn set_name(path: &Path, files: &[(String, String)]) -> String {
    if !path.is_file() {
        return path.display().to_string();
    }
    let own = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let contacts: Vec<&str> = files
        .iter()
        .filter(|(name, _)| Some(name) != own.as_ref())
        .map(|(name, _)| name.as_str())
        .collect();
    if contacts.is_empty() {
        format!(
            "{} (alone: no contacts directory beside it)",
            path.display()
        )
    } else {
        format!(
            "{} (alone, with {} from its folder)",
            path.display(),
            contacts.join(", ")
        )
    }
}

/// The set to use: `--pathways DIR`, or the folder a PATHWAY argument points into, or the
/// bundled set.
pub(crate) fn load_set(
    pathways: Option<&Path>,
    pathway: Option<&str>,
    options: &LoadOptions,
) -> Result<Set> {
    if let Some(arg) = pathway {
        let path = Path::new(arg);
        if path.is_dir() {
            return Ok(Set {
                bundle: load_dir(path, options)?,
                origin: path.display().to_string(),
                named: None,
            });
        }
        if path.is_file() {
            let dir = folder_of(path);
            let bundle = load_dir(dir, options)?;
            let text = read(path)?;
            let id = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
                .unwrap_or_default();
            let Some(named) = bundle.find(&id) else {
                return Err(CliError::input(format!(
                    "{} is not a pathway of the set in {}",
                    path.display(),
                    dir.display()
                ))
                .hint("give a pathway file (entry.json, adult.json, ...), its id, or the folder"));
            };
            let named = Some(named);
            return Ok(Set {
                bundle,
                origin: dir.display().to_string(),
                named,
            });
        }
    }
    let (bundle, origin) = match pathways {
        Some(dir) => (load_dir(dir, options)?, dir.display().to_string()),
        // The bundled set was compiled and every path verified when the binary was built
        // (`pathway check` still compiles and verifies it afresh).
        None => (
            pathway_bundled::bundle().map_err(|e| {
                CliError::input(format!("the bundled pathway set is damaged: {e}"))
                    .hint("reinstall pathway; `pathway check` verifies the set from its files")
            })?,
            "bundled Hertfordshire set".to_owned(),
        ),
    };
    Ok(Set {
        bundle,
        origin,
        named: None,
    })
}

impl Set {
    /// The pathway a PATHWAY argument names (id, unique suffix or file), or the entry.
    pub(crate) fn pathway(&self, arg: Option<&str>) -> Result<PathwayId> {
        if let Some(id) = self.named {
            return Ok(id);
        }
        match arg {
            Some(name) if !Path::new(name).exists() => self.bundle.resolve(name).map_err(|e| {
                CliError::input(format!("no pathway `{name}` in the {}", self.origin))
                    .hint(format!("the pathways are: {}", e.known.join(", ")))
            }),
            _ => Ok(self.bundle.entry()),
        }
    }

    /// Prints the set's review warnings on standard error.
    pub(crate) fn warn(&self, today: Date) {
        for w in self.bundle.review_warnings(today) {
            emit_err(format_args!("{w}"));
        }
    }
}

/// Writes a file that holds personal data (a session): privately (0600 when new, its own
/// mode kept otherwise), atomically, never through a link ([`save::write`]). Temporary files
/// left by an earlier save that did not finish are removed, and said so on standard error.
pub(crate) fn write_atomic(path: &Path, text: &str) -> Result<()> {
    write_file(path, text, save::PRIVATE)
}

/// [`write_atomic`] for a file anyone may read (reports, facts files): a new one gets the
/// usual mode (0666 less the umask).
pub(crate) fn write_shared(path: &Path, text: &str) -> Result<()> {
    write_file(path, text, save::SHARED)
}

fn write_file(path: &Path, text: &str, mode: u32) -> Result<()> {
    let removed = save::write(path, text.as_bytes(), mode)
        .map_err(|e| CliError::input(format!("cannot write {}: {}", path.display(), plain(&e))))?;
    for file in removed {
        emit_err(format_args!(
            "note: removed {}, a temporary copy left by an earlier save that did not finish",
            file.display()
        ));
    }
    Ok(())
}

/// `args` formatted with every character that could control a terminal or hide text shown
/// as an escape (`\u001b`; [`pathway::visible`]): what `pathway` prints may quote its input.
/// The escape is JSON's, so JSON output stays the same JSON.
pub(crate) fn shown(args: fmt::Arguments<'_>) -> String {
    let text = fmt::format(args);
    match pathway::visible(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

/// Writes to standard output ([`shown`]); a reader that has gone (`| head`) ends the program
/// quietly.
pub(crate) fn emit(args: fmt::Arguments<'_>, newline: bool) {
    let mut text = shown(args);
    if newline {
        text.push('\n');
    }
    let mut out = std::io::stdout().lock();
    let written = out.write_all(text.as_bytes());
    if let Err(e) = written.and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        emit_err(format_args!(
            "error: cannot write the output: {}",
            plain(&e)
        ));
        std::process::exit(EXIT_INPUT.into());
    }
}

/// Writes a line to standard error ([`shown`]).
pub(crate) fn emit_err(args: fmt::Arguments<'_>) {
    let mut text = shown(args);
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `eprintln!` whose text cannot control the terminal ([`shown`]).
macro_rules! tell {
    ($($t:tt)*) => { $crate::io::emit_err(format_args!($($t)*)) };
}

/// `println!` that survives a closed pipe.
macro_rules! say {
    () => { $crate::io::emit(format_args!(""), true) };
    ($($t:tt)*) => { $crate::io::emit(format_args!($($t)*), true) };
}

/// `print!` that survives a closed pipe.
macro_rules! say_raw {
    ($($t:tt)*) => { $crate::io::emit(format_args!($($t)*), false) };
}

pub(crate) use {say, say_raw, tell};
