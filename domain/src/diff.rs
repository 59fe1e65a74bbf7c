//! A word-level difference between two texts, for showing the two sides of a conflict in long fields.

/// One run of the difference: text both sides share, or text only one side has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Same(String),
    /// Only in the first text.
    Removed(String),
    /// Only in the second text.
    Added(String),
}

/// Above this many words in the differing middle, the table would be too large for a tablet; the whole
/// middle is then shown as replaced.
const MAX_MIDDLE_WORDS: usize = 1500;

/// Splits keeping the whitespace with the word before it, so joining the parts gives the texts back exactly.
fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            in_space = true;
        } else if in_space {
            out.push(&text[start..i]);
            start = i;
            in_space = false;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

fn push(parts: &mut Vec<Part>, part: Part) {
    match (parts.last_mut(), part) {
        (Some(Part::Same(a)), Part::Same(b))
        | (Some(Part::Removed(a)), Part::Removed(b))
        | (Some(Part::Added(a)), Part::Added(b)) => a.push_str(&b),
        (_, part) => parts.push(part),
    }
}

/// The difference from `a` to `b`, by words (longest common subsequence).
pub fn diff_words(a: &str, b: &str) -> Vec<Part> {
    let (wa, wb) = (words(a), words(b));
    let prefix = wa.iter().zip(&wb).take_while(|(x, y)| x == y).count();
    let suffix = wa[prefix..].iter().rev().zip(wb[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (ma, mb) = (&wa[prefix..wa.len() - suffix], &wb[prefix..wb.len() - suffix]);

    let mut parts = Vec::new();
    push(&mut parts, Part::Same(wa[..prefix].concat()));
    if ma.len() > MAX_MIDDLE_WORDS || mb.len() > MAX_MIDDLE_WORDS {
        push(&mut parts, Part::Removed(ma.concat()));
        push(&mut parts, Part::Added(mb.concat()));
    } else {
        // lcs[i][j]: length of the longest common subsequence of ma[i..] and mb[j..].
        let (n, m) = (ma.len(), mb.len());
        let mut lcs = vec![0u16; (n + 1) * (m + 1)];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * (m + 1) + j] = if ma[i] == mb[j] {
                    lcs[(i + 1) * (m + 1) + j + 1] + 1
                } else {
                    lcs[(i + 1) * (m + 1) + j].max(lcs[i * (m + 1) + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && ma[i] == mb[j] {
                push(&mut parts, Part::Same(ma[i].to_owned()));
                i += 1;
                j += 1;
            } else if j < m && (i == n || lcs[i * (m + 1) + j + 1] >= lcs[(i + 1) * (m + 1) + j]) {
                push(&mut parts, Part::Added(mb[j].to_owned()));
                j += 1;
            } else {
                push(&mut parts, Part::Removed(ma[i].to_owned()));
                i += 1;
            }
        }
    }
    push(&mut parts, Part::Same(wa[wa.len() - suffix..].concat()));
    parts.retain(|p| !matches!(p, Part::Same(t) | Part::Removed(t) | Part::Added(t) if t.is_empty()));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rebuild(parts: &[Part]) -> (String, String) {
        let mut a = String::new();
        let mut b = String::new();
        for p in parts {
            match p {
                Part::Same(t) => {
                    a.push_str(t);
                    b.push_str(t);
                }
                Part::Removed(t) => a.push_str(t),
                Part::Added(t) => b.push_str(t),
            }
        }
        (a, b)
    }

    #[test]
    fn marks_changed_words_and_rebuilds_both_texts() {
        let a = "Tổ chức 12 buổi tuyên truyền tại 8 xã.";
        let b = "Tổ chức 14 buổi tuyên truyền lưu động tại 8 xã.";
        let parts = diff_words(a, b);
        assert_eq!(rebuild(&parts), (a.to_owned(), b.to_owned()));
        assert!(parts.contains(&Part::Removed("12 ".into())));
        assert!(parts.contains(&Part::Added("14 ".into())));
        assert!(parts.contains(&Part::Added("lưu động ".into())));
    }

    #[test]
    fn equal_and_empty_texts() {
        assert_eq!(diff_words("a b", "a b"), vec![Part::Same("a b".into())]);
        assert_eq!(diff_words("", "mới"), vec![Part::Added("mới".into())]);
        assert_eq!(diff_words("cũ", ""), vec![Part::Removed("cũ".into())]);
    }

    #[test]
    fn very_long_middles_fall_back_to_replacement() {
        let a = "x ".repeat(MAX_MIDDLE_WORDS + 10);
        let b = "y ".repeat(MAX_MIDDLE_WORDS + 10);
        let parts = diff_words(&a, &b);
        assert_eq!(rebuild(&parts), (a, b));
        assert_eq!(parts.len(), 2);
    }
}
