//! The thidua tablet app: a Leptos client-side app that keeps every draft in IndexedDB and syncs it with the
//! server when the network allows.
//!
//! `store` is the only module that touches browser storage, `api` the only one that talks HTTP, `sync` runs the
//! push/pull loop, `ui` holds the shell and the quarterly report, `cycle` the screens of the emulation cycle, and
//! `draft` the editing of one record that those screens share.

pub mod api;
pub mod cycle;
pub mod draft;
pub mod local_auth;
pub mod store;
pub mod sync;
pub mod ui;

pub use ui::App;
