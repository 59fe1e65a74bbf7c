//! The org tree as data: units with a kind, a parent and a validity period, and merges that say which units
//! became which, so that history earned in a unit that no longer exists still counts for its successor.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Units `from` ceased and their work continued in `into` on `on` (e.g. a culture centre and a radio station
/// merged into one culture-information centre; provinces merged on 1/7/2025).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitMerge {
    pub from: Vec<String>,
    pub into: String,
    pub on: NaiveDate,
}

/// `unit` and every unit that merged into it, directly or through earlier merges. Their records (people,
/// award history) belong to `unit` now.
pub fn lineage(unit: &str, merges: &[UnitMerge]) -> BTreeSet<String> {
    let mut found = BTreeSet::from([unit.to_string()]);
    let mut frontier = vec![unit.to_string()];
    while let Some(current) = frontier.pop() {
        for merge in merges.iter().filter(|m| m.into == current) {
            for from in &merge.from {
                if found.insert(from.clone()) {
                    frontier.push(from.clone());
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merge(from: &[&str], into: &str, year: i32) -> UnitMerge {
        UnitMerge {
            from: from.iter().map(|s| s.to_string()).collect(),
            into: into.into(),
            on: NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
        }
    }

    #[test]
    fn lineage_follows_merges_transitively_and_survives_cycles() {
        let merges = [merge(&["a", "b"], "c", 2020), merge(&["c", "d"], "e", 2025), merge(&["e"], "c", 2026)];
        let got: Vec<_> = lineage("e", &merges).into_iter().collect();
        assert_eq!(got, ["a", "b", "c", "d", "e"]);
        assert_eq!(lineage("a", &merges).len(), 1, "a predecessor does not inherit its successor");
    }
}
