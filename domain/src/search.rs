//! Search that ignores case and diacritics ("tran thi lan" finds "Trần Thị Lan", "đ" matches "d"), the same on the
//! tablet (over the records it holds, offline) and on the server (over the user's scope): an entry is found when
//! every word of the query is in its text. Entries are folded once, when the index is built, so a keystroke
//! only scans.

use serde::{Deserialize, Serialize};

use crate::text::fold;

/// At most this many hits are shown: a query that finds more is too short to be useful.
pub const MAX_HITS: usize = 50;
/// The longest query: a name, a decision number, a few words of a text.
pub const MAX_QUERY_CHARS: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    Person,
    Unit,
    Nomination,
    Decision,
    Movement,
    Model,
}

impl HitKind {
    pub fn label(self) -> &'static str {
        match self {
            HitKind::Person => "Cá nhân",
            HitKind::Unit => "Đơn vị",
            HitKind::Nomination => "Đề nghị khen thưởng",
            HitKind::Decision => "Quyết định",
            HitKind::Movement => "Phong trào",
            HitKind::Model => "Điển hình tiên tiến",
        }
    }
}

/// One thing a search finds: what it is, its id, and the two lines shown for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hit {
    pub kind: HitKind,
    pub id: String,
    pub title: String,
    pub detail: String,
}

/// The entries to search, each with its text folded once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index {
    entries: Vec<(String, Hit)>,
}

impl Index {
    /// Each hit is found by its title, its detail and `more` (a summary, the names on a decision…).
    pub fn new(items: impl IntoIterator<Item = (Hit, String)>) -> Index {
        let entries =
            items.into_iter().map(|(hit, more)| (fold(&format!("{} {} {more}", hit.title, hit.detail)), hit)).collect();
        Index { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The hits of `query`, those whose title starts with its first word first, at most `MAX_HITS`. An empty
    /// query finds nothing.
    pub fn search(&self, query: &str) -> Vec<&Hit> {
        let folded = fold(query);
        let words: Vec<&str> = folded.split_whitespace().collect();
        let Some(first) = words.first() else { return Vec::new() };
        let mut found: Vec<&(String, Hit)> =
            self.entries.iter().filter(|(text, _)| words.iter().all(|w| text.contains(w))).collect();
        found.sort_by_key(|(text, _)| !text.starts_with(first));
        found.into_iter().take(MAX_HITS).map(|(_, hit)| hit).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(kind: HitKind, id: &str, title: &str, detail: &str) -> (Hit, String) {
        (Hit { kind, id: id.into(), title: title.into(), detail: detail.into() }, String::new())
    }

    #[test]
    fn words_are_found_without_their_marks_in_any_order() {
        let index = Index::new([
            hit(HitKind::Person, "1", "Trần Thị Lan", "Viên chức tuyên truyền — Tam Dương"),
            hit(HitKind::Person, "2", "Lê Văn Minh", "Tam Dương"),
            (
                Hit {
                    kind: HitKind::Decision,
                    id: "qd".into(),
                    title: "1/QĐ-UBND".into(),
                    detail: "15/12/2026".into(),
                },
                "Đỗ Thị Hoa, Chiến sĩ thi đua cấp tỉnh".into(),
            ),
        ]);
        let ids = |query: &str| index.search(query).iter().map(|h| h.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids("tran thi lan"), ["1"]);
        assert_eq!(ids("LAN TRAN"), ["1"], "any order, any case");
        assert_eq!(ids("Trần"), ["1"]);
        assert_eq!(ids("tam duong"), ["1", "2"]);
        assert_eq!(ids("qd-ubnd"), ["qd"], "a decision by its number");
        assert_eq!(ids("do thi hoa"), ["qd"], "a decision by a recipient");
        assert_eq!(ids("Tra\u{0302}\u{0300}n"), ["1"], "a query typed with decomposed marks");
        assert!(ids("").is_empty() && ids("   ").is_empty());
        assert!(ids("nguyen").is_empty());
    }

    #[test]
    fn a_title_that_starts_with_the_query_comes_first_and_hits_are_bounded() {
        let index =
            Index::new([hit(HitKind::Unit, "u", "Trung tâm Lan Anh", ""), hit(HitKind::Person, "p", "Lan Hương", "")]);
        assert_eq!(index.search("lan")[0].id, "p");
        let many = Index::new((0..200).map(|i| hit(HitKind::Person, &i.to_string(), "Nguyễn Văn An", "")));
        assert_eq!(many.search("an").len(), MAX_HITS);
    }
}
