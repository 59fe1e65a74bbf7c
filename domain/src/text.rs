//! Vietnamese text compared the way people type it: lower case, without diacritics ("Trần Thị Lan" and
//! "tran thi lan" are alike, "đ" is "d"), whether the marks were typed composed (NFC) or decomposed (NFD).

/// The combining marks (U+0300–U+036F) a decomposed Vietnamese letter carries after its base letter.
pub fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// The text in lower case without its diacritics: "Chiến sĩ" → "chien si", "Đoàn" → "doan".
pub fn fold(text: &str) -> String {
    const GROUPS: [(char, &str); 7] = [
        ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
        ('e', "èéẻẽẹêềếểễệ"),
        ('i', "ìíỉĩị"),
        ('o', "òóỏõọôồốổỗộơờớởỡợ"),
        ('u', "ùúủũụưừứửữự"),
        ('y', "ỳýỷỹỵ"),
        ('d', "đ"),
    ];
    text.to_lowercase()
        .chars()
        .filter(|c| !is_combining(*c))
        .map(|c| GROUPS.iter().find(|(_, marked)| marked.contains(c)).map_or(c, |(base, _)| *base))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vowel_with_every_tone_folds_to_its_base_letter() {
        let bases = [("a", "aăâ"), ("e", "eê"), ("i", "i"), ("o", "oôơ"), ("u", "uư"), ("y", "y")];
        // No mark, grave, acute, hook, tilde, dot below: as combining marks, so every composed letter is made.
        let tones = ["", "\u{0300}", "\u{0301}", "\u{0309}", "\u{0303}", "\u{0323}"];
        for (base, vowels) in bases {
            for vowel in vowels.chars() {
                for tone in tones {
                    // The hat and horn, decomposed too, for the NFD form.
                    let decomposed: String = match vowel {
                        'ă' => format!("a\u{0306}{tone}"),
                        'â' => format!("a\u{0302}{tone}"),
                        'ê' => format!("e\u{0302}{tone}"),
                        'ô' => format!("o\u{0302}{tone}"),
                        'ơ' => format!("o\u{031B}{tone}"),
                        'ư' => format!("u\u{031B}{tone}"),
                        plain => format!("{plain}{tone}"),
                    };
                    assert_eq!(fold(&decomposed), base, "NFD {decomposed:?}");
                    assert_eq!(fold(&decomposed.to_uppercase()), base, "upper case NFD {decomposed:?}");
                }
            }
        }
        let composed = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ";
        assert!(fold(composed).chars().all(|c| "aeiouy".contains(c)), "{}", fold(composed));
        assert_eq!(fold(&composed.to_uppercase()), fold(composed), "NFC upper case");
        assert_eq!(fold("Đỗ đoàn"), "do doan");
        assert_eq!(fold("Trần Thị Lan"), "tran thi lan");
    }
}
