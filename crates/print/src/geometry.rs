//! Page geometry: rectangles in points and the map projection from WGS 84
//! (lon, lat) to the page.

use geo::{BoundingRect, MultiPolygon};
use renkei_core::position::MEAN_EARTH_RADIUS_M;
use renkei_core::LonLat;

/// An axis-aligned rectangle on a page, in points (1/72 inch) from the page's
/// top-left corner, x to the right and y downwards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PtRect {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
}

impl PtRect {
    /// The rectangle with top-left (`x`, `y`), `width` × `height` points.
    pub fn new(x: f32, y: f32, width: f32, height: f32) -> Self {
        Self {
            x0: x,
            y0: y,
            x1: x + width,
            y1: y + height,
        }
    }

    /// The rectangle `width` × `height` centred on (`cx`, `cy`).
    pub fn centered(cx: f32, cy: f32, width: f32, height: f32) -> Self {
        Self::new(cx - width / 2.0, cy - height / 2.0, width, height)
    }

    /// Width in points.
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    /// Height in points.
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    /// True when the two rectangles share interior area (touching edges do not count).
    pub fn overlaps(&self, other: &PtRect) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    /// True when `other` lies wholly inside this rectangle.
    pub fn contains(&self, other: &PtRect) -> bool {
        other.x0 >= self.x0 && other.x1 <= self.x1 && other.y0 >= self.y0 && other.y1 <= self.y1
    }

    /// True when the point is inside or on the edge.
    pub fn contains_point(&self, x: f32, y: f32) -> bool {
        (self.x0..=self.x1).contains(&x) && (self.y0..=self.y1).contains(&y)
    }

    /// The rectangle grown by `by` points on every side (shrunk when negative).
    #[must_use]
    pub fn inflate(&self, by: f32) -> Self {
        Self {
            x0: self.x0 - by,
            y0: self.y0 - by,
            x1: self.x1 + by,
            y1: self.y1 + by,
        }
    }

    /// The point of the rectangle nearest to (`x`, `y`).
    pub fn nearest_point(&self, x: f32, y: f32) -> (f32, f32) {
        (x.clamp(self.x0, self.x1), y.clamp(self.y0, self.y1))
    }
}

/// Spherical Web Mercator (EPSG:3857 without the earth radius): x, y in
/// radians-equivalent units, y growing northwards.
fn mercator(point: LonLat) -> (f64, f64) {
    let lat = point.lat().clamp(-85.0, 85.0).to_radians();
    (
        point.lon().to_radians(),
        (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln(),
    )
}

/// Web Mercator scaled and shifted so an area fits a frame on the page,
/// north up. Maps drawn with it keep shapes true and distances true to scale
/// at the area's middle latitude.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    scale: f64,
    origin_x: f64,
    origin_y: f64,
    frame_x: f64,
    frame_y: f64,
    middle_lat_deg: f64,
}

impl Projection {
    /// The projection that fits `geometry` (WGS 84 lon/lat) into `frame`,
    /// centred, leaving `padding` points free on every side. `None` when the
    /// geometry is empty.
    pub fn fit(geometry: &MultiPolygon<f64>, frame: PtRect, padding: f32) -> Option<Self> {
        let bounds = geometry.bounding_rect()?;
        let south_west = LonLat::new(bounds.min().x, bounds.min().y).ok()?;
        let north_east = LonLat::new(bounds.max().x, bounds.max().y).ok()?;
        Some(Self::fit_bounds(south_west, north_east, frame, padding))
    }

    /// The projection that fits the box from `south_west` to `north_east` into `frame`.
    pub fn fit_bounds(south_west: LonLat, north_east: LonLat, frame: PtRect, padding: f32) -> Self {
        let (x0, y0) = mercator(south_west);
        let (x1, y1) = mercator(north_east);
        let inner_w = f64::from((frame.width() - 2.0 * padding).max(1.0));
        let inner_h = f64::from((frame.height() - 2.0 * padding).max(1.0));
        let span_x = (x1 - x0).max(1e-9);
        let span_y = (y1 - y0).max(1e-9);
        let scale = (inner_w / span_x).min(inner_h / span_y);
        let used_w = span_x * scale;
        let used_h = span_y * scale;
        Self {
            scale,
            origin_x: x0,
            origin_y: y1,
            frame_x: f64::from(frame.x0) + (f64::from(frame.width()) - used_w) / 2.0,
            frame_y: f64::from(frame.y0) + (f64::from(frame.height()) - used_h) / 2.0,
            middle_lat_deg: f64::midpoint(south_west.lat(), north_east.lat()),
        }
    }

    /// Page position (points) of `point`.
    pub fn project(&self, point: LonLat) -> (f32, f32) {
        let (x, y) = mercator(point);
        self.project_mercator(x, y)
    }

    /// Page position of a lon/lat pair given as plain numbers (geometry vertices).
    pub fn project_lon_lat(&self, lon: f64, lat: f64) -> (f32, f32) {
        LonLat::new(lon, lat).map_or((f32::NAN, f32::NAN), |point| self.project(point))
    }

    #[expect(
        clippy::cast_possible_truncation,
        reason = "page coordinates fit f32 easily"
    )]
    fn project_mercator(&self, x: f64, y: f64) -> (f32, f32) {
        (
            (self.frame_x + (x - self.origin_x) * self.scale) as f32,
            (self.frame_y + (self.origin_y - y) * self.scale) as f32,
        )
    }

    /// The lon/lat (degrees) at page position (`x`, `y`) points: the inverse of
    /// [`Projection::project`].
    pub fn unproject(&self, x: f32, y: f32) -> (f64, f64) {
        let mx = self.origin_x + (f64::from(x) - self.frame_x) / self.scale;
        let my = self.origin_y - (f64::from(y) - self.frame_y) / self.scale;
        let lat = 2.0 * my.exp().atan() - std::f64::consts::FRAC_PI_2;
        (mx.to_degrees(), lat.to_degrees())
    }

    /// The lon/lat rectangle `rect` (page points) shows.
    pub fn visible(&self, rect: PtRect) -> geo::Rect<f64> {
        let (west, north) = self.unproject(rect.x0, rect.y0);
        let (east, south) = self.unproject(rect.x1, rect.y1);
        geo::Rect::new(
            geo::coord! { x: west, y: south },
            geo::coord! { x: east, y: north },
        )
    }

    /// Ground metres per page point at the area's middle latitude.
    pub fn metres_per_point(&self) -> f64 {
        MEAN_EARTH_RADIUS_M * self.middle_lat_deg.to_radians().cos() / self.scale
    }

    /// Degrees of longitude per page point: the tolerance for simplifying
    /// geometry to what the page can show.
    pub fn degrees_per_point(&self) -> f64 {
        (1.0 / self.scale).to_degrees()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn fits_the_area_inside_the_frame_north_up() {
        // 茅ヶ崎市 roughly: longitude, latitude
        let area = MultiPolygon::new(vec![polygon![
            (x: 139.36, y: 35.30), (x: 139.45, y: 35.30), (x: 139.45, y: 35.37), (x: 139.36, y: 35.37)
        ]]);
        let frame = PtRect::new(10.0, 20.0, 400.0, 300.0);
        let projection = Projection::fit(&area, frame, 10.0).unwrap();
        let (wx, ny) = projection.project(LonLat::new(139.36, 35.37).unwrap());
        let (ex, sy) = projection.project(LonLat::new(139.45, 35.30).unwrap());
        assert!(wx < ex && ny < sy, "west is left, north is up");
        for (x, y) in [(wx, ny), (ex, sy)] {
            assert!(frame.inflate(-9.9).contains_point(x, y), "{x},{y}");
        }
        let (lon, lat) = projection.unproject(ex, sy);
        assert!((lon - 139.45).abs() < 1e-6 && (lat - 35.30).abs() < 1e-6);
        // 0.09° of longitude at 35.33° N is about 8.17 km.
        let ground = f64::from(ex - wx) * projection.metres_per_point();
        assert!((ground - 8_170.0).abs() < 60.0, "{ground}");
    }
}
