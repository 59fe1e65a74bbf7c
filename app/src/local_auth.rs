//! Offline sign-in on a shared tablet. At each online sign-in the app keeps a PBKDF2 verifier of the password
//! (WebCrypto, nothing added to the bundle). When the server cannot be reached, a person who signed in on this
//! tablet before can sign in again with that password and reach their own database; no one reaches another
//! person's drafts without their password.

use js_sys::{Array, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Slow enough to make guessing from a stolen tablet expensive, fast enough (~0.1–0.3 s) for a person.
const ITERATIONS: u32 = 200_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verifier {
    salt: String,
    hash: String,
    iterations: u32,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn pbkdf2(password: &str, salt: &[u8], iterations: u32) -> Result<Vec<u8>, JsValue> {
    let crypto = web_sys::window().ok_or("no window")?.crypto()?;
    let subtle = crypto.subtle();
    let secret = Uint8Array::from(password.as_bytes());
    let usages = Array::of1(&JsValue::from_str("deriveBits"));
    let key = JsFuture::from(subtle.import_key_with_str("raw", &secret, "PBKDF2", false, &usages)?).await?;
    let params =
        web_sys::Pbkdf2Params::new("PBKDF2", &JsValue::from_str("SHA-256"), iterations, &Uint8Array::from(salt));
    let bits = JsFuture::from(subtle.derive_bits_with_object(&params, key.unchecked_ref(), 256)?).await?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// A verifier for `password`, with a fresh random salt.
pub async fn make_verifier(password: &str) -> Option<Verifier> {
    let mut salt = [0u8; 16];
    web_sys::window()?.crypto().ok()?.get_random_values_with_u8_array(&mut salt).ok()?;
    let hash = pbkdf2(password, &salt, ITERATIONS).await.ok()?;
    Some(Verifier { salt: hex(&salt), hash: hex(&hash), iterations: ITERATIONS })
}

/// Whether `password` is the one the verifier was made from.
pub async fn check(password: &str, verifier: &Verifier) -> bool {
    let salt: Option<Vec<u8>> = (0..verifier.salt.len())
        .step_by(2)
        .map(|i| verifier.salt.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect();
    let Some(salt) = salt else { return false };
    match pbkdf2(password, &salt, verifier.iterations).await {
        // Not constant-time, and need not be: the verifier is on the same tablet as whoever compares.
        Ok(hash) => hex(&hash) == verifier.hash,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    async fn a_verifier_accepts_only_its_password() {
        let verifier = make_verifier("thidua2026").await.unwrap();
        assert!(check("thidua2026", &verifier).await);
        assert!(!check("thidua2025", &verifier).await);
        assert_ne!(make_verifier("thidua2026").await.unwrap(), verifier, "a fresh salt every time");
    }
}
