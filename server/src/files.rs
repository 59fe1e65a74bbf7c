//! Attached files on disk: uploads in progress and finished files, each named by its SHA-256. The only code that
//! knows the layout, in the folder the database names ([`crate::db::Db::files`]):
//!
//! - `parts/<sha256>`: an upload in progress. Its length is the upload's offset: a chunk is written and fsynced
//!   before it is acknowledged, and a tail written but never acknowledged (a crash mid-chunk) is cut off by the
//!   next chunk, which must start at the acknowledged offset the client was told.
//! - `files/<first two hex digits>/<sha256>`: a finished file, checked against its hash and its type, never
//!   changed again. It gets there by one rename, so a file is either wholly there or not at all.
//!
//! - `locks/<sha256>`: there while a request has that file's turn; what the instances sharing the folder take
//!   turns by.
//!
//! Two requests for one upload (a tablet's retry while its first request still runs, or one photo sent by two
//! tablets, through one instance or two) take turns on a lock per file, so the offset they check is the one they
//! write at. Every path is built from a checked SHA-256, so no name from a request leads out of the folder.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use domain::attachment::MediaType;
use sha2::{Digest, Sha256};

/// What the finished bytes turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Checked {
    Good,
    WrongHash,
    WrongType,
}

#[derive(Clone)]
pub struct Files {
    root: PathBuf,
    locks: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}

impl Files {
    /// The files kept in the folder `root`.
    pub fn at(root: &Path) -> Self {
        Files { root: root.to_owned(), locks: Default::default() }
    }

    fn part(&self, sha256: &str) -> std::io::Result<PathBuf> {
        Ok(self.root.join("parts").join(checked(sha256)?))
    }

    fn finished(&self, sha256: &str) -> std::io::Result<PathBuf> {
        let name = checked(sha256)?;
        Ok(self.root.join("files").join(&name[..2]).join(name))
    }

    fn lock_file(&self, sha256: &str) -> std::io::Result<PathBuf> {
        Ok(self.root.join("locks").join(checked(sha256)?))
    }

    /// Waits for this file's turn: first among this process's requests (the lock leaves the table when its last
    /// holder lets go), then among every instance's, by an exclusive lock on `locks/<sha256>` (released when the
    /// turn ends, or its process dies).
    pub async fn lock(&self, sha256: &str) -> std::io::Result<FileTurn> {
        let path = self.lock_file(sha256)?;
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            locks.entry(sha256.to_owned()).or_default().clone()
        };
        let guard = lock.clone().lock_owned().await;
        let across = blocking(move || lock_exclusively(path)).await?;
        Ok(FileTurn { _across: across, _guard: guard, locks: self.locks.clone(), sha256: sha256.to_owned(), lock })
    }

    /// The bytes received so far of an upload in progress (0 if none).
    pub async fn received(&self, sha256: &str) -> std::io::Result<u64> {
        match tokio::fs::metadata(self.part(sha256)?).await {
            Ok(meta) => Ok(meta.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e),
        }
    }

    pub async fn is_finished(&self, sha256: &str) -> bool {
        match self.finished(sha256) {
            Ok(path) => tokio::fs::try_exists(path).await.unwrap_or(false),
            Err(_) => false,
        }
    }

    /// Writes `chunk` at `offset` of the upload and flushes it to disk; anything past `offset` (a tail never
    /// acknowledged) is cut off first. Call only on the file's turn, with `offset` the acknowledged length.
    pub async fn append(&self, sha256: &str, offset: u64, chunk: axum::body::Bytes) -> std::io::Result<u64> {
        let path = self.part(sha256)?;
        blocking(move || {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path)?;
            file.set_len(offset)?;
            file.seek(SeekFrom::Start(offset))?;
            file.write_all(&chunk)?;
            file.sync_all()?;
            Ok(offset + chunk.len() as u64)
        })
        .await
    }

    /// Reads the whole upload once, streaming: whether its hash is `sha256` and its content is `media_type`.
    pub async fn check(&self, sha256: &str, media_type: MediaType) -> std::io::Result<Checked> {
        let path = self.part(sha256)?;
        let expected = sha256.to_owned();
        blocking(move || {
            let mut file = std::fs::File::open(&path)?;
            let mut hasher = Sha256::new();
            let mut head = Vec::new();
            let mut buffer = vec![0u8; 1 << 20];
            // An Office file is confirmed by a part's name inside the archive; a window of the last bytes read is
            // carried over so a name across two reads is still found.
            let mut window: Vec<u8> = Vec::new();
            let mut confirmed = !matches!(media_type, MediaType::Docx | MediaType::Xlsx);
            loop {
                let read = file.read(&mut buffer)?;
                if read == 0 {
                    break;
                }
                let bytes = &buffer[..read];
                hasher.update(bytes);
                if head.len() < 16 {
                    head.extend_from_slice(&bytes[..bytes.len().min(16 - head.len())]);
                }
                if !confirmed {
                    window.extend_from_slice(bytes);
                    let mut probe = head.clone();
                    probe.extend_from_slice(&window);
                    confirmed = media_type.confirms(&probe);
                    let keep = window.len().saturating_sub(64);
                    window.drain(..keep);
                }
            }
            let hash: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
            Ok(if hash != expected {
                Checked::WrongHash
            } else if !media_type.begins(&head) || !confirmed {
                Checked::WrongType
            } else {
                Checked::Good
            })
        })
        .await
    }

    /// Moves a checked upload to its place among the finished files, durably.
    pub async fn finish(&self, sha256: &str) -> std::io::Result<()> {
        let (from, to) = (self.part(sha256)?, self.finished(sha256)?);
        blocking(move || {
            let dir = to.parent().ok_or_else(|| std::io::Error::other("no parent"))?;
            std::fs::create_dir_all(dir)?;
            std::fs::rename(&from, &to)?;
            // The rename itself is durable once its folder is.
            std::fs::File::open(dir)?.sync_all()
        })
        .await
    }

    /// Forgets an upload in progress (refused, or abandoned).
    pub async fn discard(&self, sha256: &str) -> std::io::Result<()> {
        ignore_missing(tokio::fs::remove_file(self.part(sha256)?).await)
    }

    /// Removes a finished file no record refers to any more.
    pub async fn remove(&self, sha256: &str) -> std::io::Result<()> {
        ignore_missing(tokio::fs::remove_file(self.finished(sha256)?).await)
    }

    /// Copies every finished file this folder holds and `into` lacks: a backup's files, after its database. A
    /// finished file never changes, so a copy made while the server runs is whole. The number copied.
    pub async fn copy_finished(&self, into: &Files) -> std::io::Result<u64> {
        let (from, to) = (self.root.join("files"), into.root.join("files"));
        blocking(move || {
            let mut copied = 0;
            let Ok(folders) = std::fs::read_dir(&from) else { return Ok(0) };
            for folder in folders {
                let folder = folder?;
                for file in std::fs::read_dir(folder.path())? {
                    let file = file?;
                    let target = to.join(folder.file_name()).join(file.file_name());
                    if !target.exists() {
                        std::fs::create_dir_all(to.join(folder.file_name()))?;
                        std::fs::copy(file.path(), &target)?;
                        copied += 1;
                    }
                }
            }
            Ok(copied)
        })
        .await
    }

    pub async fn open(&self, sha256: &str) -> std::io::Result<tokio::fs::File> {
        tokio::fs::File::open(self.finished(sha256)?).await
    }
}

/// A file's turn: while held, no other request, of this instance or another, reads or writes that file's upload.
pub struct FileTurn {
    _across: HeldLock,
    _guard: tokio::sync::OwnedMutexGuard<()>,
    locks: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    sha256: String,
    lock: Arc<tokio::sync::Mutex<()>>,
}

impl Drop for FileTurn {
    fn drop(&mut self) {
        let mut locks = self.locks.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Held by the table, this turn and its guard, and by no one waiting.
        if Arc::strong_count(&self.lock) <= 3 {
            locks.remove(&self.sha256);
        }
    }
}

/// The exclusive lock on a lock file, across instances. Dropped, it removes the file before letting go of the lock,
/// so `locks/` holds only the turns being held (also when the request that waited for it is gone by then).
struct HeldLock {
    _file: std::fs::File,
    path: PathBuf,
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        if let Err(e) = ignore_missing(std::fs::remove_file(&self.path)) {
            tracing::warn!(error = %e, path = %self.path.display(), "lock file not removed");
        }
    }
}

/// Opens `path` and takes its exclusive lock, waiting for its holder. A holder removes the file as its turn ends,
/// so a lock taken on a file no longer at `path` is let go and taken again on the one there now: two requests
/// never hold turns on two different files of one name.
fn lock_exclusively(path: PathBuf) -> std::io::Result<HeldLock> {
    use std::os::unix::fs::MetadataExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    loop {
        let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path)?;
        file.lock()?;
        let held = file.metadata()?;
        match std::fs::metadata(&path) {
            Ok(there) if (there.dev(), there.ino()) == (held.dev(), held.ino()) => {
                return Ok(HeldLock { _file: file, path })
            }
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        }
    }
}

/// The name of a file on disk: its SHA-256 as [`domain::attachment::is_sha256`] has it, nothing else.
fn checked(sha256: &str) -> std::io::Result<&str> {
    if domain::attachment::is_sha256(sha256) {
        Ok(sha256)
    } else {
        Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a SHA-256 file name"))
    }
}

fn ignore_missing(result: std::io::Result<()>) -> std::io::Result<()> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

async fn blocking<T: Send + 'static>(work: impl FnOnce() -> std::io::Result<T> + Send + 'static) -> std::io::Result<T> {
    tokio::task::spawn_blocking(work).await.map_err(std::io::Error::other)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn no_name_leads_out_of_the_folder() {
        let folder = tempfile::tempdir().unwrap();
        let files = Files::at(&folder.path().join("files"));
        for name in ["../../escape", "..", "a", "AB".repeat(32).as_str(), "é"] {
            assert_eq!(
                files.lock(name).await.err().map(|e| e.kind()),
                Some(std::io::ErrorKind::InvalidInput),
                "{name}"
            );
            assert!(files.append(name, 0, axum::body::Bytes::from_static(b"x")).await.is_err(), "{name}");
            assert!(!files.is_finished(name).await);
        }
        assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 0, "nothing written anywhere");
    }
}
