//! Reading a title's name as someone typed it on an award, twenty years of decisions later: in any case, with
//! or without diacritics (or with them decomposed), with the usual abbreviations (CSTĐCS, LĐTT, BK, UBND…),
//! with "danh hiệu" in front or "của" in the middle, and under the names of earlier regimes.
//!
//! A name is read as a list of words. It matches a title when its words are those of the title's name or of
//! one of its aliases (an alias ending in "*" matches every name that begins with its words). Words are first
//! compared with their diacritics, then without; without them, a name that could be two titles is none.

use std::collections::BTreeMap;

use super::{RuleBook, TitleDef};
use crate::text::{fold, is_combining};

/// The catalog's names by their words, built once for the many names a verdict reads.
pub struct TitleIndex<'a> {
    book: &'a RuleBook,
    abbreviations: Vec<(String, Vec<String>)>,
    /// None where two titles share the words (a book saved before names were checked may have such a pair).
    exact: BTreeMap<Vec<String>, Option<usize>>,
    /// None where two titles share the words once diacritics are gone.
    folded: BTreeMap<Vec<String>, Option<usize>>,
    /// (words of the alias without its "*", title), longest first.
    prefixes: Vec<(Vec<String>, usize)>,
    folded_prefixes: Vec<(Vec<String>, usize)>,
}

impl RuleBook {
    pub fn index(&self) -> TitleIndex<'_> {
        let abbreviations = self
            .abbreviations
            .iter()
            .map(|a| (a.short.to_lowercase(), plain_words(&a.long)))
            .filter(|(short, long)| !short.is_empty() && !long.is_empty())
            .collect();
        let mut index = TitleIndex {
            book: self,
            abbreviations,
            exact: BTreeMap::new(),
            folded: BTreeMap::new(),
            prefixes: Vec::new(),
            folded_prefixes: Vec::new(),
        };
        for (i, title) in self.titles.iter().enumerate() {
            for name in std::iter::once(&title.name).chain(&title.aliases) {
                if let Some(prefix) = name.trim_end().strip_suffix('*') {
                    index.prefixes.push((index.words(prefix), i));
                    index.folded_prefixes.push((fold_words(&index.words(prefix)), i));
                    continue;
                }
                let words = index.words(name);
                claim(&mut index.folded, fold_words(&words), i);
                claim(&mut index.exact, words, i);
            }
        }
        index.prefixes.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
        index.folded_prefixes.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
        index
    }
}

impl<'a> TitleIndex<'a> {
    /// The title a code or a recorded name stands for.
    pub fn resolve(&self, name: &str) -> Option<&'a TitleDef> {
        if let Some(title) = self.book.titles.iter().find(|t| t.code == name) {
            return Some(title);
        }
        let words = self.words(name);
        if words.is_empty() {
            return None;
        }
        let folded = fold_words(&words);
        let longest = |prefixes: &[(Vec<String>, usize)], words: &[String]| {
            prefixes.iter().find(|(prefix, _)| !prefix.is_empty() && words.starts_with(prefix)).map(|(_, i)| *i)
        };
        let found = self
            .exact
            .get(&words)
            .copied()
            .flatten()
            .or_else(|| self.folded.get(&folded).copied().flatten())
            .or_else(|| longest(&self.prefixes, &words))
            .or_else(|| longest(&self.folded_prefixes, &folded));
        found.map(|i| &self.book.titles[i])
    }

    /// Whether `name` is written exactly as the catalog's own name or code, so reading it needs no explanation.
    pub fn is_canonical(&self, name: &str) -> bool {
        self.book.titles.iter().any(|t| t.code == name || t.name == name.trim())
    }

    /// The words of a name, abbreviations expanded, "danh hiệu" in front and "của" dropped.
    pub fn words(&self, name: &str) -> Vec<String> {
        let mut words = Vec::new();
        for word in plain_words(name) {
            let folded = fold(&word);
            let long = self.abbreviations.iter().find(|(short, _)| *short == word || fold(short) == folded);
            match long {
                Some((_, long)) => words.extend(long.iter().cloned()),
                None => words.push(word),
            }
        }
        if words.len() > 2 && fold(&words[0]) == "danh" && fold(&words[1]) == "hieu" {
            words.drain(..2);
        }
        words.retain(|w| fold(w) != "cua");
        words
    }
}

/// Files `words` under title `i`, or under none if another title has them too.
fn claim(map: &mut BTreeMap<Vec<String>, Option<usize>>, words: Vec<String>, i: usize) {
    let entry = map.entry(words).or_insert(Some(i));
    if *entry != Some(i) {
        *entry = None;
    }
}

/// The words two names of different titles may not share: read as a name is read, without diacritics, and
/// whether it is a prefix ("…*").
pub(super) fn clash_key(index: &TitleIndex, name: &str) -> (Vec<String>, bool) {
    let prefix = name.trim_end().strip_suffix('*');
    (fold_words(&index.words(prefix.unwrap_or(name))), prefix.is_some())
}

/// Lower-case words, split at anything that is not a letter, a digit or a combining mark (so a name typed with
/// decomposed diacritics keeps its words whole).
fn plain_words(name: &str) -> Vec<String> {
    name.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || is_combining(c)))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn fold_words(words: &[String]) -> Vec<String> {
    words.iter().map(|w| fold(w)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_and_keep_decomposed_marks_together() {
        assert_eq!(fold("Đoàn".to_lowercase().as_str()), "doan");
        // "chiến" with its marks decomposed (e + circumflex + acute).
        assert_eq!(plain_words("Chie\u{0302}\u{0301}n sĩ"), vec!["chie\u{0302}\u{0301}n", "sĩ"]);
        assert_eq!(fold("chie\u{0302}\u{0301}n"), "chien");
        assert_eq!(plain_words("Bộ, ngành; tỉnh - đoàn thể"), vec!["bộ", "ngành", "tỉnh", "đoàn", "thể"]);
    }
}
