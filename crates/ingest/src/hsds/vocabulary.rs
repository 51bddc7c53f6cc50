//! renkei's HSDS taxonomies: facility kinds, welfare service types, the 14
//! 医療的ケア items, hospital accreditations (from `data/taxonomy.toml`) and
//! the record fields HSDS has no column for. Every term comes twice, in
//! Japanese and in English (`language` `ja` / `en`); attributes name the
//! Japanese one. Ids are UUID v5 of the names, so they never change between
//! runs, databases or exports.

use super::model::{Taxonomy, TaxonomyTerm};
use renkei_core::facility::derived_id;
use renkei_core::taxonomy::Term;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One of renkei's taxonomies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vocabulary {
    /// Facility kinds (施設種別).
    Kind,
    /// Welfare service types (障害福祉サービスの種類).
    ServiceType,
    /// The 14 items of the 医療的ケア判定スコア.
    Capability,
    /// Hospital accreditations (施設基準の届出).
    Accreditation,
    /// Record fields HSDS has no column for ([`RECORD_FIELDS`]).
    Record,
}

/// Every vocabulary, in the order `/taxonomies` lists them.
pub const VOCABULARIES: [Vocabulary; 5] = [
    Vocabulary::Kind,
    Vocabulary::ServiceType,
    Vocabulary::Capability,
    Vocabulary::Accreditation,
    Vocabulary::Record,
];

/// The record fields kept as attributes: (code, Japanese, English).
pub const RECORD_FIELDS: [(&str, &str, &str); 12] = [
    (
        "service_key",
        "サービスキー",
        "Service key inside its facility",
    ),
    (
        "accepting_new_clients",
        "新規受入",
        "Accepting new clients (yes / no / unknown)",
    ),
    ("source", "出典", "Source key"),
    ("licence", "ライセンス", "Licence"),
    (
        "attribution",
        "クレジット",
        "Credit line the licence asks for",
    ),
    ("demo", "デモデータ", "Demo record (true / false)"),
    (
        "closed_on",
        "掲載終了日",
        "Date the facility was found closed",
    ),
    (
        "stated_municipality",
        "出典の市区町村コード",
        "Municipality code the source states",
    ),
    (
        "geocoded",
        "位置の推定",
        "Position estimated from the address (town / municipality)",
    ),
    (
        "region",
        "二次医療圏コード",
        "Secondary medical region (二次医療圏) code",
    ),
    (
        "stated_url",
        "ウェブサイト（出典の表記）",
        "Web site as the source writes it, when it is not a valid URI",
    ),
    (
        "stated_website",
        "運営法人のウェブサイト（出典の表記）",
        "Organisation web site as the source writes it, when it is not a valid URI",
    ),
];

impl Vocabulary {
    /// The taxonomy's name, e.g. `renkei_care_capability`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Kind => "renkei_facility_kind",
            Self::ServiceType => "renkei_service_type",
            Self::Capability => "renkei_care_capability",
            Self::Accreditation => "renkei_accreditation",
            Self::Record => "renkei_record",
        }
    }

    /// What the attribute's `link_type` says.
    pub fn link_type(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::ServiceType => "service_type",
            Self::Capability => "care_capability",
            Self::Accreditation => "accreditation",
            Self::Record => "record",
        }
    }

    fn description(self) -> &'static str {
        match self {
            Self::Kind => "施設種別 / Facility kinds",
            Self::ServiceType => "障害福祉サービスの種類 / Disability-welfare service types",
            Self::Capability => "医療的ケア判定スコアの14項目。値は yes（対応可）/ no（対応不可）/ unknown（要確認） / The 14 items of the medical-care assessment score; values yes / no / unknown",
            Self::Accreditation => "施設基準の届出 (NICU, PICU, 小児入院医療管理料 …) / Hospital accreditations",
            Self::Record => "HSDS に項目のない renkei の記録項目（出典、ライセンスなど） / renkei record fields HSDS has no column for (source, licence …)",
        }
    }

    /// The taxonomy object.
    pub fn taxonomy(self) -> Taxonomy {
        Taxonomy {
            id: self.id().to_string(),
            name: self.name().to_owned(),
            description: self.description().to_owned(),
            uri: Some(format!("urn:renkei:taxonomy:{}", self.name())),
            version: Some("1".to_owned()),
        }
    }

    /// The taxonomy's id.
    pub fn id(self) -> uuid::Uuid {
        derived_id("hsds_taxonomy", "renkei", self.name())
    }

    /// Id of the Japanese term of `code` (the one attributes name).
    pub fn term_id(self, code: &str) -> uuid::Uuid {
        derived_id("hsds_taxonomy_term", self.name(), code)
    }

    /// Id of the English term of `code`.
    pub fn english_term_id(self, code: &str) -> uuid::Uuid {
        derived_id("hsds_taxonomy_term_en", self.name(), code)
    }

    /// (code, Japanese, English, plain Japanese, plain English) of every term.
    fn entries(self) -> Vec<(String, String, String, String, String)> {
        let of = |terms: &[Term]| {
            terms
                .iter()
                .map(|t| {
                    (
                        t.code.clone(),
                        t.ja.clone(),
                        t.en.clone(),
                        t.plain_ja.clone(),
                        t.plain_en.clone(),
                    )
                })
                .collect()
        };
        let taxonomy = renkei_core::Taxonomy::builtin();
        match self {
            Self::Kind => of(&taxonomy.kinds),
            Self::ServiceType => of(&taxonomy.service_types),
            Self::Capability => of(&taxonomy.capabilities),
            Self::Accreditation => of(&taxonomy.accreditations),
            Self::Record => RECORD_FIELDS
                .iter()
                .map(|(code, ja, en)| {
                    (
                        (*code).to_owned(),
                        (*ja).to_owned(),
                        (*en).to_owned(),
                        String::new(),
                        String::new(),
                    )
                })
                .collect(),
        }
    }

    /// Both terms (Japanese, then English) of every entry, in authored order.
    pub fn terms(self) -> Vec<TaxonomyTerm> {
        self.entries()
            .into_iter()
            .flat_map(|(code, ja, en, plain_ja, plain_en)| {
                let term = |id: uuid::Uuid, name: String, description: String, language: &str| {
                    TaxonomyTerm {
                        id: id.to_string(),
                        code: Some(code.clone()),
                        name,
                        description,
                        taxonomy: Some(self.name().to_owned()),
                        language: Some(language.to_owned()),
                        taxonomy_id: Some(self.id().to_string()),
                    }
                };
                let ja_description = if plain_ja.is_empty() {
                    en.clone()
                } else {
                    plain_ja
                };
                let en_description = if plain_en.is_empty() {
                    ja.clone()
                } else {
                    plain_en
                };
                [
                    term(self.term_id(&code), ja, ja_description, "ja"),
                    term(self.english_term_id(&code), en, en_description, "en"),
                ]
            })
            .collect()
    }

    /// The Japanese term of `code`, as attributes carry it.
    pub fn term(self, code: &str) -> Option<TaxonomyTerm> {
        let id = self.term_id(code).to_string();
        self.terms().into_iter().find(|t| t.id == id)
    }
}

/// Every term of every vocabulary, in `/taxonomy_terms` order.
pub fn all_terms() -> &'static [TaxonomyTerm] {
    static TERMS: OnceLock<Vec<TaxonomyTerm>> = OnceLock::new();
    TERMS.get_or_init(|| VOCABULARIES.iter().flat_map(|v| v.terms()).collect())
}

/// The vocabulary and code of a term id (Japanese or English term).
pub fn lookup(term_id: &str) -> Option<(Vocabulary, &'static str)> {
    static BY_ID: OnceLock<HashMap<String, (Vocabulary, String)>> = OnceLock::new();
    BY_ID
        .get_or_init(|| {
            VOCABULARIES
                .iter()
                .flat_map(|&v| {
                    v.terms()
                        .into_iter()
                        .filter_map(move |t| Some((t.id, (v, t.code?))))
                })
                .collect()
        })
        .get(term_id)
        .map(|(v, code)| (*v, code.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_has_both_languages_and_a_unique_id() {
        let terms = all_terms();
        let ids: std::collections::HashSet<_> = terms.iter().map(|t| &t.id).collect();
        assert_eq!(ids.len(), terms.len());
        let capabilities = Vocabulary::Capability.terms();
        assert_eq!(capabilities.len(), 28);
        assert_eq!(capabilities[0].name, "人工呼吸器");
        assert_eq!(capabilities[1].name, "Ventilator");
        assert_eq!(
            lookup(&capabilities[1].id),
            Some((Vocabulary::Capability, "ventilator"))
        );
    }
}
