//! The base map query: what renkei's own light background shows inside a
//! box — stations (one per station, with its lines) and rail lines, with the
//! licences and credits they must be drawn with. Vector tiles and printed
//! maps read it, so both show the same background.

use crate::snapshot::Snapshot;
use renkei_core::basemap::{Bbox, RailLine, StationGroup};

/// Credit of 国土数値情報 鉄道データ (N02), the station layer's source.
pub const STATIONS_CREDIT: &str =
    "「国土数値情報（鉄道データ）」（国土交通省）を加工して作成（国土数値情報利用約款）";

/// The base layers inside one box (WGS 84 longitude, latitude).
#[derive(Debug, Clone)]
pub struct BaseLayersIn<'a> {
    /// Stations whose point is inside, one per station.
    pub stations: Vec<StationGroup>,
    /// Rail lines with a part meeting the box, as stored (not clipped).
    pub rail_lines: Vec<&'a RailLine>,
    /// Each licence of the rail lines once, with its credit (`CC BY-SA 4.0`
    /// for the station_database polylines: a layer drawn from them is
    /// share-alike and says so).
    pub rail_credits: Vec<(&'a str, &'a str)>,
}

/// Stations and rail lines of `snapshot` inside `bbox`.
pub fn base_layers_in(snapshot: &Snapshot, bbox: Bbox) -> BaseLayersIn<'_> {
    let layers = snapshot.base_layers();
    BaseLayersIn {
        stations: layers.station_groups_in(bbox),
        rail_lines: layers.rail_lines_in(bbox).collect(),
        rail_credits: layers.rail_credits(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use renkei_core::basemap::{BaseLayers, Station};
    use renkei_core::LonLat;

    #[test]
    fn issue_18_base_layers_of_a_box_with_their_licences() {
        let point = |lon: f64| LonLat::new(lon, 35.33).unwrap();
        let layers = BaseLayers {
            stations: vec![
                Station {
                    code: "1".into(),
                    group: "g".into(),
                    name: "架空".into(),
                    line: "架空線".into(),
                    operator: "架空鉄道".into(),
                    position: point(139.40),
                },
                Station {
                    code: "2".into(),
                    group: "h".into(),
                    name: "遠方".into(),
                    line: "架空線".into(),
                    operator: "架空鉄道".into(),
                    position: point(141.0),
                },
            ],
            rail_lines: vec![RailLine {
                id: "1#0".into(),
                name: "架空線".into(),
                operator: "架空鉄道".into(),
                parts: vec![vec![point(139.3), point(139.5)]],
                licence: "CC BY-SA 4.0".into(),
                attribution: "架空の出典".into(),
            }],
        };
        let snapshot = Snapshot::new(
            renkei_core::directory_index::DirectoryIndex::build(Vec::new(), 0),
            crate::Regions::default(),
            renkei_core::geocode::Geocoder::default(),
        )
        .with_base_layers(layers);
        let bbox = Bbox {
            west: 139.0,
            south: 35.0,
            east: 140.0,
            north: 36.0,
        };
        let found = base_layers_in(&snapshot, bbox);
        assert_eq!(found.stations.len(), 1);
        assert_eq!(found.rail_lines.len(), 1);
        assert_eq!(found.rail_credits, [("CC BY-SA 4.0", "架空の出典")]);
    }
}
