//! Japanese eras (元号) and fiscal years (年度), for dates and years shown to
//! readers in Japan.
//!
//! Eras begin on their official start dates (昭和 1926-12-25, 平成 1989-01-08,
//! 令和 2019-05-01) and their first year is 元年. A fiscal year (年度) runs
//! from 1 April to 31 March and is named by the calendar year it starts in:
//! 「2014年度（平成26年度）」.
//!
//! A fiscal year in which the era changed (1988年度, 2019年度) takes the era
//! in force at the end of the calendar year it starts in: 2019年度 is
//! 「令和元年度」, the name government documents gave it from 1 May 2019 on
//! (「平成31年度」 appears only in papers written before then), and 1988年度
//! stays 「昭和63年度」 because 平成 began after 1988 ended. One fiscal year
//! has one name, so a table sorted by 年度 never lists the same year twice.
//!
//! ```
//! use chrono::NaiveDate;
//! use renkei_core::era::{EraYear, FiscalYear};
//! let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//! assert_eq!(EraYear::of(day(2019, 4, 30)).unwrap().to_string(), "平成31年");
//! assert_eq!(EraYear::of(day(2019, 5, 1)).unwrap().to_string(), "令和元年");
//! assert_eq!(FiscalYear::of(day(2015, 3, 31)).label_ja(), "2014年度（平成26年度）");
//! assert_eq!(FiscalYear::new(2019).label_ja(), "2019年度（令和元年度）");
//! ```

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A Japanese era (元号) with its official start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Era {
    /// Its name, e.g. 令和.
    pub name_ja: &'static str,
    /// Its romanised name, e.g. Reiwa.
    pub name_en: &'static str,
    /// Its first day (year, month, day).
    start: (i32, u32, u32),
}

impl Era {
    /// The first day of the era.
    #[must_use]
    pub fn start(&self) -> NaiveDate {
        let (y, m, d) = self.start;
        NaiveDate::from_ymd_opt(y, m, d).expect("era start dates are valid")
    }
}

/// The eras renkei names, newest first. Dates before 昭和 are shown in the
/// Western calendar only.
pub const ERAS: [Era; 3] = [
    Era {
        name_ja: "令和",
        name_en: "Reiwa",
        start: (2019, 5, 1),
    },
    Era {
        name_ja: "平成",
        name_en: "Heisei",
        start: (1989, 1, 8),
    },
    Era {
        name_ja: "昭和",
        name_en: "Shōwa",
        start: (1926, 12, 25),
    },
];

/// A year of an era: 令和元年, 平成31年.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EraYear {
    /// The era.
    pub era: Era,
    /// The year within it, 1 for 元年.
    pub year: i32,
}

impl EraYear {
    /// The era year a day falls in; `None` before 昭和.
    #[must_use]
    pub fn of(day: NaiveDate) -> Option<Self> {
        let era = ERAS.iter().find(|era| day >= era.start())?;
        Some(Self {
            era: *era,
            year: day.year() - era.start().year() + 1,
        })
    }

    /// The year number as written: 元 for 1, else digits.
    #[must_use]
    pub fn number_ja(&self) -> String {
        if self.year == 1 {
            "元".to_owned()
        } else {
            self.year.to_string()
        }
    }
}

impl fmt::Display for EraYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}年", self.era.name_ja, self.number_ja())
    }
}

/// A Japanese fiscal year (年度), 1 April to 31 March, named by the calendar
/// year it starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FiscalYear(i32);

impl FiscalYear {
    /// The fiscal year starting on 1 April of `year`.
    #[must_use]
    pub fn new(year: i32) -> Self {
        Self(year)
    }

    /// The fiscal year a day falls in (January–March belong to the year before).
    #[must_use]
    pub fn of(day: NaiveDate) -> Self {
        Self(if day.month() >= 4 {
            day.year()
        } else {
            day.year() - 1
        })
    }

    /// The calendar year it starts in.
    #[must_use]
    pub fn year(self) -> i32 {
        self.0
    }

    /// Its first day, 1 April.
    #[must_use]
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).expect("1 April exists")
    }

    /// Its last day, 31 March of the next year.
    #[must_use]
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).expect("31 March exists")
    }

    /// The era year that names it: that of 31 December of the year it starts
    /// in (see the module notes on 2019年度); `None` before 昭和.
    #[must_use]
    pub fn era_year(self) -> Option<EraYear> {
        EraYear::of(NaiveDate::from_ymd_opt(self.0, 12, 31).expect("31 December exists"))
    }

    /// 「2014年度（平成26年度）」, or 「1920年度」 before 昭和.
    #[must_use]
    pub fn label_ja(self) -> String {
        match self.era_year() {
            Some(era) => format!(
                "{}年度（{}{}年度）",
                self.0,
                era.era.name_ja,
                era.number_ja()
            ),
            None => format!("{}年度", self.0),
        }
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label_ja())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn issue_21_era_boundaries() {
        assert_eq!(
            EraYear::of(day(2019, 4, 30)).unwrap().to_string(),
            "平成31年"
        );
        assert_eq!(
            EraYear::of(day(2019, 5, 1)).unwrap().to_string(),
            "令和元年"
        );
        assert_eq!(EraYear::of(day(2020, 1, 1)).unwrap().to_string(), "令和2年");
        assert_eq!(
            EraYear::of(day(1989, 1, 7)).unwrap().to_string(),
            "昭和64年"
        );
        assert_eq!(
            EraYear::of(day(1989, 1, 8)).unwrap().to_string(),
            "平成元年"
        );
        assert_eq!(
            EraYear::of(day(1926, 12, 25)).unwrap().to_string(),
            "昭和元年"
        );
        assert_eq!(EraYear::of(day(1926, 12, 24)), None);
    }

    #[test]
    fn issue_21_fiscal_years_run_april_to_march() {
        assert_eq!(FiscalYear::of(day(2015, 3, 31)), FiscalYear::new(2014));
        assert_eq!(FiscalYear::of(day(2015, 4, 1)), FiscalYear::new(2015));
        assert_eq!(FiscalYear::new(2014).first_day(), day(2014, 4, 1));
        assert_eq!(FiscalYear::new(2014).last_day(), day(2015, 3, 31));
        assert_eq!(FiscalYear::new(2014).label_ja(), "2014年度（平成26年度）");
        assert_eq!(FiscalYear::new(2022).label_ja(), "2022年度（令和4年度）");
    }

    #[test]
    fn issue_21_a_fiscal_year_spanning_an_era_change_has_one_name() {
        // 2019年度 began in 平成31年 and ended in 令和2年: it is 令和元年度.
        assert_eq!(
            FiscalYear::of(day(2019, 4, 30)),
            FiscalYear::of(day(2019, 5, 1))
        );
        assert_eq!(FiscalYear::new(2019).label_ja(), "2019年度（令和元年度）");
        assert_eq!(FiscalYear::new(2018).label_ja(), "2018年度（平成30年度）");
        // 平成 began on 1989-01-08, after 1988 ended: 1988年度 is 昭和63年度.
        assert_eq!(FiscalYear::new(1988).label_ja(), "1988年度（昭和63年度）");
        assert_eq!(FiscalYear::new(1989).label_ja(), "1989年度（平成元年度）");
        assert_eq!(FiscalYear::new(1920).label_ja(), "1920年度");
    }
}
