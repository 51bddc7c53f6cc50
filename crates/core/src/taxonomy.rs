//! The taxonomy: facility kinds, welfare service types and care capabilities,
//! authored in `data/taxonomy.toml` and compiled in.
//!
//! It is also the one home of how each kind is drawn: its order, labels,
//! colour and marker shape ([`KindCode::marker`], [`KindCode::rank`]), which
//! the printed maps read from here and the web client from the same file.

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
    /// A facility kind without a valid `colour` (`#rrggbb`) or with a `shape`
    /// that is not one of the `marker_shapes`.
    #[error(
        "kind {code:?} needs colour = \"#rrggbb\" and a shape from [[marker_shapes]] ({problem})"
    )]
    Presentation {
        /// The kind.
        code: String,
        /// What is wrong.
        problem: String,
    },
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
    /// Marker colour as `#rrggbb` sRGB (kinds only; see [`KindCode::marker`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
    /// Code of the kind's marker shape in [`Taxonomy::marker_shapes`] (kinds only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<String>,
}

/// A marker outline: a polygon the maps fill with a kind's colour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkerShape {
    /// Name, e.g. `star`.
    pub code: String,
    /// Corners in units of the marker's radius, x to the right and y
    /// downwards, around the point the marker stands for.
    pub points: Vec<[f32; 2]>,
}

/// An sRGB colour, 8 bits per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Colour {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
}

impl Colour {
    /// Parses `#rrggbb` (either case).
    ///
    /// ```
    /// use renkei_core::taxonomy::Colour;
    /// assert_eq!(Colour::from_hex("#006cd1"), Some(Colour { r: 0x00, g: 0x6c, b: 0xd1 }));
    /// assert_eq!(Colour::from_hex("006cd1"), None);
    /// ```
    pub fn from_hex(text: &str) -> Option<Self> {
        let hex = text.strip_prefix('#').filter(|h| h.len() == 6)?;
        let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        Some(Self {
            r: channel(0)?,
            g: channel(2)?,
            b: channel(4)?,
        })
    }

    /// `#rrggbb`, lower case.
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

/// How the maps draw one facility kind: its colour and its marker shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marker<'a> {
    /// Fill colour.
    pub colour: Colour,
    /// Outline.
    pub shape: &'a MarkerShape,
}

/// All kinds, service types and capabilities, in authored order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Marker outlines the kinds' `shape`s name.
    #[serde(default)]
    pub marker_shapes: Vec<MarkerShape>,
    /// Departments (診療科) a hospital or clinic can be told by, from its name.
    #[serde(default)]
    pub departments: Vec<Department>,
    /// Which facilities can plausibly provide each 医療的ケア item while it is
    /// 要確認 (see [`crate::relevance`]).
    #[serde(default)]
    pub care_evidence: Vec<CareEvidence>,
}

/// A department (診療科) and the words of a facility name that state it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    /// Stable code, e.g. `pediatrics`.
    pub code: String,
    /// Japanese label, e.g. 小児科.
    pub ja: String,
    /// English label.
    pub en: String,
    /// A name containing one of these (compared folded, see
    /// [`crate::normalize::fold_search`]) states the department.
    pub name_contains: Vec<String>,
}

/// The evidence rules of a group of 医療的ケア items: which kinds, departments,
/// accreditations and welfare service types make a 要確認 facility plausible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareEvidence {
    /// Capability codes these rules are for.
    pub needs: Vec<String>,
    /// Kinds plausible by kind alone.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Departments that make a hospital or clinic plausible.
    #[serde(default)]
    pub departments: Vec<String>,
    /// Accreditations (施設基準) that are an official proxy.
    #[serde(default)]
    pub accreditations: Vec<String>,
    /// Welfare service types (WAM NET) that are an official proxy.
    #[serde(default)]
    pub service_types: Vec<String>,
    /// Departments that, alone, make a hospital or clinic unlikely.
    #[serde(default)]
    pub unlikely_departments: Vec<String>,
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
impl KindCode {
    /// Colour and shape of this kind's markers on every map and legend.
    pub fn marker(&self) -> Marker<'static> {
        Taxonomy::builtin()
            .marker(self.term())
            .expect("the built-in taxonomy gives every kind a valid marker")
    }

    /// Position of this kind in the taxonomy: the order of legends and lists.
    pub fn rank(&self) -> usize {
        Taxonomy::builtin()
            .kinds
            .iter()
            .position(|term| term.code == self.0)
            .expect("codes are only built from the built-in taxonomy")
    }
}

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
        for kind in &taxonomy.kinds {
            taxonomy.marker(kind)?;
        }
        taxonomy.check_care_evidence()?;
        Ok(taxonomy)
    }

    /// Every code of the care-evidence rules is defined, and no capability has two rule groups.
    fn check_care_evidence(&self) -> Result<(), TaxonomyError> {
        let departments: Vec<Term> = self
            .departments
            .iter()
            .map(|d| Term {
                code: d.code.clone(),
                ja: d.ja.clone(),
                en: d.en.clone(),
                plain_ja: String::new(),
                plain_en: String::new(),
                score_item: None,
                colour: None,
                shape: None,
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        for rules in &self.care_evidence {
            for need in &rules.needs {
                Self::lookup("capability", &self.capabilities, need)?;
                if !seen.insert(need.as_str()) {
                    return Err(TaxonomyError::Duplicate(need.clone()));
                }
            }
            let lists: [(&'static str, &[Term], &[String]); 5] = [
                ("kind", &self.kinds, &rules.kinds),
                ("department", &departments, &rules.departments),
                ("department", &departments, &rules.unlikely_departments),
                ("accreditation", &self.accreditations, &rules.accreditations),
                ("service_type", &self.service_types, &rules.service_types),
            ];
            for (name, terms, codes) in lists {
                for code in codes {
                    Self::lookup(name, terms, code)?;
                }
            }
        }
        Ok(())
    }

    /// The marker of `kind`, a term of [`Taxonomy::kinds`].
    fn marker<'a>(&'a self, kind: &Term) -> Result<Marker<'a>, TaxonomyError> {
        let problem = |problem: &str| TaxonomyError::Presentation {
            code: kind.code.clone(),
            problem: problem.to_owned(),
        };
        let colour = kind
            .colour
            .as_deref()
            .and_then(Colour::from_hex)
            .ok_or_else(|| problem("colour is missing or not #rrggbb"))?;
        let shape_code = kind
            .shape
            .as_deref()
            .ok_or_else(|| problem("shape is missing"))?;
        let shape = self
            .marker_shapes
            .iter()
            .find(|shape| shape.code == shape_code)
            .filter(|shape| shape.points.len() >= 3)
            .ok_or_else(|| problem("no marker shape of that name with 3 or more points"))?;
        Ok(Marker { colour, shape })
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

    #[test]
    fn every_kind_has_its_own_colour_and_shape() {
        let taxonomy = Taxonomy::builtin();
        let mut colours = std::collections::HashSet::new();
        let mut shapes = std::collections::HashSet::new();
        for term in &taxonomy.kinds {
            let kind = KindCode::new(&term.code).unwrap();
            let marker = kind.marker();
            assert_eq!(Some(marker.colour.to_hex()), term.colour, "{}", term.code);
            assert!(
                colours.insert(marker.colour),
                "{} repeats a colour",
                term.code
            );
            assert!(
                shapes.insert(&marker.shape.code),
                "{} repeats a shape",
                term.code
            );
            assert_eq!(taxonomy.kinds[kind.rank()].code, term.code);
        }
    }

    #[test]
    fn kinds_without_a_valid_marker_are_rejected() {
        let shapes = "[[marker_shapes]]\ncode='dot'\npoints=[[0.0,-1.0],[1.0,1.0],[-1.0,1.0]]";
        let kind = |fields: &str| {
            format!("service_types=[]\ncapabilities=[]\n[[kinds]]\ncode='a'\nja='a'\nen='a'\n{fields}\n{shapes}")
        };
        assert!(Taxonomy::parse(&kind("colour='#0072b2'\nshape='dot'")).is_ok());
        for fields in [
            "shape='dot'",
            "colour='blue'\nshape='dot'",
            "colour='#0072b2'",
            "colour='#0072b2'\nshape='star'",
        ] {
            let err = Taxonomy::parse(&kind(fields)).unwrap_err();
            assert!(
                matches!(err, TaxonomyError::Presentation { .. }),
                "{fields}: {err}"
            );
        }
    }
}
