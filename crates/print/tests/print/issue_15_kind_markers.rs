//! Issue 15: every facility kind is drawn in the colour and shape that
//! data/taxonomy.toml gives it, on the printed map and in its legend.

use super::{at, fonts, map_of, public, save};
use renkei_core::fixtures::fictional_facility;
use renkei_core::taxonomy::{Colour, MarkerShape};
use renkei_core::{Facility, Taxonomy};
use renkei_print::{Orientation, Paper};
use std::io::Read;

/// The decoded content streams of `pdf` (FlateDecode or plain), concatenated.
fn content_streams(pdf: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = pdf;
    while let Some(start) = find(rest, b"stream\n") {
        let dict_start = rest[..start]
            .windows(3)
            .rposition(|w| w == b"obj")
            .unwrap_or(0);
        let dict = String::from_utf8_lossy(&rest[dict_start..start]).into_owned();
        let body = &rest[start + 7..];
        let end = find(body, b"endstream").unwrap();
        let data = body[..end].strip_suffix(b"\n").unwrap_or(&body[..end]);
        if dict.contains("FlateDecode") {
            let mut text = Vec::new();
            if flate2::read::ZlibDecoder::new(data)
                .read_to_end(&mut text)
                .is_ok()
            {
                out.push_str(&String::from_utf8_lossy(&text));
            }
        } else {
            out.push_str(&String::from_utf8_lossy(data));
        }
        out.push('\n');
        rest = &body[end + b"endstream".len()..];
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A path the PDF fills in one colour and strokes in white: how markers are drawn.
#[derive(Debug)]
struct Marker {
    /// Fill colour, 0–255 per channel.
    fill: [u8; 3],
    /// Corners in page points.
    corners: Vec<(f32, f32)>,
}

/// Every filled path with a white outline in `content`: between `q` and `Q`,
/// an `rg` fill colour, `1 1 1 RG`, `m`/`l` corners and `B*` (fill and stroke).
fn markers(content: &str) -> Vec<Marker> {
    let mut found = Vec::new();
    let (mut fill, mut white_stroke, mut corners) = (None, false, Vec::new());
    for line in content.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let numbers = || -> Vec<f32> { words.iter().filter_map(|w| w.parse().ok()).collect() };
        match words.last().copied() {
            Some("q") => (fill, white_stroke, corners) = (None, false, Vec::new()),
            Some("rg") => {
                let n = numbers();
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "PDF colour components are 0–1"
                )]
                let channel = |v: f32| (v * 255.0).round() as u8;
                fill = (n.len() == 3).then(|| [channel(n[0]), channel(n[1]), channel(n[2])]);
            }
            Some("RG") => white_stroke = numbers() == [1.0, 1.0, 1.0],
            Some("m" | "l") => {
                let n = numbers();
                corners.push((n[0], n[1]));
            }
            Some("B*") => {
                if let (Some(fill), true) = (fill, white_stroke) {
                    found.push(Marker {
                        fill,
                        corners: std::mem::take(&mut corners),
                    });
                }
            }
            _ => {}
        }
    }
    found
}

/// True when `corners` are `shape` scaled by some radius around some centre.
fn has_shape(corners: &[(f32, f32)], shape: &MarkerShape) -> bool {
    if corners.len() != shape.points.len() {
        return false;
    }
    let ([x0, y0], [x1, y1]) = (shape.points[0], shape.points[1]);
    let ((px0, py0), (px1, py1)) = (corners[0], corners[1]);
    let radius = (px1 - px0).hypot(py1 - py0) / (x1 - x0).hypot(y1 - y0);
    let (cx, cy) = (px0 - radius * x0, py0 - radius * y0);
    corners
        .iter()
        .zip(&shape.points)
        .all(|(&(px, py), &[x, y])| {
            (px - (cx + radius * x)).abs() < 0.01 && (py - (cy + radius * y)).abs() < 0.01
        })
}

/// One facility of every kind of the taxonomy, spread over the fictional area.
fn every_kind() -> Vec<Facility> {
    Taxonomy::builtin()
        .kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let angle = i as f64 * 0.6;
            fictional_facility(
                &format!("k{i}"),
                &kind.code,
                &format!("架空{}", kind.ja),
                at(139.38 + 0.03 * angle.cos(), 35.34 + 0.03 * angle.sin()),
            )
        })
        .collect()
}

#[test]
fn issue_15_printed_map_and_legend_draw_every_kind_as_the_taxonomy_says() {
    let Some(fonts) = fonts() else { return };
    let list = public(every_kind());
    let map = map_of(&fonts, &list, Paper::A4, Orientation::Portrait);
    let dir = tempfile::tempdir().unwrap();
    save(dir.path(), "issue_15_every_kind.pdf", &map.pdf);
    let content = content_streams(&map.pdf);
    let drawn = markers(&content);
    // data/taxonomy.toml read as text, not through renkei-core: the file is the one home.
    let authored: toml::Value = include_str!("../../../../data/taxonomy.toml")
        .parse()
        .unwrap();
    let shapes = authored["marker_shapes"].as_array().unwrap();
    for kind in authored["kinds"].as_array().unwrap() {
        let code = kind["code"].as_str().unwrap();
        let colour = Colour::from_hex(kind["colour"].as_str().unwrap()).unwrap();
        let shape_code = kind["shape"].as_str().unwrap();
        let shape: MarkerShape = shapes
            .iter()
            .find(|s| s["code"].as_str() == Some(shape_code))
            .unwrap()
            .clone()
            .try_into()
            .unwrap();
        let of_kind: Vec<&Marker> = drawn
            .iter()
            .filter(|m| m.fill == [colour.r, colour.g, colour.b])
            .collect();
        // At least its marker on the map and its symbol in the legend.
        assert!(
            of_kind.len() >= 2,
            "{code}: {} markers in {colour:?}",
            of_kind.len()
        );
        for marker in of_kind {
            assert!(
                has_shape(&marker.corners, &shape),
                "{code} drawn as {:?}, not {shape_code}",
                marker.corners
            );
        }
    }
    // No marker in a colour the taxonomy does not give a kind.
    let colours: Vec<[u8; 3]> = Taxonomy::builtin()
        .kinds
        .iter()
        .map(|k| k.code.as_str())
        .map(|code| renkei_core::KindCode::new(code).unwrap().marker().colour)
        .map(|c| [c.r, c.g, c.b])
        .collect();
    for marker in &drawn {
        assert!(
            colours.contains(&marker.fill),
            "a marker in {:?}",
            marker.fill
        );
    }
    // The legend names the kinds in the taxonomy's order.
    let path = dir.path().join("issue_15_every_kind.pdf");
    let text = super::run("pdftotext", &["-layout"], &path);
    let mut at = 0;
    for kind in authored["kinds"].as_array().unwrap() {
        let label = format!("{}（1）", kind["ja"].as_str().unwrap());
        let found = text[at..]
            .find(&label)
            .unwrap_or_else(|| panic!("legend lacks {label} after position {at}"));
        at += found + label.len();
    }
}
