//! The queries behind OGC API – Features (`/ogc`): three collections of a
//! [`Snapshot`] — `facilities` (active public facilities as points),
//! `regions` (二次医療圏 with a loaded boundary) and `municipalities`
//! (municipal and ward boundaries) — filtered by a bounding box, a time
//! interval (facilities: the time the record was last imported) and simple
//! property equality (the queryables), paged by `limit` and `offset`.
//! Coordinates are longitude, latitude in WGS 84 (OGC CRS84).

use crate::error::{AppError, AppResult};
use crate::snapshot::Snapshot;
use chrono::{DateTime, Utc};
use geo::{BoundingRect, Intersects, MultiPolygon, Rect};
use renkei_core::directory_index::DirectoryQuery;
use renkei_core::{FacilityId, KindCode, LonLat, MunicipalityCode, PublicFacility};

/// Default `limit`.
pub const DEFAULT_LIMIT: u32 = 10;
/// Largest `limit`; a larger one is served as this (OGC API – Features
/// lets a server cap it).
pub const MAX_LIMIT: u32 = 10_000;

/// The collections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    /// Active public facilities, as points.
    Facilities,
    /// 二次医療圏 with a loaded boundary, as multipolygons.
    Regions,
    /// Municipalities and wards with a loaded boundary, as multipolygons.
    Municipalities,
}

/// Every collection, in `/collections` order.
pub const COLLECTIONS: [Collection; 3] = [
    Collection::Facilities,
    Collection::Regions,
    Collection::Municipalities,
];

impl Collection {
    /// Its id in paths.
    pub fn id(self) -> &'static str {
        match self {
            Self::Facilities => "facilities",
            Self::Regions => "regions",
            Self::Municipalities => "municipalities",
        }
    }

    /// The collection called `id`, or a not-found `collection`.
    pub fn from_id(id: &str) -> AppResult<Self> {
        COLLECTIONS
            .into_iter()
            .find(|c| c.id() == id)
            .ok_or_else(|| AppError::NotFound {
                entity: "collection",
                id: id.to_owned(),
            })
    }

    /// Title, Japanese / English.
    pub fn title(self) -> &'static str {
        match self {
            Self::Facilities => "施設 / Facilities",
            Self::Regions => "二次医療圏 / Secondary medical regions",
            Self::Municipalities => "市区町村 / Municipalities and wards",
        }
    }

    /// What it holds.
    pub fn description(self) -> &'static str {
        match self {
            Self::Facilities => "小児在宅医療の資源（公開項目のみ、掲載中の施設）。datetime は最終取り込み日時 / Pediatric home-care resources: public fields of active facilities; datetime filters on the last import time",
            Self::Regions => "境界が取り込まれた二次医療圏（市区町村の境界を結合） / Secondary medical regions whose boundaries are loaded (dissolved municipal boundaries)",
            Self::Municipalities => "国土数値情報 行政区域 (N03) の市区町村・区 / Municipalities and wards from MLIT N03",
        }
    }

    /// The properties that filter by equality (OGC Part 3 queryables), with
    /// what each holds.
    pub fn queryables(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Facilities => &[
                ("kind", "施設種別コード / facility kind code (e.g. visiting_nurse)"),
                ("region_code", "二次医療圏コード / secondary medical region code (e.g. 1407)"),
                ("municipality_code", "市区町村コード / municipality code (e.g. 14207); a designated city includes its wards"),
            ],
            Self::Regions => &[("prefecture_code", "都道府県コード / prefecture code (e.g. 14)")],
            Self::Municipalities => &[
                ("region_code", "二次医療圏コード / secondary medical region code"),
                ("prefecture_code", "都道府県コード / prefecture code"),
            ],
        }
    }
}

/// A bounding box: west, south, east, north in degrees (CRS84).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bbox(pub [f64; 4]);

impl Bbox {
    /// The box, checked: four finite numbers, south ≤ north, in range. A box
    /// whose west is east of its east crosses the antimeridian.
    pub fn new(values: [f64; 4]) -> AppResult<Self> {
        let [w, s, e, n] = values;
        let lon = |v: f64| (-180.0..=180.0).contains(&v);
        let lat = |v: f64| (-90.0..=90.0).contains(&v);
        if !(lon(w) && lon(e) && lat(s) && lat(n) && s <= n) {
            return Err(AppError::invalid(
                "bbox",
                "bbox は 西,南,東,北 の経緯度 (度, 南 ≤ 北) で指定してください",
                "give bbox as west,south,east,north in degrees (south ≤ north)",
            ));
        }
        Ok(Self(values))
    }

    fn rects(self) -> Vec<Rect<f64>> {
        let [w, s, e, n] = self.0;
        let rect = |w: f64, e: f64| Rect::new((w, s), (e, n));
        if w <= e {
            vec![rect(w, e)]
        } else {
            vec![rect(w, 180.0), rect(-180.0, e)]
        }
    }

    fn contains(self, point: LonLat) -> bool {
        let [west, south, east, north] = self.0;
        let inside_lon = if west <= east {
            (west..=east).contains(&point.lon())
        } else {
            point.lon() >= west || point.lon() <= east
        };
        inside_lon && (south..=north).contains(&point.lat())
    }

    fn intersects(self, geometry: &MultiPolygon<f64>) -> bool {
        self.rects().iter().any(|r| r.intersects(geometry))
    }
}

/// One items request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemsQuery {
    /// Only features intersecting this box.
    pub bbox: Option<Bbox>,
    /// Facilities imported in this interval (either end open); ignored by
    /// the area collections, which have no time.
    pub datetime: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    /// Equality filters on queryables: (name, value).
    pub properties: Vec<(String, String)>,
    /// Features to skip.
    pub offset: usize,
    /// Features to return, 1–[`MAX_LIMIT`].
    pub limit: u32,
}

/// A page of features and how many match over all pages.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemsPage<T> {
    /// The page.
    pub items: Vec<T>,
    /// Features matching over all pages.
    pub matched: usize,
}

/// A region or municipality as a feature.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaFeature {
    /// Region (4 digits) or municipality (5 digits) code: the feature id.
    pub code: String,
    /// Japanese name (a municipality's full name, e.g. 横浜市鶴見区).
    pub name_ja: String,
    /// English name, when the table gives one.
    pub name_en: Option<String>,
    /// Prefecture code.
    pub prefecture_code: String,
    /// Prefecture name.
    pub prefecture: String,
    /// A municipality's 二次医療圏.
    pub region_code: Option<String>,
    /// The boundary, lon/lat WGS 84.
    pub geometry: MultiPolygon<f64>,
}

fn bad_property(collection: Collection, name: &str) -> AppError {
    let known: Vec<&str> = collection.queryables().iter().map(|(n, _)| *n).collect();
    AppError::invalid(
        "property",
        format!(
            "{name} では絞り込めません（使えるもの: {}）",
            known.join(", ")
        ),
        format!(
            "{name} is not a queryable of this collection (use {})",
            known.join(", ")
        ),
    )
}

fn page<T>(matching: Vec<T>, query: &ItemsQuery) -> ItemsPage<T> {
    let matched = matching.len();
    let items = matching
        .into_iter()
        .skip(query.offset)
        .take(query.limit.clamp(1, MAX_LIMIT) as usize)
        .collect();
    ItemsPage { items, matched }
}

/// The filter of facility queryables `properties`, or an invalid one.
fn facility_filter(
    snapshot: &Snapshot,
    properties: &[(String, String)],
) -> AppResult<DirectoryQuery> {
    let mut filter = DirectoryQuery::default();
    for (name, value) in properties {
        match name.as_str() {
            "kind" => {
                filter.kind = Some(
                    KindCode::new(value)
                        .map_err(|e| AppError::invalid("kind", e.to_string(), e.to_string()))?,
                );
            }
            "region_code" => {
                let code = crate::regions::parse_region("region_code", value)?;
                snapshot.regions().find_region(&code)?;
                filter.region = Some(code);
            }
            "municipality_code" => {
                let code = MunicipalityCode::new(value).map_err(|e| {
                    AppError::invalid("municipality_code", e.to_string(), e.to_string())
                })?;
                filter.municipality = Some(snapshot.regions().municipality_area(&code));
            }
            other => return Err(bad_property(Collection::Facilities, other)),
        }
    }
    Ok(filter)
}

/// A page of active public facilities.
pub fn facilities(snapshot: &Snapshot, query: &ItemsQuery) -> AppResult<ItemsPage<PublicFacility>> {
    let filter = facility_filter(snapshot, &query.properties)?;
    let (from, to) = query.datetime;
    let directory = snapshot.directory();
    let timed = from.is_some() || to.is_some();
    let matching: Vec<FacilityId> = directory
        .listed(&filter)
        .filter(|l| {
            query
                .bbox
                .is_none_or(|b| l.position().is_some_and(|p| b.contains(p)))
        })
        .filter(|l| {
            !timed || {
                let at = l.facility().provenance.imported_at;
                from.is_none_or(|f| at >= f) && to.is_none_or(|t| at <= t)
            }
        })
        .map(|l| l.id())
        .collect();
    let ids = page(matching, query);
    Ok(ItemsPage {
        items: ids
            .items
            .into_iter()
            .filter_map(|id| directory.get(id).and_then(PublicFacility::new))
            .collect(),
        matched: ids.matched,
    })
}

/// One active public facility by id (the feature id), or a not-found `feature`.
pub fn facility(snapshot: &Snapshot, id: FacilityId) -> AppResult<PublicFacility> {
    crate::facilities::facility(snapshot, id)
        .ok()
        .filter(|f| f.status == renkei_core::FacilityStatus::Active)
        .ok_or_else(|| AppError::NotFound {
            entity: "feature",
            id: id.to_string(),
        })
}

/// Every feature of an area collection, in code order.
fn areas(snapshot: &Snapshot, collection: Collection) -> Vec<AreaFeature> {
    let catalog = &snapshot.regions().catalog;
    match collection {
        Collection::Facilities => Vec::new(),
        Collection::Regions => catalog
            .regions()
            .filter_map(|(prefecture, region)| {
                Some(AreaFeature {
                    code: region.code.to_string(),
                    name_ja: region.name_ja.clone(),
                    name_en: region.name_en.clone(),
                    prefecture_code: prefecture.code.to_string(),
                    prefecture: prefecture.name_ja.clone(),
                    region_code: None,
                    geometry: catalog.geometry(&region.code)?.clone(),
                })
            })
            .collect(),
        Collection::Municipalities => catalog
            .boundaries()
            .map(|index| {
                index
                    .municipalities()
                    .iter()
                    .map(|unit| AreaFeature {
                        code: unit.code.to_string(),
                        name_ja: unit.full_name(),
                        name_en: None,
                        prefecture_code: unit.code.as_str()[..2].to_owned(),
                        prefecture: unit.prefecture_name.clone(),
                        region_code: catalog.region_of(&unit.code).map(ToString::to_string),
                        geometry: unit.geometry.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// A page of regions or municipalities.
pub fn area_items(
    snapshot: &Snapshot,
    collection: Collection,
    query: &ItemsQuery,
) -> AppResult<ItemsPage<AreaFeature>> {
    for (name, _) in &query.properties {
        if !collection.queryables().iter().any(|(n, _)| n == name) {
            return Err(bad_property(collection, name));
        }
    }
    let matching = areas(snapshot, collection)
        .into_iter()
        .filter(|a| query.bbox.is_none_or(|b| b.intersects(&a.geometry)))
        .filter(|a| {
            query
                .properties
                .iter()
                .all(|(name, value)| match name.as_str() {
                    "region_code" => a.region_code.as_deref() == Some(value.as_str()),
                    _ => a.prefecture_code == *value,
                })
        })
        .collect();
    Ok(page(matching, query))
}

/// One region or municipality by code, or a not-found `feature`.
pub fn area(snapshot: &Snapshot, collection: Collection, code: &str) -> AppResult<AreaFeature> {
    areas(snapshot, collection)
        .into_iter()
        .find(|a| a.code == code)
        .ok_or_else(|| AppError::NotFound {
            entity: "feature",
            id: code.to_owned(),
        })
}

/// The bounding box of a collection's features ([west, south, east, north]),
/// `None` when it has none with a geometry.
pub fn extent(snapshot: &Snapshot, collection: Collection) -> Option<[f64; 4]> {
    let rects: Vec<Rect<f64>> = match collection {
        Collection::Facilities => snapshot
            .directory()
            .listed(&DirectoryQuery::default())
            .filter_map(|l| l.position())
            .map(|p| Rect::new((p.lon(), p.lat()), (p.lon(), p.lat())))
            .collect(),
        area => areas(snapshot, area)
            .iter()
            .filter_map(|a| a.geometry.bounding_rect())
            .collect(),
    };
    rects.into_iter().fold(None, |acc, r| {
        let [w, s, e, n] = acc.unwrap_or([r.min().x, r.min().y, r.max().x, r.max().y]);
        Some([
            w.min(r.min().x),
            s.min(r.min().y),
            e.max(r.max().x),
            n.max(r.max().y),
        ])
    })
}
