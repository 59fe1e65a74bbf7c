//! One file per page. Each page's private sub-components live beside it; what several pages share is in
//! `widgets`. Pages read the tablet's data through `LocalData` and edit through `Draft`.

pub mod login;
pub mod movements;
pub mod nominations;
pub mod people;
pub mod quarterly;
pub mod registration;
pub mod review;
pub mod rules;
