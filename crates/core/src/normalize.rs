//! Japanese text normalisation for matching names and addresses the way people
//! type them: NFKC (full/half-width), katakana → hiragana, ヶ/ケ/が and 之/ノ/の
//! variants between kanji, long-vowel and dash marks, common old/new kanji
//! forms (髙/高, 﨑/崎, 德/徳 …), spaces, and for addresses 丁目/番地/号 forms and
//! kanji numerals.
//!
//! The output is a matching key, not display text: compare keys, show the original.

use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// Old or variant kanji forms folded to the form most sources use.
const KANJI_VARIANTS: &[(char, char)] = &[
    ('髙', '高'),
    ('﨑', '崎'),
    ('嵜', '崎'),
    ('碕', '崎'),
    ('德', '徳'),
    ('濱', '浜'),
    ('濵', '浜'),
    ('邊', '辺'),
    ('邉', '辺'),
    ('齋', '斎'),
    ('齊', '斉'),
    ('澤', '沢'),
    ('櫻', '桜'),
    ('國', '国'),
    ('廣', '広'),
    ('增', '増'),
    ('槇', '槙'),
    ('籠', '篭'),
    ('瀨', '瀬'),
    ('彌', '弥'),
    ('惠', '恵'),
    ('實', '実'),
    ('淸', '清'),
    ('條', '条'),
    ('舘', '館'),
    ('藏', '蔵'),
    ('壽', '寿'),
    ('榮', '栄'),
    ('會', '会'),
    ('學', '学'),
    ('醫', '医'),
    ('圓', '円'),
    ('眞', '真'),
    ('縣', '県'),
    ('龍', '竜'),
    ('冨', '富'),
    ('嶋', '島'),
    ('嶌', '島'),
    ('峯', '峰'),
    ('萬', '万'),
    ('來', '来'),
    ('驛', '駅'),
    ('靜', '静'),
    ('曾', '曽'),
    ('檜', '桧'),
    ('鷗', '鴎'),
    ('遙', '遥'),
    ('祐', '佑'),
    ('亞', '亜'),
    ('兒', '児'),
    ('總', '総'),
    ('聯', '連'),
    ('團', '団'),
    ('戶', '戸'),
    ('瀧', '滝'),
    ('槌', '鎚'),
];

fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '々')
}

/// Dash-like characters people and publishers use for 「－」 and 「ー」.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | 'ー' | '―' | '‐' | '‑' | '–' | '—' | '−' | '－' | 'ｰ' | '─' | '━'
    )
}

/// Folds text to a matching key: `fold("茅ケ崎　チガサキ") == fold("茅ヶ崎ちがさき")`.
///
/// ```
/// use renkei_core::normalize::fold;
/// assert_eq!(fold("茅ケ崎市立病院"), fold("茅ヶ崎市立病院"));
/// assert_eq!(fold("ｶﾅｶﾞﾜ"), fold("かながわ"));
/// assert_eq!(fold("髙津区"), fold("高津区"));
/// assert_eq!(fold("ステーション"), fold("ｽﾃｰｼｮﾝ"));
/// ```
pub fn fold(text: &str) -> String {
    // Most names are already NFKC (kanji, hiragana, full-width katakana):
    // the quick check spares building the index the normalisation pass.
    // Spaces go first, so the kana rules below see the neighbours the folded
    // key will have: 「㓶 か䌹」 and 「㓶か䌹」 fold alike, and a folded key folds
    // to itself (found by the normalize fuzz target).
    let chars: Vec<char> =
        if unicode_normalization::is_nfkc_quick(text.chars()) == IsNormalized::Yes {
            text.chars().filter(|c| !c.is_whitespace()).collect()
        } else {
            text.nfkc().filter(|c| !c.is_whitespace()).collect()
        };
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let after_kanji = i > 0 && is_kanji(chars[i - 1]);
        let between_kanji = after_kanji && i + 1 < chars.len() && is_kanji(chars[i + 1]);
        // Someone typing 「茅ケ」 has not reached the next kanji yet.
        let typing_after_kanji = after_kanji && i + 1 == chars.len();
        let folded = match c {
            'ヶ' | 'ケ' | 'ヵ' | 'が' | 'け' | 'か' | 'カ' | 'ガ' if between_kanji => 'が',
            // ヶ and ヵ are never the kana ke/ka in names: always the particle.
            'ヶ' | 'ヵ' => 'が',
            'ケ' if typing_after_kanji => 'が',
            '之' | 'ノ' | 'の' if between_kanji => 'の',
            '之' | 'ノ' if typing_after_kanji => 'の',
            c if is_dash(c) => '-',
            // Katakana (ァ..ヶ) to hiragana: the blocks are 0x60 apart.
            '\u{30A1}'..='\u{30F6}' => char::from_u32(u32::from(c) - 0x60).unwrap_or(c),
            c if c.is_ascii_uppercase() => c.to_ascii_lowercase(),
            c => KANJI_VARIANTS
                .iter()
                .find(|(old, _)| *old == c)
                .map_or(c, |(_, new)| *new),
        };
        out.push(folded);
    }
    out
}

/// Folds a name or free text to a looser key for search as people type: as
/// [`fold`], plus small kana as large (publishers write ステーシヨン for
/// ステーション), long-vowel marks after kana dropped (ステーション, ｽﾃｰｼｮﾝ and
/// ステション meet) and ヴァ…ヴォ as バ…ボ.
///
/// ```
/// use renkei_core::normalize::fold_search;
/// assert_eq!(fold_search("訪問看護ステーシヨン"), fold_search("訪問看護すてーしょん"));
/// assert_eq!(fold_search("ヴィラ"), fold_search("ビラ"));
/// assert_eq!(fold_search("茅ケ"), fold_search("茅ヶ崎").trim_end_matches('崎'));
/// ```
pub fn fold_search(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len());
    let mut chars = folded.chars().peekable();
    let is_kana = |c: char| matches!(c, '\u{3041}'..='\u{3096}');
    while let Some(c) = chars.next() {
        let c = match c {
            '-' if out.ends_with(is_kana) => continue,
            // ヴァ ヴィ ヴ ヴェ ヴォ are written バ ビ ブ ベ ボ just as often.
            'ゔ' => match chars.next_if(|n| matches!(n, 'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ')) {
                Some('ぁ') => 'ば',
                Some('ぃ') => 'び',
                Some('ぇ') => 'べ',
                Some('ぉ') => 'ぼ',
                _ => 'ぶ',
            },
            'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | 'っ' | 'ゃ' | 'ゅ' | 'ょ' | 'ゎ' | 'ゕ' | 'ゖ' => {
                char::from_u32(u32::from(c) + 1).unwrap_or(c)
            }
            c => c,
        };
        out.push(c);
    }
    out
}

/// Folds an address to a matching key: as [`fold`], plus kanji numerals to
/// digits and 丁目/番地/番/号/の between numbers to hyphens, so
/// `本村五丁目15番1号` and `本村５－１５－１` give the same key. A leading
/// 日本 / postal mark is dropped.
///
/// ```
/// use renkei_core::normalize::fold_address;
/// assert_eq!(fold_address("茅ヶ崎市本村五丁目15番1号"), fold_address("茅ケ崎市本村５－１５－１"));
/// assert_eq!(fold_address("西久保二十九番地の一"), "西久保29-1");
/// ```
pub fn fold_address(text: &str) -> String {
    let folded = fold(text);
    let folded = folded.trim_start_matches('〒');
    let with_digits = kanji_numbers_to_digits(folded);
    let chars: Vec<char> = with_digits.chars().collect();
    let mut out = String::with_capacity(with_digits.len());
    let mut i = 0;
    while i < chars.len() {
        let after_digit = out.chars().last().is_some_and(|c: char| c.is_ascii_digit());
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        let after_hyphen = out.ends_with('-');
        let (skip, replacement) = if after_hyphen && matches!(chars[i], 'の' | '-') {
            (1, None)
        } else if after_digit && (rest == "丁目" || rest == "番地") {
            (2, Some('-'))
        } else if after_digit && matches!(chars[i], '番' | 'の' | '-') {
            (1, Some('-'))
        } else if after_digit && chars[i] == '号' {
            (1, None)
        } else {
            (0, None)
        };
        if skip == 0 {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        i += skip;
        if let Some(r) = replacement {
            out.push(r);
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Rewrites runs of kanji numerals (一…九, 十, 百, 千, 〇) as decimal digits:
/// 二十九 → 29, 百五 → 105. Only runs that read as a number are rewritten.
fn kanji_numbers_to_digits(text: &str) -> String {
    fn digit(c: char) -> Option<u32> {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .and_then(|p| u32::try_from(p).ok())
    }
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len()
            && (digit(chars[i]).is_some() || matches!(chars[i], '十' | '百' | '千'))
        {
            i += 1;
        }
        if start == i {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let run = &chars[start..i];
        // A lone 十/千/百 inside a name (十日市場, 千代田) is a name, not a number,
        // unless it stands right before an address unit.
        let followed_by_unit = chars
            .get(i)
            .is_some_and(|c| matches!(c, '丁' | '番' | '号' | 'の' | '-'));
        let preceded_by_unit =
            start > 0 && matches!(chars[start - 1], '目' | '地' | '番' | 'の' | '-');
        if !followed_by_unit && !preceded_by_unit {
            out.extend(run);
            continue;
        }
        let (mut total, mut current) = (0_u32, 0_u32);
        for &c in run {
            match c {
                '十' => {
                    total += current.max(1) * 10;
                    current = 0;
                }
                '百' => {
                    total += current.max(1) * 100;
                    current = 0;
                }
                '千' => {
                    total += current.max(1) * 1000;
                    current = 0;
                }
                c => current = current * 10 + digit(c).unwrap_or(0),
            }
        }
        out.push_str(&(total + current).to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_17_fold_is_idempotent_across_spaces_between_kanji() {
        // The normalize fuzz target's crash input: か lay between a space and a
        // kanji, and became が only on a second fold once the space was gone.
        let text = "ｶﾅｶﾞﾜ ちがさきし ケ 㓶 か䌹 ";
        let folded = fold(text);
        assert_eq!(fold(&folded), folded);
        assert_eq!(fold_search(&fold_search(text)), fold_search(text));
        assert_eq!(fold("茅 ケ 崎"), fold("茅ケ崎"));
    }

    #[test]
    fn ga_and_no_variants_only_between_kanji() {
        assert_eq!(fold("自由ヶ丘"), fold("自由が丘"));
        assert_eq!(fold("二ノ宮"), fold("二之宮"));
        // Not between kanji: kana stay as they are.
        assert_ne!(fold("かながわ"), fold("かなかわ"));
        assert_eq!(fold("ながの"), "ながの");
    }

    #[test]
    fn typing_stops_before_the_next_kanji() {
        assert!(fold("茅ヶ崎市").starts_with(&fold("茅ケ")));
        assert!(fold("茅ヶ崎市").starts_with(&fold("茅ヶ")));
        assert!(fold("二ノ宮").starts_with(&fold("二ノ")));
        // Kana ケ after kana stays ケ (ホームケア).
        assert_eq!(fold("ホームケア"), "ほ-むけあ");
    }

    #[test]
    fn search_keys_meet_the_way_people_type() {
        let same = [
            ("訪問看護ステーション", "訪問看護ｽﾃｰｼｮﾝ"),
            ("訪問看護ステーション", "訪問看護ステーシヨン"),
            ("ホウモンカンゴステーション", "ほうもんかんごすてしょん"),
            ("髙橋クリニック", "高橋くりにっく"),
            ("德洲会", "徳洲会"),
            ("ＫＡＮＡＧＡＷＡ　こども", "kanagawa こども"),
            ("龍ヶ崎", "竜が崎"),
            ("川嶋 医院", "川島医院"),
        ];
        for (a, b) in same {
            assert_eq!(fold_search(a), fold_search(b), "{a} vs {b}");
        }
        assert_ne!(fold_search("病院"), fold_search("医院"));
    }

    #[test]
    fn compatibility_kanji_fold_through_nfkc() {
        // U+FA10 (塚 compatibility form) is used in 平塚 in a prefectural file.
        assert_eq!(fold("平\u{FA10}市"), fold("平塚市"));
    }

    #[test]
    fn address_units_and_numbers() {
        assert_eq!(fold_address("相生１丁目９番２６号"), "相生1-9-26");
        assert_eq!(
            fold_address("六ツ川2-138-4"),
            fold_address("六ツ川二丁目138番4号")
        );
        assert_eq!(fold_address("十日市場町"), "十日市場町");
        assert_eq!(fold_address("宮山３５０５"), "宮山3505");
    }
}
