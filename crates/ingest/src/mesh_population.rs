//! Population per mesh cell from e-Stat 地域メッシュ統計 (国勢調査), as
//! downloaded from e-Stat (one file per 1st mesh, e.g. `tblT001100S5339.txt`,
//! Shift_JIS or UTF-8, plain or zipped).
//!
//! The layout: a first header row of item codes, a second of Japanese labels,
//! then one row per cell:
//!
//! ```text
//! KEY_CODE,HTKSYORI,HTKSAKI,GASSAN,T001100001,T001100002,T001100003,T001100004,…
//! ,,,,人口（総数）,人口（総数）　男,人口（総数）　女,０～１４歳人口　総数,…
//! 53390302,0,,,1234,600,634,160,…
//! ```
//!
//! - `KEY_CODE`: the 8-digit 3rd mesh (about 1 km), 9-digit half mesh (about
//!   500 m) or 10-digit quarter mesh code; quarter meshes are added into their
//!   half mesh.
//! - `HTKSYORI` (秘匿処理): 0 none, 1 the cell's counts are concealed and added
//!   to the cell named in `HTKSAKI` (秘匿先), 2 the cell holds such additions;
//!   `GASSAN` lists the cells merged into it. Concealed counts are written `*`
//!   and read as 0, so every person is counted once, in the receiving cell.
//! - Counts: `-` (none) and empty are 0. Columns are found by label, so
//!   editions with other item codes (2015: `T000876…`) read the same:
//!   人口（総数） for the total and ０～１４歳人口 総数 for children.

use crate::text::{decode, is_zip, unzip};
use crate::{IngestError, IngestResult};
use renkei_core::mesh::MeshCell;
use renkei_core::normalize::fold;
use renkei_store::MeshPopulationRecord;
use std::collections::BTreeMap;

/// Reads one e-Stat mesh file (or every `.txt` / `.csv` in a zip) of census
/// `year`; cells are summed per mesh code.
pub fn read_mesh_population(
    file: &str,
    bytes: &[u8],
    year: i32,
) -> IngestResult<Vec<MeshPopulationRecord>> {
    if is_zip(bytes) {
        let mut rows = Vec::new();
        for (name, content) in unzip(file, bytes, &[".txt", ".csv"])? {
            rows.extend(read_mesh_population(&name, &content, year)?);
        }
        return Ok(merge(rows));
    }
    let (text, _) = decode(file, bytes)?;
    parse_mesh_population(file, &text, year)
}

/// Parses the text of one file (see the module docs).
pub fn parse_mesh_population(
    file: &str,
    text: &str,
    year: i32,
) -> IngestResult<Vec<MeshPopulationRecord>> {
    let format = |reason: String| IngestError::Format {
        file: file.to_owned(),
        reason,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut next_header = |what: &str| {
        records
            .next()
            .transpose()
            .map_err(|e| format(e.to_string()))?
            .ok_or_else(|| format(format!("the file ends before the {what} header row")))
    };
    let codes = next_header("item-code")?;
    let labels = next_header("label")?;
    let first = codes
        .get(0)
        .unwrap_or_default()
        .trim_start_matches('\u{feff}')
        .trim();
    if first != "KEY_CODE" {
        return Err(format(format!(
            "the first cell is {first:?}, not KEY_CODE; this is not an e-Stat 地域メッシュ統計 file"
        )));
    }
    let (total_at, children_at) = count_columns(&labels).map_err(format)?;
    let item_table = codes
        .get(total_at)
        .map(|code| code.trim().chars().take(7).collect::<String>())
        .unwrap_or_default();
    let source = format!("e-Stat 地域メッシュ統計 {item_table} (国勢調査 {year})");
    let mut rows = Vec::new();
    // Rows 1 and 2 are the headers; data starts at line 3.
    for (index, record) in records.enumerate() {
        let line = index + 3;
        let record = record.map_err(|e| format(format!("line {line}: {e}")))?;
        let bad = |field: &str, value: &str, reason: &str| IngestError::Field {
            file: file.to_owned(),
            record: format!("line {line}"),
            field: field.to_owned(),
            value: value.to_owned(),
            reason: reason.to_owned(),
        };
        let key = record.get(0).unwrap_or_default().trim();
        if key.is_empty() {
            continue;
        }
        // A quarter mesh (10 digits) counts in its half mesh.
        let mesh: MeshCell = key
            .get(..9.min(key.len()))
            .unwrap_or(key)
            .parse()
            .ok()
            .filter(|_| matches!(key.len(), 8..=10))
            .ok_or_else(|| bad("KEY_CODE", key, "is not an 8-, 9- or 10-digit mesh code"))?;
        let count = |at: usize, name: &str| -> IngestResult<u64> {
            let value = record.get(at).unwrap_or_default().trim();
            match value {
                "" | "-" | "*" => Ok(0),
                _ => value
                    .replace(',', "")
                    .parse()
                    .map_err(|_| bad(name, value, "is not a whole number of persons")),
            }
        };
        let total = count(total_at, "人口（総数）")?;
        let under_15 = count(children_at, "０～１４歳人口 総数")?;
        if under_15 > total {
            return Err(bad(
                "０～１４歳人口 総数",
                &under_15.to_string(),
                &format!("is larger than 人口（総数） {total}"),
            ));
        }
        rows.push(MeshPopulationRecord {
            mesh,
            total,
            under_15,
            year,
            source: source.clone(),
        });
    }
    if rows.is_empty() {
        return Err(format("the file has no cells".to_owned()));
    }
    Ok(merge(rows))
}

/// Positions of the total and the 0–14 columns, found by their labels
/// (width and spacing folded); the error lists the labels found.
fn count_columns(labels: &csv::StringRecord) -> Result<(usize, usize), String> {
    let labels: Vec<String> = labels.iter().map(fold).collect();
    let column = |wanted: &dyn Fn(&str) -> bool, name: &str| {
        labels.iter().position(|l| wanted(l)).ok_or_else(|| {
            format!(
                "no column labelled {name} in the second header row; the file has: {}",
                labels.join(", ")
            )
        })
    };
    let total_label = fold("人口（総数）");
    let children_label = fold("０～１４歳人口");
    let total_at = column(&|l| l == total_label, "人口（総数）")?;
    let children_at = column(
        &|l| l.starts_with(&children_label) && !l.contains('男') && !l.contains('女'),
        "０～１４歳人口 総数",
    )?;
    Ok((total_at, children_at))
}

/// One record per mesh code (quarter meshes and repeated files added up).
fn merge(rows: Vec<MeshPopulationRecord>) -> Vec<MeshPopulationRecord> {
    let mut by_cell: BTreeMap<MeshCell, MeshPopulationRecord> = BTreeMap::new();
    for row in rows {
        by_cell
            .entry(row.mesh)
            .and_modify(|held| {
                held.total += row.total;
                held.under_15 += row.under_15;
            })
            .or_insert(row);
    }
    by_cell.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small fictional file in the e-Stat layout (counts made up).
    const SAMPLE: &str = "KEY_CODE,HTKSYORI,HTKSAKI,GASSAN,T001100001,T001100002,T001100003,T001100004,T001100005\n\
        ,,,,人口（総数）,人口（総数）　男,人口（総数）　女,０～１４歳人口　総数,０～１４歳人口　男\n\
        53390302,0,,,1234,600,634,160,80\n\
        53390303,1,53390302,,*,*,*,*,*\n\
        5339030411,0,,,10,5,5,2,1\n\
        5339030412,0,,,20,10,10,3,1\n\
        53390305,0,,,-,-,-,-,-\n";

    #[test]
    fn reads_cells_by_label_with_concealed_and_quarter_meshes() {
        let rows = parse_mesh_population("tblT001100S5339.txt", SAMPLE, 2020).unwrap();
        let found: Vec<(String, u64, u64)> = rows
            .iter()
            .map(|r| (r.mesh.code(), r.total, r.under_15))
            .collect();
        assert_eq!(
            found,
            [
                ("53390302".to_owned(), 1234, 160),
                ("53390303".to_owned(), 0, 0),
                ("53390305".to_owned(), 0, 0),
                // Two quarter meshes of half mesh 533903041.
                ("533903041".to_owned(), 30, 5),
            ]
        );
        assert_eq!(
            rows[0].source,
            "e-Stat 地域メッシュ統計 T001100 (国勢調査 2020)"
        );
    }

    #[test]
    fn shift_jis_bytes_and_errors_name_the_line() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(SAMPLE);
        assert_eq!(
            read_mesh_population("m.txt", &bytes, 2020).unwrap().len(),
            4
        );
        let broken = SAMPLE.replace("1234,600", "12x4,600");
        let error = parse_mesh_population("m.txt", &broken, 2020)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("line 3") && error.contains("12x4"),
            "{error}"
        );
        let not_mesh = parse_mesh_population("m.txt", "a,b\nc,d\n", 2020).unwrap_err();
        assert!(not_mesh.to_string().contains("KEY_CODE"));
    }
}
