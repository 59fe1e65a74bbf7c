//! An award decision (quyết định khen thưởng): drafted from a locked council session's results, numbered from
//! the issuer's register only when it is issued, and immutable after that (an amendment is a new decision that
//! names it). Each recipient's cash is the rulebook's multiple for the award and kind of recipient, times the
//! base salary in force on the decision's date, rounded as that date's regime says.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::format_date;
use crate::council::CouncilSession;
use crate::dossier::{AwardEntry, NomineeKind, Track};
use crate::rules::{Amount, Recipient, RuleBook};

/// One person or collective the decision awards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionRecipient {
    pub nomination_id: String,
    pub recipient: Recipient,
    /// The person's record, or the unit, that receives the award.
    pub nominee_id: String,
    pub name: String,
    pub unit_id: String,
    pub unit_name: String,
    pub title: String,
    pub title_name: String,
    pub year: i32,
    pub achievement: String,
    /// None where the rulebook has no amount for it; `amount_problem` says why.
    pub amount: Option<Amount>,
    #[serde(default)]
    pub amount_problem: Option<String>,
}

/// A candidate the session did not pass, and why: told to the unit that proposed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotAwarded {
    pub nomination_id: String,
    pub name: String,
    pub unit_id: String,
    pub title_name: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    pub id: String,
    /// The office that drafts and registers it.
    pub unit_id: String,
    pub session_id: String,
    /// "Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Phúc"
    pub issuer: String,
    pub signer: String,
    pub signer_position: String,
    /// Trích yếu: "Về việc tặng danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2026"
    pub summary: String,
    /// The date it is signed: the base salary and the regime of this date apply.
    pub decided_on: NaiveDate,
    /// The register's symbol ("QĐ-UBND"): the number is the next of this register, taken at issue.
    pub register: String,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub issued_at: Option<DateTime<Utc>>,
    pub recipients: Vec<DecisionRecipient>,
    pub not_awarded: Vec<NotAwarded>,
    /// The issued decision this one amends.
    #[serde(default)]
    pub amends: Option<String>,
    pub version: i64,
}

impl Decision {
    pub fn issued(&self) -> bool {
        self.number.is_some()
    }

    pub fn total(&self) -> u64 {
        self.recipients.iter().filter_map(|r| r.amount.as_ref()).map(|a| a.amount).sum()
    }

    /// The award as the recipient's history records it once the decision is issued.
    pub fn award_entry(&self, recipient: &DecisionRecipient) -> AwardEntry {
        AwardEntry {
            year: recipient.year,
            title: recipient.title_name.clone(),
            decision_number: self.number.clone().unwrap_or_default(),
            decision_date: format_date(self.decided_on),
            issuer: self.issuer.clone(),
            unit: String::new(),
            track: Some(Track::ThuongXuyen),
            ..AwardEntry::default()
        }
    }

    /// The recipients' amounts again, on the decision's date (when a draft's date changes).
    pub fn price(&mut self, book: &RuleBook) {
        for recipient in &mut self.recipients {
            match book.cash_amount(&recipient.title, recipient.recipient, self.decided_on) {
                Ok(amount) => (recipient.amount, recipient.amount_problem) = (Some(amount), None),
                Err(problem) => (recipient.amount, recipient.amount_problem) = (None, Some(problem.to_string())),
            }
        }
    }
}

/// What the office gives when it drafts a decision; the rest comes from the session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionHeader {
    pub issuer: String,
    pub signer: String,
    pub signer_position: String,
    pub summary: String,
    pub decided_on: NaiveDate,
    pub register: String,
}

/// A draft from a locked session: its passed candidates are the recipients, priced on `header.decided_on`; the
/// others are not awarded, with the result that says why.
pub fn draft(book: &RuleBook, id: String, session: &CouncilSession, header: DecisionHeader) -> Decision {
    let mut recipients = Vec::new();
    let mut not_awarded = Vec::new();
    for candidate in &session.candidates {
        match &candidate.result {
            Some(result) if result.passed => recipients.push(DecisionRecipient {
                nomination_id: candidate.nomination_id.clone(),
                recipient: match candidate.nominee_kind {
                    NomineeKind::Person => Recipient::Person,
                    NomineeKind::Collective => Recipient::Collective,
                },
                nominee_id: candidate.nominee_id.clone(),
                name: candidate.nominee_name.clone(),
                unit_id: candidate.unit_id.clone(),
                unit_name: candidate.unit_name.clone(),
                title: candidate.title.clone(),
                title_name: candidate.title_name.clone(),
                year: candidate.year,
                achievement: candidate.summary.clone(),
                amount: None,
                amount_problem: None,
            }),
            result => not_awarded.push(NotAwarded {
                nomination_id: candidate.nomination_id.clone(),
                name: candidate.nominee_name.clone(),
                unit_id: candidate.unit_id.clone(),
                title_name: candidate.title_name.clone(),
                reason: match result {
                    Some(result) => format!(
                        "Hội đồng Thi đua - Khen thưởng họp ngày {}: {} ({}, {})",
                        format_date(session.held_on),
                        result.describe(),
                        result.rule.describe(),
                        result.rule.article
                    ),
                    None => format!("Hội đồng họp ngày {} chưa kiểm phiếu", format_date(session.held_on)),
                },
            }),
        }
    }
    let mut decision = Decision {
        id,
        unit_id: session.unit_id.clone(),
        session_id: session.id.clone(),
        issuer: header.issuer,
        signer: header.signer,
        signer_position: header.signer_position,
        summary: header.summary,
        decided_on: header.decided_on,
        register: header.register,
        number: None,
        issued_at: None,
        recipients,
        not_awarded,
        amends: None,
        version: 1,
    };
    decision.price(book);
    decision
}
