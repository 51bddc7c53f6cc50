//! Links from paper back to the web client, printed as QR codes, and the QR
//! drawing itself.
//!
//! The web client keeps its state in the query string (`web/src/state.ts`):
//! `muni` (municipality code) with `view=map`; a search `near`, `lon`, `lat`,
//! `needs`, `kind`, `age`, `km`, `accepting=1`, `q`; the region view
//! `view=regions&region=1407`; the coverage view `view=coverage&needs=…&ckind=…
//! &within=30min&cunknown=1&carea=1407`. A QR code carries every filter of the
//! printed view, also those the client does not show yet (a search's `region`,
//! its travel time as `min`): the link then says what the paper says.
//!
//! The base is the configured public URL. A loopback base (`localhost`,
//! 127.0.0.0/8, `::1`, or an unspecified address) opens only on the computer
//! that printed, so such a document is a trial print: [`WebClient::is_trial`],
//! and every page carries the 「試し刷り」 mark.

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

/// True when `url` opens only on the computer that made it: its host is
/// `localhost`, a loopback or an unspecified address — or it is no URL at all.
pub fn is_trial_url(url: &str) -> bool {
    match url::Url::parse(url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.is_unspecified(),
        None => true,
    }
}

/// The filters of a printed search (the referral sheet), for its link.
#[derive(Debug, Clone, Copy)]
pub struct SearchView<'a> {
    /// The place as the desk typed it.
    pub near: Option<&'a str>,
    /// Where distances are measured from (WGS 84 lon/lat).
    pub origin: Option<renkei_core::LonLat>,
    /// Kinds, needs, age and accepting.
    pub profile: &'a renkei_core::need::NeedProfile,
    /// The radius searched, metres, when the reach was a distance.
    pub radius_m: Option<f64>,
    /// The travel time searched, minutes, when the reach was a time.
    pub max_minutes: Option<f64>,
    /// The 二次医療圏 (4 digits) or municipality (5 digits) searched in.
    pub area: Option<&'a str>,
    /// The words searched for.
    pub text: Option<&'a str>,
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

    /// True when the base opens only on the computer that printed (see
    /// [`is_trial_url`]): documents then carry the 「試し刷り」 mark.
    pub fn is_trial(&self) -> bool {
        is_trial_url(&self.base)
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
    /// of a municipality (`muni=14207&view=map`), with the map's kinds
    /// (`kind=…`, sorted; none for all kinds).
    pub fn area_view(
        &self,
        area: &crate::map::AreaLevel,
        code: &str,
        kinds: &[renkei_core::KindCode],
    ) -> String {
        let kinds = sorted_codes(kinds.iter().map(renkei_core::KindCode::as_str));
        match area {
            crate::map::AreaLevel::SecondaryMedicalRegion => self.with_query([
                ("view", "regions".to_owned()),
                ("region", code.to_owned()),
                ("kind", kinds),
            ]),
            crate::map::AreaLevel::Municipality => self.with_query([
                ("muni", code.to_owned()),
                ("view", "map".to_owned()),
                ("kind", kinds),
            ]),
        }
    }
}

impl WebClient {
    /// The same search in the web client: place (`near` text and/or lon/lat),
    /// needs, kinds, age, accepting, reach (`km` or `min`), area (`region`
    /// for a 二次医療圏, `muni` for a municipality) and words (`q`).
    pub fn search_view(&self, view: &SearchView<'_>) -> String {
        let area = view.area.unwrap_or_default();
        let (region, muni) = if area.len() == 4 {
            (area.to_owned(), String::new())
        } else {
            (String::new(), area.to_owned())
        };
        let profile = view.profile;
        self.with_query([
            ("near", view.near.unwrap_or_default().to_owned()),
            (
                "lon",
                view.origin.map(|o| degrees(o.lon())).unwrap_or_default(),
            ),
            (
                "lat",
                view.origin.map(|o| degrees(o.lat())).unwrap_or_default(),
            ),
            (
                "needs",
                sorted_codes(
                    profile
                        .needs
                        .iter()
                        .map(renkei_core::CapabilityCode::as_str),
                ),
            ),
            (
                "kind",
                sorted_codes(profile.kinds.iter().map(renkei_core::KindCode::as_str)),
            ),
            (
                "age",
                profile.age_years.map(|a| a.to_string()).unwrap_or_default(),
            ),
            (
                "km",
                view.radius_m
                    .map(|m| (m / 1000.0).to_string())
                    .unwrap_or_default(),
            ),
            (
                "min",
                view.max_minutes.map(|m| m.to_string()).unwrap_or_default(),
            ),
            (
                "accepting",
                if profile.accepting_only {
                    "1".to_owned()
                } else {
                    String::new()
                },
            ),
            ("region", region),
            ("muni", muni),
            ("q", view.text.unwrap_or_default().to_owned()),
        ])
    }
}

/// Degrees to six decimals (about 0.1 m), without trailing zeros: a
/// geocoded point is not printed as `139.39999999999998`.
fn degrees(value: f64) -> String {
    let text = format!("{value:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Codes joined with commas, sorted, as the web client writes them.
fn sorted_codes<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    let mut codes: Vec<&str> = codes.collect();
    codes.sort_unstable();
    codes.join(",")
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
        let area = if area.len() == 4 && area.bytes().all(|b| b.is_ascii_digit()) {
            area.to_owned()
        } else {
            String::new()
        };
        self.with_query([
            ("view", "coverage".to_owned()),
            (
                "needs",
                sorted_codes(
                    profile
                        .needs
                        .iter()
                        .map(renkei_core::CapabilityCode::as_str),
                ),
            ),
            (
                "age",
                profile.age_years.map(|a| a.to_string()).unwrap_or_default(),
            ),
            (
                "ckind",
                sorted_codes(profile.kinds.iter().map(renkei_core::KindCode::as_str)),
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
            web.area_view(&AreaLevel::Municipality, "14207", &[]),
            "https://renkei.example.jp/?muni=14207&view=map"
        );
        let kinds = ["visiting_nurse", "hospital"].map(|k| renkei_core::KindCode::new(k).unwrap());
        assert_eq!(
            web.area_view(&AreaLevel::SecondaryMedicalRegion, "1407", &kinds),
            "https://renkei.example.jp/?view=regions&region=1407&kind=hospital%2Cvisiting_nurse"
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

    #[test]
    fn issue_19_search_links_carry_every_filter_of_the_printed_view() {
        let web = WebClient::new("https://renkei.example.jp/");
        let profile = renkei_core::need::NeedProfile {
            kinds: vec![renkei_core::KindCode::new("visiting_nurse").unwrap()],
            needs: vec![
                renkei_core::CapabilityCode::new("suctioning").unwrap(),
                renkei_core::CapabilityCode::new("ventilator").unwrap(),
            ],
            age_years: Some(6),
            accepting_only: true,
            lapsed_before: None,
        };
        let view = SearchView {
            near: Some("茅ヶ崎市役所"),
            origin: None,
            profile: &profile,
            radius_m: None,
            max_minutes: Some(30.0),
            area: Some("14207"),
            text: Some("さくら"),
        };
        let url = web.search_view(&view);
        let pairs: Vec<(String, String)> = url::Url::parse(&url)
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let expected = [
            ("near", "茅ヶ崎市役所"),
            ("needs", "suctioning,ventilator"),
            ("kind", "visiting_nurse"),
            ("age", "6"),
            ("min", "30"),
            ("accepting", "1"),
            ("muni", "14207"),
            ("q", "さくら"),
        ];
        assert_eq!(
            pairs,
            expected.map(|(k, v)| (k.to_owned(), v.to_owned())),
            "{url}"
        );
    }

    #[test]
    fn issue_19_loopback_and_unset_bases_are_trial_prints() {
        for trial in [
            "http://127.0.0.1:8080/",
            "http://localhost:8080/",
            "http://[::1]:8080/",
            "http://0.0.0.0:8080/",
            "http://127.3.4.5/",
            "not a url",
        ] {
            assert!(is_trial_url(trial), "{trial}");
        }
        assert!(WebClient::default().is_trial());
        for public in ["https://renkei.example.jp/", "http://192.0.2.10:8080/"] {
            assert!(!WebClient::new(public).is_trial(), "{public}");
        }
    }
}
