//! Accounts, sessions and the sign-in rate limits.

use chrono::{DateTime, Utc};
use domain::api::{Role, UserProfile};
use sqlx::Row;
use uuid::Uuid;

use super::*;

impl Db {
    pub async fn credentials(&self, login: &str) -> Result<Option<Credentials>> {
        let row = sqlx::query("select id, password_hash from users where login = $1")
            .bind(login)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| Ok(Credentials { user_id: r.try_get("id")?, password_hash: r.try_get("password_hash")? }))
            .transpose()
    }

    pub async fn user_profile(&self, user_id: &str) -> Result<Option<UserProfile>> {
        let row = sqlx::query(
            "select u.id, u.login, u.full_name, u.position, u.role, u.unit_id, o.name as unit_name
             from users u join org_units o on o.id = u.unit_id where u.id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.reader)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let role: String = row.try_get("role")?;
        Ok(Some(UserProfile {
            id: row.try_get("id")?,
            login: row.try_get("login")?,
            full_name: row.try_get("full_name")?,
            position: row.try_get("position")?,
            role: Role::parse(&role).ok_or_else(|| DbError::Corrupt(format!("role {role:?}")))?,
            unit_id: row.try_get("unit_id")?,
            unit_name: row.try_get("unit_name")?,
        }))
    }

    pub async fn insert_session(
        &self,
        token_hash: &str,
        user_id: &str,
        device_id: Uuid,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "insert into sessions (token_hash, user_id, device_id, created_at, expires_at) values ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(device_id.to_string())
        .bind(timestamp(now))
        .bind(timestamp(expires_at))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The session for a token hash, if it exists and has not expired at `now`, with the user's scope.
    pub async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
        let row = sqlx::query(
            "select s.user_id, s.device_id, u.role, u.unit_id from sessions s join users u on u.id = s.user_id
             where s.token_hash = $1 and s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(timestamp(now))
        .fetch_optional(&self.reader)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let role: String = row.try_get("role")?;
        let role = Role::parse(&role).ok_or_else(|| DbError::Corrupt(format!("role {role:?}")))?;
        let device_id: String = row.try_get("device_id")?;
        let unit_id: String = row.try_get("unit_id")?;
        // Staff and unit heads work on their own unit; the office, the council and admins on its whole subtree.
        let subtree = matches!(role, Role::Office | Role::CouncilMember | Role::Admin);
        // A unit merged into one in scope stays in scope: its people and award history belong to its successor.
        let scope = sqlx::query_scalar(
            "with recursive scope(id) as (
                 select $1 union all
                 select u.id from org_units u join scope s on u.parent_id = s.id where $2),
             lineage(id) as (
                 select id from scope union
                 select m.from_unit from unit_merges m join lineage l on m.into_unit = l.id)
             select id from lineage",
        )
        .bind(&unit_id)
        .bind(subtree)
        .fetch_all(&self.reader)
        .await?;
        Ok(Some(Session {
            user_id: row.try_get("user_id")?,
            role,
            unit_id,
            scope,
            token_hash: token_hash.to_owned(),
            device_id: device_id.parse().map_err(|_| DbError::Corrupt(format!("device id {device_id:?}")))?,
        }))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("delete from sessions where token_hash = $1").bind(token_hash).execute(&self.writer).await?;
        Ok(())
    }

    pub async fn password_hash(&self, user_id: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("select password_hash from users where id = $1")
            .bind(user_id)
            .fetch_optional(&self.reader)
            .await?)
    }

    /// Sets a new password and ends every other session of the user, in one transaction.
    pub async fn change_password(&self, user_id: &str, password_hash: &str, keep_session: &str) -> Result<()> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("update users set password_hash = $1 where id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from sessions where user_id = $1 and token_hash <> $2")
            .bind(user_id)
            .bind(keep_session)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates an account; false if the login is taken.
    pub async fn create_user(&self, user: &NewUser<'_>) -> Result<bool> {
        match self.insert_user(user).await {
            Ok(()) => Ok(true),
            Err(DbError::Sqlx(sqlx::Error::Database(e))) if e.is_unique_violation() => Ok(false),
            Err(e) => Err(e),
        }
    }

    // --- sign-in rate limits --------------------------------------------------------------------------

    /// Counts one more password check running under `key_hash`, in the window that started after
    /// `window_start` (a key whose window is older starts again), and returns the failures so far and the checks
    /// running, this one included. One statement, so checks that arrive at once, on any instance, each see the
    /// others. Rows of past windows go.
    pub async fn begin_check(
        &self,
        key_hash: &str,
        now: DateTime<Utc>,
        window_start: DateTime<Utc>,
    ) -> Result<(i64, i64)> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("delete from sign_in_attempts where window_start <= $1")
            .bind(timestamp(window_start))
            .execute(&mut *tx)
            .await?;
        let counts = sqlx::query_as(
            "insert into sign_in_attempts (key_hash, window_start, failures, checking) values ($1, $2, 0, 1)
             on conflict (key_hash) do update set checking = sign_in_attempts.checking + 1
             returning failures, checking",
        )
        .bind(key_hash)
        .bind(timestamp(now))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(counts)
    }

    /// Ends a check counted by [`Db::begin_check`]; a failed one stays counted for the window.
    pub async fn end_check(&self, key_hash: &str, failed: bool) -> Result<()> {
        sqlx::query(
            "update sign_in_attempts set checking = max(checking - 1, 0), failures = failures + $2
             where key_hash = $1",
        )
        .bind(key_hash)
        .bind(i64::from(failed))
        .execute(&self.writer)
        .await?;
        Ok(())
    }
}
