//! Text matching for search: names, readings (kana) and addresses folded the
//! way people type ([`fold_search`], [`fold_address`]).

use crate::directory_index::Records;
use crate::normalize::{fold_address, fold_search};

/// Folded text of every facility, in one buffer: per facility its name key,
/// its other names (reading, organisation) and its address key.
#[derive(Debug, Clone, Default)]
pub(super) struct TextKeys {
    text: String,
    /// End offsets in `text`, three per facility (name, other names, address).
    ends: Vec<u32>,
}

impl TextKeys {
    pub(super) fn build(records: &Records) -> Self {
        let mut keys = Self {
            text: String::new(),
            ends: Vec::with_capacity(records.len() * 3),
        };
        for i in 0..records.len() {
            let text = records.text(i);
            keys.push(&fold_search(text.name));
            let kana = text.name_kana.unwrap_or_default();
            keys.push(&format!(
                "{}\u{1F}{}",
                fold_search(kana),
                fold_search(text.organization_name)
            ));
            keys.push(&fold_address(text.address));
        }
        keys
    }

    fn push(&mut self, key: &str) {
        self.text.push_str(key);
        self.ends
            .push(u32::try_from(self.text.len()).expect("text keys under 4 GB"));
    }

    /// (name, other names, address) keys of facility `i`.
    fn get(&self, i: usize) -> [&str; 3] {
        let start = |j: usize| if j == 0 { 0 } else { self.ends[j - 1] as usize };
        let part = |j: usize| &self.text[start(j)..self.ends[j] as usize];
        [part(3 * i), part(3 * i + 1), part(3 * i + 2)]
    }
}

/// Free text to search for: every whitespace-separated word must appear in
/// the name, the reading or organisation, or the address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuery {
    /// Each word as a name key and as an address key.
    words: Vec<(String, String)>,
    /// All words joined, as a name key, for "the name starts with it".
    joined: String,
}

/// How well a facility matches a [`TextQuery`]; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TextRank {
    /// The name starts with the text.
    NamePrefix,
    /// Every word is in the name.
    Name,
    /// Every word is in the name, reading or organisation.
    OtherNames,
    /// Some word is only in the address.
    Address,
}

impl TextQuery {
    /// The query for `text`; `None` when nothing is left after folding (only
    /// spaces or punctuation marks).
    ///
    /// ```
    /// use renkei_core::search::TextQuery;
    /// assert!(TextQuery::parse("　 ").is_none());
    /// assert!(TextQuery::parse("茅ヶ崎 訪問看護").is_some());
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        let words: Vec<(String, String)> = text
            .split(|c: char| c.is_whitespace() || c == ',' || c == '、')
            .map(|word| (fold_search(word), fold_address(word)))
            .filter(|(name, address)| !name.is_empty() && !address.is_empty())
            .collect();
        if words.is_empty() {
            return None;
        }
        let joined = words.iter().map(|(name, _)| name.as_str()).collect();
        Some(Self { words, joined })
    }

    /// How facility `i` of `keys` matches, `None` when some word is missing.
    pub(super) fn rank(&self, keys: &TextKeys, i: usize) -> Option<TextRank> {
        let [name, other, address] = keys.get(i);
        if name.starts_with(&self.joined) {
            return Some(TextRank::NamePrefix);
        }
        let mut rank = TextRank::Name;
        for (word, address_word) in &self.words {
            if name.contains(word.as_str()) {
                continue;
            }
            if other.contains(word.as_str()) {
                rank = rank.max(TextRank::OtherNames);
            } else if address.contains(address_word.as_str()) {
                rank = TextRank::Address;
            } else {
                return None;
            }
        }
        Some(rank)
    }
}
