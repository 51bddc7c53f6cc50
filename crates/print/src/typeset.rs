//! Text as it goes on paper. Every string a document prints passes through
//! [`paper_text`] (the font measures and draws the same form), so sources that
//! write Latin letters and digits full-width (「ＵＮＥＸビル２Ｆ」, which the
//! gothic font sets one em wide, as if spaced) or katakana half-width print
//! evenly, and a 外字 stored before the table knew it prints as its standard
//! character, not a blank box.

use renkei_core::source_text::standard_characters;
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// Full-width ASCII letter or digit (Ａ–Ｚ, ａ–ｚ, ０–９) as its ASCII form.
fn half_width_alphanumeric(c: char) -> Option<char> {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(u32::from(c) - 0xFEE0),
        _ => None,
    }
}

/// Joiners that become ASCII between two ASCII letters or digits: hyphens
/// and dashes (「２－１６－１９」, 「１１ー５」), 「．」, 「／」, 「＆」, 「＋」, 「＃」.
fn ascii_joiner(c: char) -> Option<char> {
    match c {
        '－' | '−' | 'ー' | '‐' | '—' | '―' => Some('-'),
        '．' => Some('.'),
        '／' => Some('/'),
        '＆' => Some('&'),
        '＋' => Some('+'),
        '＃' => Some('#'),
        _ => None,
    }
}

fn is_half_width_katakana(c: char) -> bool {
    ('\u{FF61}'..='\u{FF9F}').contains(&c)
}

/// `text` in the form it is printed in: 外字 as standard characters,
/// full-width Latin letters and digits as ASCII (with the hyphens and dots
/// between them), half-width katakana as full-width. Japanese punctuation
/// (（）「」、。・～) stays full-width. Borrowed when nothing changes.
///
/// ```
/// use renkei_print::paper_text;
/// assert_eq!(paper_text("ＵＮＥＸビル８０１"), "UNEXビル801");
/// assert_eq!(paper_text("綱島西２－１６－１９"), "綱島西2-16-19");
/// assert_eq!(paper_text("ｺｰﾄｸﾚｰﾙ（２Ｆ）"), "コートクレール（2F）");
/// assert_eq!(paper_text("訪問看護ステーション"), "訪問看護ステーション");
/// ```
pub fn paper_text(text: &str) -> Cow<'_, str> {
    let needs_work = |c: char| {
        half_width_alphanumeric(c).is_some()
            || ascii_joiner(c).is_some()
            || is_half_width_katakana(c)
            || renkei_core::source_text::is_private_use(c)
    };
    if !text.chars().any(needs_work) {
        return Cow::Borrowed(text);
    }
    let standard = standard_characters(text);
    let mut chars: Vec<char> = Vec::with_capacity(standard.len());
    let mut katakana = String::new();
    for c in standard.chars() {
        if is_half_width_katakana(c) {
            katakana.push(c);
            continue;
        }
        if !katakana.is_empty() {
            chars.extend(katakana.nfkc());
            katakana.clear();
        }
        chars.push(half_width_alphanumeric(c).unwrap_or(c));
    }
    chars.extend(katakana.nfkc());
    let ascii_at = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(char::is_ascii_alphanumeric)
    };
    let out: String = (0..chars.len())
        .map(|i| match ascii_joiner(chars[i]) {
            Some(joiner) if ascii_at(i.checked_sub(1)) && ascii_at(Some(i + 1)) => joiner,
            _ => chars[i],
        })
        .collect();
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_19_full_width_latin_prints_half_width_and_kana_stays() {
        assert_eq!(
            paper_text("ＬＯＣ’Ｓ　ＫＩＫＵＮＡ１階"),
            "LOC’S　KIKUNA1階"
        );
        assert_eq!(paper_text("南湖４丁目１１ー５"), "南湖4丁目11-5");
        // A long-vowel mark between kana is a long vowel, not a hyphen.
        assert_eq!(paper_text("ステーション１"), "ステーション1");
        assert_eq!(paper_text("ﾃﾞｨｱｰﾅ川崎大師"), "ディアーナ川崎大師");
        assert_eq!(paper_text("\u{E192}堂"), "辻堂");
        assert!(matches!(paper_text("茅ヶ崎市（本村）"), Cow::Borrowed(_)));
    }
}
