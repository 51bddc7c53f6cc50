//! Base-map rows: railway stations, rail lines and postcode points (#18).
//! Each file replaces its rows in one transaction with its import-run row.

use crate::dialect::Dialect;
use crate::params::Param;
use crate::regions::corrupt;
use crate::StoreResult;
use renkei_core::basemap::{PostcodePoint, RailLine, Station};
use renkei_core::LonLat;

const DELETE_STATIONS: &str = "DELETE FROM stations";
const INSERT_STATION: &str = "INSERT INTO stations (station_code, group_code, name, line_name, operator, lon, lat, source_file) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const SELECT_STATIONS: &str = "SELECT station_code, group_code, name, line_name, operator, lon, lat FROM stations ORDER BY station_code";
const DELETE_RAIL_LINES: &str = "DELETE FROM rail_lines";
const INSERT_RAIL_LINE: &str = "INSERT INTO rail_lines (line_id, name, operator, coordinates, licence, attribution, source_file) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
const SELECT_RAIL_LINES: &str =
    "SELECT line_id, name, operator, coordinates, licence, attribution FROM rail_lines ORDER BY line_id";
/// The postcodes of one prefecture (`$1`, two digits).
const DELETE_POSTCODES: &str = "DELETE FROM postcode_points WHERE prefecture_code = $1";
const INSERT_POSTCODE: &str =
    "INSERT INTO postcode_points (postcode, prefecture_code, city, town, lon, lat, source_file) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
const SELECT_POSTCODES: &str =
    "SELECT postcode, prefecture_code, city, town, lon, lat FROM postcode_points ORDER BY postcode";

/// Replaces every station with `stations` inside the transaction `conn`.
pub(crate) async fn replace_stations<D: Dialect>(
    conn: &mut D::Connection,
    source_file: &str,
    stations: &[Station],
) -> StoreResult<u64> {
    D::execute(conn, DELETE_STATIONS, &[]).await?;
    for s in stations {
        let args: [&dyn Param; 8] = [
            &s.code.as_str(),
            &s.group.as_str(),
            &s.name.as_str(),
            &s.line.as_str(),
            &s.operator.as_str(),
            &s.position.lon(),
            &s.position.lat(),
            &source_file,
        ];
        D::execute(conn, INSERT_STATION, &args).await?;
    }
    Ok(stations.len() as u64)
}

/// Every stored station.
pub(crate) async fn stations<D: Dialect>(conn: &mut D::Connection) -> StoreResult<Vec<Station>> {
    type Row = (String, String, String, String, String, f64, f64);
    let rows: Vec<Row> = D::fetch(conn, SELECT_STATIONS, &[]).await?;
    rows.into_iter()
        .map(|(code, group, name, line, operator, lon, lat)| {
            Ok(Station {
                position: LonLat::new(lon, lat).map_err(|e| corrupt("station", &code, &e))?,
                code,
                group,
                name,
                line,
                operator,
            })
        })
        .collect()
}

/// Replaces every rail line with `lines` inside the transaction `conn`.
pub(crate) async fn replace_rail_lines<D: Dialect>(
    conn: &mut D::Connection,
    source_file: &str,
    lines: &[RailLine],
) -> StoreResult<u64> {
    D::execute(conn, DELETE_RAIL_LINES, &[]).await?;
    for line in lines {
        let coordinates: Vec<Vec<[f64; 2]>> = line
            .parts
            .iter()
            .map(|part| part.iter().map(|p| [p.lon(), p.lat()]).collect())
            .collect();
        let coordinates =
            serde_json::to_string(&coordinates).map_err(|e| corrupt("rail_line", &line.id, &e))?;
        let args: [&dyn Param; 7] = [
            &line.id.as_str(),
            &line.name.as_str(),
            &line.operator.as_str(),
            &coordinates,
            &line.licence.as_str(),
            &line.attribution.as_str(),
            &source_file,
        ];
        D::execute(conn, INSERT_RAIL_LINE, &args).await?;
    }
    Ok(lines.len() as u64)
}

/// Every stored rail line.
pub(crate) async fn rail_lines<D: Dialect>(conn: &mut D::Connection) -> StoreResult<Vec<RailLine>> {
    type Row = (String, String, String, String, String, String);
    let rows: Vec<Row> = D::fetch(conn, SELECT_RAIL_LINES, &[]).await?;
    rows.into_iter()
        .map(|(id, name, operator, coordinates, licence, attribution)| {
            let parts: Vec<Vec<[f64; 2]>> =
                serde_json::from_str(&coordinates).map_err(|e| corrupt("rail_line", &id, &e))?;
            let parts = parts
                .into_iter()
                .map(|part| {
                    part.into_iter()
                        .map(|[lon, lat]| LonLat::new(lon, lat))
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| corrupt("rail_line", &id, &e))?;
            Ok(RailLine {
                id,
                name,
                operator,
                parts,
                licence,
                attribution,
            })
        })
        .collect()
}

/// Replaces the postcodes of every prefecture in `points` inside the transaction `conn`.
pub(crate) async fn replace_postcodes<D: Dialect>(
    conn: &mut D::Connection,
    source_file: &str,
    points: &[PostcodePoint],
) -> StoreResult<u64> {
    let mut prefectures: Vec<&str> = points.iter().map(|p| p.prefecture.as_str()).collect();
    prefectures.sort_unstable();
    prefectures.dedup();
    for prefecture in prefectures {
        D::execute(conn, DELETE_POSTCODES, &[&prefecture]).await?;
    }
    for point in points {
        let args: [&dyn Param; 7] = [
            &point.postcode.as_str(),
            &point.prefecture.as_str(),
            &point.city.as_str(),
            &point.town.as_str(),
            &point.position.lon(),
            &point.position.lat(),
            &source_file,
        ];
        D::execute(conn, INSERT_POSTCODE, &args).await?;
    }
    Ok(points.len() as u64)
}

/// Every stored postcode point.
pub(crate) async fn postcodes<D: Dialect>(
    conn: &mut D::Connection,
) -> StoreResult<Vec<PostcodePoint>> {
    let rows: Vec<(String, String, String, String, f64, f64)> =
        D::fetch(conn, SELECT_POSTCODES, &[]).await?;
    rows.into_iter()
        .map(|(postcode, prefecture, city, town, lon, lat)| {
            Ok(PostcodePoint {
                position: LonLat::new(lon, lat).map_err(|e| corrupt("postcode", &postcode, &e))?,
                postcode,
                prefecture,
                city,
                town,
            })
        })
        .collect()
}
