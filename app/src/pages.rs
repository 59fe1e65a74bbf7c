//! One file per page. Each page's private sub-components live beside it; what several pages share is in
//! `widgets`. Pages read the tablet's data through `LocalData` and edit through `Draft`; the shell lists them
//! in its table of pages and gives each a `PageContext`.

use domain::api::UserProfile;

use crate::local::LocalData;
use crate::sync::SyncState;

pub mod admin;
pub mod clusters;
pub mod council;
pub mod dashboard;
pub mod decisions;
pub mod login;
pub mod models;
pub mod movements;
pub mod nominations;
pub mod people;
pub mod publication;
pub mod quarterly;
pub mod registration;
pub mod reports;
pub mod review;
pub mod rules;
pub mod search;

/// What every page is given.
#[derive(Clone)]
pub struct PageContext {
    pub user: UserProfile,
    pub state: SyncState,
    pub local: LocalData,
    pub token: String,
}
