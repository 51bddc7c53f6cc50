//! Links from paper back to the web client, printed as QR codes, and the QR
//! drawing itself.
//!
//! The web client keeps its state in the query string (`web/src/state.ts`):
//! `muni` (municipality code) with `view=map`; a search `near`, `lon`, `lat`,
//! `needs`, `kind`, `age`, `km`, `accepting=1`; the region view
//! `view=regions&region=1407`; the coverage view `view=coverage&needs=…&ckind=…
//! &within=30min&cunknown=1&carea=1407`.

use crate::canvas::{rect_path, Canvas, Rgb};
use crate::geometry::PtRect;
use crate::{PrintError, PrintResult};
use krilla::geom::PathBuilder;
use qrcode::{Color, EcLevel, QrCode};

/// The public address of the web client, e.g. `https://renkei.example.jp/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebClient {
    base: String,
}

impl WebClient {
    /// Default base when none is configured: the address `renkei serve` listens on by default.
    pub const DEFAULT_BASE: &'static str = "http://127.0.0.1:8080/";

    /// The web client at `base` (a trailing `/` is added when missing).
    pub fn new(base: &str) -> Self {
        let base = base.trim();
        let base = if base.ends_with('/') {
            base.to_owned()
        } else {
            format!("{base}/")
        };
        Self { base }
    }

    /// The base address.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The client's address with `pairs` as its query string (no query when empty).
    pub fn with_query<'a>(&self, pairs: impl IntoIterator<Item = (&'a str, String)>) -> String {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        let mut any = false;
        for (key, value) in pairs {
            if !value.is_empty() {
                serializer.append_pair(key, &value);
                any = true;
            }
        }
        if any {
            format!("{}?{}", self.base, serializer.finish())
        } else {
            self.base.clone()
        }
    }

    /// The region page of a 二次医療圏 (`view=regions&region=1407`) or the map
    /// of a municipality (`muni=14207&view=map`).
    pub fn area_view(&self, area: &crate::map::AreaLevel, code: &str) -> String {
        match area {
            crate::map::AreaLevel::SecondaryMedicalRegion => {
                self.with_query([("view", "regions".to_owned()), ("region", code.to_owned())])
            }
            crate::map::AreaLevel::Municipality => {
                self.with_query([("muni", code.to_owned()), ("view", "map".to_owned())])
            }
        }
    }
}

impl WebClient {
    /// The same search in the web client: place (`near` text and/or lon/lat),
    /// needs, kinds, age, radius in km and accepting.
    pub fn search_view(
        &self,
        near: Option<&str>,
        origin: Option<renkei_core::LonLat>,
        profile: &renkei_core::need::NeedProfile,
        radius_m: f64,
    ) -> String {
        let join = |codes: Vec<&str>| codes.join(",");
        self.with_query([
            ("near", near.unwrap_or_default().to_owned()),
            (
                "lon",
                origin.map(|o| o.lon().to_string()).unwrap_or_default(),
            ),
            (
                "lat",
                origin.map(|o| o.lat().to_string()).unwrap_or_default(),
            ),
            (
                "needs",
                join(
                    profile
                        .needs
                        .iter()
                        .map(renkei_core::CapabilityCode::as_str)
                        .collect(),
                ),
            ),
            (
                "kind",
                join(
                    profile
                        .kinds
                        .iter()
                        .map(renkei_core::KindCode::as_str)
                        .collect(),
                ),
            ),
            (
                "age",
                profile.age_years.map(|a| a.to_string()).unwrap_or_default(),
            ),
            ("km", (radius_m / 1000.0).to_string()),
            (
                "accepting",
                if profile.accepting_only {
                    "1".to_owned()
                } else {
                    String::new()
                },
            ),
        ])
    }
}

impl WebClient {
    /// The coverage view of the web client (`view=coverage&needs=…&ckind=…&age=…
    /// &within=30min&cunknown=1&carea=1407`). `within` is the client's
    /// threshold code (`10km`, `30min`); `area` is a 二次医療圏 code (4 digits)
    /// — the client's coverage view takes no other area, so others are left out.
    pub fn coverage_view(
        &self,
        profile: &renkei_core::need::NeedProfile,
        within: &str,
        include_unknown: bool,
        area: &str,
    ) -> String {
        let join = |mut codes: Vec<&str>| {
            codes.sort_unstable();
            codes.join(",")
        };
        let area = if area.len() == 4 && area.bytes().all(|b| b.is_ascii_digit()) {
            area.to_owned()
        } else {
            String::new()
        };
        self.with_query([
            ("view", "coverage".to_owned()),
            (
                "needs",
                join(
                    profile
                        .needs
                        .iter()
                        .map(renkei_core::CapabilityCode::as_str)
                        .collect(),
                ),
            ),
            (
                "age",
                profile.age_years.map(|a| a.to_string()).unwrap_or_default(),
            ),
            (
                "ckind",
                join(
                    profile
                        .kinds
                        .iter()
                        .map(renkei_core::KindCode::as_str)
                        .collect(),
                ),
            ),
            ("within", within.to_owned()),
            (
                "cunknown",
                if include_unknown {
                    "1".to_owned()
                } else {
                    String::new()
                },
            ),
            ("carea", area),
        ])
    }
}

impl Default for WebClient {
    fn default() -> Self {
        Self::new(Self::DEFAULT_BASE)
    }
}

/// Draws the QR code of `url` as vector squares in a `size` × `size` point
/// square at (`x`, `y`) (top-left), quiet zone included. Error correction M
/// survives a fold line or a smudge.
pub fn draw_qr(
    canvas: &mut Canvas<'_, '_>,
    url: &str,
    x: f32,
    y: f32,
    size: f32,
) -> PrintResult<()> {
    let code =
        QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|error| {
            PrintError::QrCode {
                url: url.to_owned(),
                reason: error.to_string(),
            }
        })?;
    let modules = code.width();
    let colors = code.to_colors();
    // Four modules of quiet zone on each side, as the QR standard asks.
    let module = size / (modules + 8) as f32;
    canvas.fill_rect(PtRect::new(x, y, size, size), Rgb::WHITE);
    let mut builder = PathBuilder::new();
    for row in 0..modules {
        let mut col = 0;
        while col < modules {
            if colors[row * modules + col] == Color::Dark {
                let start = col;
                while col < modules && colors[row * modules + col] == Color::Dark {
                    col += 1;
                }
                if let Some(rect) = krilla::geom::Rect::from_xywh(
                    x + (start + 4) as f32 * module,
                    y + (row + 4) as f32 * module,
                    (col - start) as f32 * module,
                    module,
                ) {
                    builder.push_rect(rect);
                }
            } else {
                col += 1;
            }
        }
    }
    canvas.fill(builder.finish(), Rgb(0, 0, 0));
    canvas.stroke(
        rect_path(PtRect::new(x, y, size, size)),
        Rgb::RULE,
        0.3,
        None,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::AreaLevel;

    #[test]
    fn links_use_the_web_client_query_parameters() {
        let web = WebClient::new("https://renkei.example.jp");
        assert_eq!(
            web.area_view(&AreaLevel::Municipality, "14207"),
            "https://renkei.example.jp/?muni=14207&view=map"
        );
        assert_eq!(
            web.with_query([("near", "茅ヶ崎市役所".to_owned()), ("age", String::new())]),
            "https://renkei.example.jp/?near=%E8%8C%85%E3%83%B6%E5%B4%8E%E5%B8%82%E5%BD%B9%E6%89%80"
        );
        assert_eq!(web.with_query([]), "https://renkei.example.jp/");
        let profile = renkei_core::need::NeedProfile {
            kinds: vec![renkei_core::KindCode::new("visiting_nurse").unwrap()],
            needs: vec![renkei_core::CapabilityCode::new("ventilator").unwrap()],
            age_years: None,
            accepting_only: false,
            lapsed_before: None,
        };
        assert_eq!(
            web.coverage_view(&profile, "30min", true, "1407"),
            "https://renkei.example.jp/?view=coverage&needs=ventilator&ckind=visiting_nurse&within=30min&cunknown=1&carea=1407"
        );
        assert_eq!(
            web.coverage_view(&profile, "10km", false, "14207"),
            "https://renkei.example.jp/?view=coverage&needs=ventilator&ckind=visiting_nurse&within=10km"
        );
    }
}
