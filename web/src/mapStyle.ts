// The MapLibre style of the map: our own sources and layers only (no glyphs,
// no sprites), facilities drawn as kind icons whose colours and outlines come
// from data/taxonomy.toml (see markers.ts). Kept apart from map.ts, and free
// of browser globals, so a Node test can check the style against the taxonomy.

import type { ExpressionSpecification, StyleSpecification } from "maplibre-gl";
import { ICON_PREFIX, iconId } from "./markers";
import type { BaseMap } from "./state";

/** 地理院タイル 淡色地図: needs internet; off by default. */
export const GSI_PALE = {
  tiles: ["https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png"],
  attribution: '<a href="https://maps.gsi.go.jp/development/ichiran.html" target="_blank" rel="noopener">地理院タイル</a>',
};

/** The vector-tile layers the server publishes, by TileJSON address. */
export type TileJsonUrl = (layer: "facilities" | "regions" | "municipalities") => string;

const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

/** 要確認: the search tier whose needs nobody has confirmed. */
const UNKNOWN_TIER: ExpressionSpecification = ["==", ["get", "tier"], "unknown"];

/** The kind's icon (`kind:<code>`), hollow for the 要確認 tier when `tiers` is true. */
export function kindIcon(tiers: boolean): ExpressionSpecification {
  const hollowSuffix = iconId("", true).slice(iconId("").length);
  return tiers ? ["concat", ICON_PREFIX, ["get", "kind"], ["case", UNKNOWN_TIER, hollowSuffix, ""]] : ["concat", ICON_PREFIX, ["get", "kind"]];
}

/** Kind icons: always drawn, never hidden by each other (labels are HTML). */
function icons(tiers: boolean, size: ExpressionSpecification | number) {
  return { "icon-image": kindIcon(tiers), "icon-size": size, "icon-allow-overlap": true, "icon-ignore-placement": true };
}

/** The whole style for `baseMap`, with the tile sources at `tileJson`. */
export function mapStyle(baseMap: BaseMap, tileJson: TileJsonUrl): StyleSpecification {
  const sources: StyleSpecification["sources"] = {
    facilities: { type: "geojson", data: EMPTY, cluster: true, clusterRadius: 42, clusterMaxZoom: 12 },
    hovered: { type: "geojson", data: EMPTY },
    selected: { type: "geojson", data: EMPTY },
    origin: { type: "geojson", data: EMPTY },
    coverage: { type: "geojson", data: EMPTY, promoteId: "place" },
    // Our own vector tiles (GET /tiles/…): boundaries and the whole directory, no internet needed.
    regions: { type: "vector", url: tileJson("regions") },
    municipalities: { type: "vector", url: tileJson("municipalities") },
    directory: { type: "vector", url: tileJson("facilities") },
  };
  const layers: StyleSpecification["layers"] = [{ id: "background", type: "background", paint: { "background-color": "#e9eef0" } }];
  if (baseMap === "gsi") {
    sources.gsi = { type: "raster", tiles: GSI_PALE.tiles, tileSize: 256, minzoom: 2, maxzoom: 18, attribution: GSI_PALE.attribution };
    layers.push({ id: "gsi", type: "raster", source: "gsi" });
  }
  layers.push(
    {
      id: "region-fill",
      type: "fill",
      source: "regions",
      "source-layer": "regions",
      layout: { visibility: "none" },
      paint: { "fill-color": "#cccccc", "fill-opacity": 0.75 },
    },
    {
      id: "coverage-fill",
      type: "fill",
      source: "coverage",
      paint: { "fill-color": ["get", "band_colour"], "fill-opacity": 0.7, "fill-outline-color": "rgba(255,255,255,0.35)" },
    },
    {
      id: "coverage-selected",
      type: "line",
      source: "coverage",
      filter: ["==", ["get", "place"], ""],
      paint: { "line-color": "#1a1a1a", "line-width": 3 },
    },
    {
      id: "municipality-line",
      type: "line",
      source: "municipalities",
      "source-layer": "municipalities",
      paint: { "line-color": "#7b8a93", "line-width": 0.6, "line-opacity": 0.7 },
    },
    {
      id: "region-line",
      type: "line",
      source: "regions",
      "source-layer": "regions",
      paint: { "line-color": "#34495e", "line-width": 1.6 },
    },
    {
      id: "region-selected",
      type: "line",
      source: "regions",
      "source-layer": "regions",
      filter: ["==", ["get", "code"], ""],
      paint: { "line-color": "#1a1a1a", "line-width": 4 },
    },
    {
      id: "directory-points",
      type: "symbol",
      source: "directory",
      "source-layer": "facilities",
      layout: { visibility: "none", ...icons(false, ["interpolate", ["linear"], ["zoom"], 7, 0.25, 12, 0.5, 15, 0.8]) },
    },
    {
      id: "clusters",
      type: "circle",
      source: "facilities",
      filter: ["has", "point_count"],
      paint: {
        "circle-color": "#1b3a57",
        "circle-opacity": 0.88,
        "circle-radius": ["step", ["get", "point_count"], 15, 10, 19, 50, 24],
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 2,
      },
    },
    {
      id: "facility-points",
      type: "symbol",
      source: "facilities",
      filter: ["!", ["has", "point_count"]],
      // 要確認 (search tier unknown) is hollow: never drawn like a confirmed match.
      layout: icons(true, ["interpolate", ["linear"], ["zoom"], 8, 0.6, 14, 0.9]),
    },
    {
      id: "hovered",
      type: "circle",
      source: "hovered",
      paint: { "circle-color": "rgba(0,0,0,0)", "circle-radius": 14, "circle-stroke-color": "#1a1a1a", "circle-stroke-width": 2 },
    },
    {
      id: "selected-halo",
      type: "circle",
      source: "selected",
      paint: { "circle-color": "#ffd400", "circle-opacity": 0.55, "circle-radius": 20, "circle-stroke-color": "#1a1a1a", "circle-stroke-width": 3 },
    },
    {
      id: "selected",
      type: "symbol",
      source: "selected",
      layout: icons(false, 1),
    },
    {
      id: "origin",
      type: "circle",
      source: "origin",
      paint: { "circle-color": "#1a5fb4", "circle-radius": 8, "circle-stroke-color": "#ffffff", "circle-stroke-width": 3 },
    },
  );
  return { version: 8, sources, layers };
}
