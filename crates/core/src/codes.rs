//! Official codes: prefecture (JIS X 0401), municipality / ward (全国地方公共団体コード
//! without check digit, as N03_007) and 二次医療圏 (secondary medical region).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a string is not a valid code of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Not the required number of ASCII digits.
    #[error("{kind} code {value:?} must be {digits} ASCII digits")]
    Digits {
        /// Which kind of code was expected.
        kind: &'static str,
        /// The rejected text.
        value: String,
        /// Required length.
        digits: usize,
    },
    /// Prefecture part outside 01–47.
    #[error("{kind} code {value:?} does not start with a prefecture code 01-47")]
    Prefecture {
        /// Which kind of code was expected.
        kind: &'static str,
        /// The rejected text.
        value: String,
    },
}

fn check_digits(kind: &'static str, value: &str, digits: usize) -> Result<(), CodeError> {
    if value.len() != digits || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeError::Digits {
            kind,
            value: value.to_owned(),
            digits,
        });
    }
    let prefecture: u8 = value[..2].parse().unwrap_or(0);
    if !(1..=47).contains(&prefecture) {
        return Err(CodeError::Prefecture {
            kind,
            value: value.to_owned(),
        });
    }
    Ok(())
}

macro_rules! digit_code {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $digits:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks and wraps a code.
            pub fn new(value: impl Into<String>) -> Result<Self, CodeError> {
                let value = value.into();
                check_digits($kind, &value, $digits)?;
                Ok(Self(value))
            }

            /// The code as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The prefecture this code belongs to.
            #[must_use]
            pub fn prefecture(&self) -> PrefectureCode {
                PrefectureCode(self.0[..2].to_owned())
            }
        }

        impl TryFrom<String> for $name {
            type Error = CodeError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl From<$name> for String {
            fn from(code: $name) -> Self {
                code.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = CodeError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }
    };
}

digit_code!(
    /// Prefecture code, two digits (JIS X 0401), e.g. `14` for 神奈川県.
    PrefectureCode, "prefecture", 2
);
digit_code!(
    /// Municipality or ward code, five digits as in N03_007 (e.g. `14207` 茅ヶ崎市,
    /// `14101` 横浜市鶴見区); designated cities also have a city-level code (`14100`).
    MunicipalityCode, "municipality", 5
);
digit_code!(
    /// 二次医療圏 (secondary medical region) code, four digits: prefecture + serial
    /// (e.g. `1407` 湘南東部).
    RegionCode, "region", 4
);

/// The 47 prefecture names in code order (JIS X 0401: 01 北海道 … 47 沖縄県).
const PREFECTURE_NAMES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// The 47 prefecture names in code order (北海道 … 沖縄県).
pub fn prefecture_names() -> impl Iterator<Item = &'static str> {
    PREFECTURE_NAMES.iter().copied()
}

impl PrefectureCode {
    /// The prefecture's name as addresses write it, e.g. 神奈川県 for `14`.
    pub fn name(&self) -> &'static str {
        let index: usize = self.0.parse().expect("validated as 01-47");
        PREFECTURE_NAMES[index - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_digits_and_prefecture() {
        assert_eq!(
            MunicipalityCode::new("14207")
                .unwrap()
                .prefecture()
                .as_str(),
            "14"
        );
        assert!(MunicipalityCode::new("1420").is_err());
        assert!(MunicipalityCode::new("１４２０７").is_err());
        assert!(MunicipalityCode::new("99207").is_err());
        assert!(RegionCode::new("1407").is_ok());
        assert!(RegionCode::new("0007").is_err());
        assert!(serde_json::from_str::<RegionCode>("\"14x7\"").is_err());
        assert_eq!(PrefectureCode::new("14").unwrap().name(), "神奈川県");
        assert_eq!(PrefectureCode::new("47").unwrap().name(), "沖縄県");
    }
}
