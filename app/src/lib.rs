//! The thidua tablet app: a Leptos client-side app that keeps every draft in IndexedDB and syncs it with the
//! server when the network allows.
//!
//! `store` is the only module that touches browser storage, `api` the only one that talks HTTP, `sync` runs the
//! push/pull loop, and `ui` holds the screens.

pub mod api;
pub mod local_auth;
pub mod store;
pub mod sync;
pub mod ui;

pub use ui::App;
