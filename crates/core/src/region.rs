//! Regions: prefecture → 二次医療圏 (secondary medical region) → municipality / ward
//! (N03 unit) → (later) 町丁目.
//!
//! - [`RegionTable`] is the authored table of one prefecture's 二次医療圏 and
//!   the N03 municipality / ward codes each contains (`data/regions/*.toml`).
//! - [`Municipality`] is one N03 unit with its boundary (WGS 84, lon/lat degrees).
//! - [`DesignatedCities`] are the 政令指定都市 and their wards, from those tables.
//! - [`dissolve`] builds a region's geometry as the union of its municipalities.
//! - [`BoundaryIndex`] assigns points to municipalities (and through the table,
//!   to regions): inside a polygon, else the nearest polygon within
//!   [`NEAREST_LIMIT_M`] metres (flagged), else suspect (flagged, not assigned).
//!
//! All geometry is WGS 84 in **longitude, latitude** order (x = lon, y = lat),
//! as in `GeoJSON` (RFC 7946).

mod assign;
mod catalog;
mod designated;
mod geojson;
mod geometry;
mod population;
mod table;

pub use assign::{Assignment, AssignmentMethod, BoundaryIndex, Placement, NEAREST_LIMIT_M};
pub use catalog::RegionCatalog;
pub use designated::{DesignatedCities, MunicipalityArea};
pub use geojson::{GeoJsonError, GeoJsonMultiPolygon};
pub use geometry::{area_m2, dissolve, make_valid, simplify};
pub use population::{region_populations, MunicipalPopulation, RegionPopulation};
pub use table::{
    Coverage, DesignatedCity, Prefecture, RegionTable, RegionTableError, SecondaryMedicalRegion,
};

use crate::MunicipalityCode;
use geo::MultiPolygon;

/// One N03 unit (行政区域): a city, town, village, or a ward of a designated city
/// (政令指定都市の区), with its boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct Municipality {
    /// Five-digit code (`N03_007`), e.g. `14207` 茅ヶ崎市, `14101` 横浜市鶴見区.
    pub code: MunicipalityCode,
    /// Prefecture name (`N03_001`), e.g. 神奈川県.
    pub prefecture_name: String,
    /// 支庁・振興局 name (`N03_002`), Hokkaido and some islands only.
    pub subprefecture_name: Option<String>,
    /// County (郡) or designated city (政令市) the unit belongs to (`N03_003`),
    /// e.g. 足柄下郡 or 横浜市; `None` for a city that is neither.
    pub county_or_city: Option<String>,
    /// The unit's own name (`N03_004`, or the ward name in editions that put it in
    /// `N03_005`), e.g. 茅ヶ崎市, 鶴見区, 箱根町.
    pub name: String,
    /// Boundary in WGS 84 degrees, x = longitude, y = latitude. Several N03
    /// features with the same code (islands) are one multipolygon.
    pub geometry: MultiPolygon<f64>,
}

impl Municipality {
    /// Name as written in addresses after the prefecture: county or city plus
    /// the unit's name, e.g. 横浜市鶴見区, 足柄下郡箱根町, 茅ヶ崎市.
    pub fn full_name(&self) -> String {
        match &self.county_or_city {
            Some(parent) => format!("{parent}{}", self.name),
            None => self.name.clone(),
        }
    }

    /// True for a ward (区) of a designated city (政令指定都市): its `N03_003` is a
    /// city name such as 横浜市.
    pub fn is_ward(&self) -> bool {
        self.county_or_city
            .as_deref()
            .is_some_and(|parent| parent.ends_with('市'))
    }
}
