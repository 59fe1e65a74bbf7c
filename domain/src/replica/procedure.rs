//! The push-then-pull procedure, generic over the tablet's storage (`LocalStore`) and the way to the server
//! (`Transport`): the app runs it over IndexedDB and HTTP, the fault suite over memory and a lossy network.

use uuid::Uuid;

use super::next_cursor;

use crate::api::ErrorBody;
use crate::sync::{Mutation, MutationResult, Outcome, PullResponse, PushRequest, PushResponse, RejectCode};
use crate::PROTOCOL_VERSION;

/// Why a request did not get a usable answer, sorted by what sync must do about it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TransportError {
    /// The server could not be reached, or the answer was lost: try again later.
    #[error("Không kết nối được máy chủ")]
    Network,
    /// The session is missing or expired: sign in again. Everything stays on the tablet.
    #[error("{0}")]
    Unauthorized(String),
    /// The server speaks a newer protocol: reload the app. Everything stays on the tablet.
    #[error("{0}")]
    Outdated(String),
    /// The server refused the request for good (4xx).
    #[error("{}", .0.message)]
    Refused(ErrorBody),
    /// The server failed (5xx): try again later.
    #[error("Máy chủ tạm thời gặp lỗi ({0})")]
    Server(u16),
}

/// A tablet's storage, as sync needs it.
#[allow(async_fn_in_trait)]
pub trait LocalStore {
    type Error: std::fmt::Display;
    /// `select_batch` over the stored outbox, storing the entries it marks.
    async fn take_batch(&self, max_count: usize, max_bytes: usize) -> Result<Vec<Mutation>, Self::Error>;
    /// `apply_result` for each answer, in one transaction.
    async fn apply_results(&self, results: &[MutationResult]) -> Result<(), Self::Error>;
    /// `merge_pulled` for each record and the new cursor, in one transaction.
    async fn apply_pull(&self, page: &PullResponse) -> Result<(), Self::Error>;
    async fn cursor(&self) -> Result<i64, Self::Error>;
    /// Entries waiting to be sent (refused ones excluded).
    async fn pending(&self) -> Result<usize, Self::Error>;
}

/// The way to the server.
#[allow(async_fn_in_trait)]
pub trait Transport {
    async fn push(&self, request: &PushRequest) -> Result<PushResponse, TransportError>;
    async fn pull(&self, cursor: i64, limit: u32) -> Result<PullResponse, TransportError>;
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError<E: std::fmt::Display> {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("{0}")]
    Store(E),
}

/// Progress of one sync, for the status bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    Pushed { sent: usize, total: usize },
    Pulled { records: usize },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: usize,
    pub pulled: usize,
    pub requests: usize,
}

/// Mutations per push: small enough for a weak link, large enough that N edits need few round trips.
pub const PUSH_BATCH: usize = 100;
/// Records per pull page.
pub const PULL_PAGE: u32 = 200;

/// Pushes the whole outbox in batches, then pulls every page since the cursor.
pub async fn sync_once<S: LocalStore, T: Transport>(
    store: &S,
    transport: &T,
    device_id: Uuid,
    mut progress: impl FnMut(Progress),
) -> Result<SyncReport, SyncError<S::Error>> {
    let mut report = SyncReport::default();
    let total = store.pending().await.map_err(SyncError::Store)?;
    let mut batch_size = PUSH_BATCH;
    // Each round acknowledges, marks or isolates at least one entry, so this bound never cuts a sync short.
    for _ in 0..=2 * total {
        let batch =
            store.take_batch(batch_size, crate::sync::MAX_PUSH_BYTES * 3 / 4).await.map_err(SyncError::Store)?;
        if batch.is_empty() {
            break;
        }
        let request = PushRequest { protocol: PROTOCOL_VERSION, device_id, mutations: batch };
        report.requests += 1;
        match transport.push(&request).await {
            Ok(response) => {
                store.apply_results(&response.results).await.map_err(SyncError::Store)?;
                report.pushed += request.mutations.len();
            }
            // A whole batch refused: send one at a time to find the item at fault.
            Err(TransportError::Refused(_)) if request.mutations.len() > 1 => batch_size = 1,
            Err(TransportError::Refused(body)) => {
                let refusal = MutationResult {
                    mutation_id: request.mutations[0].id,
                    outcome: Outcome::rejected(RejectCode::Invalid, body.message),
                };
                store.apply_results(&[refusal]).await.map_err(SyncError::Store)?;
            }
            Err(e) => return Err(e.into()),
        }
        progress(Progress::Pushed { sent: report.pushed.min(total), total });
    }
    let mut cursor = store.cursor().await.map_err(SyncError::Store)?;
    loop {
        let page = transport.pull(cursor, PULL_PAGE).await?;
        report.requests += 1;
        store.apply_pull(&page).await.map_err(SyncError::Store)?;
        report.pulled += page.records.len();
        progress(Progress::Pulled { records: report.pulled });
        cursor = next_cursor(cursor, &page);
        if !page.has_more {
            break;
        }
    }
    Ok(report)
}
