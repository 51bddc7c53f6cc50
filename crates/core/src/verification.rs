//! How old a confirmed answer is, and what that means (#16).
//!
//! Directory programmes re-verify their facts yearly. A capability answer a
//! desk confirmed is *due* (要再確認) once it is more than
//! [`DUE_AFTER_DAYS`] old and *overdue* after [`OVERDUE_AFTER_DAYS`]; after
//! the lapse limit ([`AgeingPolicy::lapse_after_days`], default
//! [`DEFAULT_LAPSE_AFTER_DAYS`]) a yes or no no longer counts for families:
//! search tiers, ranking and print treat it as 要確認, while the answer itself
//! stays stored for the desk that re-confirms it.
//!
//! # Units
//! Ages are whole calendar days in Asia/Tokyo: an answer confirmed on
//! 2025-01-01 is 1 day old on 2025-01-02, whatever the hour.

use crate::{Answer, CapabilityCode, Facility, Taxonomy, Verification};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// An answer more than this many days old is due for re-confirmation (要再確認).
pub const DUE_AFTER_DAYS: u32 = 365;
/// An answer more than this many days old is overdue.
pub const OVERDUE_AFTER_DAYS: u32 = 425;
/// Default lapse limit, days: older yes/no answers count as 要確認 for families.
pub const DEFAULT_LAPSE_AFTER_DAYS: u32 = 455;

/// Asia/Tokyo is UTC+9 all year (Japan has no daylight saving time).
const TOKYO_OFFSET_S: i32 = 9 * 3600;

/// Today's calendar date in Asia/Tokyo at the instant `now`.
///
/// ```
/// use chrono::{TimeZone, Utc, NaiveDate};
/// use renkei_core::verification::tokyo_date;
/// let now = Utc.with_ymd_and_hms(2026, 12, 5, 15, 30, 0).unwrap();
/// assert_eq!(tokyo_date(now), NaiveDate::from_ymd_opt(2026, 12, 6).unwrap());
/// ```
pub fn tokyo_date(now: DateTime<Utc>) -> NaiveDate {
    let tokyo = FixedOffset::east_opt(TOKYO_OFFSET_S).expect("UTC+9 is a valid offset");
    now.with_timezone(&tokyo).date_naive()
}

/// Whole days from `confirmed_on` to `today` (negative for a future date).
pub fn age_days(confirmed_on: NaiveDate, today: NaiveDate) -> i64 {
    (today - confirmed_on).num_days()
}

/// How fresh a confirmed answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Freshness {
    /// At most [`DUE_AFTER_DAYS`] old.
    Current,
    /// Older than [`DUE_AFTER_DAYS`] (要再確認), still counted.
    Due,
    /// Older than [`OVERDUE_AFTER_DAYS`], still counted until the lapse limit.
    Overdue,
    /// Older than the lapse limit: a yes/no counts as 要確認 for families.
    Lapsed,
}

impl Freshness {
    /// Japanese label for desks and print.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Current => "確認済み",
            Self::Due => "要再確認",
            Self::Overdue => "再確認期限超過",
            Self::Lapsed => "要確認",
        }
    }
}

/// An answer as families read it, with its confirmation when dated:
/// 「対応可（2026-11-20 確認・かながわ医療的ケア児支援センター）」. A lapsed answer
/// is already unknown here and shows the date it was last confirmed as
/// 「要確認（前回 2025-01-10 確認・…）」.
///
/// ```
/// use renkei_core::verification::answer_label_ja;
/// use renkei_core::{Answer, Verification};
/// let verified = Verification {
///     on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
///     by_organization: "架空市相談窓口".into(),
/// };
/// assert_eq!(answer_label_ja(Answer::Yes, Some(&verified)), "対応可（2026-11-20 確認・架空市相談窓口）");
/// assert_eq!(answer_label_ja(Answer::Unknown, None), "要確認");
/// ```
pub fn answer_label_ja(answer: Answer, verified: Option<&Verification>) -> String {
    let word = match answer {
        Answer::Yes => "対応可",
        Answer::No => "対応不可",
        Answer::Unknown => "要確認",
    };
    // An unknown with a date is a lapsed (or unanswerable) answer: say the
    // date is the previous confirmation, not a confirmation of 要確認.
    let previous = if answer == Answer::Unknown {
        "前回 "
    } else {
        ""
    };
    match verified {
        Some(v) => format!(
            "{word}（{previous}{} 確認・{}）",
            v.on.format("%Y-%m-%d"),
            v.by_organization
        ),
        None => word.to_owned(),
    }
}

/// Turns every yes/no of `facility` confirmed before `cutoff` into unknown,
/// keeping its confirmation so the date still shows: the facility as printed
/// matter shows it to families. Undated answers are kept.
pub fn lapse_answers(facility: &mut Facility, cutoff: NaiveDate) {
    for fact in facility
        .services
        .iter_mut()
        .flat_map(|service| service.capabilities.iter_mut())
    {
        if fact.verified.as_ref().is_some_and(|v| v.on < cutoff) {
            fact.answer = Answer::Unknown;
        }
    }
}

/// One 医療的ケア item of one facility that a desk should confirm: never
/// confirmed, or confirmed long enough ago to be due, overdue or lapsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    /// Which item.
    pub capability: CapabilityCode,
    /// `None` when no service of the facility has a confirmed answer for it.
    pub freshness: Option<Freshness>,
    /// The newest confirmation over the facility's services, when any.
    pub last: Option<Verification>,
}

impl QueueItem {
    /// Japanese label of why it is queued: 未確認, 要再確認, 再確認期限超過 or 要確認.
    pub fn reason_ja(&self) -> &'static str {
        self.freshness.map_or("未確認", Freshness::label_ja)
    }
}

/// When answers fall due and lapse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeingPolicy {
    /// Days after which a yes/no counts as 要確認 for families; the default
    /// is [`DEFAULT_LAPSE_AFTER_DAYS`].
    pub lapse_after_days: u32,
}

impl Default for AgeingPolicy {
    fn default() -> Self {
        Self {
            lapse_after_days: DEFAULT_LAPSE_AFTER_DAYS,
        }
    }
}

impl AgeingPolicy {
    /// How fresh an answer confirmed on `confirmed_on` is on `today`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use renkei_core::verification::{AgeingPolicy, Freshness};
    /// let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    /// let policy = AgeingPolicy::default();
    /// assert_eq!(policy.freshness(today - chrono::Duration::days(365), today), Freshness::Current);
    /// assert_eq!(policy.freshness(today - chrono::Duration::days(366), today), Freshness::Due);
    /// ```
    pub fn freshness(self, confirmed_on: NaiveDate, today: NaiveDate) -> Freshness {
        let age = age_days(confirmed_on, today);
        if age > i64::from(self.lapse_after_days) {
            Freshness::Lapsed
        } else if age > i64::from(OVERDUE_AFTER_DAYS) {
            Freshness::Overdue
        } else if age > i64::from(DUE_AFTER_DAYS) {
            Freshness::Due
        } else {
            Freshness::Current
        }
    }

    /// The items of `facility` a desk should confirm on `today`, in the
    /// taxonomy's order (the 14 of the 判定スコア): those no service has a
    /// dated answer for, and those whose newest confirmation is due or older.
    /// A confirmed わからない counts as confirmed: the desk asked.
    pub fn queue_items(self, facility: &Facility, today: NaiveDate) -> Vec<QueueItem> {
        Taxonomy::builtin()
            .capability_codes()
            .filter_map(|capability| {
                let last = facility
                    .services
                    .iter()
                    .filter_map(|service| {
                        service
                            .capabilities
                            .iter()
                            .find(|fact| fact.capability == capability)
                    })
                    .filter_map(|fact| fact.verified.as_ref())
                    .max_by_key(|v| v.on)
                    .cloned();
                let freshness = last.as_ref().map(|v| self.freshness(v.on, today));
                (freshness != Some(Freshness::Current)).then_some(QueueItem {
                    capability,
                    freshness,
                    last,
                })
            })
            .collect()
    }

    /// The first date whose answers still count on `today`: answers confirmed
    /// before it have lapsed (see [`crate::need::NeedProfile::lapsed_before`]).
    pub fn lapse_cutoff(self, today: NaiveDate) -> NaiveDate {
        today - Duration::days(i64::from(self.lapse_after_days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
    }

    fn days_ago(days: i64) -> NaiveDate {
        today() - Duration::days(days)
    }

    #[test]
    fn issue_16_364_days_is_current_and_not_due() {
        let policy = AgeingPolicy::default();
        assert_eq!(policy.freshness(days_ago(364), today()), Freshness::Current);
        assert_eq!(policy.freshness(days_ago(365), today()), Freshness::Current);
    }

    #[test]
    fn issue_16_due_overdue_and_lapsed_boundaries() {
        let policy = AgeingPolicy::default();
        assert_eq!(policy.freshness(days_ago(366), today()), Freshness::Due);
        assert_eq!(policy.freshness(days_ago(425), today()), Freshness::Due);
        assert_eq!(policy.freshness(days_ago(426), today()), Freshness::Overdue);
        assert_eq!(policy.freshness(days_ago(455), today()), Freshness::Overdue);
        assert_eq!(policy.freshness(days_ago(456), today()), Freshness::Lapsed);
    }

    #[test]
    fn issue_16_cutoff_agrees_with_freshness() {
        let policy = AgeingPolicy {
            lapse_after_days: 100,
        };
        let cutoff = policy.lapse_cutoff(today());
        assert_ne!(policy.freshness(cutoff, today()), Freshness::Lapsed);
        assert_eq!(
            policy.freshness(cutoff - Duration::days(1), today()),
            Freshness::Lapsed
        );
    }

    /// A fictional station whose one service answers yes to each item,
    /// confirmed the given number of days ago (`None`: undated).
    fn station(answers: &[(&str, Option<i64>)]) -> Facility {
        let mut facility = crate::fixtures::fictional_facility(
            "station",
            "visiting_nurse",
            "架空ステーション",
            None,
        );
        facility.services = vec![crate::Service {
            key: "main".into(),
            name: "小児訪問看護".into(),
            service_type: None,
            ages: crate::AgeRange::default(),
            accepting_new_clients: Answer::Unknown,
            respite_beds: None,
            verified: None,
            capabilities: answers
                .iter()
                .map(|(code, age)| crate::CapabilityFact {
                    capability: CapabilityCode::new(code).unwrap(),
                    answer: Answer::Yes,
                    verified: age.map(|days| Verification {
                        on: days_ago(days),
                        by_organization: "架空相談窓口".into(),
                    }),
                    staff_note: None,
                })
                .collect(),
            schedules: Vec::new(),
        }];
        facility
    }

    #[test]
    fn issue_16_printed_facilities_show_lapsed_answers_as_unknown_with_their_date() {
        let mut facility = station(&[
            ("ventilator", Some(456)),
            ("suctioning", Some(455)),
            ("tube_feeding", None),
        ]);
        lapse_answers(&mut facility, AgeingPolicy::default().lapse_cutoff(today()));
        let facts = &facility.services[0].capabilities;
        assert_eq!(facts[0].answer, Answer::Unknown);
        assert_eq!(facts[0].verified.as_ref().unwrap().on, days_ago(456));
        assert_eq!(facts[1].answer, Answer::Yes);
        assert_eq!(facts[2].answer, Answer::Yes, "undated answers never lapse");
    }

    #[test]
    fn issue_16_queue_lists_never_verified_due_and_overdue_items() {
        let facility = station(&[
            ("ventilator", Some(364)),
            ("suctioning", Some(366)),
            ("tube_feeding", Some(430)),
        ]);
        let items = AgeingPolicy::default().queue_items(&facility, today());
        let total = Taxonomy::builtin().capabilities.len();
        assert_eq!(
            items.len(),
            total - 1,
            "all but the current ventilator answer"
        );
        let find = |code: &str| {
            items
                .iter()
                .find(|i| i.capability.as_str() == code)
                .unwrap()
        };
        assert!(items.iter().all(|i| i.capability.as_str() != "ventilator"));
        assert_eq!(find("suctioning").reason_ja(), "要再確認");
        assert_eq!(find("tube_feeding").freshness, Some(Freshness::Overdue));
        assert_eq!(find("oxygen_therapy").reason_ja(), "未確認");
        assert_eq!(find("oxygen_therapy").last, None);
    }

    #[test]
    fn issue_16_tokyo_date_turns_at_15_utc() {
        use chrono::TimeZone;
        let before = Utc.with_ymd_and_hms(2026, 12, 4, 14, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 12, 4, 15, 0, 0).unwrap();
        assert_eq!(
            tokyo_date(before),
            NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
        );
        assert_eq!(
            tokyo_date(after),
            NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
        );
    }
}
