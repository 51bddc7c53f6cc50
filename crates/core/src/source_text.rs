//! Names and addresses as publishers write them, cleaned for display once, when
//! a record is imported:
//!
//! - private-use characters (外字, U+E000–U+F8FF) become the standard character
//!   they stand for, from the authored table `data/text/pua.toml` (which cites
//!   how each mapping was established); one not in the table, or not yet
//!   established, becomes 〓 (ゲタ) rather than a blank box or a guess;
//! - an address that repeats its building (介護サービス情報公表 joins 住所 and
//!   方書 even when 住所 already ends with the building) or its municipality
//!   (WAM NET joins 「神奈川県藤沢市」 and 「藤沢市…」) keeps it once.
//!
//! Unlike [`crate::normalize`], the output is display text, not a matching key.

use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// What a private-use character without an established meaning prints as: 〓
/// (ゲタ, the conventional sign for a character that cannot be shown).
pub const UNRESOLVED: char = '〓';

const TABLE: &str = include_str!("../../../data/text/pua.toml");

/// One entry of `data/text/pua.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PrivateUseCharacter {
    /// The code point, hex without `U+` (e.g. `E192`).
    pub code: String,
    /// The standard character it stands for ([`UNRESOLVED`] when not established).
    pub standard: char,
    /// Whether the mapping was established from evidence.
    pub resolved: bool,
    /// How the mapping was established (sources named).
    pub evidence: String,
}

#[derive(Deserialize)]
struct TableFile {
    character: Vec<PrivateUseCharacter>,
}

/// The authored table, parsed once. Its well-formedness is checked by tests.
pub fn private_use_table() -> &'static [PrivateUseCharacter] {
    static PARSED: OnceLock<Vec<PrivateUseCharacter>> = OnceLock::new();
    PARSED.get_or_init(|| {
        toml::from_str::<TableFile>(TABLE)
            .expect("data/text/pua.toml is checked by tests")
            .character
    })
}

fn replacements() -> &'static HashMap<char, char> {
    static MAP: OnceLock<HashMap<char, char>> = OnceLock::new();
    MAP.get_or_init(|| {
        private_use_table()
            .iter()
            .filter_map(|entry| {
                let code = u32::from_str_radix(&entry.code, 16).ok()?;
                Some((char::from_u32(code)?, entry.standard))
            })
            .collect()
    })
}

/// True for a character of the Basic Multilingual Plane's private use area.
pub fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// The table's entry for `c`, when it has one.
pub fn private_use_entry(c: char) -> Option<&'static PrivateUseCharacter> {
    let code = format!("{:04X}", u32::from(c));
    private_use_table().iter().find(|entry| entry.code == code)
}

/// `text` with every private-use character replaced by its standard
/// character ([`UNRESOLVED`] when the table has none); borrowed when there is
/// nothing to replace.
///
/// ```
/// use renkei_core::source_text::standard_characters;
/// assert_eq!(standard_characters("\u{E192}堂いなほクリニック"), "辻堂いなほクリニック");
/// assert_eq!(standard_characters("茅ヶ崎市立病院"), "茅ヶ崎市立病院");
/// ```
pub fn standard_characters(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_private_use) {
        return Cow::Borrowed(text);
    }
    let table = replacements();
    Cow::Owned(
        text.chars()
            .map(|c| {
                if is_private_use(c) {
                    table.get(&c).copied().unwrap_or(UNRESOLVED)
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// A name for display: standard characters, surrounding spaces trimmed.
pub fn clean_name(text: &str) -> String {
    standard_characters(text).trim().to_owned()
}

/// An address for display: standard characters, the building and the
/// municipality each kept once, surrounding spaces trimmed.
///
/// ```
/// use renkei_core::source_text::clean_address;
/// assert_eq!(
///     clean_address("神奈川県架空市本町1-1架空ビル　2階 架空ビル　2階"),
///     "神奈川県架空市本町1-1架空ビル　2階"
/// );
/// assert_eq!(clean_address("神奈川県藤沢市藤沢市高倉２３４５"), "神奈川県藤沢市高倉２３４５");
/// ```
pub fn clean_address(text: &str) -> String {
    let text = standard_characters(text);
    let text = without_repeated_building(text.trim());
    without_repeated_municipality(text).into_owned()
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{3000}'
}

/// `address` without a building repeated after a space: the longest tail
/// after a space that the text before the space already ends with. The
/// building itself may contain spaces (「清和寮　１階 清和寮　１階」). A tail of
/// digits and hyphens alone (「本町1-1 1」) is an address, not a building.
fn without_repeated_building(address: &str) -> &str {
    for (at, c) in address.char_indices() {
        if !is_space(c) {
            continue;
        }
        let head = address[..at].trim_end_matches(is_space);
        let tail = address[at + c.len_utf8()..].trim_matches(is_space);
        let building_like = tail.chars().count() >= 2
            && tail
                .chars()
                .any(|c| !c.is_ascii_digit() && !matches!(c, '-' | '－' | '０'..='９'));
        if building_like && head.len() > tail.len() && head.ends_with(tail) {
            return head;
        }
    }
    address
}

/// Suffixes of a municipality name (市, 区 of a designated city, 町, 村, 郡).
fn is_municipality_suffix(c: char) -> bool {
    matches!(c, '市' | '区' | '町' | '村' | '郡')
}

/// Characters that, right after a municipality's name, make it the start of
/// an institution's name rather than a repeated municipality: 品川区立…,
/// 藤沢市民病院, 市役所, 町営, 市社会福祉協議会, 市保健所, 市医師会, 市消防,
/// 市教育委員会, 市総合…, 市福祉…, 市障害…, 市子ども…, 市健康…, 市休日…, 市地域….
const INSTITUTION_STARTS: &str = "立民役営社保医消教総福障子健休地";

/// `address` without a municipality written twice in a row near its start
/// (「藤沢市藤沢市」, 「相模原市中央区中央区」): two to five characters ending
/// in 市/区/町/村/郡, immediately repeated. Only the first 16 characters are
/// looked at, where municipality names are; 「中央区中央」 (a town named like
/// its ward) does not repeat the suffix and stays, and so does a repeat that
/// starts an institution's name (「品川区品川区立…」, see [`INSTITUTION_STARTS`]).
fn without_repeated_municipality(address: &str) -> Cow<'_, str> {
    let chars: Vec<char> = address.chars().collect();
    let window = chars.len().min(16);
    for start in 0..window {
        for length in 2..=5 {
            let end = start + length;
            if end + length > chars.len() || end > window {
                break;
            }
            let unit = &chars[start..end];
            if is_municipality_suffix(unit[length - 1])
                && !unit[..length - 1]
                    .iter()
                    .any(|c| is_municipality_suffix(*c))
                && chars[end..end + length] == *unit
                && !chars
                    .get(end + length)
                    .is_some_and(|c| INSTITUTION_STARTS.contains(*c))
            {
                let mut out: String = chars[..end].iter().collect();
                out.extend(&chars[end + length..]);
                return Cow::Owned(out);
            }
        }
    }
    Cow::Borrowed(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_maps_private_use_characters_to_standard_ones_with_evidence() {
        let table = private_use_table();
        assert!(!table.is_empty());
        for entry in table {
            let code = u32::from_str_radix(&entry.code, 16).expect("hex code");
            assert!(
                is_private_use(char::from_u32(code).expect("a character")),
                "{}",
                entry.code
            );
            assert!(!is_private_use(entry.standard), "{}", entry.code);
            assert_eq!(
                entry.resolved,
                entry.standard != UNRESOLVED,
                "{}",
                entry.code
            );
            assert!(
                entry.evidence.len() > 40,
                "{}: cite the evidence",
                entry.code
            );
        }
        let mut codes: Vec<&str> = table.iter().map(|e| e.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), table.len(), "one entry per code");
    }

    #[test]
    fn issue_19_private_use_characters_become_standard_or_geta() {
        assert_eq!(
            standard_characters("医療法人 \u{E098}友会 白\u{E098}医院"),
            "医療法人 鴎友会 白鴎医院"
        );
        assert_eq!(standard_characters("第２\u{E38B}田ビル"), "第２吉田ビル");
        // Not established, or not in the table: 〓, never a blank box.
        assert_eq!(standard_characters("\u{E211}川"), "〓川");
        assert_eq!(standard_characters("\u{F8FF}"), "〓");
        assert!(matches!(standard_characters("辻堂"), Cow::Borrowed(_)));
        assert_eq!(
            private_use_entry('\u{E192}').map(|e| e.standard),
            Some('辻')
        );
    }

    /// Each `(written, clean)` pair cleans to `clean`; each of `kept` stays.
    fn assert_addresses(cases: &[(&str, &str)], kept: &[&str]) {
        for (written, clean) in cases {
            assert_eq!(clean_address(written), *clean, "{written}");
        }
        for address in kept {
            assert_eq!(clean_address(address), *address);
        }
    }

    #[test]
    fn issue_19_a_building_repeated_after_a_space_is_kept_once() {
        assert_addresses(
            &[
                (
                    "神奈川県架空市中海岸1-2-45架空マンションA206 架空マンションA206",
                    "神奈川県架空市中海岸1-2-45架空マンションA206",
                ),
                (
                    "神奈川県架空市本町1-1　架空ビル2階　架空ビル2階",
                    "神奈川県架空市本町1-1　架空ビル2階",
                ),
                (
                    "神奈川県架空市東1-2架空寮　１階 架空寮　１階",
                    "神奈川県架空市東1-2架空寮　１階",
                ),
                (
                    "神奈川県架空市西3067SS　CERES　HAITSU　101号室 SS　CERES　HAITSU　101号室",
                    "神奈川県架空市西3067SS　CERES　HAITSU　101号室",
                ),
            ],
            // A different building, a unit number after a space, or none: as written.
            &[
                "神奈川県架空市本町1-1 架空ビル2階",
                "神奈川県架空市本町1-1架空ビル 別館",
                "神奈川県架空市本町1-1 1",
                "神奈川県架空市本町1-1",
            ],
        );
    }

    #[test]
    fn issue_19_a_municipality_written_twice_is_kept_once() {
        assert_addresses(
            &[
                ("神奈川県藤沢市藤沢市", "神奈川県藤沢市"),
                (
                    "神奈川県小田原市小田原市北ノ窪375-1",
                    "神奈川県小田原市北ノ窪375-1",
                ),
                (
                    "神奈川県相模原市中央区中央区田名４２２４番地１",
                    "神奈川県相模原市中央区田名４２２４番地１",
                ),
            ],
            &[
                "神奈川県相模原市中央区中央２丁目",
                "佐賀県杵島郡大町町大字福母",
                "千葉県市川市市川１丁目",
                "三重県四日市市諏訪町",
                "東京都品川区品川区立障害児者総合支援施設",
                "神奈川県架空市架空市民病院内",
            ],
        );
    }
}
