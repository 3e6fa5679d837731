//! Fiscal years (年度): stored as the western year in which the fiscal year
//! begins (April), parsed from either western or Japanese-era notation, and
//! displayed in 和暦.
//!
//! A Japanese fiscal year runs from April to March, so the year in which an era
//! changes belongs to both eras: FY2019 is 平成31年度 and 令和元年度 (the new era
//! began on 1 May 2019), FY1989 is 昭和64年度 and 平成元年度. Display uses the
//! newer era, as city documents do.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Lowest fiscal year accepted (the Local Autonomy Act took effect in 1947).
pub const MIN_YEAR: u16 = 1947;
/// Highest fiscal year accepted.
pub const MAX_YEAR: u16 = 2100;

/// An era: its Japanese name, the one-letter abbreviation and the western year
/// that is its 元年.
struct Era {
    name: &'static str,
    letter: char,
    first: u16,
    /// Last era-year that can still be written (the year of the next era's 元年).
    last: u16,
}

const ERAS: [Era; 5] = [
    Era {
        name: "令和",
        letter: 'R',
        first: 2019,
        last: u16::MAX,
    },
    Era {
        name: "平成",
        letter: 'H',
        first: 1989,
        last: 31,
    },
    Era {
        name: "昭和",
        letter: 'S',
        first: 1926,
        last: 64,
    },
    Era {
        name: "大正",
        letter: 'T',
        first: 1912,
        last: 15,
    },
    Era {
        name: "明治",
        letter: 'M',
        first: 1868,
        last: 45,
    },
];

/// A fiscal year, e.g. `FiscalYear(2019)` for 令和元年度.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct FiscalYear(pub u16);

/// Why a fiscal year could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FiscalYearError {
    /// Not a year in any notation we know.
    Malformed(String),
    /// A well-formed year outside [`MIN_YEAR`]..=[`MAX_YEAR`].
    OutOfRange(i64),
    /// An era year that the era never reached, e.g. `H32`.
    EraOverflow(String),
}

impl fmt::Display for FiscalYearError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FiscalYearError::Malformed(s) => write!(
                f,
                "「{}」は年度として読めません（2019、R1、令和元年度、H31 のように書いてください）",
                crate::diag::excerpt(s)
            ),
            FiscalYearError::OutOfRange(y) => write!(
                f,
                "年度 {y} は範囲外です（{MIN_YEAR}〜{MAX_YEAR} の間で書いてください）"
            ),
            FiscalYearError::EraOverflow(s) => {
                write!(
                    f,
                    "「{}」という年は存在しません（元号の範囲を超えています）",
                    crate::diag::excerpt(s)
                )
            }
        }
    }
}

impl std::error::Error for FiscalYearError {}

impl FiscalYear {
    /// Checks the range of a western year.
    pub fn from_western(year: i64) -> Result<Self, FiscalYearError> {
        if (MIN_YEAR as i64..=MAX_YEAR as i64).contains(&year) {
            Ok(FiscalYear(year as u16))
        } else {
            Err(FiscalYearError::OutOfRange(year))
        }
    }

    /// Parses `2019`, `2019年度`, `R1`, `R01`, `R元`, `令和元年度`, `令和1年`,
    /// `H31`, `平成31年度`, full-width digits included.
    pub fn parse(input: &str) -> Result<Self, FiscalYearError> {
        let normalized = to_halfwidth(input.trim()).to_ascii_uppercase();
        let mut rest = normalized.as_str();
        for suffix in ["年度", "年", "FY"] {
            if let Some(r) = rest.strip_suffix(suffix) {
                rest = r;
                break;
            }
        }
        let rest = rest.strip_prefix("FY").unwrap_or(rest).trim();
        let malformed = || FiscalYearError::Malformed(input.to_string());
        if rest.is_empty() {
            return Err(malformed());
        }
        if rest.chars().all(|c| c.is_ascii_digit()) {
            let year: i64 = rest.parse().map_err(|_| malformed())?;
            if rest.len() != 4 {
                return Err(malformed());
            }
            return Self::from_western(year);
        }
        for era in &ERAS {
            let tail = if let Some(t) = rest.strip_prefix(era.name) {
                t
            } else if let Some(t) = rest.strip_prefix(era.letter) {
                t
            } else {
                continue;
            };
            let tail = tail.trim_start_matches('.').trim();
            let n: u16 = if tail == "元" {
                1
            } else if !tail.is_empty()
                && tail.len() <= 2
                && tail.chars().all(|c| c.is_ascii_digit())
            {
                tail.parse().map_err(|_| malformed())?
            } else {
                return Err(malformed());
            };
            if n == 0 {
                return Err(malformed());
            }
            if n > era.last {
                return Err(FiscalYearError::EraOverflow(input.to_string()));
            }
            return Self::from_western(era.first as i64 + n as i64 - 1);
        }
        Err(malformed())
    }

    /// The western year.
    pub fn year(self) -> u16 {
        self.0
    }

    /// 和暦 with the newer era at a boundary: `令和元年度`, `平成30年度`.
    pub fn wareki(self) -> String {
        let (name, n) = self.era_year();
        if n == 1 {
            format!("{name}元年度")
        } else {
            format!("{name}{n}年度")
        }
    }

    /// Short form: `R1`, `H30`.
    pub fn short(self) -> String {
        for era in &ERAS {
            if self.0 >= era.first {
                return format!("{}{}", era.letter, self.0 - era.first + 1);
            }
        }
        self.0.to_string()
    }

    /// The reading form used on pages: `令和元年度（2019年度）`.
    pub fn display_ja(self) -> String {
        format!("{}（{}年度）", self.wareki(), self.0)
    }

    fn era_year(self) -> (&'static str, u16) {
        for era in &ERAS {
            if self.0 >= era.first {
                return (era.name, self.0 - era.first + 1);
            }
        }
        ("", self.0)
    }
}

/// Full-width ASCII letters and digits (Ａ, ３) to their half-width forms.
pub fn to_halfwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '！'..='～' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl<'de> Deserialize<'de> for FiscalYear {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = FiscalYear;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a fiscal year such as 2019, R1 or 令和元年度")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<FiscalYear, E> {
                FiscalYear::from_western(v.min(i64::MAX as u64) as i64).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<FiscalYear, E> {
                FiscalYear::from_western(v).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<FiscalYear, E> {
                FiscalYear::parse(v).map_err(E::custom)
            }
        }
        // Binary formats (the build cache) cannot ask for "any": they hold
        // the year as the number it serializes to.
        if !d.is_human_readable() {
            return u16::deserialize(d).map(FiscalYear);
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for FiscalYear {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FiscalYear".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "title": "年度",
            "description": "西暦（2019）または和暦（R1、令和元年度、H31）で書きます。",
            "anyOf": [
                { "type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR },
                { "type": "string", "pattern": "^(?:[0-9０-９]{4}|(?:[RHSTMrhstm]|令和|平成|昭和|大正|明治)\\.?(?:[0-9０-９]{1,2}|元))(?:年度|年)?$" }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> u16 {
        FiscalYear::parse(s).map(|y| y.0).unwrap_or(0)
    }

    #[test]
    fn reiwa_heisei_boundary() {
        assert_eq!(p("R1"), 2019);
        assert_eq!(p("令和元年度"), 2019);
        assert_eq!(p("H31"), 2019);
        assert_eq!(p("平成31年度"), 2019);
        assert_eq!(p("H30"), 2018);
        assert_eq!(p("R2"), 2020);
        assert_eq!(FiscalYear(2019).wareki(), "令和元年度");
        assert_eq!(FiscalYear(2018).wareki(), "平成30年度");
        assert_eq!(FiscalYear(2020).wareki(), "令和2年度");
        assert_eq!(FiscalYear(2019).display_ja(), "令和元年度（2019年度）");
        assert_eq!(FiscalYear(2019).short(), "R1");
        assert_eq!(FiscalYear(2018).short(), "H30");
    }

    #[test]
    fn showa_heisei_boundary() {
        assert_eq!(p("S64"), 1989);
        assert_eq!(p("H1"), 1989);
        assert_eq!(p("平成元年度"), 1989);
        assert_eq!(p("S63"), 1988);
        assert_eq!(FiscalYear(1989).wareki(), "平成元年度");
        assert_eq!(FiscalYear(1988).wareki(), "昭和63年度");
    }

    #[test]
    fn western_and_width_variants() {
        assert_eq!(p("2019"), 2019);
        assert_eq!(p("２０１９年度"), 2019);
        assert_eq!(p("Ｒ３"), 2021);
        assert_eq!(p("r03"), 2021);
        assert_eq!(p("H27"), 2015);
    }

    #[test]
    fn rejects_bad_years() {
        assert_eq!(
            FiscalYear::parse("H32"),
            Err(FiscalYearError::EraOverflow("H32".into()))
        );
        assert_eq!(
            FiscalYear::parse("1900"),
            Err(FiscalYearError::OutOfRange(1900))
        );
        assert!(matches!(
            FiscalYear::parse("R"),
            Err(FiscalYearError::Malformed(_))
        ));
        assert!(matches!(
            FiscalYear::parse("19"),
            Err(FiscalYearError::Malformed(_))
        ));
        assert!(matches!(
            FiscalYear::parse("R0"),
            Err(FiscalYearError::Malformed(_))
        ));
        assert!(matches!(
            FiscalYear::parse("来年"),
            Err(FiscalYearError::Malformed(_))
        ));
    }
}
