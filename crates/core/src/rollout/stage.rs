//! The stages every area of a rollout goes through, in order, and the rule
//! that keeps a stage history in that order.

use crate::era::FiscalYear;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A stage of an area's rollout (全県展開). New areas first go through the
/// four preparatory steps (働きかけ … 関係機関の訪問); the model's own steps
/// follow, ① 会議の設置 to ⑥ 進捗管理・取組内容の修正.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 働きかけ: the prefecture approaches an area (outreach).
    Outreach,
    /// 新たな地域の選定: the area is chosen.
    AreaSelected,
    /// 行政の担当組織の決定: the administrative body in charge is decided.
    LeadBodyDecided,
    /// 関係機関の訪問・協力依頼・事業説明: partners are visited and asked to join.
    PartnersVisited,
    /// ① 会議の設置: the council (協議の場) is set up.
    CouncilSetUp,
    /// ② 課題の抽出: the area's problems are drawn out.
    IssuesExtracted,
    /// ③ 解決策の検討: solutions are discussed.
    SolutionsDiscussed,
    /// ④ 取組内容の策定: the area's actions are adopted.
    ActionsAdopted,
    /// ⑤ 取組みの実施: the actions are carried out.
    ActionsUnderway,
    /// ⑥ 進捗管理・取組内容の修正: progress is checked and actions revised.
    ProgressReview,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Self; 10] = [
        Self::Outreach,
        Self::AreaSelected,
        Self::LeadBodyDecided,
        Self::PartnersVisited,
        Self::CouncilSetUp,
        Self::IssuesExtracted,
        Self::SolutionsDiscussed,
        Self::ActionsAdopted,
        Self::ActionsUnderway,
        Self::ProgressReview,
    ];

    /// Its place in the order, 0 for 働きかけ.
    #[must_use]
    pub fn position(self) -> usize {
        self as usize
    }

    /// The stored and API code, e.g. `council_set_up`.
    #[must_use]
    pub fn code(self) -> &'static str {
        STAGE_TEXT[self.position()].0
    }

    /// The Japanese label as the prefecture's plan words it, e.g. 「① 会議の設置」.
    #[must_use]
    pub fn label_ja(self) -> &'static str {
        STAGE_TEXT[self.position()].1
    }

    /// An English label.
    #[must_use]
    pub fn label_en(self) -> &'static str {
        STAGE_TEXT[self.position()].2
    }

    /// The stage with this code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|stage| stage.code() == code)
    }

    /// The stage after this one (none after ⑥).
    #[must_use]
    pub fn next(self) -> Option<Self> {
        Self::ALL.get(self.position() + 1).copied()
    }
}

/// Code, Japanese and English label of each stage, in order.
const STAGE_TEXT: [(&str, &str, &str); 10] = [
    ("outreach", "働きかけ", "Outreach"),
    ("area_selected", "新たな地域の選定", "Area selected"),
    (
        "lead_body_decided",
        "行政の担当組織の決定",
        "Lead body decided",
    ),
    (
        "partners_visited",
        "関係機関の訪問・協力依頼・事業説明",
        "Partners visited",
    ),
    ("council_set_up", "① 会議の設置", "Council set up"),
    ("issues_extracted", "② 課題の抽出", "Problems drawn out"),
    (
        "solutions_discussed",
        "③ 解決策の検討",
        "Solutions discussed",
    ),
    ("actions_adopted", "④ 取組内容の策定", "Actions adopted"),
    ("actions_underway", "⑤ 取組みの実施", "Actions under way"),
    (
        "progress_review",
        "⑥ 進捗管理・取組内容の修正",
        "Progress review",
    ),
];

/// How exactly a date is known: sources often give only the 年度.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    /// The day is known.
    #[default]
    Day,
    /// Only the fiscal year is known; the date is its first day, 1 April.
    FiscalYear,
}

impl DatePrecision {
    /// Stored and API code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::FiscalYear => "fiscal_year",
        }
    }

    /// The precision with this code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Day, Self::FiscalYear]
            .into_iter()
            .find(|p| p.code() == code)
    }

    /// `on` as a reader should see it: 「2022年5月31日」 or 「2014年度（平成26年度）」.
    #[must_use]
    pub fn show_ja(self, on: NaiveDate) -> String {
        match self {
            Self::Day => on.format("%Y年%-m月%-d日").to_string(),
            Self::FiscalYear => FiscalYear::of(on).label_ja(),
        }
    }
}

/// An area entering a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageTransition {
    /// The stage entered.
    pub stage: Stage,
    /// When (Asia/Tokyo); with [`DatePrecision::FiscalYear`], 1 April of the 年度.
    pub on: NaiveDate,
    /// How exactly `on` is known.
    #[serde(default)]
    pub precision: DatePrecision,
    /// Why, required when the area moves back (or stays) rather than forward.
    #[serde(default)]
    pub reason: Option<String>,
    /// Who recorded it: an organisation or account label, never a person's name.
    #[serde(default)]
    pub recorded_by: Option<String>,
    /// Public source that states it.
    #[serde(default)]
    pub source: Option<String>,
    /// An authored example, not stated by a cited source.
    #[serde(default)]
    pub example: bool,
}

impl StageTransition {
    /// The fiscal year it happened in.
    #[must_use]
    pub fn fiscal_year(&self) -> FiscalYear {
        FiscalYear::of(self.on)
    }
}

/// Why a stage transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StageError {
    /// A forward move that skips a stage.
    #[error("「{to}」へは「{from}」から直接進めません（次は「{expected}」） / cannot move from {from} to {to}: the next stage is {expected}", from = .from.label_ja(), to = .to.label_ja(), expected = .expected.label_ja())]
    Skipped {
        /// The current stage.
        from: Stage,
        /// The stage asked for.
        to: Stage,
        /// The stage that comes next.
        expected: Stage,
    },
    /// A move back (or to the same stage) without a reason.
    #[error("「{from}」から「{to}」へ戻すには理由が必要です / moving back from {from} to {to} needs a reason", from = .from.label_ja(), to = .to.label_ja())]
    BackWithoutReason {
        /// The current stage.
        from: Stage,
        /// The stage asked for.
        to: Stage,
    },
    /// A transition dated before the last one.
    #[error("{on} is before the last transition ({last}); transitions are recorded in the order they happened")]
    BeforeLast {
        /// The date asked for.
        on: NaiveDate,
        /// The date of the last transition.
        last: NaiveDate,
    },
}

/// Checks that `next` may follow `history` (oldest first): forward one stage
/// at a time, back (or to the same stage) only with a reason, never dated
/// before the last transition (within one 年度 when either is known only by
/// its 年度). An empty history may start at any stage: areas started before
/// they were tracked (the model areas began at ① 会議の設置).
///
/// ```
/// use renkei_core::rollout::{check_transition, DatePrecision, Stage, StageTransition};
/// let at = |stage, on: &str, reason: Option<&str>| StageTransition {
///     stage, on: on.parse().unwrap(), precision: DatePrecision::Day,
///     reason: reason.map(str::to_owned), recorded_by: None, source: None, example: false,
/// };
/// let history = [at(Stage::CouncilSetUp, "2024-05-01", None)];
/// assert!(check_transition(&history, &at(Stage::IssuesExtracted, "2024-07-01", None)).is_ok());
/// assert!(check_transition(&history, &at(Stage::ActionsAdopted, "2024-07-01", None)).is_err());
/// assert!(check_transition(&history, &at(Stage::PartnersVisited, "2024-07-01", None)).is_err());
/// assert!(check_transition(&history, &at(Stage::PartnersVisited, "2024-07-01", Some("事務局の交代"))).is_ok());
/// ```
pub fn check_transition(
    history: &[StageTransition],
    next: &StageTransition,
) -> Result<(), StageError> {
    let Some(last) = history.last() else {
        return Ok(());
    };
    let fiscal_only =
        last.precision == DatePrecision::FiscalYear || next.precision == DatePrecision::FiscalYear;
    let before = if fiscal_only {
        next.fiscal_year() < last.fiscal_year()
    } else {
        next.on < last.on
    };
    if before {
        return Err(StageError::BeforeLast {
            on: next.on,
            last: last.on,
        });
    }
    let (from, to) = (last.stage, next.stage);
    if to.position() > from.position() {
        let expected = from.next().expect("a later stage exists");
        if to != expected {
            return Err(StageError::Skipped { from, to, expected });
        }
    } else if next.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(StageError::BackWithoutReason { from, to });
    }
    Ok(())
}

/// Checks a whole history, oldest first ([`check_transition`] for each).
pub fn check_history(history: &[StageTransition]) -> Result<(), (usize, StageError)> {
    for (i, next) in history.iter().enumerate() {
        check_transition(&history[..i], next).map_err(|e| (i, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(stage: Stage, on: &str, reason: Option<&str>) -> StageTransition {
        StageTransition {
            stage,
            on: on.parse().unwrap(),
            precision: DatePrecision::Day,
            reason: reason.map(str::to_owned),
            recorded_by: None,
            source: None,
            example: false,
        }
    }

    #[test]
    fn issue_21_stage_order_is_enforced() {
        let history = vec![
            at(Stage::Outreach, "2024-04-10", None),
            at(Stage::AreaSelected, "2024-05-10", None),
        ];
        assert_eq!(
            check_transition(&history, &at(Stage::PartnersVisited, "2024-06-01", None)),
            Err(StageError::Skipped {
                from: Stage::AreaSelected,
                to: Stage::PartnersVisited,
                expected: Stage::LeadBodyDecided,
            })
        );
        assert!(
            check_transition(&history, &at(Stage::LeadBodyDecided, "2024-06-01", None)).is_ok()
        );
        // Back, or staying, needs a reason that is not blank.
        for reason in [None, Some("  ")] {
            assert!(matches!(
                check_transition(&history, &at(Stage::Outreach, "2024-06-01", reason)),
                Err(StageError::BackWithoutReason { .. })
            ));
        }
        assert!(check_transition(
            &history,
            &at(Stage::Outreach, "2024-06-01", Some("担当課の変更"))
        )
        .is_ok());
        assert!(matches!(
            check_transition(&history, &at(Stage::LeadBodyDecided, "2024-05-01", None)),
            Err(StageError::BeforeLast { .. })
        ));
    }

    #[test]
    fn issue_21_fiscal_year_dates_compare_by_year() {
        let mut first = at(Stage::CouncilSetUp, "2014-04-01", None);
        first.precision = DatePrecision::FiscalYear;
        // A day in the same 年度 is not "before" a date known only by its 年度.
        let next = at(Stage::IssuesExtracted, "2014-04-01", None);
        assert!(check_transition(&[first.clone()], &next).is_ok());
        assert!(check_history(&[first, next]).is_ok());
        assert_eq!(
            DatePrecision::FiscalYear.show_ja("2018-04-01".parse().unwrap()),
            "2018年度（平成30年度）"
        );
        assert_eq!(
            DatePrecision::Day.show_ja("2022-05-31".parse().unwrap()),
            "2022年5月31日"
        );
    }

    #[test]
    fn stage_codes_round_trip() {
        for stage in Stage::ALL {
            assert_eq!(Stage::from_code(stage.code()), Some(stage));
        }
    }
}
