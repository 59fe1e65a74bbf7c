//! The pure core of thidua, compiled both to wasm (the tablet) and to native code (the server).
//!
//! Nothing here does IO: no network, no storage, no clock. Time and ids come in as arguments, so the same
//! rules give the same answers on both sides and every rule is testable natively and deterministically.

pub mod api;
pub mod calendar;
pub mod diff;
pub mod dossier;
pub mod merge;
pub mod model;
pub mod org;
pub mod replica;
pub mod rules;
pub mod sync;
pub mod workflow;

pub use model::{Fields, OpenConflict, Record, RecordKind};
pub use sync::{Mutation, MutationResult, Op, Outcome, PROTOCOL_VERSION};
