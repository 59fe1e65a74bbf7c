//! The push-then-pull procedure, generic over the tablet's storage (`LocalStore`) and the way to the server
//! (`Transport`): the app runs it over IndexedDB and HTTP, the fault suite over memory and a lossy network.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

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
    let mut page = transport.pull(cursor, PULL_PAGE).await?;
    loop {
        report.requests += 1;
        let next = next_cursor(cursor, &page);
        // The next page downloads while this one is stored; a page is stored only after the one before it.
        let (stored, fetched) = if page.has_more {
            let (stored, fetched) = both(store.apply_pull(&page), transport.pull(next, PULL_PAGE)).await;
            (stored, Some(fetched))
        } else {
            (store.apply_pull(&page).await, None)
        };
        stored.map_err(SyncError::Store)?;
        report.pulled += page.records.len();
        progress(Progress::Pulled { records: report.pulled });
        cursor = next;
        match fetched {
            Some(fetched) => page = fetched?,
            None => break,
        }
    }
    Ok(report)
}

/// Runs two futures at once on the calling task and gives both outputs, the first polled first. The domain has
/// no executor and no IO of its own, so this is all it needs to overlap a download with a write.
async fn both<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut done_a, mut done_b) = (None, None);
    poll_fn(|cx| {
        if done_a.is_none() {
            if let Poll::Ready(out) = a.as_mut().poll(cx) {
                done_a = Some(out);
            }
        }
        if done_b.is_none() {
            if let Poll::Ready(out) = b.as_mut().poll(cx) {
                done_b = Some(out);
            }
        }
        match (done_a.take(), done_b.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (done_a, done_b) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::task::{Context, Waker};

    use super::*;

    /// Pending once, then ready: a storage or network call that is not instant.
    async fn yield_once() {
        let mut yielded = false;
        poll_fn(|cx| {
            if yielded {
                return Poll::Ready(());
            }
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        })
        .await
    }

    fn run<F: Future>(future: F) -> F::Output {
        let mut future = pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    /// Three pages of no records, with what happened, in order.
    #[derive(Default)]
    struct Pages {
        events: RefCell<Vec<String>>,
    }

    impl Transport for Pages {
        async fn push(&self, _: &PushRequest) -> Result<PushResponse, TransportError> {
            Ok(PushResponse { results: Vec::new() })
        }
        async fn pull(&self, cursor: i64, _: u32) -> Result<PullResponse, TransportError> {
            self.events.borrow_mut().push(format!("pull {cursor}"));
            yield_once().await;
            Ok(PullResponse { records: Vec::new(), next_cursor: cursor + 1, has_more: cursor < 2 })
        }
    }

    impl LocalStore for Pages {
        type Error = String;
        async fn take_batch(&self, _: usize, _: usize) -> Result<Vec<Mutation>, String> {
            Ok(Vec::new())
        }
        async fn apply_results(&self, _: &[MutationResult]) -> Result<(), String> {
            Ok(())
        }
        async fn apply_pull(&self, page: &PullResponse) -> Result<(), String> {
            self.events.borrow_mut().push(format!("store {} begins", page.next_cursor));
            yield_once().await;
            self.events.borrow_mut().push(format!("store {} ends", page.next_cursor));
            Ok(())
        }
        async fn cursor(&self) -> Result<i64, String> {
            Ok(0)
        }
        async fn pending(&self) -> Result<usize, String> {
            Ok(0)
        }
    }

    #[test]
    fn the_next_page_downloads_while_this_one_is_stored() {
        let pages = Pages::default();
        let report = run(sync_once(&pages, &pages, Uuid::nil(), |_| {})).unwrap();
        assert_eq!(report.requests, 3);
        assert_eq!(
            pages.events.into_inner(),
            [
                "pull 0",
                "store 1 begins",
                "pull 1",
                "store 1 ends",
                "store 2 begins",
                "pull 2",
                "store 2 ends",
                "store 3 begins",
                "store 3 ends"
            ]
        );
    }

    #[test]
    fn both_gives_each_output_whichever_finishes_first() {
        let slow = async {
            yield_once().await;
            yield_once().await;
            "slow"
        };
        assert_eq!(run(both(slow, async { 7 })), ("slow", 7));
        assert_eq!(run(both(async { 7 }, yield_once())), (7, ()));
    }
}
