//! The publication of the council's list (công khai, lấy ý kiến): a window of working days on a holiday calendar
//! that is data, a public page that takes comments without sign-in, and the office's triage and answer of each.
//! A candidate with an unanswered comment cannot be decided.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The longest comment text, and the longest name or contact: enough for a real remark, not for a flood.
pub const MAX_COMMENT_CHARS: usize = 2000;
pub const MAX_NAME_CHARS: usize = 100;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedCandidate {
    pub nomination_id: String,
    pub name: String,
    pub unit_name: String,
    pub title_name: String,
    pub summary: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Publication {
    pub id: String,
    pub unit_id: String,
    pub session_id: String,
    /// The first day comments are taken, and the last.
    pub opens: NaiveDate,
    pub closes: NaiveDate,
    pub working_days: u32,
    /// The rule the window follows.
    pub article: String,
    pub candidates: Vec<PublishedCandidate>,
}

impl Publication {
    pub fn open_on(&self, day: NaiveDate) -> bool {
        self.opens <= day && day <= self.closes
    }
}

/// How the office classes a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Triage {
    /// About the candidate's achievements: to be checked.
    Relevant,
    /// Not about the candidate.
    Irrelevant,
    /// Checked, and true.
    Verified,
    /// Checked, and not true.
    Refuted,
}

impl Triage {
    pub const ALL: [Triage; 4] = [Triage::Relevant, Triage::Irrelevant, Triage::Verified, Triage::Refuted];

    pub fn label(self) -> &'static str {
        match self {
            Triage::Relevant => "Liên quan, cần xác minh",
            Triage::Irrelevant => "Không liên quan",
            Triage::Verified => "Đã xác minh, đúng",
            Triage::Refuted => "Đã xác minh, không đúng",
        }
    }
}

/// A comment from the public, as the office sees it (the public page never shows the contact).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: i64,
    pub publication_id: String,
    pub nomination_id: String,
    pub name: String,
    pub contact: String,
    pub text: String,
    pub at: DateTime<Utc>,
    pub triage: Option<Triage>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

impl Comment {
    pub fn answered(&self) -> bool {
        self.answer.as_deref().is_some_and(|a| !a.trim().is_empty()) && self.triage.is_some()
    }
}

/// Why a comment from the public cannot be taken, or None.
pub fn comment_problem(name: &str, contact: &str, text: &str) -> Option<String> {
    if name.trim().is_empty() || text.trim().is_empty() {
        return Some("Cần ghi họ tên và nội dung ý kiến".into());
    }
    if name.chars().count() > MAX_NAME_CHARS || contact.chars().count() > MAX_NAME_CHARS {
        return Some(format!("Họ tên, địa chỉ liên hệ tối đa {MAX_NAME_CHARS} ký tự"));
    }
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Some(format!("Nội dung ý kiến tối đa {MAX_COMMENT_CHARS} ký tự"));
    }
    None
}

/// Why an answer cannot be stored, or None.
pub fn answer_problem(answer: &str) -> Option<String> {
    if answer.trim().is_empty() {
        return Some("Cần ghi nội dung trả lời".into());
    }
    (answer.chars().count() > MAX_COMMENT_CHARS).then(|| format!("Nội dung trả lời tối đa {MAX_COMMENT_CHARS} ký tự"))
}
