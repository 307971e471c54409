//! Files, dates and errors: everything the library leaves to its callers.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use pathway::{Bundle, Date, LoadError, LoadOptions, PathwayId, SourceFile};

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
            exit: 2,
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

/// Reads a file, naming it in the error.
pub(crate) fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path)
        .map_err(|e| CliError::input(format!("cannot read {}: {}", path.display(), plain(&e))))
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
    if paths.is_empty() {
        return Err(CliError::input(format!(
            "{} holds no .json pathway files",
            dir.display()
        )));
    }
    let mut texts = Vec::new();
    for p in &paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = read(p)?;
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
            Some(name) if !Path::new(name).exists() => self.bundle.find(name).ok_or_else(|| {
                let ids: Vec<&str> = self
                    .bundle
                    .pathways()
                    .map(|p| self.bundle.meta(p).id.as_str())
                    .collect();
                CliError::input(format!("no pathway `{name}` in the {}", self.origin))
                    .hint(format!("the pathways are: {}", ids.join(", ")))
            }),
            _ => Ok(self.bundle.entry()),
        }
    }

    /// Prints the set's review warnings on standard error.
    pub(crate) fn warn(&self, today: Date) {
        for w in self.bundle.review_warnings(today) {
            eprintln!("{w}");
        }
    }
}

/// Writes a file atomically: a temporary file in the same folder, flushed, then renamed.
pub(crate) fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let dir = folder_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "session".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let fail = |e: std::io::Error| {
        CliError::input(format!("cannot write {}: {}", path.display(), plain(&e)))
    };
    let mut file = fs::File::create(&tmp).map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    drop(file);
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        fail(e)
    })
}

/// Writes to standard output; a reader that has gone (`| head`) ends the program quietly.
pub(crate) fn emit(args: fmt::Arguments<'_>, newline: bool) {
    let mut out = std::io::stdout().lock();
    let written = out.write_fmt(args).and_then(|()| {
        if newline {
            out.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(e) = written.and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {}", plain(&e));
        std::process::exit(2);
    }
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

pub(crate) use {say, say_raw};
