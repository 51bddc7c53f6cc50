//! Relevance while unknown: how likely a 要確認 facility is to provide the
//! care searched for, from the evidence the official data does hold, and why.
//!
//! Official open data almost never states a 医療的ケア capability, so nearly
//! every real hit is 要確認. Listing them nearest first put eye clinics before
//! the visiting-nurse stations a ventilated child needs. The search therefore
//! ranks the 要確認 tier by [`Evidence`], then distance, using the rules
//! authored in `data/taxonomy.toml` (`[[care_evidence]]`, `[[departments]]`):
//! official proxies (施設基準の届出, WAM NET service types), kinds that
//! plausibly provide the care, departments read from the name, and departments
//! that make it unlikely. Every 要確認 hit carries its [`Reason`]s, dated and
//! sourced, as 参考情報 — evidence is never a capability and never makes a
//! facility 対応可.

use crate::taxonomy::{CareEvidence, Department};
use crate::{CapabilityCode, Facility, KindCode, Taxonomy};
use chrono::NaiveDate;
use std::sync::OnceLock;

/// How strongly the official data suggests a 要確認 facility can provide a
/// need, weakest first (so `max` is the strongest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Evidence {
    /// The name states only departments that do not provide this care (an eye
    /// clinic for a ventilator).
    Unlikely,
    /// Nothing speaks for or against it (a general clinic, a desk).
    Other,
    /// Its kind provides this care in general (a visiting-nurse station), or
    /// its name states a plausible department (小児科).
    PlausibleKind,
    /// It holds an official designation that goes with this care: an
    /// accreditation (NICU, 小児入院医療管理料 …) or a welfare service type
    /// (医療型児童発達支援 …).
    OfficialProxy,
}

impl Evidence {
    /// Every level, strongest first: the order of the 要確認 list.
    pub const STRONGEST_FIRST: [Self; 4] = [
        Self::OfficialProxy,
        Self::PlausibleKind,
        Self::Other,
        Self::Unlikely,
    ];

    /// Stable code for APIs: `official_proxy`, `plausible_kind`, `other`, `unlikely`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OfficialProxy => "official_proxy",
            Self::PlausibleKind => "plausible_kind",
            Self::Other => "other",
            Self::Unlikely => "unlikely",
        }
    }

    /// What the level means, in Japanese, for a card's label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::OfficialProxy => "公的な届出・指定あり（参考情報・対応は要確認）",
            Self::PlausibleKind => "対応していることが多い種別・診療科（参考情報・対応は要確認）",
            Self::Other => "対応の手がかりなし（要確認）",
            Self::Unlikely => "通常は対応しない診療科（参考情報）",
        }
    }

    /// The same in English.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::OfficialProxy => "Holds an official designation that goes with this care (for reference; to be confirmed)",
            Self::PlausibleKind => "A kind or department that often provides this care (for reference; to be confirmed)",
            Self::Other => "No evidence either way (to be confirmed)",
            Self::Unlikely => "A department that does not usually provide this care (for reference)",
        }
    }

    /// Position from the weakest (0) to the strongest.
    pub(crate) fn rank(self) -> usize {
        self as usize
    }
}

/// What a reason rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonBasis {
    /// The facility's kind (訪問看護ステーション …).
    Kind,
    /// A department its name states (名称に「小児科」).
    Department,
    /// A department its name states that does not usually provide the care.
    UnlikelyDepartment,
    /// An accreditation (施設基準の届出) it holds.
    Accreditation,
    /// A welfare service type (WAM NET) one of its services is.
    ServiceType,
}

impl ReasonBasis {
    /// Stable code for APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::Department => "department",
            Self::UnlikelyDepartment => "unlikely_department",
            Self::Accreditation => "accreditation",
            Self::ServiceType => "service_type",
        }
    }
}

/// One reason a 要確認 facility is listed where it is: dated 参考情報 with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// What it rests on.
    pub basis: ReasonBasis,
    /// Code of the kind, department, accreditation or service type.
    pub code: String,
    /// The sentence a card shows, Japanese (「施設基準の届出: 小児入院医療管理料１」).
    pub text_ja: String,
    /// The same in English.
    pub text_en: String,
    /// Where the fact comes from: the record's source attribution, or the
    /// publisher of the accreditation list.
    pub source: String,
    /// The date of the fact: the accreditation's 算定開始年月日 when stated,
    /// else the day the record was imported (Asia/Tokyo).
    pub as_of: Option<NaiveDate>,
}

/// A 要確認 hit's evidence for the needs searched, with its reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relevance {
    /// The weakest level over the needs searched.
    pub evidence: Evidence,
    /// Why: the kind first, then proxies and departments, each once.
    pub reasons: Vec<Reason>,
}

/// Who publishes the accreditation lists (施設基準の届出受理医療機関名簿).
const ACCREDITATION_SOURCE: &str = "地方厚生局 施設基準の届出受理医療機関名簿";

/// Bit layout of [`features`]: accreditations, service types and departments
/// by their position in the taxonomy.
const SERVICE_TYPE_SHIFT: u32 = 20;
const DEPARTMENT_SHIFT: u32 = 40;

/// The evidence features of `facility` as bits: its accreditations, its
/// services' welfare service types, and (for hospitals and clinics) the
/// departments its name states.
pub(crate) fn features(facility: &Facility) -> u64 {
    let taxonomy = Taxonomy::builtin();
    let mut bits = 0_u64;
    for accreditation in &facility.accreditations {
        if let Some(n) = position(&taxonomy.accreditations, accreditation.code.as_str()) {
            bits |= 1 << n;
        }
    }
    for service in &facility.services {
        if let Some(n) = service
            .service_type
            .as_ref()
            .and_then(|t| position(&taxonomy.service_types, t.as_str()))
        {
            bits |= 1 << (SERVICE_TYPE_SHIFT + n);
        }
    }
    if names_departments(&facility.kind) {
        let name = width_folded(&facility.name);
        for (n, patterns) in folded_departments().iter().enumerate() {
            if patterns.iter().any(|p| name.contains(p.as_str())) {
                bits |= 1 << (DEPARTMENT_SHIFT + u32::try_from(n).expect("few departments"));
            }
        }
    }
    bits
}

/// Hospitals and clinics are told apart by department; other kinds' names
/// (「こども発達支援センター」) say nothing of a 診療科.
fn names_departments(kind: &KindCode) -> bool {
    matches!(kind.as_str(), "hospital" | "clinic" | "core_hospital")
}

fn position(terms: &[crate::taxonomy::Term], code: &str) -> Option<u32> {
    terms
        .iter()
        .position(|t| t.code == code)
        .and_then(|n| u32::try_from(n).ok())
}

fn department_position(code: &str) -> Option<u32> {
    Taxonomy::builtin()
        .departments
        .iter()
        .position(|d| d.code == code)
        .and_then(|n| u32::try_from(n).ok())
}

/// Each department's name words, width-folded once.
fn folded_departments() -> &'static [Vec<String>] {
    static FOLDED: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    FOLDED.get_or_init(|| {
        Taxonomy::builtin()
            .departments
            .iter()
            .map(|d| {
                d.name_contains
                    .iter()
                    .map(|w| width_folded(w).into_owned())
                    .collect()
            })
            .collect()
    })
}

/// `text` with half-width katakana and full-width Latin made standard
/// (NFKC), only when it has any: department words are kanji and full-width
/// katakana, and the index reads every name at build, where a full fold of a
/// million names would cost about a second.
fn width_folded(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    if text.chars().any(|c| matches!(c, '\u{FF01}'..='\u{FF9F}')) {
        std::borrow::Cow::Owned(text.nfkc().collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The rules of one need, as bits over [`features`] and kind positions.
#[derive(Debug, Clone, Copy, Default)]
struct NeedRule {
    /// Kinds (by taxonomy position) plausible by kind alone.
    kinds: u64,
    /// Features that are an official proxy.
    proxies: u64,
    /// Department features that make a hospital or clinic plausible.
    departments: u64,
    /// Department features that alone make one unlikely.
    unlikely: u64,
}

impl NeedRule {
    fn of(rules: Option<&CareEvidence>) -> Self {
        let Some(rules) = rules else {
            return Self::default();
        };
        let taxonomy = Taxonomy::builtin();
        let bits = |codes: &[String], find: &dyn Fn(&str) -> Option<u32>, shift: u32| {
            codes
                .iter()
                .filter_map(|c| find(c))
                .fold(0_u64, |acc, n| acc | 1 << (shift + n))
        };
        Self {
            kinds: bits(&rules.kinds, &|c| position(&taxonomy.kinds, c), 0),
            proxies: bits(
                &rules.accreditations,
                &|c| position(&taxonomy.accreditations, c),
                0,
            ) | bits(
                &rules.service_types,
                &|c| position(&taxonomy.service_types, c),
                SERVICE_TYPE_SHIFT,
            ),
            departments: bits(&rules.departments, &department_position, DEPARTMENT_SHIFT),
            unlikely: bits(
                &rules.unlikely_departments,
                &department_position,
                DEPARTMENT_SHIFT,
            ),
        }
    }

    fn evidence(&self, kind: usize, features: u64) -> Evidence {
        if features & self.proxies != 0 {
            Evidence::OfficialProxy
        } else if self.kinds & (1 << kind) != 0 || features & self.departments != 0 {
            Evidence::PlausibleKind
        } else if features & self.unlikely != 0 {
            Evidence::Unlikely
        } else {
            Evidence::Other
        }
    }
}

/// The evidence rules of a search's needs, worked out once per query.
#[derive(Debug, Clone, Default)]
pub struct RelevancePlan {
    rules: Vec<NeedRule>,
}

impl RelevancePlan {
    /// The plan for `needs`; empty (every facility [`Evidence::Other`]) without needs.
    pub fn new(needs: &[CapabilityCode]) -> Self {
        let taxonomy = Taxonomy::builtin();
        Self {
            rules: needs
                .iter()
                .map(|need| {
                    NeedRule::of(
                        taxonomy
                            .care_evidence
                            .iter()
                            .find(|r| r.needs.iter().any(|n| n == need.as_str())),
                    )
                })
                .collect(),
        }
    }

    /// True when there is nothing to rank by (no needs).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The level of a facility of kind position `kind` with `features`: the
    /// weakest over the needs.
    pub(crate) fn evidence(&self, kind: usize, features: u64) -> Evidence {
        self.rules
            .iter()
            .map(|rule| rule.evidence(kind, features))
            .min()
            .unwrap_or(Evidence::Other)
    }

    /// The features that can lift a facility above what its kind alone gives.
    pub(crate) fn lifting_features(&self) -> u64 {
        self.rules
            .iter()
            .fold(0, |acc, rule| acc | rule.proxies | rule.departments)
    }

    /// The levels a facility of kind position `kind` without lifting
    /// features can have, as bits by [`Evidence`] rank.
    pub(crate) fn kind_levels(&self, kind: usize) -> u8 {
        let plain = self.evidence(kind, 0);
        let all_unlikely = self.rules.iter().fold(0, |acc, rule| acc | rule.unlikely);
        (1 << plain.rank()) | (1 << self.evidence(kind, all_unlikely).rank())
    }
}

/// The kinds a family search for `needs` defaults to: those that can reach
/// [`Evidence::PlausibleKind`] or better for every need, in taxonomy order.
/// Empty without needs (every kind).
///
/// ```
/// use renkei_core::relevance::default_kinds;
/// use renkei_core::CapabilityCode;
/// let kinds = default_kinds(&[CapabilityCode::new("ventilator").unwrap()]);
/// let codes: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
/// assert!(codes.contains(&"visiting_nurse") && codes.contains(&"clinic"));
/// assert!(!codes.contains(&"municipal_desk"));
/// ```
pub fn default_kinds(needs: &[CapabilityCode]) -> Vec<KindCode> {
    if needs.is_empty() {
        return Vec::new();
    }
    let plan = RelevancePlan::new(needs);
    let lifting = plan.lifting_features();
    Taxonomy::builtin()
        .kinds
        .iter()
        .enumerate()
        .filter_map(|(n, term)| {
            let kind = KindCode::new(&term.code).ok()?;
            // Departments lift only hospitals and clinics; proxies only those
            // that can hold them (hospitals: accreditations; welfare providers:
            // service types), which the rules' kinds do not list.
            let features = if names_departments(&kind) || kind.as_str() == "welfare_provider" {
                lifting
            } else {
                0
            };
            (plan.evidence(n, features) >= Evidence::PlausibleKind).then_some(kind)
        })
        .collect()
}

/// Why `facility` sits where it does in the 要確認 list for `needs`: its
/// level and reasons (the kind always, then each accreditation, service type
/// and department the rules of `needs` name). `None` without needs.
pub fn explain(facility: &Facility, needs: &[CapabilityCode]) -> Option<Relevance> {
    if needs.is_empty() {
        return None;
    }
    let taxonomy = Taxonomy::builtin();
    let plan = RelevancePlan::new(needs);
    let features = features(facility);
    let evidence = plan.evidence(facility.kind.rank(), features);
    let source = if facility.provenance.attribution.is_empty() {
        facility.provenance.source.clone()
    } else {
        facility.provenance.attribution.clone()
    };
    let imported = Some(
        facility
            .provenance
            .imported_at
            .with_timezone(&chrono_tz_tokyo())
            .date_naive(),
    );
    let kind = facility.kind.term();
    let mut reasons = vec![Reason {
        basis: ReasonBasis::Kind,
        code: kind.code.clone(),
        text_ja: format!("種別: {}", kind.ja),
        text_en: format!("Kind: {}", kind.en),
        source: source.clone(),
        as_of: imported,
    }];
    let (proxies, departments, unlikely) = plan.rules.iter().fold((0, 0, 0), |acc, r| {
        (acc.0 | r.proxies, acc.1 | r.departments, acc.2 | r.unlikely)
    });
    for accreditation in &facility.accreditations {
        let Some(n) = position(&taxonomy.accreditations, accreditation.code.as_str()) else {
            continue;
        };
        if proxies & (1 << n) != 0
            && !reasons
                .iter()
                .any(|r| r.code == accreditation.code.as_str())
        {
            let term = accreditation.code.term();
            reasons.push(Reason {
                basis: ReasonBasis::Accreditation,
                code: term.code.clone(),
                text_ja: format!("施設基準の届出: {}", term.ja),
                text_en: format!("Accreditation (施設基準): {}", term.en),
                source: ACCREDITATION_SOURCE.to_owned(),
                as_of: accreditation.since.or(imported),
            });
        }
    }
    for service_type in facility
        .services
        .iter()
        .filter_map(|s| s.service_type.as_ref())
    {
        let Some(n) = position(&taxonomy.service_types, service_type.as_str()) else {
            continue;
        };
        if proxies & (1 << (SERVICE_TYPE_SHIFT + n)) != 0
            && !reasons.iter().any(|r| r.code == service_type.as_str())
        {
            let term = service_type.term();
            reasons.push(Reason {
                basis: ReasonBasis::ServiceType,
                code: term.code.clone(),
                text_ja: format!("障害福祉サービスの指定: {}", term.ja),
                text_en: format!("Designated welfare service: {}", term.en),
                source: source.clone(),
                as_of: imported,
            });
        }
    }
    for (n, department) in taxonomy.departments.iter().enumerate() {
        let bit = 1 << (DEPARTMENT_SHIFT + u32::try_from(n).expect("few departments"));
        if features & bit == 0 {
            continue;
        }
        let basis = if departments & bit != 0 {
            ReasonBasis::Department
        } else if unlikely & bit != 0 && evidence == Evidence::Unlikely {
            ReasonBasis::UnlikelyDepartment
        } else {
            continue;
        };
        reasons.push(department_reason(department, basis, &source, imported));
    }
    Some(Relevance { evidence, reasons })
}

fn department_reason(
    department: &Department,
    basis: ReasonBasis,
    source: &str,
    as_of: Option<NaiveDate>,
) -> Reason {
    let (ja, en) = match basis {
        ReasonBasis::UnlikelyDepartment => (
            format!(
                "名称に「{}」（通常はこのケアに対応しない診療科）",
                department.ja
            ),
            format!(
                "Name states {} (does not usually provide this care)",
                department.en
            ),
        ),
        _ => (
            format!("名称に「{}」", department.ja),
            format!("Name states {}", department.en),
        ),
    };
    Reason {
        basis,
        code: department.code.clone(),
        text_ja: ja,
        text_en: en,
        source: source.to_owned(),
        as_of,
    }
}

/// Asia/Tokyo (UTC+9, no daylight saving), for the dates of reasons.
fn chrono_tz_tokyo() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(9 * 3600).expect("UTC+9 is a valid offset")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::fictional_facility;
    use crate::{Accreditation, AccreditationCode};

    fn needs(codes: &[&str]) -> Vec<CapabilityCode> {
        codes
            .iter()
            .map(|c| CapabilityCode::new(c).unwrap())
            .collect()
    }

    fn level(kind: &str, name: &str, need: &[&str]) -> Evidence {
        explain(&fictional_facility("1", kind, name, None), &needs(need))
            .unwrap()
            .evidence
    }

    #[test]
    fn issue_18_eye_ent_dental_and_psychiatric_clinics_are_unlikely_for_a_ventilator() {
        for name in [
            "架空眼科クリニック",
            "架空耳鼻咽喉科医院",
            "架空デンタルオフィス",
            "架空メンタルクリニック",
            "架空心療内科",
        ] {
            assert_eq!(
                level("clinic", name, &["ventilator"]),
                Evidence::Unlikely,
                "{name}"
            );
        }
        // A clinic whose name also states pediatrics is plausible.
        assert_eq!(
            level("clinic", "架空眼科・小児科クリニック", &["ventilator"]),
            Evidence::PlausibleKind
        );
        assert_eq!(
            level("clinic", "架空内科医院", &["ventilator"]),
            Evidence::Other
        );
        assert_eq!(
            level(
                "visiting_nurse",
                "架空訪問看護ステーション",
                &["ventilator"]
            ),
            Evidence::PlausibleKind
        );
        assert_eq!(
            level("municipal_desk", "架空市役所", &["ventilator"]),
            Evidence::Other
        );
    }

    #[test]
    fn issue_18_proxies_lead_and_every_hit_says_why() {
        let mut hospital = fictional_facility("2", "hospital", "架空総合病院", None);
        hospital.accreditations = vec![Accreditation {
            code: AccreditationCode::new("pediatric_inpatient_1").unwrap(),
            since: NaiveDate::from_ymd_opt(2024, 6, 1),
        }];
        let found = explain(&hospital, &needs(&["ventilator"])).unwrap();
        assert_eq!(found.evidence, Evidence::OfficialProxy);
        let bases: Vec<_> = found.reasons.iter().map(|r| r.basis).collect();
        assert_eq!(bases, [ReasonBasis::Kind, ReasonBasis::Accreditation]);
        assert_eq!(found.reasons[1].as_of, NaiveDate::from_ymd_opt(2024, 6, 1));
        assert!(found.reasons[1].text_ja.contains("小児入院医療管理料"));
        // Several needs: the weakest level counts.
        let plain = fictional_facility("3", "welfare_provider", "架空放課後デイ", None);
        assert_eq!(
            explain(&plain, &needs(&["tube_feeding"])).unwrap().evidence,
            Evidence::PlausibleKind
        );
        assert_eq!(
            explain(&plain, &needs(&["tube_feeding", "ventilator"]))
                .unwrap()
                .evidence,
            Evidence::Other
        );
        assert!(explain(&plain, &[]).is_none());
    }

    #[test]
    fn issue_18_default_kinds_are_the_care_relevant_ones() {
        let codes = |need: &[&str]| -> Vec<String> {
            default_kinds(&needs(need))
                .into_iter()
                .map(String::from)
                .collect()
        };
        assert_eq!(
            codes(&["ventilator"]),
            [
                "core_hospital",
                "hospital",
                "clinic",
                "visiting_nurse",
                "welfare_provider"
            ]
        );
        assert!(codes(&["tube_feeding"]).contains(&"special_needs_school".to_owned()));
        assert!(codes(&[]).is_empty());
    }
}
