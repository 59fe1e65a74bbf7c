//! The thidua tablet app: a Leptos client-side app that keeps every draft in IndexedDB and syncs it with the
//! server when the network allows.
//!
//! Layers, each using only those above it: `local_auth`, `format`, `media` (photos made smaller, thumbnails,
//! hashes), `store` (the only module that touches browser storage), `api` (the only one that talks HTTP), `sync`
//! (the push/pull loop), `uploads` (the upload loop beside it), `local` (what pages read), `draft` (the one
//! editing engine), `widgets`, `pages`, and `shell` (the app itself and its table of pages).

/// Calls to the server's HTTP API, and the sync procedure's transport.
pub mod api;
/// Editing one record: journal, autosave, flushes, status, conflicts.
pub mod draft;
/// Times, sizes and enum values as the interface writes them.
pub mod format;
/// The records and reference data the pages read.
pub mod local;
/// Signing in offline against a verifier kept on the tablet.
pub mod local_auth;
/// Photos made smaller, thumbnails, file types and hashes, before a file is stored.
pub mod media;
/// One file per page.
pub mod pages;
/// The app, its top bar and status bar, and the table of pages.
pub mod shell;
/// IndexedDB and localStorage.
pub mod store;
/// The sync loop and the status it shows.
pub mod sync;
/// The upload loop: attached files go to the server on their own, resumably, beside the sync.
pub mod uploads;
/// What several pages share.
pub mod widgets;

pub use shell::App;
