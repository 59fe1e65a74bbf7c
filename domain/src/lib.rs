//! The pure core of thidua, compiled both to wasm (the tablet) and to native code (the server).
//!
//! Nothing here does IO: no network, no storage, no clock. Time and ids come in as arguments, so the same
//! rules give the same answers on both sides and every rule is testable natively and deterministically.
//!
//! Architecture invariant: the modules form layers, each using only those before it, with no circle:
//! leaves `model`, `role`, `attachment`, `org`, `calendar`, `cluster`, `diff`, `text`, `publication`; then `dossier`, `fields`,
//! `workflow`, `rules`, `advanced_model`; then the office's half, `council`, `ballot`, `decision` and `documents`; then the wire
//! (`api`, `sync`); then `statistics` (which counts movements) and `dashboard` (the office's figures, counted
//! like the returns), `merge` (the server's decision on a change) and `replica` (the tablet's side).

pub mod advanced_model;
pub mod api;
pub mod attachment;
pub mod ballot;
pub mod calendar;
pub mod cluster;
pub mod council;
pub mod dashboard;
pub mod decision;
pub mod diff;
pub mod documents;
pub mod dossier;
pub mod fields;
pub mod merge;
pub mod model;
pub mod org;
pub mod publication;
pub mod replica;
pub mod role;
pub mod rules;
pub mod search;
pub mod statistics;
pub mod sync;
pub mod text;
pub mod workflow;

pub use model::{Fields, OpenConflict, Record, RecordKind, RecordRef, WorkflowState};
pub use sync::{Mutation, MutationResult, Op, Outcome, PROTOCOL_VERSION};
