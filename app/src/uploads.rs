//! The upload loop: files attached on this tablet go to the server on their own, one at a time and resumably
//! (`domain::replica::upload`: the server's offset is asked first, so a cut upload continues where it stopped
//! after a reload, a network change or a server restart). It runs beside the sync loop, so a big file on a weak
//! link never holds back the text typed after it; once a file is whole on the server, the sync sends the
//! change that refers to it.

use std::cell::Cell;
use std::rc::Rc;

use domain::replica::{upload, TransportError, UploadError};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::HttpTransport;
use crate::store::{self, Store};
use crate::sync::{self, SyncState};

thread_local! {
    /// When the loop should look for files next (ms since the epoch).
    static NEXT_RUN: Cell<f64> = const { Cell::new(0.0) };
    static FAILURES: Cell<u32> = const { Cell::new(0) };
    /// Bumped by `start`, so a loop left from a previous sign-in ends itself.
    static GENERATION: Cell<u32> = const { Cell::new(0) };
}

/// Asks the loop to look for files to upload now: after an attach, when the network is back.
pub fn request() {
    NEXT_RUN.with(|next| next.set(0.0));
}

/// Ends the loop (on sign-out).
pub fn stop() {
    GENERATION.with(|g| g.set(g.get() + 1));
}

/// Starts the loop for the signed-in user.
pub fn start(state: SyncState, store: Rc<Store>) {
    let generation = GENERATION.with(|g| {
        g.set(g.get() + 1);
        g.get()
    });
    request();
    listen_for_network();
    spawn_local(async move {
        refresh_storage(state).await;
        loop {
            TimeoutFuture::new(500).await;
            if GENERATION.with(Cell::get) != generation {
                return;
            }
            if js_sys::Date::now() < NEXT_RUN.with(Cell::get) {
                continue;
            }
            NEXT_RUN.with(|next| next.set(f64::INFINITY));
            let retry = run_once(state, &store).await;
            let delay = if retry {
                sync::backoff_ms(FAILURES.with(|f| {
                    f.set(f.get() + 1);
                    f.get()
                }))
            } else {
                FAILURES.with(|f| f.set(0));
                f64::INFINITY
            };
            NEXT_RUN.with(|next| next.set(next.get().min(js_sys::Date::now() + delay)));
        }
    });
}

/// The network coming back is the moment to go on with a cut upload, backoff or not.
fn listen_for_network() {
    thread_local! {
        static INSTALLED: Cell<bool> = const { Cell::new(false) };
    }
    if INSTALLED.with(|i| i.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let on_online = wasm_bindgen::closure::Closure::<dyn Fn()>::new(request);
    let _ = window.add_event_listener_with_callback("online", wasm_bindgen::JsCast::unchecked_ref(on_online.as_ref()));
    // The listener lives as long as the page.
    on_online.forget();
}

/// Uploads every file that waits, oldest first. True if one must be tried again later (no network, a server
/// error, a chunk damaged on the way).
async fn run_once(state: SyncState, store: &Store) -> bool {
    let Some(session) = store::load_session() else { return false };
    let Ok(files) = store.files_to_upload().await else { return true };
    let transport = HttpTransport { token: &session.token };
    for file in files {
        let sha256 = file.sha256.clone();
        state.uploads.update(|u| {
            u.insert(sha256.clone(), (0, file.size));
        });
        let result = upload(store, &transport, &file.upload(), |sent| {
            state.uploads.update(|u| {
                u.insert(sha256.clone(), (sent, file.size));
            });
        })
        .await;
        let outcome = match result {
            Ok(()) => store.file_uploaded(&sha256).await.map(|()| false),
            // A chunk damaged on the way is sent again; any other refusal is the file's own, for good.
            Err(UploadError::Transport(TransportError::Refused(body))) if body.code != "checksum_mismatch" => {
                store.file_refused(&sha256, &body.message).await.map(|()| false)
            }
            Err(UploadError::Transport(TransportError::Unauthorized(_))) => {
                state.session_expired.set(true);
                Ok(true)
            }
            Err(UploadError::Source(e)) => store.file_refused(&sha256, &e.to_string()).await.map(|()| false),
            Err(_) => Ok(true),
        };
        state.uploads.update(|u| {
            u.remove(&sha256);
        });
        state.files_version.update(|v| *v += 1);
        match outcome {
            // The change that refers to the file may go now (or learn of its refusal).
            Ok(false) => sync::request(0.0),
            _ => return true,
        }
    }
    refresh_storage(state).await;
    false
}

/// Re-reads how much of the browser's storage this site uses, for the status bar and its warning.
pub async fn refresh_storage(state: SyncState) {
    if let Some(estimate) = crate::media::storage_estimate().await {
        state.storage.set(Some(estimate));
    }
}
