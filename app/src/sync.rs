//! The sync loop: pushes the outbox in batches, then pulls changes with the cursor, and keeps the status the
//! user sees up to date.
//!
//! It runs on start, when the browser says it is back online, when the page becomes visible, a few seconds
//! after local edits, every minute while the server answers, and on "Đồng bộ ngay". `navigator.onLine` is not
//! trusted: reachable means our server answered. Failures back off exponentially with jitter.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use chrono::{DateTime, Utc};
use domain::replica::{sync_once, Progress, SyncError, TransportError};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{self, HttpTransport};
use crate::store::{self, Store, StoreError};

/// After local edits, wait this long so a burst of typing goes in one push.
pub const AFTER_EDIT_MS: f64 = 2_000.0;
const PERIOD_MS: f64 = 60_000.0;
const BACKOFF_BASE_MS: f64 = 1_000.0;
const BACKOFF_MAX_MS: f64 = 60_000.0;
/// Movements and the rulebook change rarely; a tablet asks for them again at most this often.
const REFERENCE_MAX_AGE_MS: f64 = 300_000.0;
/// During a long push, how often the screens are shown what has been sent.
const PUSH_REFRESH_MS: f64 = 3_000.0;

/// What the interface shows about sync. Signals are `Copy`, so this is handed around freely.
#[derive(Clone, Copy)]
pub struct SyncState {
    /// Whether the server answered the last attempt (None before the first one).
    pub reachable: RwSignal<Option<bool>>,
    pub pending: RwSignal<u32>,
    pub rejected: RwSignal<u32>,
    pub last_sync: RwSignal<Option<DateTime<Utc>>>,
    pub error: RwSignal<Option<String>>,
    pub running: RwSignal<bool>,
    /// What the current sync has done so far, for progress on big syncs.
    pub progress: RwSignal<Option<Progress>>,
    /// Bumped whenever sync changed local records, so open pages reload them.
    pub data_version: RwSignal<u32>,
    /// Bumped whenever new reference data (units, people, movements, the rulebook) is stored.
    pub reference_version: RwSignal<u32>,
    pub session_expired: RwSignal<bool>,
    pub outdated: RwSignal<bool>,
    /// Files being uploaded: bytes the server has acknowledged and the file's size, by SHA-256.
    pub uploads: RwSignal<std::collections::BTreeMap<String, (u64, u64)>>,
    /// Bumped when a file's state on the tablet changes (uploaded, refused, fetched), so lists show it.
    pub files_version: RwSignal<u32>,
    /// The browser's storage for this site: (used, quota) in bytes.
    pub storage: RwSignal<Option<(f64, f64)>>,
}

impl SyncState {
    pub fn new() -> Self {
        SyncState {
            reachable: RwSignal::new(None),
            pending: RwSignal::new(0),
            rejected: RwSignal::new(0),
            last_sync: RwSignal::new(None),
            error: RwSignal::new(None),
            running: RwSignal::new(false),
            progress: RwSignal::new(None),
            data_version: RwSignal::new(0),
            reference_version: RwSignal::new(0),
            session_expired: RwSignal::new(false),
            outdated: RwSignal::new(false),
            uploads: RwSignal::new(Default::default()),
            files_version: RwSignal::new(0),
            storage: RwSignal::new(None),
        }
    }

    /// Re-reads the outbox counts after a local change.
    pub async fn refresh_counts(&self, store: &Store) {
        if let Ok(counts) = store.counts().await {
            self.pending.set(counts.pending);
            self.rejected.set(counts.rejected);
        }
    }
}

impl Default for SyncState {
    fn default() -> Self {
        Self::new()
    }
}

thread_local! {
    /// When the loop should run next (ms since the epoch); triggers pull it earlier.
    static NEXT_RUN: Cell<f64> = const { Cell::new(0.0) };
    static FAILURES: Cell<u32> = const { Cell::new(0) };
    /// Bumped by `start`, so a loop left from a previous sign-in ends itself.
    static GENERATION: Cell<u32> = const { Cell::new(0) };
    static REFERENCE_AT: Cell<f64> = const { Cell::new(f64::NEG_INFINITY) };
    /// Bumped by the browser's `offline` event: a sync that saw it bumped while it ran does not call the server
    /// reachable, though answers sent before the network dropped still arrive.
    static WENT_OFFLINE: Cell<u32> = const { Cell::new(0) };
    /// The loop's task while it waits for `NEXT_RUN`, so a trigger starts the sync at once.
    static NAPPING: RefCell<Option<Waker>> = const { RefCell::new(None) };
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Asks for a sync within `delay_ms` (sooner if one is already due).
pub fn request(delay_ms: f64) {
    NEXT_RUN.with(|next| next.set(next.get().min(now_ms() + delay_ms)));
    if let Some(waker) = NAPPING.with(|napping| napping.borrow_mut().take()) {
        waker.wake();
    }
}

/// The loop's wait between checks of `NEXT_RUN`: a quarter of a second, or less when `request` wakes it (the
/// network came back, "Đồng bộ ngay"), so a sync asked for now starts now.
struct Nap(TimeoutFuture);

impl Future for Nap {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if now_ms() >= NEXT_RUN.with(Cell::get) {
            return Poll::Ready(());
        }
        NAPPING.with(|napping| *napping.borrow_mut() = Some(cx.waker().clone()));
        Pin::new(&mut self.0).poll(cx)
    }
}

/// How long to wait after `failures` failures in a row (the sync loop's, and the upload loop's).
pub(crate) fn backoff_ms(failures: u32) -> f64 {
    let ceiling = (BACKOFF_BASE_MS * 2f64.powi(failures.min(16) as i32)).min(BACKOFF_MAX_MS);
    // "Equal jitter": between half and all of the ceiling, so tablets that failed together do not retry together.
    ceiling / 2.0 + js_sys::Math::random() * ceiling / 2.0
}

/// Starts the loop for the signed-in user, and the browser events that wake it.
pub fn start(state: SyncState, store: Rc<Store>) {
    let generation = GENERATION.with(|g| {
        g.set(g.get() + 1);
        g.get()
    });
    REFERENCE_AT.with(|at| at.set(f64::NEG_INFINITY));
    listen_to_browser(state);
    request(0.0);
    spawn_local(async move {
        state.refresh_counts(&store).await;
        if let Ok(at) = store.last_sync().await {
            state.last_sync.set(at);
        }
        loop {
            Nap(TimeoutFuture::new(250)).await;
            if GENERATION.with(Cell::get) != generation {
                return;
            }
            if now_ms() < NEXT_RUN.with(Cell::get) {
                continue;
            }
            NEXT_RUN.with(|next| next.set(f64::INFINITY));
            let delay = match run_once(state, &store).await {
                Ok(()) => {
                    FAILURES.with(|f| f.set(0));
                    PERIOD_MS
                }
                Err(_) => {
                    let failures = FAILURES.with(|f| {
                        f.set(f.get() + 1);
                        f.get()
                    });
                    backoff_ms(failures)
                }
            };
            request(delay);
        }
    });
}

/// Syncs now and fetches reference data (movements, rulebook) too: after the office or an admin saved some, and
/// on "Đồng bộ ngay".
pub fn refresh_reference() {
    REFERENCE_AT.with(|at| at.set(f64::NEG_INFINITY));
    request(0.0);
}

/// Ends the loop (on sign-out).
pub fn stop() {
    GENERATION.with(|g| g.set(g.get() + 1));
}

fn listen_to_browser(state: SyncState) {
    thread_local! {
        static INSTALLED: Cell<bool> = const { Cell::new(false) };
    }
    if INSTALLED.with(|i| i.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let on_online = Closure::<dyn Fn()>::new(|| request(0.0));
    let on_offline = Closure::<dyn Fn()>::new(move || {
        WENT_OFFLINE.with(|n| n.set(n.get().wrapping_add(1)));
        state.reachable.set(Some(false));
    });
    let on_visible = Closure::<dyn Fn()>::new(|| {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        if visible {
            request(0.0);
        }
    });
    let _ = window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
    if let Some(document) = window.document() {
        let _ = document.add_event_listener_with_callback("visibilitychange", on_visible.as_ref().unchecked_ref());
    }
    // The listeners live as long as the page.
    on_online.forget();
    on_offline.forget();
    on_visible.forget();
}

async fn run_once(state: SyncState, store: &Store) -> Result<(), SyncError<StoreError>> {
    let Some(session) = store::load_session() else { return Ok(()) };
    if state.outdated.get_untracked() || state.session_expired.get_untracked() {
        return Ok(());
    }
    state.running.set(true);
    state.progress.set(None);
    let offline_before = WENT_OFFLINE.with(Cell::get);
    let transport = HttpTransport { token: &session.token };
    let result = async {
        // Screens reload their records when the data version moves: after the push, and every few seconds
        // during a long one, not after each of its batches (a 10,000-edit queue reloaded them 100 times).
        let mut shown_at = now_ms();
        let report = sync_once(store, &transport, store::device_id(), |p| {
            state.progress.set(Some(p));
            if let Progress::Pushed { sent, total } = p {
                if sent >= total || now_ms() - shown_at > PUSH_REFRESH_MS {
                    shown_at = now_ms();
                    state.data_version.update(|v| *v += 1);
                }
            }
        })
        .await?;
        if report.pulled > 0 {
            state.data_version.update(|v| *v += 1);
        }
        if REFERENCE_AT.with(Cell::get) + REFERENCE_MAX_AGE_MS < now_ms() {
            let reference = api::reference(&session.token).await?;
            // The reference's units are this user's scope. One it did not hold before (a unit merged into theirs,
            // moved under it, or the account moved) brings records written before the cursor: the pull starts
            // over once to fetch them. Restarted before the new units are stored, so a tab closed in between
            // restarts again next time rather than never.
            let before = store.reference().await.ok().flatten();
            if before.is_some_and(|old| reference.units.iter().any(|u| !old.units.iter().any(|o| o.id == u.id))) {
                store.restart_pull().await.map_err(SyncError::Store)?;
                request(0.0);
            }
            store.set_reference(&reference).await.map_err(SyncError::Store)?;
            REFERENCE_AT.with(|at| at.set(now_ms()));
            state.reference_version.update(|v| *v += 1);
            state.data_version.update(|v| *v += 1);
        }
        Ok::<_, SyncError<StoreError>>(())
    }
    .await;
    state.running.set(false);
    state.progress.set(None);
    state.refresh_counts(store).await;
    // The server answered, unless the network dropped since the run began.
    let answered = Some(WENT_OFFLINE.with(Cell::get) == offline_before);
    match &result {
        Ok(()) => {
            let now = Utc::now();
            let _ = store.set_last_sync(now).await;
            state.last_sync.set(Some(now));
            state.reachable.set(answered);
            state.error.set(None);
        }
        Err(SyncError::Transport(TransportError::Network)) => {
            state.reachable.set(Some(false));
            state.error.set(None);
        }
        Err(SyncError::Transport(TransportError::Unauthorized(_))) => {
            state.reachable.set(answered);
            state.session_expired.set(true);
        }
        Err(SyncError::Transport(TransportError::Outdated(_))) => {
            state.reachable.set(answered);
            state.outdated.set(true);
        }
        Err(SyncError::Transport(e)) => {
            state.reachable.set(answered);
            state.error.set(Some(e.to_string()));
        }
        Err(SyncError::Store(e)) => state.error.set(Some(e.user_message())),
    }
    result
}
