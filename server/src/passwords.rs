//! Password hashing and checking (argon2id) on a fixed set of threads, one per core, each with its own argon2
//! memory, kept and reused.
//!
//! Each argon2 run takes 19 MiB and a core for tens of milliseconds. Allocated and freed per run, that memory
//! stays with the process: glibc raises its mmap threshold after the first free, and later blocks come from the
//! heap, fragmented, on whichever thread ran the check (measured: 10 MiB fresh, about 19 MiB more per sign-in up
//! to 220 MiB on two threads, 550–750 MiB on tokio's blocking pool after bursts). Here each thread allocates its
//! block once, so the server holds one block per core however many sign-ins come, and the runs queue instead
//! of blocking the async workers.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use password_hash::rand_core::OsRng;
use tokio::sync::oneshot;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hash password: {0}")]
    Hash(password_hash::Error),
    #[error("argon2: {0}")]
    Argon2(argon2::Error),
    #[error("the password threads have stopped")]
    Stopped,
}

// By hand: without their `std` feature these errors are not `std::error::Error`, which `#[from]` would need.
impl From<password_hash::Error> for PasswordError {
    fn from(e: password_hash::Error) -> Self {
        PasswordError::Hash(e)
    }
}

impl From<argon2::Error> for PasswordError {
    fn from(e: argon2::Error) -> Self {
        PasswordError::Argon2(e)
    }
}

type Job = Box<dyn FnOnce(&mut Memory) + Send>;

/// The threads that run argon2. Cloning shares them; they end when the last clone is dropped.
#[derive(Clone)]
pub struct Passwords {
    jobs: mpsc::Sender<Job>,
}

impl Passwords {
    pub fn new(threads: usize) -> Self {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for i in 0..threads.max(1) {
            let receiver = Arc::clone(&receiver);
            let spawned = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || {
                let mut memory = Memory::default();
                loop {
                    // The lock is held only while waiting for the next job, never while running one.
                    let job = match receiver.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(&mut memory),
                        Err(_) => return,
                    }
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password thread");
            }
        }
        Passwords { jobs: sender }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Result<T, PasswordError> {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let _ = answer.send(work(memory));
        });
        self.jobs.send(job).map_err(|_| PasswordError::Stopped)?;
        answered.await.map_err(|_| PasswordError::Stopped)
    }

    /// Whether `password` matches `stored`. Without a stored hash (an unknown account) a dummy hash is checked,
    /// so the answer takes as long as for a real account and does not tell which exist; the answer is false.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, PasswordError> {
        let known = stored.is_some();
        let stored = match stored {
            Some(hash) => hash,
            None => dummy_hash(self).await?,
        };
        let verified = self.run(move |memory| memory.verify(&password, &stored)).await?;
        Ok(known && verified)
    }

    pub async fn hash(&self, password: String) -> Result<String, PasswordError> {
        self.run(move |memory| memory.hash(&password)).await?
    }
}

async fn dummy_hash(passwords: &Passwords) -> Result<String, PasswordError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = passwords.hash("not a real password".into()).await?;
    Ok(DUMMY.get_or_init(|| hash).clone())
}

/// Hashes on the calling thread: for start-up (the demo's accounts) and tests; requests use [`Passwords::hash`].
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    Memory::default().hash(password)
}

/// One thread's argon2 memory, grown to what a hash's parameters need and then kept.
#[derive(Default)]
struct Memory(Vec<Block>);

impl Memory {
    fn blocks(&mut self, params: &Params) -> &mut [Block] {
        let count = params.block_count();
        if self.0.len() < count {
            self.0.resize(count, Block::default());
        }
        &mut self.0[..count]
    }

    /// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) with the default parameters and a new salt.
    fn hash(&mut self, password: &str) -> Result<String, PasswordError> {
        let salt = SaltString::generate(&mut OsRng);
        let params = Params::default();
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt.as_salt().decode_b64(&mut salt_bytes)?;
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        argon2.hash_password_into_with_memory(password.as_bytes(), salt_bytes, &mut out, self.blocks(&params))?;
        let hash = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params)?,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&out)?),
        };
        Ok(hash.to_string())
    }

    /// Whether `password` gives `stored` with the algorithm, version, parameters and salt `stored` names.
    fn verify(&mut self, password: &str, stored: &str) -> bool {
        match self.try_verify(password, stored) {
            Ok(matches) => matches,
            Err(e) => {
                tracing::error!(error = %e, "stored password hash is unreadable");
                false
            }
        }
    }

    fn try_verify(&mut self, password: &str, stored: &str) -> Result<bool, PasswordError> {
        let hash = PasswordHash::new(stored)?;
        let algorithm = Algorithm::try_from(hash.algorithm)?;
        let version = hash.version.map(Version::try_from).transpose()?.unwrap_or_default();
        let params = Params::try_from(&hash)?;
        let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
            return Err(password_hash::Error::PhcStringField.into());
        };
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
        let mut out = vec![0u8; expected.len()];
        let argon2 = Argon2::new(algorithm, version, params.clone());
        argon2.hash_password_into_with_memory(password.as_bytes(), salt_bytes, &mut out, self.blocks(&params))?;
        // `Output`'s equality takes the same time wherever the first difference is.
        Ok(Output::new(&out)? == expected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[test]
    fn password_round_trip_and_the_standard_format() {
        let hash = hash_password("thidua2026").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        let mut memory = Memory::default();
        assert!(memory.verify("thidua2026", &hash));
        assert!(!memory.verify("thidua2025", &hash));
        assert!(!memory.verify("thidua2026", "not a hash"));
        // Hashes made by the crate's own API (every stored account's) check here, and ours check there.
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default().hash_password(b"thidua2026", &salt).unwrap().to_string();
        assert!(memory.verify("thidua2026", &theirs));
        assert!(Argon2::default().verify_password(b"thidua2026", &PasswordHash::new(&hash).unwrap()).is_ok());
        // Other parameters are read from the hash: the memory grows to fit them.
        let small = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8, 1, 1, None).unwrap());
        let small = small.hash_password(b"thidua2026", &salt).unwrap().to_string();
        assert!(memory.verify("thidua2026", &small) && !memory.verify("sai", &small));
    }

    #[tokio::test]
    async fn the_threads_check_and_an_unknown_account_never_passes() {
        let passwords = Passwords::new(2);
        let hash = passwords.hash("thidua2026".into()).await.unwrap();
        assert!(passwords.verify("thidua2026".into(), Some(hash.clone())).await.unwrap());
        assert!(!passwords.verify("sai".into(), Some(hash)).await.unwrap());
        assert!(!passwords.verify("not a real password".into(), None).await.unwrap());
    }
}
