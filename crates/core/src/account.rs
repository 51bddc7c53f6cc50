//! Staff accounts: who may sign in and what each may change.
//!
//! An account belongs to an organisation (the prefecture, a consultation desk,
//! a region's council) and has one [`Role`]; a region editor's changes are
//! limited to the areas of its [`Scope`]. Families never have accounts.

use crate::{MunicipalityCode, RegionCode};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Id of a stored account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub i64);

impl AccountId {
    /// The command line's own writes, which no account makes (stored ids start at 1).
    pub const SYSTEM: Self = Self(0);
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 県の管理者 (prefecture admin): every record, every account, every region.
    Admin,
    /// 圏域の編集者 (region editor): records inside its [`Scope`] only.
    RegionEditor,
    /// 相談窓口の職員 (desk staff): sees staff-only facts, edits inside its [`Scope`].
    DeskStaff,
    /// 無効 (disabled): cannot sign in.
    Disabled,
}

impl Role {
    /// Every role, in the order the documentation lists them.
    pub const ALL: [Self; 4] = [
        Self::Admin,
        Self::RegionEditor,
        Self::DeskStaff,
        Self::Disabled,
    ];

    /// Stored and API text: `admin`, `region_editor`, `desk_staff`, `disabled`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::RegionEditor => "region_editor",
            Self::DeskStaff => "desk_staff",
            Self::Disabled => "disabled",
        }
    }

    /// Japanese label for people.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Admin => "県の管理者",
            Self::RegionEditor => "圏域の編集者",
            Self::DeskStaff => "相談窓口の職員",
            Self::Disabled => "無効",
        }
    }

    /// Parses [`Role::as_str`] text; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// True for roles that may sign in and see staff-only facts.
    pub fn is_staff(self) -> bool {
        self != Self::Disabled
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The areas an account's changes are limited to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    /// Every area (the prefecture, or a desk working prefecture-wide).
    #[default]
    All,
    /// These 二次医療圏 (secondary medical regions) and municipalities.
    Areas {
        /// 二次医療圏 codes (4 digits).
        regions: Vec<RegionCode>,
        /// Municipality or ward codes (5 digits); a designated city's code
        /// covers its wards.
        municipalities: Vec<MunicipalityCode>,
    },
}

/// A scope text that is not a list of area codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code:?} is neither a 4-digit 二次医療圏 code nor a 5-digit municipality code")]
pub struct ScopeError {
    /// The code at fault.
    pub code: String,
}

impl Scope {
    /// Parses `*` (or nothing) as [`Scope::All`], else codes separated by
    /// spaces or commas: 4 digits a 二次医療圏, 5 digits a municipality.
    ///
    /// ```
    /// use renkei_core::account::Scope;
    /// let scope = Scope::parse("1407, 14207").unwrap();
    /// assert_eq!(scope.to_text(), "1407 14207");
    /// assert_eq!(Scope::parse("*").unwrap(), Scope::All);
    /// ```
    pub fn parse(text: &str) -> Result<Self, ScopeError> {
        let codes: Vec<&str> = text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|code| !code.is_empty())
            .collect();
        if codes.is_empty() || codes == ["*"] {
            return Ok(Self::All);
        }
        let mut regions = Vec::new();
        let mut municipalities = Vec::new();
        for code in codes {
            let bad = || ScopeError {
                code: code.to_owned(),
            };
            match code.len() {
                4 => regions.push(RegionCode::new(code).map_err(|_| bad())?),
                5 => municipalities.push(MunicipalityCode::new(code).map_err(|_| bad())?),
                _ => return Err(bad()),
            }
        }
        regions.sort();
        regions.dedup();
        municipalities.sort();
        municipalities.dedup();
        Ok(Self::Areas {
            regions,
            municipalities,
        })
    }

    /// The text [`Scope::parse`] reads: `*`, or the codes separated by spaces.
    pub fn to_text(&self) -> String {
        match self {
            Self::All => "*".to_owned(),
            Self::Areas {
                regions,
                municipalities,
            } => regions
                .iter()
                .map(RegionCode::as_str)
                .chain(municipalities.iter().map(MunicipalityCode::as_str))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// True when a record placed in `region` and `municipality` is inside
    /// this scope. A record with no placement is inside [`Scope::All`] only.
    pub fn covers(
        &self,
        region: Option<&RegionCode>,
        municipality: Option<&MunicipalityCode>,
    ) -> bool {
        match self {
            Self::All => true,
            Self::Areas {
                regions,
                municipalities,
            } => {
                region.is_some_and(|code| regions.contains(code))
                    || municipality.is_some_and(|code| {
                        municipalities
                            .iter()
                            .any(|allowed| allowed == code || covers_ward(allowed, code))
                    })
            }
        }
    }

    /// True when every record of 二次医療圏 `region` is inside this scope.
    pub fn covers_region(&self, region: &RegionCode) -> bool {
        match self {
            Self::All => true,
            Self::Areas { regions, .. } => regions.contains(region),
        }
    }
}

/// A designated city's code (`14100` 横浜市) covers its wards (`14101`…`14199`):
/// city codes end in `00` and its wards share the first three digits.
fn covers_ward(city: &MunicipalityCode, ward: &MunicipalityCode) -> bool {
    let (city, ward) = (city.as_str(), ward.as_str());
    city.ends_with("00") && city[..3] == ward[..3] && city[3..] != ward[3..]
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str) -> RegionCode {
        RegionCode::new(code).unwrap()
    }

    fn city(code: &str) -> MunicipalityCode {
        MunicipalityCode::new(code).unwrap()
    }

    #[test]
    fn roles_round_trip_their_text() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(!Role::Disabled.is_staff());
    }

    #[test]
    fn scope_covers_its_regions_municipalities_and_wards() {
        let scope = Scope::parse("1407 14100").unwrap();
        assert!(scope.covers(Some(&region("1407")), Some(&city("14207"))));
        assert!(scope.covers(Some(&region("1401")), Some(&city("14101"))));
        assert!(!scope.covers(Some(&region("1408")), Some(&city("14212"))));
        assert!(!scope.covers(None, None));
        assert!(Scope::All.covers(None, None));
        assert!(scope.covers_region(&region("1407")));
        assert!(!scope.covers_region(&region("1408")));
    }

    #[test]
    fn bad_scope_codes_are_named() {
        assert_eq!(Scope::parse("1407 abc").unwrap_err().code, "abc".to_owned());
        assert!(Scope::parse("123").is_err());
    }
}
