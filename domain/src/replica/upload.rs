//! A file's resumable upload, generic over where its bytes are (`FileSource`) and the way to the server
//! (`UploadTransport`): the app runs it over IndexedDB blobs and tus over HTTP, the fault suite over memory and a
//! lossy network in front of the real server.
//!
//! The server's offset is the truth: the upload asks for it first and continues from there after a reload, a
//! network change or a server restart, so no acknowledged byte is sent twice and none is skipped.

use serde::{Deserialize, Serialize};

use super::TransportError;
use crate::attachment::{MediaType, CHUNK_BYTES};

/// What the server must know of a file before its bytes: it is named by its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadFile {
    pub sha256: String,
    pub size: u64,
    pub media_type: MediaType,
    pub name: String,
}

/// Where a file's bytes are on the tablet.
#[allow(async_fn_in_trait)]
pub trait FileSource {
    type Error: std::fmt::Display;
    /// Bytes `from..to` of the file.
    async fn chunk(&self, sha256: &str, from: u64, to: u64) -> Result<Vec<u8>, Self::Error>;
}

/// The way to the server's uploads.
#[allow(async_fn_in_trait)]
pub trait UploadTransport {
    /// Creates the upload, or finds the one already begun or finished for this file: the server's offset.
    async fn create(&self, file: &UploadFile) -> Result<u64, TransportError>;
    /// Appends `chunk` at `offset`: the server's offset after it. An offset the server no longer has (a chunk
    /// it stored whose answer was lost) answers with the server's offset too, and the upload goes on from there.
    async fn append(&self, sha256: &str, offset: u64, chunk: &[u8]) -> Result<u64, TransportError>;
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError<E: std::fmt::Display> {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("{0}")]
    Source(E),
    /// The server kept answering an offset that does not move: stop, and try again at the next sync.
    #[error("Máy chủ không nhận thêm dữ liệu của tệp; sẽ thử lại")]
    Stuck,
}

/// Sends what the server lacks of `file`, a chunk at a time, reporting the acknowledged bytes after each.
pub async fn upload<S: FileSource, T: UploadTransport>(
    source: &S,
    transport: &T,
    file: &UploadFile,
    mut progress: impl FnMut(u64),
) -> Result<(), UploadError<S::Error>> {
    let mut offset = transport.create(file).await?;
    progress(offset.min(file.size));
    let mut unmoved = 0;
    while offset < file.size {
        let to = (offset + CHUNK_BYTES).min(file.size);
        let chunk = source.chunk(&file.sha256, offset, to).await.map_err(UploadError::Source)?;
        let next = transport.append(&file.sha256, offset, &chunk).await?;
        unmoved = if next > offset { 0 } else { unmoved + 1 };
        if unmoved >= 3 {
            return Err(UploadError::Stuck);
        }
        offset = next;
        progress(offset.min(file.size));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use super::*;

    fn ready<T>(future: impl Future<Output = T>) -> T {
        match pin!(future).as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(value) => value,
            Poll::Pending => panic!("waited"),
        }
    }

    /// A server that holds `stored` bytes and loses the answer to every `lose_every`-th append (after storing).
    struct Server {
        stored: RefCell<Vec<u8>>,
        appends: RefCell<usize>,
        lose_every: usize,
    }

    impl UploadTransport for Server {
        async fn create(&self, _: &UploadFile) -> Result<u64, TransportError> {
            Ok(self.stored.borrow().len() as u64)
        }
        async fn append(&self, _: &str, offset: u64, chunk: &[u8]) -> Result<u64, TransportError> {
            let mut stored = self.stored.borrow_mut();
            if offset == stored.len() as u64 {
                stored.extend_from_slice(chunk);
            }
            *self.appends.borrow_mut() += 1;
            if self.appends.borrow().is_multiple_of(self.lose_every) {
                return Err(TransportError::Network);
            }
            Ok(stored.len() as u64)
        }
    }

    struct Bytes(Vec<u8>);

    impl FileSource for Bytes {
        type Error = String;
        async fn chunk(&self, _: &str, from: u64, to: u64) -> Result<Vec<u8>, String> {
            Ok(self.0[from as usize..to as usize].to_vec())
        }
    }

    #[test]
    fn a_cut_upload_resumes_from_the_servers_offset_and_never_starts_over() {
        let bytes: Vec<u8> = (0..(CHUNK_BYTES * 5 + 17)).map(|i| (i % 251) as u8).collect();
        let file = UploadFile {
            sha256: "a".repeat(64),
            size: bytes.len() as u64,
            media_type: MediaType::Pdf,
            name: "x.pdf".into(),
        };
        let source = Bytes(bytes.clone());
        let server = Server { stored: RefCell::new(Vec::new()), appends: RefCell::new(0), lose_every: 3 };
        let mut attempts = 0;
        let mut seen = Vec::new();
        while ready(upload(&source, &server, &file, |at| seen.push(at))).is_err() {
            attempts += 1;
            assert!(attempts < 10);
        }
        assert_eq!(*server.stored.borrow(), bytes, "byte-identical, no chunk twice");
        assert_eq!(*server.appends.borrow(), 6, "each chunk sent once: the lost answers cost no resend");
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "progress never goes back: {seen:?}");
    }
}
