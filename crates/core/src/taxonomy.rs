//! The taxonomy: facility kinds, welfare service types and care capabilities,
//! authored in `data/taxonomy.toml` and compiled in.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Why a taxonomy file or a code in it is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxonomyError {
    /// The taxonomy file does not parse.
    #[error("taxonomy file is not valid TOML: {0}")]
    Parse(String),
    /// A code appears twice in one list.
    #[error("taxonomy code {0:?} appears twice")]
    Duplicate(String),
    /// A code that the taxonomy does not define.
    #[error("unknown {list} code {code:?}; known codes: {known}")]
    Unknown {
        /// Which list was searched (`kind`, `capability`, `service_type`).
        list: &'static str,
        /// The rejected code.
        code: String,
        /// The valid codes, comma-separated, for the error message.
        known: String,
    },
}

/// One entry of a taxonomy list with its labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// Stable code (snake_case ASCII), used in the API, the database and URLs.
    pub code: String,
    /// Japanese label.
    pub ja: String,
    /// English label.
    pub en: String,
    /// Plain-language Japanese explanation, for families.
    #[serde(default)]
    pub plain_ja: String,
    /// Plain-language English explanation.
    #[serde(default)]
    pub plain_en: String,
    /// Item number on the 医療的ケア判定スコア sheet (capabilities only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_item: Option<u8>,
}

/// All kinds, service types and capabilities, in authored order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    /// Facility kinds (病院, 訪問看護ステーション, …).
    pub kinds: Vec<Term>,
    /// Welfare service types (児童発達支援, 短期入所, …).
    pub service_types: Vec<Term>,
    /// Care capabilities: the 14 医療的ケア判定スコア items.
    pub capabilities: Vec<Term>,
    /// Hospital accreditations (施設基準の届出: NICU, GCU, PICU, 小児入院医療管理料 …).
    #[serde(default)]
    pub accreditations: Vec<Term>,
}

const BUILTIN: &str = include_str!("../../../data/taxonomy.toml");

macro_rules! taxonomy_code {
    ($(#[$doc:meta])* $name:ident, $list:ident, $label:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks `code` against the built-in taxonomy.
            pub fn new(code: &str) -> Result<Self, TaxonomyError> {
                Taxonomy::lookup($label, &Taxonomy::builtin().$list, code).map(|t| Self(t.code.clone()))
            }

            /// The code as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The taxonomy entry with labels.
            pub fn term(&self) -> &'static Term {
                Taxonomy::builtin()
                    .$list
                    .iter()
                    .find(|t| t.code == self.0)
                    .expect("codes are only built from the built-in taxonomy")
            }
        }

        impl TryFrom<String> for $name {
            type Error = TaxonomyError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(&value)
            }
        }

        impl From<$name> for String {
            fn from(code: $name) -> Self {
                code.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

taxonomy_code!(
    /// A facility kind code from the taxonomy (e.g. `visiting_nurse`).
    KindCode, kinds, "kind"
);
taxonomy_code!(
    /// A care-capability code from the taxonomy (e.g. `ventilator`).
    CapabilityCode, capabilities, "capability"
);
taxonomy_code!(
    /// A welfare service-type code from the taxonomy (e.g. `short_stay`).
    ServiceTypeCode, service_types, "service_type"
);
taxonomy_code!(
    /// A hospital-accreditation code from the taxonomy (e.g. `nicu_1`).
    AccreditationCode, accreditations, "accreditation"
);

impl Taxonomy {
    /// Parses and checks a taxonomy file.
    pub fn parse(text: &str) -> Result<Self, TaxonomyError> {
        let taxonomy: Self =
            toml::from_str(text).map_err(|e| TaxonomyError::Parse(e.to_string()))?;
        for list in [
            &taxonomy.kinds,
            &taxonomy.service_types,
            &taxonomy.capabilities,
        ] {
            let mut seen = std::collections::HashSet::new();
            for term in list {
                if !seen.insert(term.code.as_str()) {
                    return Err(TaxonomyError::Duplicate(term.code.clone()));
                }
            }
        }
        Ok(taxonomy)
    }

    /// The taxonomy compiled in from `data/taxonomy.toml`.
    pub fn builtin() -> &'static Taxonomy {
        static BUILT: OnceLock<Taxonomy> = OnceLock::new();
        BUILT.get_or_init(|| {
            Taxonomy::parse(BUILTIN).expect("data/taxonomy.toml is checked by tests")
        })
    }

    /// All capability codes in score-sheet order.
    pub fn capability_codes(&self) -> impl Iterator<Item = CapabilityCode> + '_ {
        self.capabilities
            .iter()
            .map(|t| CapabilityCode(t.code.clone()))
    }

    /// The welfare service type a publisher's Japanese name denotes, e.g.
    /// `短期入所` or `障害児相談支援` (one part of `計画相談支援・障害児相談支援`).
    pub fn service_type_by_label(&self, label: &str) -> Option<ServiceTypeCode> {
        let label = label.trim();
        self.service_types
            .iter()
            .find(|t| t.ja == label || t.ja.split('・').any(|part| part == label))
            .map(|t| ServiceTypeCode(t.code.clone()))
    }

    /// The accreditation a 受理届出名称 denotes. Publishers write digits
    /// full-width (小児入院医療管理料１); the name is compared after NFKC.
    pub fn accreditation_by_label(&self, label: &str) -> Option<AccreditationCode> {
        let label = crate::normalize::fold(label);
        self.accreditations
            .iter()
            .find(|t| crate::normalize::fold(&t.ja) == label)
            .map(|t| AccreditationCode(t.code.clone()))
    }

    fn lookup<'a>(
        list_name: &'static str,
        list: &'a [Term],
        code: &str,
    ) -> Result<&'a Term, TaxonomyError> {
        list.iter()
            .find(|t| t.code == code)
            .ok_or_else(|| TaxonomyError::Unknown {
                list: list_name,
                code: code.to_owned(),
                known: list
                    .iter()
                    .map(|t| t.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_the_fourteen_score_items_in_order() {
        let taxonomy = Taxonomy::builtin();
        assert_eq!(taxonomy.capabilities.len(), 14);
        for (i, term) in taxonomy.capabilities.iter().enumerate() {
            assert_eq!(
                term.score_item,
                Some(u8::try_from(i + 1).unwrap()),
                "{}",
                term.code
            );
            assert!(!term.ja.is_empty() && !term.en.is_empty() && !term.plain_ja.is_empty());
        }
        assert_eq!(
            CapabilityCode::new("ventilator").unwrap().term().ja,
            "人工呼吸器"
        );
    }

    #[test]
    fn service_types_resolve_from_publisher_labels() {
        let taxonomy = Taxonomy::builtin();
        assert_eq!(
            taxonomy.service_type_by_label("短期入所").unwrap().as_str(),
            "short_stay"
        );
        assert_eq!(
            taxonomy
                .service_type_by_label("障害児相談支援")
                .unwrap()
                .as_str(),
            "consultation_support"
        );
        assert!(taxonomy.service_type_by_label("訪問介護").is_none());
    }

    #[test]
    fn unknown_codes_name_the_valid_ones() {
        let err = KindCode::new("hospitl").unwrap_err();
        assert!(err.to_string().contains("visiting_nurse"), "{err}");
    }

    #[test]
    fn duplicate_codes_are_rejected() {
        let text = "kinds = [{code='a',ja='a',en='a'},{code='a',ja='b',en='b'}]\nservice_types=[]\ncapabilities=[]";
        assert_eq!(
            Taxonomy::parse(text),
            Err(TaxonomyError::Duplicate("a".into()))
        );
    }
}
