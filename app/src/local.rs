//! What the pages read of the tablet's data: its records and the cached reference data, reloaded whenever sync
//! or an edit changes them.

use std::collections::BTreeSet;

use domain::api::ReferenceData;
use domain::documents::{achievement_report, Document, Profile, ReportSource};
use domain::dossier::{awards_of, read, Facts, Initiative, NominationFacts, NomineeKind, RecordView};
use domain::org::lineage;
use domain::replica::LocalRecord;
use domain::rules::{evaluate, TitleKind, Verdict};
use domain::{Fields, RecordKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::format::parse_name;
use crate::store::{self, current_store};
use crate::sync::SyncState;

/// Said where a check needs the rulebook and this device has not received it yet.
pub const NO_RULEBOOK: &str =
    "Máy này chưa nhận được bộ quy tắc xét khen thưởng nên chưa kiểm tra được điều kiện; khi có mạng, ứng dụng tự tải về.";

/// The records and reference data this tablet holds. Records whose deletion waits in the outbox are left out.
#[derive(Clone, Copy)]
pub struct LocalData {
    pub records: RwSignal<Vec<LocalRecord>>,
    pub reference: RwSignal<ReferenceData>,
}

impl LocalData {
    /// Loads the records while `wanted`: reading every record costs tens of milliseconds on a tablet holding
    /// thousands, so the quarterly report, which needs two records, does not pay for it on every sync.
    pub fn new(state: SyncState, wanted: Signal<bool>) -> Self {
        let local =
            LocalData { records: RwSignal::new(Vec::new()), reference: RwSignal::new(ReferenceData::default()) };
        // Edits never change reference data: it is read again only when sync stores a new copy.
        Effect::new(move |_| {
            state.reference_version.track();
            spawn_local(async move {
                let Some(store) = current_store() else { return };
                // try_set: the screen may have closed (sign-out) while IndexedDB answered.
                if let Ok(Some(reference)) = store.reference().await {
                    local.reference.try_set(reference);
                }
            });
        });
        Effect::new(move |_| {
            if !wanted.get() {
                return;
            }
            state.data_version.track();
            spawn_local(async move {
                let Some(store) = current_store() else { return };
                if let (Ok(mut records), Ok(deleting)) = (store.records().await, store.deleting().await) {
                    records.retain(|r| !r.deleted && !deleting.contains(&r.id));
                    local.records.try_set(records);
                }
            });
        });
        local
    }

    pub fn of_kind(self, kind: RecordKind) -> Vec<LocalRecord> {
        self.records.with(|all| all.iter().filter(|r| r.kind == kind).cloned().collect())
    }

    /// `unit` and the units merged into it (reactive, without copying the reference data).
    pub fn lineage(self, unit: &str) -> BTreeSet<String> {
        self.reference.with(|r| lineage(unit, &r.merges))
    }

    /// The catalog's titles for `subject` (of one kind, or all), as (code, name).
    pub fn titles(self, subject: NomineeKind, kind: Option<TitleKind>) -> Vec<(String, String)> {
        self.reference.with(|r| {
            r.rulebook
                .titles
                .iter()
                .filter(|t| t.subject.admits(subject))
                .filter(|t| kind.is_none_or(|k| t.kind == k))
                .map(|t| (t.code.clone(), t.name.clone()))
                .collect()
        })
    }

    /// Who a unit may propose (for a title, a model): the unit itself, or the people of it and of the units
    /// merged into it, by name. As (id, name).
    pub fn nominee_choices(self, kind: NomineeKind, unit: &str) -> Vec<(String, String)> {
        if kind == NomineeKind::Collective {
            return vec![(unit.to_owned(), self.unit_name(unit))];
        }
        let units = self.lineage(unit);
        let mut people: Vec<(String, String)> = self
            .of_kind(RecordKind::Person)
            .into_iter()
            .filter(|p| units.contains(&p.unit_id))
            .map(|p| (p.id.to_string(), person_name(&p)))
            .collect();
        people.sort_by(|a, b| a.1.cmp(&b.1));
        people
    }

    /// The movements, as (id, name), for a form's choice.
    pub fn movement_choices(self) -> Vec<(String, String)> {
        self.reference.with(|r| r.movements.iter().map(|m| (m.id.clone(), m.name.clone())).collect())
    }

    /// The unit's office as its documents name it (`documents::Office::new`).
    pub fn office(self, id: &str) -> domain::documents::Office {
        let parent = self.reference.with(|r| {
            let parent_id = r.units.iter().find(|u| u.id == id).and_then(|u| u.parent_id.clone());
            parent_id.map(|p| self.unit_name(&p)).unwrap_or_default()
        });
        domain::documents::Office::new(self.unit_name(id), parent)
    }

    /// Whether the rulebook has arrived on this device (the server's editions start at version 1).
    pub fn has_rulebook(self) -> bool {
        self.reference.with(|r| r.rulebook.version > 0)
    }

    /// The verdict on a nomination from what this tablet holds: its fields as they stand (typed, saved or not),
    /// the records of its unit and the units merged into it, and the cached rulebook. The unit's panel and the
    /// office's "Duyệt" read it alike. None while the nomination lacks a year, a nominee or a title, and before
    /// the rulebook has arrived (an empty catalog would call every title unknown).
    pub fn verdict(self, id: Uuid, unit_id: &str, fields: &Fields) -> Option<Verdict> {
        if !self.has_rulebook() {
            return None;
        }
        self.reference.with(|reference| {
            self.records.with(|records| {
                let units: Vec<String> = lineage(unit_id, &reference.merges).into_iter().collect();
                let nomination = RecordView { id, deleted: false, kind: RecordKind::Nomination, unit_id, fields };
                let facts = NominationFacts::from_record(&nomination)?;
                let views =
                    records.iter().filter(|r| r.id != id).map(LocalRecord::view).chain(std::iter::once(nomination));
                Some(evaluate(&reference.rulebook, &facts, &Facts::gather(views, &units, &reference.clusters)))
            })
        })
    }

    /// Who a nomination proposes, by name: a person of the tablet's records, or the unit.
    pub fn nominee_name(self, fields: &Fields) -> String {
        let id = store::text_of(fields, "nominee_id");
        if store::text_of(fields, "nominee_kind") == "collective" {
            return self.unit_name(&id);
        }
        self.records.with(|all| all.iter().find(|r| r.id.to_string() == id).map(person_name)).unwrap_or_default()
    }

    /// A nomination's achievement report (Mẫu 02/03) from the records this tablet holds: the unit printing its
    /// draft and the office reading a dossier see the same document. None while it has no year or title.
    pub fn achievement_report(self, fields: &Fields, unit_id: &str, draft: bool) -> Option<Document> {
        let text = |name: &str| store::text_of(fields, name);
        let title = text("title");
        let year: i32 = text("year").trim().parse().ok()?;
        if title.is_empty() {
            return None;
        }
        let kind = parse_name::<NomineeKind>(&text("nominee_kind")).unwrap_or(NomineeKind::Person);
        let nominee_id = text("nominee_id");
        let (profile, nominee_name, initiatives, awards) = self.records.with(|records| match kind {
            NomineeKind::Person => {
                let person = records.iter().find(|r| r.id.to_string() == nominee_id)?;
                let field = |name: &str| store::text_of(&person.fields, name);
                Some((
                    Some(Profile {
                        full_name: field("full_name"),
                        birth_date: field("birth_date"),
                        gender: field("gender"),
                        hometown: field("hometown"),
                        position: field("position"),
                        qualification: field("qualification"),
                    }),
                    field("full_name"),
                    read::<Vec<Initiative>>(&person.fields, "initiatives"),
                    awards_of(&person.fields),
                ))
            }
            NomineeKind::Collective => {
                // The unit's history and that of the units merged into it, as section III of the form shows.
                let units = self.lineage(unit_id);
                let awards = records
                    .iter()
                    .filter(|r| r.kind == RecordKind::UnitProfile && units.contains(&r.unit_id))
                    .flat_map(|r| awards_of(&r.fields))
                    .collect();
                Some((None, self.unit_name(unit_id), Vec::new(), awards))
            }
        })?;
        let source = ReportSource {
            unit: self.office(unit_id),
            nominee_kind: kind,
            profile,
            nominee_name,
            title,
            year,
            summary: text("summary"),
            section_profile: text("section_profile"),
            section_achievements: text("section_achievements"),
            initiatives,
            awards,
            draft,
        };
        Some(self.reference.with_untracked(|r| achievement_report(&r.rulebook, &source)))
    }

    pub fn unit_name(self, id: &str) -> String {
        self.known_unit_name(id).unwrap_or_else(|| id.to_owned())
    }

    /// A unit's name, None until the reference data naming it has arrived.
    pub fn known_unit_name(self, id: &str) -> Option<String> {
        self.reference.with(|r| r.units.iter().find(|u| u.id == id).map(|u| u.name.clone()))
    }

    /// The full name of a user (the author of a change), or their id when the reference data does not know them.
    pub fn user_name(self, id: &str) -> String {
        self.reference
            .with(|r| r.people.iter().find(|p| p.id == id).map_or_else(|| id.to_owned(), |p| p.full_name.clone()))
    }
}

/// The name on a person's record.
pub fn person_name(record: &LocalRecord) -> String {
    let name = store::text_of(&record.fields, "full_name");
    if name.trim().is_empty() {
        "(chưa có tên)".to_owned()
    } else {
        name
    }
}
