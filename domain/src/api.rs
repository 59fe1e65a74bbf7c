//! Request and response bodies of the server's non-sync endpoints, and the error body every endpoint uses.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cluster::{Cluster, ClusterDefinition, LateReport, Ranking, ScoreEntry, Sheet};
/// Part of every refusal of a form; defined with the field checks.
pub use crate::fields::Problem;
use crate::org::UnitMerge;
/// Part of the wire (a user's profile carries it); defined with the rules it takes part in.
pub use crate::role::Role;
use crate::rules::RuleBook;

/// The body of every error answer. `message` is Vietnamese and safe to show; `code` is for programs. A form
/// refused for several reasons also lists each with where it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

/// `GET /api/health` and `GET /api/ready`: the server answers, the sync protocol it speaks, and what it runs on,
/// for a load balancer's checks and an operator's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub protocol: u32,
    /// The storage backend: "sqlite".
    #[serde(default)]
    pub backend: String,
    /// The last schema migration applied to the database.
    #[serde(default)]
    pub migration: i64,
}

/// `POST /api/admin/users`: the new account's id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserCreated {
    pub id: String,
}

/// `PUT /api/admin/rules`: the edition the saved rulebook became.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RulebookSaved {
    pub version: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
    pub device_id: Uuid,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// An admin creates an account: its role and the unit whose subtree it works on.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub login: String,
    pub full_name: String,
    #[serde(default)]
    pub position: String,
    pub role: Role,
    pub unit_id: String,
    pub password: String,
}

/// `GET /api/admin/users`: an account as an admin manages it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountSummary {
    pub id: String,
    pub login: String,
    pub full_name: String,
    pub position: String,
    pub role: Role,
    pub unit_id: String,
    pub unit_name: String,
    /// A disabled account cannot sign in, and its sessions have ended.
    pub disabled: bool,
}

/// `PUT /api/admin/users/{id}`: what an admin may change of an account (its login stays).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountUpdate {
    pub full_name: String,
    #[serde(default)]
    pub position: String,
    pub role: Role,
    pub unit_id: String,
    #[serde(default)]
    pub disabled: bool,
}

/// `POST /api/admin/users/{id}/password`: an admin sets a new password for someone who lost theirs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub new_password: String,
}

/// `POST /api/admin/units`: a new unit under `parent_id`. The server makes its id; `valid_from` is today (in
/// Vietnam) when left out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    pub name: String,
    pub kind: String,
    pub parent_id: String,
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
}

/// `PUT /api/admin/units/{id}`: rename a unit, move it under another parent, or close it on `valid_to` (its
/// last day). `parent_id` None keeps the current parent: a unit never leaves the tree, since one without a
/// parent would be outside every admin's subtree. `valid_to` None leaves the unit open (or opens it again).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitUpdate {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

/// One accepted change of a record, as the audit log keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub user_id: String,
    pub user_name: String,
    pub device_id: String,
    /// set, delete, resolve, submit, return, approve
    pub action: String,
    /// {field: {"old": …, "new": …}}, plus "state" and "conflicts" where they changed.
    pub changes: serde_json::Value,
}

/// The shortest password an account may have.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Why a new password is refused, or None if it is acceptable.
pub fn password_problem(login: &str, password: &str) -> Option<&'static str> {
    // The message spells out MIN_PASSWORD_CHARS (8).
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Some("Mật khẩu cần ít nhất 8 ký tự.")
    } else if password.eq_ignore_ascii_case(login) {
        Some("Mật khẩu không được trùng tên đăng nhập.")
    } else {
        None
    }
}

/// Logins are 3–40 lower-case letters, digits, dots, dashes or underscores.
pub fn valid_login(login: &str) -> bool {
    (3..=40).contains(&login.len())
        && login.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Bearer token for the `Authorization` header. The server keeps only its hash.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: UserProfile,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserProfile {
    pub id: String,
    pub login: String,
    pub full_name: String,
    pub role: Role,
    pub position: String,
    pub unit_id: String,
    pub unit_name: String,
}

/// Reference data a tablet caches so it can work offline: the units it sees, the movements they join, and the
/// rulebook the eligibility panel checks nominations against.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferenceData {
    pub units: Vec<OrgUnit>,
    pub movements: Vec<Movement>,
    /// People in the user's scope, to name who wrote what.
    #[serde(default)]
    pub people: Vec<Person>,
    #[serde(default)]
    pub merges: Vec<UnitMerge>,
    #[serde(default)]
    pub rulebook: RuleBook,
    /// The clusters and blocks the user's units belong to (for the office, every one in its scope). A member
    /// sees its own review and standing, not the others'.
    #[serde(default)]
    pub clusters: Vec<Cluster>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: String,
    pub full_name: String,
    pub unit_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgUnit {
    pub id: String,
    pub parent_id: Option<String>,
    /// Free text, not an enum: the org reform of 2025 showed that levels change.
    pub kind: String,
    pub name: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// An emulation movement (phong trào thi đua) and the document that launched it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Movement {
    pub id: String,
    pub name: String,
    pub theme: String,
    /// thường xuyên, chuyên đề, đặc biệt
    pub kind: String,
    pub document_number: String,
    pub document_date: NaiveDate,
    pub issuer: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// The fields (lĩnh vực) the movement covers, in the directive's order.
    pub fields: Vec<String>,
    #[serde(default)]
    pub goals: String,
}

/// The kinds of movement the directives launch.
pub const MOVEMENT_KINDS: [&str; 3] = ["thường xuyên", "chuyên đề", "đặc biệt"];

impl Movement {
    /// What keeps the office's form from being saved, worded for the office, each with the field it is in.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let required = [
            ("name", &self.name, "Tên phong trào", 500),
            ("theme", &self.theme, "Chủ đề", 2000),
            ("document_number", &self.document_number, "Số văn bản phát động", 100),
            ("issuer", &self.issuer, "Cơ quan ban hành", 500),
        ];
        for (at, value, label, max) in required {
            if value.trim().is_empty() {
                problems.push(Problem::new(at, format!("{label} không được để trống")));
            } else if value.chars().count() > max {
                problems.push(Problem::new(at, format!("{label} dài quá {max} ký tự")));
            }
        }
        if !MOVEMENT_KINDS.contains(&self.kind.as_str()) {
            let message = format!("Loại phong trào phải là một trong: {}", MOVEMENT_KINDS.join(", "));
            problems.push(Problem::new("kind", message));
        }
        if self.period_to < self.period_from {
            problems.push(Problem::new("period_to", "Thời gian kết thúc trước thời gian bắt đầu"));
        }
        if self.fields.is_empty() || self.fields.len() > 30 {
            problems.push(Problem::new("fields", "Cần từ 1 đến 30 lĩnh vực"));
        }
        if self.fields.iter().any(|f| f.trim().is_empty() || f.chars().count() > 200) {
            problems.push(Problem::new("fields", "Mỗi lĩnh vực cần có tên, không quá 200 ký tự"));
        }
        if self.goals.chars().count() > crate::fields::MAX_TEXT_CHARS {
            problems.push(Problem::new("goals", "Mục tiêu dài quá giới hạn"));
        }
        if self.id.is_empty() || self.id.len() > 100 {
            problems.push(Problem::new("id", "Mã phong trào không hợp lệ"));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_logins() {
        assert_eq!(password_problem("lan", "ngắn"), Some("Mật khẩu cần ít nhất 8 ký tự."));
        assert_eq!(password_problem("tamduong.lan", "TAMDUONG.LAN"), Some("Mật khẩu không được trùng tên đăng nhập."));
        assert_eq!(password_problem("lan", "thidua2026"), None);
        assert!(valid_login("tamduong.lan") && !valid_login("Tâm") && !valid_login("ab") && !valid_login("a b c"));
    }

    #[test]
    fn role_names_match_serde() {
        for role in Role::ALL {
            assert_eq!(serde_json::to_value(role).unwrap(), serde_json::json!(role.as_str()));
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}

/// `POST /api/council/sessions`: a session the office prepares. The id comes from the office's device, so a
/// retried request is answered with the session it made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCouncilSession {
    pub id: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub mode: crate::council::SessionMode,
    /// Accepted nominations of the office's scope.
    pub nomination_ids: Vec<String>,
    /// The locked session this one corrects.
    #[serde(default)]
    pub corrects: Option<String>,
}

/// `PUT /api/council/sessions/{id}/attendance`: who attends, by member id, made on `version`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttendanceChange {
    pub version: i64,
    pub presence: std::collections::BTreeMap<String, crate::council::Presence>,
}

/// `PUT /api/council/sessions/{id}/tallies/{nomination_id}`: the counting committee's count, made on `version`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TallyChange {
    pub version: i64,
    pub tally: crate::council::Tally,
}

/// `POST /api/council/sessions/{id}/confirm`: the chair or the secretary confirms the minutes of `version`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmMinutes {
    pub version: i64,
}

/// `GET /api/council/sessions/{id}/minutes`: the minutes, as text to print.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Minutes {
    pub text: String,
    pub locked: bool,
}

/// `POST /api/decisions`: a draft from a locked session. The id comes from the office's device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDecision {
    pub id: String,
    pub session_id: String,
    pub header: crate::decision::DecisionHeader,
    /// The issued decision this one amends.
    #[serde(default)]
    pub amends: Option<String>,
}

/// `PUT /api/decisions/{id}`: the draft's header again, made on `version`; the amounts follow its date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionChange {
    pub version: i64,
    pub header: crate::decision::DecisionHeader,
}

/// `POST /api/decisions/{id}/issue`: issue the draft of `version`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IssueDecision {
    pub version: i64,
}

/// `GET /api/public/decisions`: an issued decision as the public register shows it, without sign-in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicDecision {
    pub number: String,
    pub decided_on: NaiveDate,
    pub issuer: String,
    pub signer: String,
    pub summary: String,
    pub recipients: Vec<PublicRecipient>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicRecipient {
    pub name: String,
    pub unit_name: String,
    pub title_name: String,
}

/// `POST /api/publications`: publish a locked session's passed candidates whose titles the rulebook names,
/// from `opens` for the rulebook's number of working days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPublication {
    pub id: String,
    pub session_id: String,
    pub opens: NaiveDate,
}

/// `GET /api/publications`: a publication with every comment on it, for the office.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicationWithComments {
    pub publication: crate::publication::Publication,
    pub comments: Vec<crate::publication::Comment>,
}

/// `POST /api/public/publications/{id}/comments`: a comment from the public, without sign-in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    pub nomination_id: String,
    pub name: String,
    #[serde(default)]
    pub contact: String,
    pub text: String,
}

/// The answer to a comment: that it was taken, and its number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentTaken {
    pub id: i64,
}

/// `PUT /api/publications/{id}/comments/{comment_id}`: the office's triage and written answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommentAnswer {
    pub triage: crate::publication::Triage,
    pub answer: String,
}

/// A cluster's year as the office, the council and the leading units see it: each member's sheet, computed now
/// (or as published), with the self-score it rests on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterBoard {
    pub cluster: Cluster,
    pub year: i32,
    pub rows: Vec<BoardRow>,
    /// The order the sheets give today; the published ranking is in the cluster's year once published.
    pub ranking: Ranking,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardRow {
    pub sheet: Sheet,
    /// The member's own figures, with its evidence, once it has sent them.
    pub own: Option<Vec<ScoreEntry>>,
    pub late_reports: Vec<LateReport>,
    pub returned_dossiers: u32,
}

/// The leader's (or a deputy's) figures for a member, made on the cluster's `version`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewChange {
    pub version: i64,
    pub entries: Vec<ScoreEntry>,
}

/// The standing body's bonuses and penalties (part III) for a member, by code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StandingChange {
    pub version: i64,
    pub codes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublishRanking {
    pub version: i64,
}

/// A cluster's definition, made on `version` (0 for a new cluster).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClusterChange {
    pub version: i64,
    pub definition: ClusterDefinition,
}
