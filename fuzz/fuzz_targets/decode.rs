//! Every body the server decodes, from arbitrary bytes: decoding never panics, a decoded request encodes and
//! decodes back to itself, and the merge of any decoded mutation never panics and never writes an invalid field.

#![no_main]

use domain::api::{ChangePasswordRequest, LoginRequest, NewUserRequest, Role};
use domain::merge::merge;
use domain::fields::validate_fields;
use domain::sync::{PullResponse, PushRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(push) = serde_json::from_slice::<PushRequest>(data) {
        let again: PushRequest = serde_json::from_slice(&serde_json::to_vec(&push).unwrap()).unwrap();
        assert_eq!(again, push);
        for mutation in &push.mutations {
            for role in Role::ALL {
                let decided = merge(None, mutation, role, "fuzz/device");
                assert!(validate_fields(mutation.kind, &decided.writes).is_ok(), "an invalid field would be stored");
            }
        }
    }
    let _ = serde_json::from_slice::<LoginRequest>(data);
    let _ = serde_json::from_slice::<ChangePasswordRequest>(data);
    let _ = serde_json::from_slice::<NewUserRequest>(data);
    // The tablet decodes what the server sends.
    let _ = serde_json::from_slice::<PullResponse>(data);
});
