// The MapLibre map: facilities as kind icons (GeoJSON, clustered
// when zoomed out; the whole of a large directory from our vector tiles),
// search tiers (要確認 hollow), the search origin, and region and municipality
// boundaries with the region view's colours from our vector tiles. Loaded
// lazily (MapLibre is most of the download), and it works with no internet:
// only our own sources, no glyphs and no sprites. Text (cluster counts, names)
// is drawn in HTML, so no glyph server is needed. The 地理院タイル base map is optional.

import maplibregl, {
  type GeoJSONSource,
  type LngLatBoundsLike,
  type MapGeoJSONFeature,
} from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import { tileJsonUrl, type CoverageCollection, type Facility, type Origin, type Tier } from "./api";
import { t, type Lang } from "./i18n";
import { drawIcon, iconSizePx } from "./markers";
import { mapStyle } from "./mapStyle";
import type { BaseMap } from "./state";

export interface MapCallbacks {
  onSelect(id: string): void;
  /** The pointer is over a facility (or over none). */
  onHover(id: string | null): void;
  /** A click on no facility: longitude, latitude (WGS 84), and the 二次医療圏 under it if any. */
  onClickPlace(lon: number, lat: number, region: string | null): void;
}

/** How to draw the facilities given to `setFacilities`. */
export interface DrawOptions {
  /** Search tiers by facility id: confirmed filled, 要確認 hollow. */
  tiers?: Map<string, Tier>;
  /**
   * Draw the whole directory from vector tiles instead of GeoJSON (large
   * directories); only these kinds when the list is non-empty.
   */
  tiles?: { kinds: string[] } | null;
}

export interface FacilityMap {
  setFacilities(list: Facility[], fit: boolean, options?: DrawOptions): void;
  /** "Tap the map to choose the place": every click reports a place, none selects a facility. */
  setPicking(on: boolean): void;
  /** The search origin, drawn as a distinct marker, or none. */
  setOrigin(origin: Origin | null, fit: boolean): void;
  /** Region view: fill each 二次医療圏 by code, outline the selected one; null hides the fills. */
  setRegionView(colours: Record<string, string> | null, selected: string): void;
  /** Frames an extent [west, south, east, north], WGS 84 degrees (e.g. the prefecture shown). */
  frame(bbox: [number, number, number, number]): void;
  /** The coverage view's cells, filled by their `band_colour`; null leaves the view. `fit` frames them. */
  setCoverage(cells: CoverageCollection | null, fit: boolean): void;
  /** Outlines one coverage place (mesh code) and centres the map on `position` (lon, lat, WGS 84). */
  showCoveragePlace(place: string, position: [number, number]): void;
  setSelected(id: string | null, fly: boolean): void;
  setHovered(id: string | null): void;
  setBaseMap(baseMap: BaseMap): void;
  setLang(lang: Lang): void;
  resize(): void;
  /** For tests: facilities drawn (cluster members counted). */
  renderedCount(): number;
  /** For tests: where the facilities come from, GeoJSON (with clusters) or vector tiles. */
  drawnFrom(): "geojson" | "tiles";
  /** For tests: 二次医療圏 codes drawn filled, with their fill colours. */
  regionsDrawn(): Record<string, string>;
  /** For tests: coverage cells rendered in the viewport, mesh code → fill colour. */
  coverageDrawn(): Record<string, string>;
  /** For tests: the outlined coverage place, if it is rendered. */
  coverageOutlined(): string | null;
  /** For tests: the search origin drawn, longitude first. */
  originDrawn(): [number, number] | null;
  /** For tests: the longitude and latitude at a point of the map, in CSS pixels. */
  unproject(x: number, y: number): [number, number];
  /** For tests: ids drawn as selected / hovered. */
  highlighted(): { selected: string[]; hovered: string[] };
  /** For tests: where a facility is on screen, in CSS pixels relative to the map. */
  project(id: string): { x: number; y: number } | null;
}

/** Kanagawa, for an empty directory. */
const DEFAULT_BOUNDS: LngLatBoundsLike = [
  [138.9, 35.1],
  [139.8, 35.7],
];

/** Room for the base-map toggle (top), the zoom buttons (right) and the legend (bottom left). */
const FIT_PADDING = { top: 70, right: 60, bottom: 60, left: 60 };

type Collection = GeoJSON.FeatureCollection<GeoJSON.Point, { id: string; kind: string; name: string; tier: string }>;

function toCollection(list: Facility[], tiers?: Map<string, Tier>): Collection {
  return {
    type: "FeatureCollection",
    features: list
      .filter((f) => f.lon !== undefined && f.lat !== undefined)
      .map((f) => ({
        type: "Feature",
        geometry: { type: "Point", coordinates: [f.lon as number, f.lat as number] },
        properties: { id: f.id, kind: f.kind.code, name: f.name, tier: tiers?.get(f.id) ?? "" },
      })),
  };
}

const EMPTY: Collection = { type: "FeatureCollection", features: [] };

export function createMap(container: HTMLElement, lang: Lang, baseMap: BaseMap, callbacks: MapCallbacks): FacilityMap {
  let currentLang = lang;
  let currentBase = baseMap;
  let byId = new Map<string, Facility>();
  let collection: Collection = EMPTY;
  let selectedId: string | null = null;
  let hoveredId: string | null = null;
  let loaded = false;
  let pendingFit = false;
  let tiles: DrawOptions["tiles"] = null;
  let origin: Origin | null = null;
  let regionColours: Record<string, string> | null = null;
  let selectedRegion = "";
  let coverage: CoverageCollection | null = null;
  let pendingCoverageFit = false;
  let picking = false;
  const clusterMarkers = new Map<number, maplibregl.Marker>();

  const map = new maplibregl.Map({
    container,
    style: mapStyle(baseMap, tileJsonUrl),
    bounds: DEFAULT_BOUNDS,
    fitBoundsOptions: { padding: 40 },
    attributionControl: { compact: true },
    // Japanese text, if a layer ever draws it, renders from local fonts: no glyph server.
    localIdeographFontFamily: "'Noto Sans CJK JP', 'IPAexGothic', 'Hiragino Sans', 'Yu Gothic', sans-serif",
    cooperativeGestures: false,
    dragRotate: false,
    pitchWithRotate: false,
    maxZoom: 18,
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");

  // Kind icons are drawn from the taxonomy when a layer first needs one (and
  // again after a base-map change, which replaces the style and its images).
  map.on("styleimagemissing", (e: { id: string }) => {
    const ratio = Math.max(1, Math.ceil(window.devicePixelRatio || 1));
    const size = iconSizePx() * ratio;
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = size;
    const pen = canvas.getContext("2d");
    if (!pen || !drawIcon(pen, e.id, ratio) || map.hasImage(e.id)) return;
    map.addImage(e.id, pen.getImageData(0, 0, size, size), { pixelRatio: ratio });
  });

  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 14, className: "facility-popup" });

  function pointFeature(id: string | null): Collection {
    if (!id) return EMPTY;
    const feature = collection.features.find((f) => f.properties.id === id);
    return feature ? { type: "FeatureCollection", features: [feature] } : EMPTY;
  }

  function source(name: string): GeoJSONSource | undefined {
    return loaded ? (map.getSource(name) as GeoJSONSource | undefined) : undefined;
  }

  function fitAll(): void {
    const coords = collection.features.map((f) => f.geometry.coordinates);
    if (origin) coords.push([origin.lon, origin.lat]);
    if (coords.length === 0) return;
    // Fit the middle 98 % of points on each axis: a few source rows geocoded
    // hundreds of kilometres away must not shrink everyone else to one cluster.
    const trim = coords.length >= 50 ? Math.floor(coords.length * 0.01) : 0;
    const axis = (i: 0 | 1): [number, number] => {
      const sorted = coords.map((c) => c[i]).sort((a, b) => a - b);
      return [sorted[trim], sorted[sorted.length - 1 - trim]];
    };
    const [[west, east], [south, north]] = [axis(0), axis(1)];
    map.fitBounds([west, south, east, north], { padding: FIT_PADDING, maxZoom: 14, animate: false });
  }

  function showPopup(id: string | null): void {
    const f = id ? byId.get(id) : undefined;
    if (!f || f.lon === undefined || f.lat === undefined) {
      popup.remove();
      return;
    }
    const el = document.createElement("div");
    el.lang = "ja";
    el.textContent = f.name;
    popup.setLngLat([f.lon, f.lat]).setDOMContent(el).addTo(map);
  }

  function syncSources(): void {
    // The region view shows areas only: facilities would hide the colours.
    source("facilities")?.setData(tiles || regionColours || coverage ? EMPTY : collection);
    source("coverage")?.setData(coverage ?? EMPTY);
    source("selected")?.setData(pointFeature(selectedId));
    source("hovered")?.setData(pointFeature(hoveredId));
    source("origin")?.setData(
      origin ? { type: "FeatureCollection", features: [{ type: "Feature", geometry: { type: "Point", coordinates: [origin.lon, origin.lat] }, properties: {} }] } : EMPTY,
    );
    if (!loaded) return;
    map.setLayoutProperty("directory-points", "visibility", tiles && !regionColours && !coverage ? "visible" : "none");
    map.setFilter("directory-points", tiles?.kinds.length ? ["in", ["get", "kind"], ["literal", tiles.kinds]] : null);
    map.setLayoutProperty("region-fill", "visibility", regionColours ? "visible" : "none");
    if (regionColours && Object.keys(regionColours).length) {
      const pairs = Object.entries(regionColours).flat();
      map.setPaintProperty("region-fill", "fill-color", ["match", ["get", "code"], ...pairs, "#cccccc"] as unknown as maplibregl.ExpressionSpecification);
    }
    map.setFilter("region-selected", ["==", ["get", "code"], selectedRegion]);
  }

  /** Cluster counts as HTML markers (no glyph server for text). */
  function updateClusterMarkers(): void {
    if (!loaded) return;
    const seen = new Set<number>();
    for (const feature of map.querySourceFeatures("facilities", { filter: ["has", "point_count"] }) as MapGeoJSONFeature[]) {
      const props = feature.properties as { cluster_id: number; point_count: number };
      if (seen.has(props.cluster_id)) continue;
      seen.add(props.cluster_id);
      let marker = clusterMarkers.get(props.cluster_id);
      if (!marker) {
        const el = document.createElement("div");
        el.className = "cluster-count";
        el.setAttribute("aria-hidden", "true");
        el.textContent = String(props.point_count);
        marker = new maplibregl.Marker({ element: el }).setLngLat((feature.geometry as GeoJSON.Point).coordinates as [number, number]);
        clusterMarkers.set(props.cluster_id, marker);
      }
      marker.addTo(map);
    }
    for (const [id, marker] of clusterMarkers) {
      if (!seen.has(id)) {
        marker.remove();
        clusterMarkers.delete(id);
      }
    }
  }

  function clearClusterMarkers(): void {
    for (const marker of clusterMarkers.values()) marker.remove();
    clusterMarkers.clear();
  }

  /** Frames the coverage cells. */
  function fitCoverage(): void {
    pendingCoverageFit = false;
    if (!coverage?.features.length) return;
    let [west, south, east, north] = [180, 90, -180, -90];
    for (const f of coverage.features) {
      const ring = f.geometry.type === "Polygon" ? f.geometry.coordinates[0] : f.geometry.type === "Point" ? [f.geometry.coordinates] : [];
      for (const [lon, lat] of ring) {
        west = Math.min(west, lon);
        east = Math.max(east, lon);
        south = Math.min(south, lat);
        north = Math.max(north, lat);
      }
    }
    map.fitBounds([west, south, east, north], { padding: 20, animate: false });
  }

  map.on("load", () => {
    loaded = true;
    labelCanvas();
    syncSources();
    if (pendingFit) fitAll();
    if (pendingCoverageFit) fitCoverage();
    showPopup(selectedId);
  });
  map.on("render", () => {
    if (map.isSourceLoaded("facilities")) updateClusterMarkers();
  });

  map.on("click", (e) => {
    const hit = map.queryRenderedFeatures(e.point, { layers: ["facility-points", "clusters", "directory-points"] });
    if (hit.length && !picking) return;
    const region = regionColours ? map.queryRenderedFeatures(e.point, { layers: ["region-fill"] })[0]?.properties?.code : undefined;
    callbacks.onClickPlace(e.lngLat.lng, e.lngLat.lat, typeof region === "string" ? region : null);
  });
  // Facilities are points in two layers: GeoJSON (search results, small
  // directories) and vector tiles (the whole of a large directory).
  for (const layer of ["facility-points", "directory-points"]) {
    map.on("click", layer, (e) => {
      if (picking) return;
      const id = e.features?.[0]?.properties?.id;
      if (typeof id === "string") callbacks.onSelect(id);
    });
    map.on("mousemove", layer, (e) => {
      const id = e.features?.[0]?.properties?.id;
      if (typeof id === "string" && id !== hoveredId) {
        hoveredId = id;
        source("hovered")?.setData(pointFeature(id));
        showPopup(id);
        callbacks.onHover(id);
      }
    });
    map.on("mouseleave", layer, () => {
      hoveredId = null;
      source("hovered")?.setData(EMPTY);
      showPopup(selectedId);
      callbacks.onHover(null);
    });
  }
  map.on("click", "clusters", async (e) => {
    if (picking) return;
    const feature = e.features?.[0];
    if (!feature) return;
    const zoom = await (map.getSource("facilities") as GeoJSONSource).getClusterExpansionZoom(feature.properties.cluster_id as number);
    map.easeTo({ center: (feature.geometry as GeoJSON.Point).coordinates as [number, number], zoom });
  });
  for (const layer of ["facility-points", "clusters", "directory-points"]) {
    map.on("mouseenter", layer, () => (map.getCanvas().style.cursor = picking ? "crosshair" : "pointer"));
    map.on("mouseleave", layer, () => (map.getCanvas().style.cursor = picking ? "crosshair" : ""));
  }

  function labelCanvas(): void {
    const canvas = map.getCanvas();
    canvas.setAttribute("aria-label", `${t(currentLang).map}. ${t(currentLang).mapHelp}`);
    canvas.setAttribute("role", "region");
  }

  return {
    setFacilities(list, fit, options = {}) {
      byId = new Map(list.map((f) => [f.id, f]));
      collection = toCollection(list, options.tiers);
      tiles = options.tiles ?? null;
      clearClusterMarkers();
      syncSources();
      if (fit) {
        if (loaded) fitAll();
        else pendingFit = true;
      }
    },
    setPicking(on) {
      picking = on;
      map.getCanvas().style.cursor = on ? "crosshair" : "";
    },
    setOrigin(next, fit) {
      origin = next;
      syncSources();
      if (fit) {
        if (loaded) fitAll();
        else pendingFit = true;
      }
    },
    setRegionView(colours, selected) {
      const entering = colours !== null && regionColours === null;
      regionColours = colours;
      selectedRegion = selected;
      syncSources();
      if (entering && loaded) {
        // Show every region: the extent the tile server gives, else the default.
        const bounds = (map.getSource("regions") as maplibregl.VectorTileSource | undefined)?.bounds;
        map.fitBounds(bounds ?? DEFAULT_BOUNDS, { padding: 20, animate: false });
      }
    },
    frame(bbox) {
      if (loaded) map.fitBounds(bbox, { padding: 20, animate: false });
      else map.once("load", () => map.fitBounds(bbox, { padding: 20, animate: false }));
    },
    setCoverage(cells, fit) {
      coverage = cells;
      syncSources();
      if (loaded) map.setFilter("coverage-selected", ["==", ["get", "place"], ""]);
      if (fit) {
        if (loaded) fitCoverage();
        else pendingCoverageFit = true;
      }
    },
    showCoveragePlace(place, position) {
      if (!loaded) return;
      map.setFilter("coverage-selected", ["==", ["get", "place"], place]);
      map.easeTo({ center: position, zoom: Math.max(map.getZoom(), 11), duration: 400 });
    },
    setSelected(id, fly) {
      selectedId = id;
      source("selected")?.setData(pointFeature(id));
      showPopup(hoveredId ?? id);
      const f = id ? byId.get(id) : undefined;
      if (fly && f && f.lon !== undefined && f.lat !== undefined) {
        map.easeTo({ center: [f.lon, f.lat], zoom: Math.max(map.getZoom(), 13), duration: 400 });
      }
    },
    setHovered(id) {
      hoveredId = id;
      source("hovered")?.setData(pointFeature(id));
      showPopup(id ?? selectedId);
    },
    setBaseMap(next) {
      if (next === currentBase) return;
      currentBase = next;
      clearClusterMarkers();
      map.setStyle(mapStyle(next, tileJsonUrl), { diff: false });
      map.once("style.load", syncSources);
    },
    setLang(next) {
      currentLang = next;
      if (loaded) labelCanvas();
    },
    resize() {
      map.resize();
    },
    renderedCount() {
      if (!loaded) return 0;
      let n = 0;
      const seen = new Set<string>();
      for (const f of map.queryRenderedFeatures({ layers: tiles ? ["directory-points"] : ["clusters", "facility-points"] })) {
        const p = f.properties as { cluster_id?: number; point_count?: number; id?: string };
        const key = p.cluster_id !== undefined ? `c${p.cluster_id}` : `p${p.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        n += p.point_count ?? 1;
      }
      return n;
    },
    drawnFrom() {
      return tiles ? "tiles" : "geojson";
    },
    regionsDrawn() {
      const drawn: Record<string, string> = {};
      if (!loaded || !regionColours) return drawn;
      for (const f of map.queryRenderedFeatures({ layers: ["region-fill"] })) {
        const code = String(f.properties.code);
        drawn[code] = regionColours[code] ?? "";
      }
      return drawn;
    },
    coverageDrawn() {
      const drawn: Record<string, string> = {};
      if (!loaded || !coverage) return drawn;
      for (const f of map.queryRenderedFeatures({ layers: ["coverage-fill"] })) drawn[String(f.properties.place)] = String(f.properties.band_colour);
      return drawn;
    },
    coverageOutlined() {
      if (!loaded || !coverage) return null;
      const f = map.queryRenderedFeatures({ layers: ["coverage-selected"] })[0];
      return f ? String(f.properties.place) : null;
    },
    unproject(x, y) {
      const p = map.unproject([x, y]);
      return [p.lng, p.lat];
    },
    originDrawn() {
      if (!loaded) return null;
      const f = map.queryRenderedFeatures({ layers: ["origin"] })[0];
      return f ? ((f.geometry as GeoJSON.Point).coordinates as [number, number]) : null;
    },
    highlighted() {
      const ids = (layer: string) => (loaded ? map.queryRenderedFeatures({ layers: [layer] }).map((f) => String(f.properties.id)) : []);
      return { selected: ids("selected"), hovered: ids("hovered") };
    },
    project(id) {
      const f = byId.get(id);
      if (!f || f.lon === undefined || f.lat === undefined) return null;
      const p = map.project([f.lon, f.lat]);
      return { x: p.x, y: p.y };
    },
  };
}
