// The client's state lives in the URL query so a view can be shared, bookmarked
// and restored by reload:
//   directory: ?lang=en&kind=a,b&muni=14207&q=text&id=…&view=map&basemap=gsi
//   search:    ?near=茅ヶ崎市役所&lon=139.40&lat=35.33&needs=ventilator,suctioning&age=5&km=10&accepting=1
//   regions:   ?view=regions&region=1407&ind=visiting_nurse&pref=14
//   coverage:  ?view=coverage&needs=ventilator&age=5&ckind=visiting_nurse&within=30min&cunknown=1&carea=1407
// Defaults are left out, so the plain address is the Japanese list.

import type { Lang } from "./i18n";

export type View = "list" | "map" | "regions" | "coverage";
export type BaseMap = "none" | "gsi";

export interface AppState {
  lang: Lang;
  kinds: string[];
  municipality: string;
  q: string;
  id: string;
  /** Which pane a phone shows (desktop shows list and map together); "regions" is the region view. */
  view: View;
  baseMap: BaseMap;
  /** Search origin as the user named it (address, 町丁目, "現在地"). */
  near: string;
  /** Search origin, WGS 84 degrees; null when only `near` is known. */
  lon: number | null;
  lat: number | null;
  /** 医療的ケア capability codes the child needs. */
  needs: string[];
  /** The child's age in years. */
  age: number | null;
  /** Search radius in kilometres; 0 means the server's default. */
  km: number;
  /** Only services accepting new clients. */
  accepting: boolean;
  /** 二次医療圏 code of the region page. */
  region: string;
  /** Indicator colouring the region view. */
  indicator: string;
  /** Coverage view: facility kinds counted (empty: any kind). */
  covKinds: string[];
  /** Coverage view: the threshold, one of [`COVERAGE_THRESHOLDS`] ("" is the default, 10 km). */
  within: string;
  /** Coverage view: the map and gap list count 要確認 providers too. */
  covUnknown: boolean;
  /** Coverage view: the area, a 二次医療圏 code (4 digits) or a prefecture code (2 digits); "" is everything loaded. */
  covArea: string;
  /** Prefecture (2-digit JIS code) the region and coverage views show when several are loaded; "" is all of them. */
  pref: string;
}

/** Thresholds offered in the coverage view: straight-line km or estimated travel minutes by car. */
export const COVERAGE_THRESHOLDS = ["2km", "5km", "10km", "20km", "15min", "30min", "60min"];
/** The coverage threshold when the URL does not say. */
export const DEFAULT_THRESHOLD = "10km";

/** A threshold code ("30min") as the API's parameter: metres or minutes. */
export function thresholdOf(code: string): { withinM?: number; withinMinutes?: number } {
  const m = /^(\d+)(km|min)$/.exec(code || DEFAULT_THRESHOLD) ?? ["", "10", "km"];
  return m[2] === "km" ? { withinM: Number(m[1]) * 1000 } : { withinMinutes: Number(m[1]) };
}

/** Radii offered in the search panel, km. */
export const RADII_KM = [2, 5, 10, 20, 40];

/** The base map when the URL does not say: build-time VITE_RENKEI_BASEMAP, else none (works offline). */
export const DEFAULT_BASEMAP: BaseMap = import.meta.env.VITE_RENKEI_BASEMAP === "gsi" ? "gsi" : "none";

const coordinate = (text: string | null, limit: number): number | null => {
  if (text === null || !/^-?\d{1,3}(\.\d{1,8})?$/.test(text)) return null;
  const value = Number(text);
  return Math.abs(value) <= limit ? value : null;
};

export function parseState(search: string): AppState {
  const p = new URLSearchParams(search);
  const list = (key: string) =>
    (p.get(key) ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => /^[a-z0-9_]+$/.test(s));
  const basemap = p.get("basemap");
  const view = p.get("view");
  const lon = coordinate(p.get("lon"), 180);
  const lat = coordinate(p.get("lat"), 90);
  const age = /^\d{1,2}$/.test(p.get("age") ?? "") ? Number(p.get("age")) : null;
  const km = Number(p.get("km"));
  return {
    lang: p.get("lang") === "en" ? "en" : "ja",
    kinds: [...new Set(list("kind"))],
    municipality: /^\d{5,6}$/.test(p.get("muni") ?? "") ? (p.get("muni") as string) : "",
    q: (p.get("q") ?? "").slice(0, 100),
    id: /^[0-9a-fA-F-]{1,64}$/.test(p.get("id") ?? "") ? (p.get("id") as string) : "",
    view: view === "map" || view === "regions" || view === "coverage" ? view : "list",
    baseMap: basemap === "gsi" || basemap === "none" ? basemap : DEFAULT_BASEMAP,
    near: (p.get("near") ?? "").slice(0, 100),
    lon: lon !== null && lat !== null ? lon : null,
    lat: lon !== null && lat !== null ? lat : null,
    needs: [...new Set(list("needs"))],
    age: age !== null && age <= 30 ? age : null,
    km: RADII_KM.includes(km) ? km : 0,
    accepting: p.get("accepting") === "1",
    region: /^\d{4}$/.test(p.get("region") ?? "") ? (p.get("region") as string) : "",
    indicator: /^[a-z0-9_]{1,40}$/.test(p.get("ind") ?? "") ? (p.get("ind") as string) : "",
    covKinds: [...new Set(list("ckind"))],
    within: COVERAGE_THRESHOLDS.includes(p.get("within") ?? "") && p.get("within") !== DEFAULT_THRESHOLD ? (p.get("within") as string) : "",
    covUnknown: p.get("cunknown") === "1",
    covArea: /^(\d{2}|\d{4})$/.test(p.get("carea") ?? "") ? (p.get("carea") as string) : "",
    pref: /^\d{2}$/.test(p.get("pref") ?? "") ? (p.get("pref") as string) : "",
  };
}

/** True when the state holds a search (a place to search from). */
export function isSearch(s: AppState): boolean {
  return s.near !== "" || s.lon !== null;
}

export function serializeState(s: AppState): string {
  const p = new URLSearchParams();
  if (s.lang !== "ja") p.set("lang", s.lang);
  if (s.near) p.set("near", s.near);
  if (s.lon !== null && s.lat !== null) {
    p.set("lon", s.lon.toFixed(5));
    p.set("lat", s.lat.toFixed(5));
  }
  if (s.needs.length) p.set("needs", [...s.needs].join(","));
  if (s.age !== null) p.set("age", String(s.age));
  if (s.km) p.set("km", String(s.km));
  if (s.accepting) p.set("accepting", "1");
  if (s.kinds.length) p.set("kind", [...s.kinds].sort().join(","));
  if (s.municipality) p.set("muni", s.municipality);
  if (s.q) p.set("q", s.q);
  if (s.id) p.set("id", s.id);
  if (s.view !== "list") p.set("view", s.view);
  if (s.region) p.set("region", s.region);
  if (s.indicator) p.set("ind", s.indicator);
  if (s.covKinds.length) p.set("ckind", [...s.covKinds].sort().join(","));
  if (s.within) p.set("within", s.within);
  if (s.covUnknown) p.set("cunknown", "1");
  if (s.covArea) p.set("carea", s.covArea);
  if (s.pref) p.set("pref", s.pref);
  if (s.baseMap !== DEFAULT_BASEMAP) p.set("basemap", s.baseMap);
  const query = p.toString();
  return query ? `?${query}` : window.location.pathname;
}
