//! Accounts: `POST /api/auth/login`, `/logout` and `/password`, and the admin's accounts under `/api/admin/users`:
//! the list, a new account, a changed or disabled one, and a new password, always within the admin's own
//! subtree.
//!
//! Passwords are hashed with argon2id, and every check of one counts against the sign-in limits first.

use std::net::IpAddr;

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use domain::api::{
    password_problem, valid_login, AccountSummary, AccountUpdate, ChangePasswordRequest, ErrorBody, LoginRequest,
    LoginResponse, NewUserRequest, PasswordReset, Role, UserCreated,
};
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::{Checked, Db, NewUser, Session};
use crate::error::{ApiError, Json, Path};
use crate::session::{hex, new_token, token_hash, ClientAddress};
use crate::AppState;

pub use crate::passwords::hash_password;

/// How long a session lasts. Field staff may stay offline for weeks; the outbox waits for them either way.
const SESSION_DAYS: i64 = 30;

/// Password checks allowed per account, and per address, within one window. Sign-in and password change
/// count against the same limits.
const ACCOUNT_ATTEMPTS: i64 = 5;
const ADDRESS_ATTEMPTS: i64 = 30;
const ATTEMPT_WINDOW_MINUTES: i64 = 15;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(change_password))
        .routes(routes!(users, create_user))
        .routes(routes!(update_user))
        .routes(routes!(reset_password))
}

/// One password check, counted against its account and its address before it runs. Counting first, in one
/// statement per key, is what keeps parallel guesses to the limit: each sees the checks already running, and
/// one past the limit is refused unchecked. A wrong password ends as a failure, counted for the window.
struct Check {
    keys: Vec<String>,
}

impl Check {
    async fn begin(db: &Db, account: &str, address: Option<IpAddr>, now: DateTime<Utc>) -> Result<Check, ApiError> {
        let window_start = now - Duration::minutes(ATTEMPT_WINDOW_MINUTES);
        let mut limits = vec![(key_hash(&format!("account:{account}")), ACCOUNT_ATTEMPTS)];
        if let Some(address) = address {
            limits.push((key_hash(&format!("address:{address}")), ADDRESS_ATTEMPTS));
        }
        let mut check = Check { keys: Vec::with_capacity(limits.len()) };
        for (key, limit) in limits {
            let (failures, checking) = db.begin_check(&key, now, window_start).await?;
            check.keys.push(key);
            if failures + checking > limit {
                check.end(db, false).await?;
                let locked = failures >= limit;
                tracing::warn!(account = %account.chars().take(64).collect::<String>(), ?address, locked, "password check refused");
                return Err(if locked {
                    ApiError::TooManySignIns { minutes: ATTEMPT_WINDOW_MINUTES }
                } else {
                    // The failures so far are under the limit, but enough checks are running to reach it (many
                    // tablets of one office signing in at once, or a burst of guesses): try again in a moment.
                    ApiError::SignInsBusy
                });
            }
        }
        Ok(check)
    }

    async fn end(self, db: &Db, failed: bool) -> Result<(), ApiError> {
        for key in &self.keys {
            db.end_check(key, failed).await?;
        }
        Ok(())
    }
}

/// Checks `password` against `stored` (None: an unknown account, checked against a dummy hash), counted against
/// `account` and `address` before it runs and recorded as a failure if wrong.
async fn verify_counted(
    state: &AppState,
    account: &str,
    address: Option<IpAddr>,
    now: DateTime<Utc>,
    password: String,
    stored: Option<String>,
) -> Result<bool, ApiError> {
    let check = Check::begin(&state.db, account, address, now).await?;
    let verified = state.passwords.verify(password, stored).await?;
    check.end(&state.db, !verified).await?;
    Ok(verified)
}

/// Signs in: a session token for this device, and the user's profile.
#[utoipa::path(post, path = "/auth/login", tag = "accounts", request_body = LoginRequest, responses(
    (status = 200, description = "Đăng nhập được.", body = LoginResponse),
    (status = 401, description = "Sai tên đăng nhập hoặc mật khẩu (bad_credentials).", body = ErrorBody),
    (status = 403, description = "Mật khẩu đúng nhưng tài khoản đã bị khoá (account_disabled).", body = ErrorBody),
    (status = 429, description = "Quá nhiều lần sai (too_many_sign_ins), hoặc đang kiểm tra quá nhiều (sign_ins_busy).", body = ErrorBody),
))]
async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Json(request): Json<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let now = Utc::now();
    let login = request.login.trim();
    let credentials = state.db.credentials(login).await?;
    // A known account is counted by its id, the one a password change counts under too.
    let account = credentials.as_ref().map_or_else(|| format!("login:{login}"), |c| format!("user:{}", c.user_id));
    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    let verified = verify_counted(&state, &account, address, now, request.password, stored).await?;
    let Some(credentials) = credentials.filter(|_| verified) else {
        return Err(ApiError::BadCredentials);
    };
    // Only now, with the password right: a guesser learns nothing of which accounts exist or are disabled.
    if credentials.disabled {
        tracing::info!(user = %credentials.user_id, "sign-in of a disabled account refused");
        return Err(ApiError::AccountDisabled);
    }
    let token = new_token();
    let expires_at = now + Duration::days(SESSION_DAYS);
    state.db.insert_session(&token_hash(&token), &credentials.user_id, request.device_id, now, expires_at).await?;
    let user = state
        .db
        .user_profile(&credentials.user_id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("user {} vanished during sign-in", credentials.user_id)))?;
    tracing::info!(user = %user.id, device = %request.device_id, "signed in");
    Ok(Json(LoginResponse { token, expires_at, user }))
}

/// Ends this session on the server. The tablet keeps its database and outbox.
#[utoipa::path(post, path = "/auth/logout", tag = "accounts", security(("bearer" = [])), responses(
    (status = 204, description = "Đã đăng xuất."),
))]
async fn logout(State(state): State<AppState>, session: Session) -> Result<StatusCode, ApiError> {
    state.db.delete_session(&session.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the user's password and ends their other sessions (a stolen tablet's included). The current password
/// is checked under the sign-in limits, so a session is no way to guess it at full speed.
#[utoipa::path(post, path = "/auth/password", tag = "accounts", security(("bearer" = [])),
    request_body = ChangePasswordRequest, responses(
    (status = 204, description = "Đã đổi mật khẩu; các phiên khác đã kết thúc."),
    (status = 401, description = "Mật khẩu hiện tại không đúng (bad_credentials), hoặc phiên hết hạn.", body = ErrorBody),
    (status = 422, description = "Mật khẩu mới không đạt yêu cầu.", body = ErrorBody),
    (status = 429, description = "Quá nhiều lần sai.", body = ErrorBody),
))]
async fn change_password(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    session: Session,
    Json(request): Json<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let stored = state.db.password_hash(&session.user_id).await?;
    let account = format!("user:{}", session.user_id);
    if !verify_counted(&state, &account, address, Utc::now(), request.current_password, stored).await? {
        return Err(ApiError::BadCredentials);
    }
    if let Some(problem) = password_problem(&session.user_id, &request.new_password) {
        return Err(ApiError::Invalid(problem.into()));
    }
    let hash = state.passwords.hash(request.new_password).await?;
    state.db.change_password(&session.user_id, &hash, &session.token_hash).await?;
    tracing::info!(user = %session.user_id, "password changed; other sessions ended");
    Ok(StatusCode::NO_CONTENT)
}

/// What the rate limits store for a login or an address: a fixed-size name that does not reveal it.
fn key_hash(key: &str) -> String {
    hex(&Sha256::digest(key.as_bytes()))
}

/// The rate limits' key of a known account (the one sign-in and password change count under).
fn account_key(user_id: &str) -> String {
    key_hash(&format!("account:user:{user_id}"))
}

/// Refuses anyone but an admin, with `refusal` saying what only an admin may do.
pub(crate) fn admin_only(session: &Session, refusal: &'static str) -> Result<(), ApiError> {
    if session.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::Forbidden(refusal))
    }
}

const MANAGES_ACCOUNTS: &str = "Chỉ quản trị viên được quản lý tài khoản.";

/// An account outside the admin's subtree answers like a missing one: no one learns what exists elsewhere.
const NO_SUCH_ACCOUNT: ApiError = ApiError::NotFound("Không có tài khoản này trong phạm vi quản lý của bạn.");

/// The accounts of the admin's subtree, by unit and then by name.
#[utoipa::path(get, path = "/admin/users", tag = "accounts", security(("bearer" = [])), responses(
    (status = 200, description = "Các tài khoản trong phạm vi, theo đơn vị rồi theo tên.", body = Vec<AccountSummary>),
    (status = 403, description = "Không phải quản trị viên.", body = ErrorBody),
))]
async fn users(State(state): State<AppState>, session: Session) -> Result<Json<Vec<AccountSummary>>, ApiError> {
    admin_only(&session, MANAGES_ACCOUNTS)?;
    Ok(Json(state.db.accounts(&session.scope).await?))
}

/// An admin changes an account's name, position, role or unit (one in the admin's subtree), or disables it or
/// enables it again. Disabling ends its sessions at once (its tablets ask to sign in again and keep their
/// outbox), and sign-in refuses it. An admin may not change their own role or unit, nor disable themselves:
/// that is for another admin, so that no one locks the subtree out by mistake. An account is moved only into a
/// unit that is open; one already in a closed unit may stay there while other things change.
#[utoipa::path(put, path = "/admin/users/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã tài khoản")),
    request_body = AccountUpdate, responses(
    (status = 200, description = "Đã lưu tài khoản.", body = AccountSummary),
    (status = 403, description = "Không phải quản trị viên, hoặc đơn vị mới ngoài phạm vi.", body = ErrorBody),
    (status = 404, description = "Không có tài khoản này trong phạm vi.", body = ErrorBody),
    (status = 422, description = "Thông tin không hợp lệ, đơn vị mới đã ngừng hoạt động, hoặc tự đổi vai trò, đơn vị, tự khoá mình.", body = ErrorBody),
))]
async fn update_user(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Json(request): Json<AccountUpdate>,
) -> Result<Json<AccountSummary>, ApiError> {
    admin_only(&session, MANAGES_ACCOUNTS)?;
    let update = AccountUpdate {
        full_name: request.full_name.trim().to_owned(),
        position: request.position.trim().to_owned(),
        ..request
    };
    let unit = state.db.org_unit(&update.unit_id).await?;
    let today = domain::calendar::vietnam_date(Utc::now());
    let check = |before: &AccountSummary| -> Result<(), ApiError> {
        if !session.may_manage(&before.unit_id) {
            return Err(NO_SUCH_ACCOUNT);
        }
        if update.full_name.is_empty() {
            return Err(ApiError::Invalid("Cần nhập họ và tên.".into()));
        }
        // The scope holds only existing units, so one check answers alike for a unit elsewhere and for none.
        let Some(unit) = unit.filter(|u| session.may_manage(&u.id)) else {
            return Err(ApiError::Forbidden("Đơn vị này nằm ngoài phạm vi quản lý của bạn."));
        };
        if before.id == session.user_id {
            if update.disabled {
                return Err(ApiError::Invalid("Bạn không thể tự khoá tài khoản của mình.".into()));
            }
            if update.role != before.role {
                return Err(ApiError::Invalid(
                    "Bạn không thể tự đổi vai trò của mình; hãy nhờ một quản trị viên khác.".into(),
                ));
            }
            if update.unit_id != before.unit_id {
                return Err(ApiError::Invalid(
                    "Bạn không thể tự chuyển đơn vị của mình; hãy nhờ một quản trị viên khác.".into(),
                ));
            }
        }
        if update.unit_id != before.unit_id && unit.valid_to.is_some_and(|to| to < today) {
            return Err(ApiError::Invalid(format!("Đơn vị “{}” đã ngừng hoạt động.", unit.name)));
        }
        Ok(())
    };
    match state.db.update_account(&id, &update, (&session.user_id, Utc::now()), check).await? {
        Checked::Done(account) => {
            tracing::info!(admin = %session.user_id, user = %id, role = account.role.as_str(), unit = %account.unit_id,
                disabled = account.disabled, "account updated");
            Ok(Json(account))
        }
        Checked::NotFound => Err(NO_SUCH_ACCOUNT),
        Checked::Refused(refusal) => Err(refusal),
    }
}

/// An admin sets a new password for an account of their subtree (someone who forgot theirs), under the same
/// policy as a password change. Every session of the account ends, and its failed sign-ins are forgotten so its
/// owner can sign in at once. An admin changes their own password with `POST /api/auth/password`, which asks for
/// the current one.
#[utoipa::path(post, path = "/admin/users/{id}/password", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã tài khoản")),
    request_body = PasswordReset, responses(
    (status = 204, description = "Đã đặt mật khẩu mới; các phiên của tài khoản đã kết thúc."),
    (status = 403, description = "Không phải quản trị viên.", body = ErrorBody),
    (status = 404, description = "Không có tài khoản này trong phạm vi.", body = ErrorBody),
    (status = 422, description = "Mật khẩu mới không đạt yêu cầu, hoặc là tài khoản của chính mình.", body = ErrorBody),
))]
async fn reset_password(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Json(request): Json<PasswordReset>,
) -> Result<StatusCode, ApiError> {
    admin_only(&session, MANAGES_ACCOUNTS)?;
    let in_scope = |account: &AccountSummary| session.may_manage(&account.unit_id);
    let Some(account) = state.db.account(&id).await?.filter(in_scope) else {
        return Err(NO_SUCH_ACCOUNT);
    };
    if account.id == session.user_id {
        return Err(ApiError::Invalid("Hãy đổi mật khẩu của chính bạn ở mục Đổi mật khẩu.".into()));
    }
    if let Some(problem) = password_problem(&account.login, &request.new_password) {
        return Err(ApiError::Invalid(problem.into()));
    }
    let hash = state.passwords.hash(request.new_password).await?;
    let check = |account: &AccountSummary| if in_scope(account) { Ok(()) } else { Err(NO_SUCH_ACCOUNT) };
    match state.db.reset_password(&id, (&hash, &account_key(&id)), (&session.user_id, Utc::now()), check).await? {
        Checked::Done(()) => {
            tracing::info!(admin = %session.user_id, user = %id, "password reset; sessions ended");
            Ok(StatusCode::NO_CONTENT)
        }
        Checked::NotFound => Err(NO_SUCH_ACCOUNT),
        Checked::Refused(refusal) => Err(refusal),
    }
}

/// An admin creates an account with a role and a unit in the admin's own subtree.
#[utoipa::path(post, path = "/admin/users", tag = "accounts", security(("bearer" = [])),
    request_body = NewUserRequest, responses(
    (status = 201, description = "Đã tạo tài khoản.", body = UserCreated),
    (status = 403, description = "Không phải quản trị viên, hoặc đơn vị ngoài phạm vi.", body = ErrorBody),
    (status = 409, description = "Tên đăng nhập đã có người dùng (login_taken).", body = ErrorBody),
    (status = 422, description = "Thông tin tài khoản không hợp lệ.", body = ErrorBody),
))]
async fn create_user(
    State(state): State<AppState>,
    session: Session,
    Json(request): Json<NewUserRequest>,
) -> Result<(StatusCode, Json<UserCreated>), ApiError> {
    admin_only(&session, "Chỉ quản trị viên được tạo tài khoản.")?;
    let login = request.login.trim();
    if !valid_login(login) {
        return Err(ApiError::Invalid(
            "Tên đăng nhập gồm 3–40 chữ thường không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới.".into(),
        ));
    }
    if request.full_name.trim().is_empty() {
        return Err(ApiError::Invalid("Cần nhập họ và tên.".into()));
    }
    if let Some(problem) = password_problem(login, &request.password) {
        return Err(ApiError::Invalid(problem.into()));
    }
    // The scope holds only existing units, so one check answers alike for a unit elsewhere and for none.
    if !session.may_manage(&request.unit_id) {
        return Err(ApiError::Forbidden("Đơn vị này nằm ngoài phạm vi quản lý của bạn."));
    }
    let today = domain::calendar::vietnam_date(Utc::now());
    if let Some(unit) = state.db.org_unit(&request.unit_id).await?.filter(|u| u.valid_to.is_some_and(|to| to < today)) {
        return Err(ApiError::Invalid(format!("Đơn vị “{}” đã ngừng hoạt động; hãy chọn đơn vị tiếp nối.", unit.name)));
    }
    let hash = state.passwords.hash(request.password).await?;
    let created = state
        .db
        .create_user(
            &NewUser {
                id: login,
                login,
                full_name: request.full_name.trim(),
                position: request.position.trim(),
                role: request.role,
                unit_id: &request.unit_id,
                password_hash: &hash,
            },
            (&session.user_id, Utc::now()),
        )
        .await?;
    if !created {
        return Err(ApiError::LoginTaken);
    }
    tracing::info!(admin = %session.user_id, user = %login, role = request.role.as_str(), "account created");
    Ok((StatusCode::CREATED, Json(UserCreated { id: login.to_owned() })))
}
