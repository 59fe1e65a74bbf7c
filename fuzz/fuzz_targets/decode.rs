//! Every body and upload header the server decodes, from arbitrary bytes: decoding never panics, a decoded request
//! encodes and decodes back to itself, and the merge of any decoded mutation never panics and never writes an
//! invalid field.

#![no_main]

use domain::api::{ChangePasswordRequest, LoginRequest, NewUserRequest, Role};
use domain::attachment::{base64, tus};
use domain::fields::validate_fields;
use domain::merge::merge;
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
    // An upload's headers: tus metadata is read back as written, base64 both ways.
    if let Ok(text) = std::str::from_utf8(data) {
        let read = tus::parse_metadata(text);
        let pairs: Vec<(&str, &str)> = read.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(tus::parse_metadata(&tus::encode_metadata(&pairs)), read);
        let _ = base64::decode(text);
    }
    assert_eq!(base64::decode(&base64::encode(data)).as_deref(), Some(data));
});
