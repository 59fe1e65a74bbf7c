//! Password hashing and checking (argon2id) on a fixed set of threads, one per core.
//!
//! Each argon2 run takes 19 MiB and a core for tens of milliseconds. Run on tokio's blocking pool, a burst of
//! sign-ins spread them over many threads, and the allocator kept a 19 MiB block for each thread it had seen:
//! a server that idled at 10 MiB held 550–750 MiB after bursts of 60–200 sign-ins. On a fixed set of threads
//! the runs queue, the async workers never block, and the memory is at most one block per thread, reused.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use password_hash::rand_core::OsRng;
use tokio::sync::oneshot;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hash password: {0}")]
    Hash(password_hash::Error),
    #[error("the password threads have stopped")]
    Stopped,
}

type Job = Box<dyn FnOnce() + Send>;

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
            let spawned = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || loop {
                // The lock is held only while waiting for the next job, never while running one.
                let job = match receiver.lock() {
                    Ok(receiver) => receiver.recv(),
                    Err(_) => return,
                };
                match job {
                    Ok(job) => job(),
                    Err(_) => return,
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password thread");
            }
        }
        Passwords { jobs: sender }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, PasswordError> {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = answer.send(work());
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
        let verified = self.run(move || verify(&password, &stored)).await?;
        Ok(known && verified)
    }

    pub async fn hash(&self, password: String) -> Result<String, PasswordError> {
        self.run(move || hash_password(&password)).await?
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
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(PasswordError::Hash)
}

fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(hash) => Argon2::default().verify_password(password.as_bytes(), &hash).is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "stored password hash is unreadable");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let hash = hash_password("thidua2026").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify("thidua2026", &hash));
        assert!(!verify("thidua2025", &hash));
        assert!(!verify("thidua2026", "not a hash"));
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
