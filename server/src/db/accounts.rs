//! Accounts, sessions and the sign-in rate limits.

use chrono::{DateTime, Utc};
use domain::api::{AccountSummary, AccountUpdate, Role, UserProfile};
use serde_json::Value;
use sqlx::Row;
use uuid::Uuid;

use super::council::audit;
use super::reference::insert_user_in;
use super::*;

/// An account with its unit's name, as the admin's list shows it.
const ACCOUNT_COLUMNS: &str = "select u.id, u.login, u.full_name, u.position, u.role, u.unit_id, o.name as unit_name,
         u.disabled from users u join org_units o on o.id = u.unit_id";

fn account_from(row: &sqlx::any::AnyRow) -> Result<AccountSummary> {
    let role: String = row.try_get("role")?;
    Ok(AccountSummary {
        id: row.try_get("id")?,
        login: row.try_get("login")?,
        full_name: row.try_get("full_name")?,
        position: row.try_get("position")?,
        role: Role::parse(&role).ok_or_else(|| DbError::Corrupt(format!("role {role:?}")))?,
        unit_id: row.try_get("unit_id")?,
        unit_name: row.try_get("unit_name")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

async fn account_in(conn: &mut sqlx::AnyConnection, user_id: &str) -> Result<Option<AccountSummary>> {
    let row = sqlx::query(&format!("{ACCOUNT_COLUMNS} where u.id = $1")).bind(user_id).fetch_optional(conn).await?;
    row.as_ref().map(account_from).transpose()
}

fn account_json(account: &AccountSummary) -> Value {
    serde_json::to_value(account).unwrap_or(Value::Null)
}

impl Db {
    pub async fn credentials(&self, login: &str) -> Result<Option<Credentials>> {
        let row = sqlx::query("select id, password_hash, disabled from users where login = $1")
            .bind(login)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| {
            Ok(Credentials {
                user_id: r.try_get("id")?,
                password_hash: r.try_get("password_hash")?,
                disabled: r.try_get::<i64, _>("disabled")? != 0,
            })
        })
        .transpose()
    }

    /// The signed-in user's own profile: their account as the admin's list reads it, without its disabled flag
    /// (a disabled account has no session to ask with).
    pub async fn user_profile(&self, user_id: &str) -> Result<Option<UserProfile>> {
        Ok(self.account(user_id).await?.map(|a| UserProfile {
            id: a.id,
            login: a.login,
            full_name: a.full_name,
            role: a.role,
            position: a.position,
            unit_id: a.unit_id,
            unit_name: a.unit_name,
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
        // Disabling an account deletes its sessions; a disabled one is refused here too, should one remain.
        let row = sqlx::query(
            "select s.user_id, s.device_id, u.role, u.unit_id from sessions s join users u on u.id = s.user_id
             where s.token_hash = $1 and s.expires_at > $2 and u.disabled = 0",
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
        let units: Vec<(String, i64)> = sqlx::query_as(
            "with recursive scope(id) as (
                 select $1 union all
                 select u.id from org_units u join scope s on u.parent_id = s.id where $2),
             lineage(id) as (
                 select id from scope union
                 select m.from_unit from unit_merges m join lineage l on m.into_unit = l.id)
             select id, case when id in (select id from scope) then 1 else 0 end from lineage",
        )
        .bind(&unit_id)
        .bind(subtree)
        .fetch_all(&self.reader)
        .await?;
        let managed = units.iter().filter(|(_, in_tree)| *in_tree != 0).map(|(id, _)| id.clone()).collect();
        let scope = units.into_iter().map(|(id, _)| id).collect();
        Ok(Some(Session {
            user_id: row.try_get("user_id")?,
            role,
            unit_id,
            scope,
            managed,
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
        let mut tx = self.begin_write().await?;
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

    /// Creates an account made by the admin `by`, audited; false if the login is taken.
    pub async fn create_user(&self, user: &NewUser<'_>, (by, now): (&str, DateTime<Utc>)) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        match insert_user_in(&mut tx, user).await {
            Ok(()) => {}
            Err(DbError::Sqlx(sqlx::Error::Database(e))) if e.is_unique_violation() => return Ok(false),
            Err(e) => return Err(e),
        }
        let after = account_in(&mut tx, user.id).await?.map_or(Value::Null, |a| account_json(&a));
        audit(&mut tx, by, now, ("account", user.id), "create", Value::Null, after).await?;
        tx.commit().await?;
        Ok(true)
    }

    // --- the admin's accounts -----------------------------------------------------------------------------

    /// The accounts whose unit is in `scope`, sorted by unit name, then full name (as Vietnamese readers sort:
    /// diacritics folded, so "Đỗ" comes with the D's).
    pub async fn accounts(&self, scope: &[String]) -> Result<Vec<AccountSummary>> {
        let rows = sqlx::query(&format!("{ACCOUNT_COLUMNS} where u.unit_id in (select value from json_each($1))"))
            .bind(to_json(&scope)?)
            .fetch_all(&self.reader)
            .await?;
        let mut accounts = rows.iter().map(account_from).collect::<Result<Vec<_>>>()?;
        accounts.sort_by_cached_key(|a| {
            let fold = domain::text::fold;
            (fold(&a.unit_name), a.unit_id.clone(), fold(&a.full_name), a.id.clone())
        });
        Ok(accounts)
    }

    pub async fn account(&self, user_id: &str) -> Result<Option<AccountSummary>> {
        account_in(&mut *self.reader.acquire().await?, user_id).await
    }

    /// Applies an admin's `update` to an account if `check` (given the account as stored, in the writer's
    /// transaction, so no other change slips between) lets it. Disabling ends the account's sessions: its
    /// tablets are asked to sign in again and keep their outbox. Audited with before and after.
    pub async fn update_account<E>(
        &self,
        user_id: &str,
        update: &AccountUpdate,
        (by, now): (&str, DateTime<Utc>),
        check: impl FnOnce(&AccountSummary) -> std::result::Result<(), E>,
    ) -> Result<Checked<AccountSummary, E>> {
        let mut tx = self.begin_write().await?;
        let Some(before) = account_in(&mut tx, user_id).await? else { return Ok(Checked::NotFound) };
        if let Err(refusal) = check(&before) {
            return Ok(Checked::Refused(refusal));
        }
        sqlx::query(
            "update users set full_name = $1, position = $2, role = $3, unit_id = $4, disabled = $5 where id = $6",
        )
        .bind(&update.full_name)
        .bind(&update.position)
        .bind(update.role.as_str())
        .bind(&update.unit_id)
        .bind(i64::from(update.disabled))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if update.disabled {
            sqlx::query("delete from sessions where user_id = $1").bind(user_id).execute(&mut *tx).await?;
        }
        let after = account_in(&mut tx, user_id)
            .await?
            .ok_or_else(|| DbError::Corrupt(format!("account {user_id} gone while updated")))?;
        audit(&mut tx, by, now, ("account", user_id), "update", account_json(&before), account_json(&after)).await?;
        tx.commit().await?;
        Ok(Checked::Done(after))
    }

    /// Sets a password an admin chose for an account if `check` lets it, ends every session of the account, and
    /// clears its failed sign-ins (`attempts_key`), so its owner can sign in at once. The audit row says that it
    /// happened, never the hash.
    pub async fn reset_password<E>(
        &self,
        user_id: &str,
        (password_hash, attempts_key): (&str, &str),
        (by, now): (&str, DateTime<Utc>),
        check: impl FnOnce(&AccountSummary) -> std::result::Result<(), E>,
    ) -> Result<Checked<(), E>> {
        let mut tx = self.begin_write().await?;
        let Some(before) = account_in(&mut tx, user_id).await? else { return Ok(Checked::NotFound) };
        if let Err(refusal) = check(&before) {
            return Ok(Checked::Refused(refusal));
        }
        sqlx::query("update users set password_hash = $1 where id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from sessions where user_id = $1").bind(user_id).execute(&mut *tx).await?;
        sqlx::query("delete from sign_in_attempts where key_hash = $1").bind(attempts_key).execute(&mut *tx).await?;
        audit(&mut tx, by, now, ("account", user_id), "reset_password", Value::Null, Value::Null).await?;
        tx.commit().await?;
        Ok(Checked::Done(()))
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
        let mut tx = self.begin_write().await?;
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
