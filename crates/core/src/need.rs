//! What a child needs, and whether a facility can meet it.
//!
//! Search, coverage and printed referral sheets all ask the same question —
//! "can this place handle this child's care?" — so the answer is decided here
//! once. A facility meets a [`NeedProfile`] in one of two [`Tier`]s:
//! confirmed (every need stated as yes) or unknown (要確認: no need stated as
//! no, at least one not stated). Official data rarely states capabilities, so
//! the unknown tier is usually the larger one; it is never merged into the
//! confirmed one.
//!
//! The [`TravelModel`] turns straight-line distance into an estimated travel
//! time until a road network exists.

use crate::{
    AgeRange, Answer, CapabilityCode, CapabilityFact, Facility, FacilityStatus, KindCode, Service,
    Verification,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Oldest age a query may give, years: what the API and the CLI accept.
pub const MAX_AGE_YEARS: u8 = 120;

/// The facts a family or a desk searches by. Every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NeedProfile {
    /// Facility kinds wanted; empty means any kind.
    pub kinds: Vec<KindCode>,
    /// 医療的ケア items the child needs; all must be met by one service.
    pub needs: Vec<CapabilityCode>,
    /// The child's age in whole years, 0…[`MAX_AGE_YEARS`]; a service whose
    /// stated range excludes it does not count. An unstated bound does not exclude.
    pub age_years: Option<u8>,
    /// Only services accepting new clients: stated yes is confirmed, unstated
    /// is 要確認, stated no excludes.
    pub accepting_only: bool,
    /// Capability answers (yes or no) confirmed before this Asia/Tokyo date
    /// have lapsed and count as unknown (要確認) — see
    /// [`crate::verification::AgeingPolicy::lapse_cutoff`]; `None` counts
    /// every answer. Undated answers never lapse.
    pub lapsed_before: Option<NaiveDate>,
}

/// How sure the directory is that a facility meets a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Every need (and accepting, when asked) is stated as yes by one service.
    Confirmed,
    /// Nothing stated as no, but at least one fact is not stated (要確認).
    Unknown,
}

/// The answer for one need at one facility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedStatus {
    /// Which 医療的ケア item.
    pub capability: CapabilityCode,
    /// Yes if any eligible service states yes; no if every eligible service
    /// states no; otherwise unknown. A lapsed answer counts as unknown.
    pub answer: Answer,
    /// Date and confirming organisation of the answer that decided `answer`
    /// (for unknown: of a lapsed answer, if any); `None` when undated.
    pub verified: Option<Verification>,
}

/// Whether and how a facility meets a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Confirmed or 要確認.
    pub tier: Tier,
    /// Per need, in the profile's order.
    pub needs: Vec<NeedStatus>,
}

impl NeedProfile {
    /// True when the profile filters on nothing but kinds, so every facility
    /// of a wanted kind is confirmed.
    pub fn is_kind_only(&self) -> bool {
        self.needs.is_empty() && self.age_years.is_none() && !self.accepting_only
    }

    /// True when the facility is of a wanted kind (or any kind is wanted).
    pub fn wants_kind(&self, kind: &KindCode) -> bool {
        self.kinds.is_empty() || self.kinds.contains(kind)
    }

    /// How `facility` meets this profile, or `None` when it does not: closed,
    /// of another kind, no service for the child's age, or a need stated as no
    /// by every eligible service.
    ///
    /// One service has to meet every need: a station whose day service takes
    /// ventilators and whose respite service takes tube feeding does not take
    /// a child who needs both at once. A facility without services (a desk, a
    /// school) is judged on its facility-level facts: all unknown.
    ///
    /// ```
    /// use renkei_core::need::{NeedProfile, Tier};
    /// use renkei_core::CapabilityCode;
    /// let profile = NeedProfile {
    ///     needs: vec![CapabilityCode::new("ventilator").unwrap()],
    ///     ..NeedProfile::default()
    /// };
    /// assert!(profile.needs.len() == 1 && !profile.is_kind_only());
    /// # let _ = Tier::Confirmed;
    /// ```
    pub fn assess(&self, facility: &Facility) -> Option<Assessment> {
        let tier = self.tier(facility)?;
        Some(Assessment {
            tier,
            needs: self.need_statuses(facility),
        })
    }

    /// The tier of [`NeedProfile::assess`] alone, without allocating: what
    /// search and coverage use to count the many facilities they never show.
    pub fn tier(&self, facility: &Facility) -> Option<Tier> {
        self.tier_over(
            facility.status == FacilityStatus::Active,
            &facility.kind,
            facility.services.iter().map(|service| self.full(service)),
        )
    }

    /// Per need, in the profile's order, the answer over the services
    /// eligible for the child (all unknown when none is).
    pub fn need_statuses(&self, facility: &Facility) -> Vec<NeedStatus> {
        let mut statuses =
            self.statuses_over(&facility.services.iter().map(|service| self.full(service)));
        for status in &mut statuses {
            status.verified = facility
                .services
                .iter()
                .filter(|service| self.is_eligible(&self.full(service)))
                .filter_map(|service| stated_fact(service, &status.capability))
                .filter(|fact| {
                    self.effective(fact) == status.answer
                        || (status.answer == Answer::Unknown && fact.answer != Answer::Unknown)
                })
                .find_map(|fact| fact.verified.clone());
        }
        statuses
    }

    /// A stated answer as the tier rule counts it: lapsed yes/no is unknown.
    fn effective(&self, fact: &CapabilityFact) -> Answer {
        if self.is_lapsed(fact.verified.as_ref().map(|v| v.on)) {
            Answer::Unknown
        } else {
            fact.answer
        }
    }

    /// True when an answer confirmed on `confirmed_on` has lapsed.
    pub(crate) fn is_lapsed(&self, confirmed_on: Option<NaiveDate>) -> bool {
        matches!((self.lapsed_before, confirmed_on), (Some(cutoff), Some(on)) if on < cutoff)
    }

    fn full<'s>(&'s self, service: &'s Service) -> FullService<'s> {
        FullService {
            service,
            profile: self,
        }
    }

    /// The tier rule itself, over any view of a facility's services: the full
    /// records ([`NeedProfile::tier`]) or the directory index's compact
    /// summaries, so that both always agree.
    pub(crate) fn tier_over<S: ServiceFacts>(
        &self,
        active: bool,
        kind: &KindCode,
        services: impl ExactSizeIterator<Item = S>,
    ) -> Option<Tier> {
        if !active || !self.wants_kind(kind) {
            return None;
        }
        let listed = services.len();
        let mut any_eligible = false;
        let mut best: Option<Tier> = None;
        for service in services.filter(|s| self.is_eligible(s)) {
            any_eligible = true;
            if let Some(tier) = self.service_tier(&service) {
                best = Some(best.map_or(tier, |b| b.min(tier)));
                if best == Some(Tier::Confirmed) {
                    break;
                }
            }
        }
        if any_eligible {
            return best;
        }
        // A place with no services listed cannot be excluded by them, but it
        // cannot confirm anything either.
        if listed > 0 {
            return None;
        }
        Some(if self.is_kind_only() {
            Tier::Confirmed
        } else {
            Tier::Unknown
        })
    }

    /// [`NeedProfile::need_statuses`] over any view of the services.
    pub(crate) fn statuses_over<S: ServiceFacts>(
        &self,
        services: &(impl Iterator<Item = S> + Clone),
    ) -> Vec<NeedStatus> {
        (0..self.needs.len())
            .map(|n| {
                let mut answers = services
                    .clone()
                    .filter(|service| self.is_eligible(service))
                    .map(|service| service.need_answer(n))
                    .peekable();
                let answer = if answers.peek().is_none() {
                    Answer::Unknown
                } else {
                    combine(answers)
                };
                NeedStatus {
                    capability: self.needs[n].clone(),
                    answer,
                    verified: None,
                }
            })
            .collect()
    }

    /// A service counts when the child's age is in its range and it is not
    /// stated as closed to new clients (when that is asked).
    fn is_eligible(&self, service: &impl ServiceFacts) -> bool {
        self.age_years
            .is_none_or(|age| service.ages().contains(age))
            && !(self.accepting_only && service.accepting_new_clients() == Answer::No)
    }

    /// The tier one service reaches on its own, `None` when it states a no.
    fn service_tier(&self, service: &impl ServiceFacts) -> Option<Tier> {
        let accepting = self.accepting_only.then(|| service.accepting_new_clients());
        let mut tier = Tier::Confirmed;
        for answer in (0..self.needs.len())
            .map(|n| service.need_answer(n))
            .chain(accepting)
        {
            match answer {
                Answer::Yes => {}
                Answer::No => return None,
                Answer::Unknown => tier = Tier::Unknown,
            }
        }
        Some(tier)
    }
}

/// What the tier rule reads of one service, for one profile: a full
/// [`Service`] or a compact summary kept by the directory index.
pub(crate) trait ServiceFacts {
    /// Ages served.
    fn ages(&self) -> AgeRange;
    /// Whether new clients are accepted.
    fn accepting_new_clients(&self) -> Answer;
    /// The answer for need `n` of the profile (its position in `needs`).
    fn need_answer(&self, n: usize) -> Answer;
}

/// A full service judged against a profile's needs.
struct FullService<'s> {
    service: &'s Service,
    profile: &'s NeedProfile,
}

/// The first fact `service` states for `capability`, as [`Service::capability`] reads it.
fn stated_fact<'s>(
    service: &'s Service,
    capability: &CapabilityCode,
) -> Option<&'s CapabilityFact> {
    service
        .capabilities
        .iter()
        .find(|fact| &fact.capability == capability)
}

impl ServiceFacts for FullService<'_> {
    fn ages(&self) -> AgeRange {
        self.service.ages
    }

    fn accepting_new_clients(&self) -> Answer {
        self.service.accepting_new_clients
    }

    fn need_answer(&self, n: usize) -> Answer {
        stated_fact(self.service, &self.profile.needs[n])
            .map_or(Answer::Unknown, |fact| self.profile.effective(fact))
    }
}

/// Yes if any says yes; no if all say no; otherwise unknown.
fn combine(answers: impl Iterator<Item = Answer>) -> Answer {
    let mut all_no = true;
    for answer in answers {
        match answer {
            Answer::Yes => return Answer::Yes,
            Answer::No => {}
            Answer::Unknown => all_no = false,
        }
    }
    if all_no {
        Answer::No
    } else {
        Answer::Unknown
    }
}

/// Estimated travel time from straight-line distance, until a road network
/// exists: road distance ≈ straight line × `detour_factor`, driven at
/// `speed_kmh`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TravelModel {
    /// Road distance over straight-line distance (dimensionless, ≥ 1).
    pub detour_factor: f64,
    /// Average door-to-door speed by car, km/h.
    pub speed_kmh: f64,
}

impl TravelModel {
    /// 1.3 × straight line at 30 km/h: the usual detour index for Japanese
    /// urban road networks and a car's average speed on local roads including
    /// signals. Coarse by design: good for "about 10 minutes", not for routing.
    pub const DEFAULT: Self = Self {
        detour_factor: 1.3,
        speed_kmh: 30.0,
    };

    /// Estimated minutes to cover `straight_m` metres of straight-line distance.
    pub fn minutes(self, straight_m: f64) -> f64 {
        straight_m * self.detour_factor / (self.speed_kmh * 1000.0 / 60.0)
    }

    /// The straight-line distance in metres reachable in `minutes`.
    pub fn reach_m(self, minutes: f64) -> f64 {
        minutes * (self.speed_kmh * 1000.0 / 60.0) / self.detour_factor
    }
}

impl Default for TravelModel {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AgeRange, CapabilityFact};

    fn capability(code: &str) -> CapabilityCode {
        CapabilityCode::new(code).unwrap()
    }

    fn service(ages: AgeRange, accepting: Answer, facts: &[(&str, Answer)]) -> Service {
        Service {
            key: "main".into(),
            name: "テスト用サービス".into(),
            service_type: None,
            ages,
            accepting_new_clients: accepting,
            respite_beds: None,
            verified: None,
            capabilities: facts
                .iter()
                .map(|(code, answer)| CapabilityFact {
                    capability: capability(code),
                    answer: *answer,
                    verified: None,
                    staff_note: None,
                })
                .collect(),
            schedules: Vec::new(),
        }
    }

    fn facility(services: Vec<Service>) -> Facility {
        let mut facility = crate::fixtures::fictional_facility(
            "himawari",
            "visiting_nurse",
            "架空ひまわり訪問看護ステーション",
            None,
        );
        facility.services = services;
        facility
    }

    fn profile(needs: &[&str]) -> NeedProfile {
        NeedProfile {
            needs: needs.iter().map(|code| capability(code)).collect(),
            ..NeedProfile::default()
        }
    }

    #[test]
    fn one_service_must_meet_every_need() {
        let split = facility(vec![
            service(
                AgeRange::default(),
                Answer::Yes,
                &[("ventilator", Answer::Yes), ("tube_feeding", Answer::No)],
            ),
            service(
                AgeRange::default(),
                Answer::Yes,
                &[("ventilator", Answer::No), ("tube_feeding", Answer::Yes)],
            ),
        ]);
        assert_eq!(
            profile(&["ventilator", "tube_feeding"]).assess(&split),
            None
        );
        let both = facility(vec![service(
            AgeRange::default(),
            Answer::Yes,
            &[("ventilator", Answer::Yes), ("tube_feeding", Answer::Yes)],
        )]);
        let assessment = profile(&["ventilator", "tube_feeding"])
            .assess(&both)
            .unwrap();
        assert_eq!(assessment.tier, Tier::Confirmed);
        assert!(assessment.needs.iter().all(|n| n.answer == Answer::Yes));
    }

    #[test]
    fn unstated_needs_are_the_unknown_tier_never_confirmed() {
        let partial = facility(vec![service(
            AgeRange::default(),
            Answer::Unknown,
            &[("ventilator", Answer::Yes)],
        )]);
        let assessment = profile(&["ventilator", "suctioning"])
            .assess(&partial)
            .unwrap();
        assert_eq!(assessment.tier, Tier::Unknown);
        assert_eq!(assessment.needs[0].answer, Answer::Yes);
        assert_eq!(assessment.needs[1].answer, Answer::Unknown);
    }

    #[test]
    fn age_and_accepting_exclude_only_what_is_stated() {
        let under_six = AgeRange {
            min_years: Some(0),
            max_years: Some(6),
        };
        let preschool = facility(vec![service(under_six, Answer::No, &[])]);
        let mut for_ten = profile(&[]);
        for_ten.age_years = Some(10);
        assert_eq!(for_ten.assess(&preschool), None);
        let mut accepting = profile(&[]);
        accepting.accepting_only = true;
        assert_eq!(accepting.assess(&preschool), None, "stated not accepting");
        let unstated = facility(vec![service(AgeRange::default(), Answer::Unknown, &[])]);
        assert_eq!(accepting.assess(&unstated).unwrap().tier, Tier::Unknown);
        assert_eq!(
            profile(&[]).assess(&unstated).unwrap().tier,
            Tier::Confirmed
        );
    }

    #[test]
    fn a_desk_without_services_is_listed_but_unconfirmed() {
        let desk = facility(Vec::new());
        assert_eq!(profile(&[]).assess(&desk).unwrap().tier, Tier::Confirmed);
        assert_eq!(
            profile(&["suctioning"]).assess(&desk).unwrap().tier,
            Tier::Unknown
        );
    }

    /// A facility whose one service answers `answer` for ventilator,
    /// confirmed `age_days` before `today` by a fictional desk.
    fn dated_facility(answer: Answer, age_days: i64, today: NaiveDate) -> Facility {
        let mut service = service(AgeRange::default(), Answer::Yes, &[("ventilator", answer)]);
        service.capabilities[0].verified = Some(Verification {
            on: today - chrono::Duration::days(age_days),
            by_organization: "架空市医療的ケア児相談窓口".into(),
        });
        facility(vec![service])
    }

    fn aged_profile(today: NaiveDate) -> NeedProfile {
        NeedProfile {
            lapsed_before: Some(crate::verification::AgeingPolicy::default().lapse_cutoff(today)),
            ..profile(&["ventilator"])
        }
    }

    #[test]
    fn issue_16_an_answer_456_days_old_is_in_the_unknown_tier() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let profile = aged_profile(today);
        let old_yes = dated_facility(Answer::Yes, 456, today);
        assert_eq!(profile.tier(&old_yes), Some(Tier::Unknown));
        let statuses = profile.need_statuses(&old_yes);
        assert_eq!(statuses[0].answer, Answer::Unknown);
        assert_eq!(
            statuses[0]
                .verified
                .as_ref()
                .map(|v| v.by_organization.as_str()),
            Some("架空市医療的ケア児相談窓口"),
            "the lapsed answer's date and organisation stay visible"
        );
        // A lapsed no no longer excludes either: the family should ask.
        let old_no = dated_facility(Answer::No, 456, today);
        assert_eq!(profile.tier(&old_no), Some(Tier::Unknown));
        // Without a cut-off the stored answer counts as it is.
        assert_eq!(
            profile_without_cutoff().tier(&old_yes),
            Some(Tier::Confirmed)
        );
    }

    fn profile_without_cutoff() -> NeedProfile {
        profile(&["ventilator"])
    }

    #[test]
    fn issue_16_an_answer_364_days_old_is_confirmed_with_its_date() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let profile = aged_profile(today);
        let recent = dated_facility(Answer::Yes, 364, today);
        assert_eq!(profile.tier(&recent), Some(Tier::Confirmed));
        let status = &profile.need_statuses(&recent)[0];
        assert_eq!(status.answer, Answer::Yes);
        assert_eq!(
            status.verified.as_ref().map(|v| v.on),
            Some(today - chrono::Duration::days(364))
        );
        // 455 days is the last day a no still excludes.
        let no = dated_facility(Answer::No, 455, today);
        assert_eq!(profile.tier(&no), None);
    }

    #[test]
    fn travel_time_round_trips() {
        let model = TravelModel::DEFAULT;
        // 10 km straight line → 13 km by road at 30 km/h = 26 minutes.
        assert!((model.minutes(10_000.0) - 26.0).abs() < 1e-9);
        assert!((model.reach_m(26.0) - 10_000.0).abs() < 1e-6);
    }
}
