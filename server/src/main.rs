//! Starts the server: reads configuration from the environment, opens (and if asked, seeds) the database,
//! and serves until interrupted.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use server::db::{Db, Durability};
use server::{app, demo, edge, AppState};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn")))
        .init();

    let addr: SocketAddr = env_or("THIDUA_ADDR", "127.0.0.1:8080").parse().context("THIDUA_ADDR")?;
    let database = PathBuf::from(env_or("THIDUA_DB", "data/thidua.sqlite"));
    let dist = PathBuf::from(env_or("THIDUA_DIST", "dist"));
    let with_demo = std::env::args().any(|a| a == "--demo");
    let postgres = std::env::var("THIDUA_DATABASE_URL").ok().filter(|url| !url.is_empty());
    if let Some(destination) = backup_destination() {
        return backup(postgres.as_deref(), &database, &destination).await;
    }
    let durability = Durability::parse(&env_or("THIDUA_SQLITE_SYNCHRONOUS", "full"))
        .context("THIDUA_SQLITE_SYNCHRONOUS must be full or normal")?;

    let db = match postgres {
        Some(url) => {
            anyhow::ensure!(
                url.starts_with("postgres://") || url.starts_with("postgresql://"),
                "THIDUA_DATABASE_URL must be a postgres:// URL"
            );
            Db::connect(&url, &shared_files()).await.context("connect to PostgreSQL (THIDUA_DATABASE_URL)")?
        }
        None => {
            if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
            }
            Db::open_with(&database, durability)
                .await
                .with_context(|| format!("open database {}", database.display()))?
        }
    };
    if with_demo && db.is_empty().await? {
        demo::seed(&db).await.context("seed demo data")?;
        demo::seed_records(&db).await.context("seed demo records")?;
        tracing::info!("demo data created");
    }
    if !dist.join("index.html").exists() {
        tracing::warn!(dist = %dist.display(), "no built app here; only the API is served");
    }

    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("bind {addr}"))?;
    tracing::info!(%addr, backend = db.backend().name(), "listening");
    let state = AppState::new(db.clone());
    let cleaning = tokio::spawn(clean_files_hourly(state.clone()));
    let timeouts = state.timeouts;
    edge::serve(listener, app(state, Some(&dist)), timeouts, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("serve")?;
    cleaning.abort();
    db.close().await;
    Ok(())
}

/// Removes, every hour, files no record has referred to for the grace period.
async fn clean_files_hourly(state: AppState) {
    let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        hourly.tick().await;
        if let Err(e) = server::uploads::clean(&state.db, &state.files, chrono::Utc::now()).await {
            tracing::error!(error = %e, "cleanup of unreferenced files failed");
        }
    }
}

/// `thidua-server backup <file>`: the destination of a backup, if that is what was asked.
fn backup_destination() -> Option<PathBuf> {
    let mut args = std::env::args().skip(1);
    (args.next().as_deref() == Some("backup")).then(|| args.next().map(PathBuf::from)).flatten()
}

/// Backs up the database into `destination` (a new file) while the server may run, then the attached files into
/// the folder beside it: the database first, so every file it refers to was finished before the copy of the
/// files began, and a file the cleanup removes meanwhile was no longer referred to. SQLite's file is copied by
/// `VACUUM INTO`; PostgreSQL's database by `pg_dump --format=custom` (one snapshot), restored with `pg_restore`.
async fn backup(
    postgres: Option<&str>,
    database: &std::path::Path,
    destination: &std::path::Path,
) -> anyhow::Result<()> {
    anyhow::ensure!(!destination.exists(), "{} exists already; a backup never overwrites", destination.display());
    let started = std::time::Instant::now();
    let files = match postgres {
        Some(url) => {
            // Nothing else runs in this process: waiting on the child here blocks no one.
            let (url, password) = without_password(url)?;
            let mut pg_dump = std::process::Command::new("pg_dump");
            pg_dump.args(["--format=custom", "--no-owner", "--dbname", &url, "--file"]).arg(destination);
            if let Some(password) = password {
                pg_dump.env("PGPASSWORD", password);
            }
            let dumped = pg_dump.status().context("run pg_dump (from Debian's postgresql-client)")?;
            anyhow::ensure!(dumped.success(), "pg_dump failed ({dumped})");
            shared_files()
        }
        None => {
            Db::backup_into(database, destination).await.with_context(|| format!("back up {}", database.display()))?;
            Db::files_beside(database)
        }
    };
    let copied = server::files::Files::at(&files)
        .copy_finished(&server::files::Files::at(&Db::files_beside(destination)))
        .await
        .context("copy the attached files")?;
    tracing::info!(destination = %destination.display(), files = copied, ms = started.elapsed().as_millis() as u64,
        "backup written");
    Ok(())
}

/// The database URL without its password, and the password: `pg_dump` gets the URL among its arguments, which
/// anyone on the machine may list, and the password in its environment, which only its user may read.
fn without_password(url: &str) -> anyhow::Result<(String, Option<String>)> {
    let mut url = url::Url::parse(url).context("THIDUA_DATABASE_URL is not a URL")?;
    let decode = |text: &str| percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned();
    let mut password = url.password().map(decode);
    // libpq also takes the password as a query parameter, percent-decoded (a `+` stays a `+`).
    let query = url.query().unwrap_or_default().to_owned();
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        match pair.split_once('=') {
            Some(("password", value)) => password = Some(decode(value)),
            _ => kept.push(pair),
        }
    }
    url.set_query(Some(&kept.join("&")).filter(|kept| !kept.is_empty()).map(String::as_str));
    url.set_password(None).map_err(|()| anyhow::anyhow!("THIDUA_DATABASE_URL has no host"))?;
    Ok((url.into(), password))
}

/// On PostgreSQL, the folder of attached files every instance shares.
fn shared_files() -> PathBuf {
    PathBuf::from(env_or("THIDUA_FILES", "data/thidua.files"))
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn the_password_leaves_the_url_whole_and_decoded() {
        let (url, password) = without_password("postgres://thidua:p%40ss%2Fw@db.local:5432/thidua").unwrap();
        assert_eq!((url.as_str(), password.as_deref()), ("postgres://thidua@db.local:5432/thidua", Some("p@ss/w")));
        let (url, password) = without_password(
            "postgresql://thidua@db.local/thidua?sslmode=require&password=b%C3%AD+m%E1%BA%ADt&connect_timeout=5",
        )
        .unwrap();
        assert_eq!(
            (url.as_str(), password.as_deref()),
            ("postgresql://thidua@db.local/thidua?sslmode=require&connect_timeout=5", Some("bí+mật"))
        );
        let (url, password) = without_password("postgres://127.0.0.1:54329/e2e_1").unwrap();
        assert_eq!((url.as_str(), password), ("postgres://127.0.0.1:54329/e2e_1", None));
    }
}
