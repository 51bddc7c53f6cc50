//! Where the children are: municipal counts spread over places, or counts per
//! mesh cell when a mesh population is imported.
//!
//! **The approximation.** Without mesh counts, a municipality's children
//! under 15 are shared out equally over its places (land cells or 町丁目
//! points). This ignores that some cells are forest and some are dense
//! housing; it is honest about totals (they equal the municipal counts
//! exactly) but not about where inside a municipality the children live.
//! Designated cities (政令指定都市, as the region data lists them) publish
//! city-level counts only, so a city's children are shared over the places of
//! all of its wards, and per-ward figures are estimates too.

use super::{Place, Site};
use crate::mesh::MeshCell;
use crate::region::{DesignatedCities, MunicipalPopulation};
use crate::{LonLat, MunicipalityCode};
use std::collections::{BTreeMap, HashMap};

/// A place that children can be counted at, before counting.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The cell or 町丁目.
    pub place: Place,
    /// Where distances are measured from (cell centre or town point), lon/lat.
    pub position: LonLat,
    /// The municipality / ward the place is in.
    pub municipality: MunicipalityCode,
    /// False for a coastal cell whose centre lies at sea: it gets no share of
    /// its municipality's children while the municipality has places that
    /// are on land, so a cell that is mostly sea never ranks as a gap.
    pub on_land: bool,
}

/// Places with their children, and the children that could not be placed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spread {
    /// One site per candidate, in the candidates' order.
    pub sites: Vec<Site>,
    /// Municipalities (or designated cities) whose children have no place to
    /// go (no land cell or town point loaded), with the count left out.
    pub unplaced: Vec<(MunicipalityCode, u64)>,
}

/// Shares each municipality's `under_15` equally over its `candidates` (see
/// the module docs), so that the sites of a municipality sum to its count
/// exactly: every site gets ⌊n / k⌋ and the first n mod k one more. A
/// designated city's row (one of `cities`) covers its wards' candidates
/// unless a ward has a row of its own.
///
/// ```
/// use renkei_core::coverage::{spread_population, Candidate, Place};
/// use renkei_core::region::{DesignatedCities, MunicipalPopulation};
/// use renkei_core::LonLat;
/// let candidate = |town: &str| Candidate {
///     place: Place::Town(town.into()),
///     position: LonLat::new(139.40, 35.33).unwrap(), // longitude, latitude
///     municipality: "47201".parse().unwrap(),
///     on_land: true,
/// };
/// let rows = [MunicipalPopulation { code: "47201".parse().unwrap(), name: "架空市".into(), total: 100, under_15: 10 }];
/// let spread = spread_population(vec![candidate("一丁目"), candidate("二丁目"), candidate("三丁目")], &rows, &DesignatedCities::default());
/// let children: Vec<u64> = spread.sites.iter().map(|s| s.children).collect();
/// assert_eq!(children, [4, 3, 3]);
/// ```
pub fn spread_population(
    candidates: Vec<Candidate>,
    rows: &[MunicipalPopulation],
    cities: &DesignatedCities,
) -> Spread {
    let mut by_code: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, candidate) in candidates.iter().enumerate() {
        by_code
            .entry(candidate.municipality.as_str())
            .or_default()
            .push(index);
    }
    let own_rows: HashMap<&str, &MunicipalPopulation> =
        rows.iter().map(|row| (row.code.as_str(), row)).collect();
    let mut children = vec![0_u64; candidates.len()];
    let mut unplaced = Vec::new();
    for row in rows {
        let members: Vec<usize> = cities
            .area(&row.code)
            .codes()
            .filter(|code| **code == row.code || !own_rows.contains_key(code.as_str()))
            .filter_map(|code| by_code.get(code.as_str()))
            .flat_map(|indices| indices.iter().copied())
            .collect();
        if members.is_empty() {
            if row.under_15 > 0 {
                unplaced.push((row.code.clone(), row.under_15));
            }
            continue;
        }
        // Children live on land: sea-centred cells share only when nothing else can.
        let on_land: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&index| candidates[index].on_land)
            .collect();
        let members = if on_land.is_empty() { members } else { on_land };
        let k = members.len() as u64;
        let (base, extra) = (row.under_15 / k, row.under_15 % k);
        for (rank, index) in members.into_iter().enumerate() {
            children[index] = base + u64::from((rank as u64) < extra);
        }
    }
    let sites = candidates
        .into_iter()
        .zip(children)
        .map(|(candidate, children)| Site {
            place: candidate.place,
            position: candidate.position,
            municipality: candidate.municipality,
            children,
        })
        .collect();
    Spread { sites, unplaced }
}

/// Children per cell from an imported mesh population: counts of half
/// meshes are added into their 3rd mesh; a count for a cell that is not among
/// `candidates` (all 3rd-mesh cells) is left out and reported per mesh code.
pub fn mesh_population(
    candidates: Vec<Candidate>,
    counts: &[(MeshCell, u64)],
) -> (Vec<Site>, Vec<(MeshCell, u64)>) {
    let mut per_cell: HashMap<MeshCell, u64> = HashMap::new();
    for (cell, count) in counts {
        if let Some(third) = cell.third() {
            *per_cell.entry(third).or_default() += count;
        }
    }
    let sites = candidates
        .into_iter()
        .map(|candidate| {
            let children = match &candidate.place {
                Place::Cell(cell) => per_cell.remove(cell).unwrap_or(0),
                Place::Town(_) => 0,
            };
            Site {
                place: candidate.place,
                position: candidate.position,
                municipality: candidate.municipality,
                children,
            }
        })
        .collect();
    let mut left: Vec<(MeshCell, u64)> = per_cell.into_iter().filter(|(_, n)| *n > 0).collect();
    left.sort_unstable();
    (sites, left)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::RegionTable;

    fn candidate(code: &str, n: usize) -> Candidate {
        Candidate {
            place: Place::Town(format!("架空町{n}")),
            position: LonLat::new(139.0, 35.0).unwrap(),
            municipality: code.parse().unwrap(),
            on_land: true,
        }
    }

    fn row(code: &str, under_15: u64) -> MunicipalPopulation {
        MunicipalPopulation {
            code: code.parse().unwrap(),
            name: format!("架空{code}"),
            total: under_15 * 8,
            under_15,
        }
    }

    #[test]
    fn totals_equal_the_municipal_counts_designated_cities_over_their_wards() {
        // 14100 横浜市 (city-level count only) over places in two of its wards;
        // 14207 in its own right; 14150 相模原市 with no place loaded.
        let mut candidates = Vec::new();
        for i in 0..7 {
            candidates.push(candidate("14101", i));
        }
        for i in 0..4 {
            candidates.push(candidate("14118", i));
        }
        for i in 0..3 {
            candidates.push(candidate("14207", i));
        }
        let rows = [row("14100", 50_003), row("14207", 29_999), row("14150", 80)];
        let table =
            RegionTable::from_toml(include_str!("../../../../data/regions/14_kanagawa.toml"))
                .unwrap();
        let spread = spread_population(candidates, &rows, &DesignatedCities::from_tables([&table]));
        let sum = |prefix: &str| -> u64 {
            spread
                .sites
                .iter()
                .filter(|s| s.municipality.as_str().starts_with(prefix))
                .map(|s| s.children)
                .sum()
        };
        assert_eq!(sum("141"), 50_003);
        assert_eq!(sum("14207"), 29_999);
        assert_eq!(spread.unplaced, vec![("14150".parse().unwrap(), 80)]);
        // 50,003 over 11 places: 4,545 each and 8 places one more.
        assert_eq!(spread.sites[0].children, 4_546);
        assert_eq!(spread.sites[10].children, 4_545);
    }

    #[test]
    fn issue_18_cells_centred_at_sea_get_no_children_while_their_municipality_has_land() {
        let at_sea = |n| Candidate {
            on_land: false,
            ..candidate("14207", n)
        };
        let spread = spread_population(
            vec![candidate("14207", 0), at_sea(1), candidate("14207", 2)],
            &[row("14207", 101)],
            &DesignatedCities::default(),
        );
        let children: Vec<u64> = spread.sites.iter().map(|s| s.children).collect();
        assert_eq!(children, [51, 0, 50]);
        // A municipality with sea-centred cells only still has its children placed.
        let spread = spread_population(
            vec![at_sea(0), at_sea(1)],
            &[row("14207", 9)],
            &DesignatedCities::default(),
        );
        assert_eq!(spread.sites.iter().map(|s| s.children).sum::<u64>(), 9);
        assert!(spread.unplaced.is_empty());
    }

    #[test]
    fn mesh_counts_add_half_meshes_into_their_cell() {
        let cell: MeshCell = "53390302".parse().unwrap();
        let candidates = vec![Candidate {
            place: Place::Cell(cell),
            position: cell.centre(),
            municipality: "14207".parse().unwrap(),
            on_land: true,
        }];
        let counts = [
            ("533903021".parse().unwrap(), 5),
            ("533903024".parse().unwrap(), 7),
            ("53390303".parse().unwrap(), 2),
        ];
        let (sites, left) = mesh_population(candidates, &counts);
        assert_eq!(sites[0].children, 12);
        assert_eq!(left, vec![("53390303".parse().unwrap(), 2)]);
    }
}
