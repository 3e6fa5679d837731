//! Output: the only module that writes to disk.
//!
//! A build produces a list of [`OutFile`]s in memory; [`write_site`] writes
//! them into a fresh staging folder beside the target, then swaps it in, so a
//! failed build never leaves a half-written or emptied `output/`.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// One file of the output, with a `/`-separated path relative to its root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// Relative path, e.g. `projects/e-application.html`.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

impl OutFile {
    /// A file from text.
    pub fn text(path: impl Into<String>, text: impl Into<String>) -> Self {
        OutFile {
            path: path.into(),
            bytes: text.into().into_bytes(),
        }
    }
}

/// Checks that `rel` stays inside the output root.
pub fn safe_relative(rel: &str) -> io::Result<PathBuf> {
    let p = Path::new(rel);
    let ok = !rel.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(p.to_path_buf())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write outside the output folder: {rel}"),
        ))
    }
}

/// Writes `files` to `target` atomically (stage, then rename).
pub fn write_site(target: &Path, files: &[OutFile]) -> io::Result<()> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let stage = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if stage.exists() {
        fs::remove_dir_all(&stage)?;
    }
    let result = (|| {
        for f in files {
            let rel = safe_relative(&f.path)?;
            let dest = stage.join(rel);
            if let Some(d) = dest.parent() {
                fs::create_dir_all(d)?;
            }
            fs::write(&dest, &f.bytes)?;
        }
        fs::create_dir_all(&stage)?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&stage);
        return Err(e);
    }
    if target.exists() {
        fs::rename(target, &old)?;
        if let Err(e) = fs::rename(&stage, target) {
            // Put the previous output back.
            let _ = fs::rename(&old, target);
            let _ = fs::remove_dir_all(&stage);
            return Err(e);
        }
        fs::remove_dir_all(&old)?;
    } else {
        fs::rename(&stage, target)?;
    }
    Ok(())
}

/// Creates a new file, refusing to overwrite an existing one.
pub fn create_new_file(path: &Path, text: &str) -> io::Result<()> {
    use std::io::Write as _;
    if let Some(d) = path.parent() {
        fs::create_dir_all(d)?;
    }
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_escaping_paths() {
        assert!(safe_relative("../x").is_err());
        assert!(safe_relative("/etc/passwd").is_err());
        assert!(safe_relative("a/../../b").is_err());
        assert!(safe_relative("").is_err());
        assert!(safe_relative("projects/a.html").is_ok());
    }
}
