// The client's state lives in the URL query so a view can be shared, bookmarked
// and restored by reload: ?lang=en&kind=a,b&muni=14207&q=text&id=…&view=map&basemap=gsi
// Defaults are left out, so the plain address is the Japanese list.

import type { Lang } from "./i18n";

export type View = "list" | "map";
export type BaseMap = "none" | "gsi";

export interface AppState {
  lang: Lang;
  kinds: string[];
  municipality: string;
  q: string;
  id: string;
  /** Which pane a phone shows; desktop shows both. */
  view: View;
  baseMap: BaseMap;
}

/** The base map when the URL does not say: build-time VITE_RENKEI_BASEMAP, else none (works offline). */
export const DEFAULT_BASEMAP: BaseMap = import.meta.env.VITE_RENKEI_BASEMAP === "gsi" ? "gsi" : "none";

export function parseState(search: string): AppState {
  const p = new URLSearchParams(search);
  const list = (key: string) =>
    (p.get(key) ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => /^[a-z0-9_]+$/.test(s));
  const basemap = p.get("basemap");
  return {
    lang: p.get("lang") === "en" ? "en" : "ja",
    kinds: [...new Set(list("kind"))],
    municipality: /^\d{5,6}$/.test(p.get("muni") ?? "") ? (p.get("muni") as string) : "",
    q: (p.get("q") ?? "").slice(0, 100),
    id: /^[0-9a-fA-F-]{1,64}$/.test(p.get("id") ?? "") ? (p.get("id") as string) : "",
    view: p.get("view") === "map" ? "map" : "list",
    baseMap: basemap === "gsi" || basemap === "none" ? basemap : DEFAULT_BASEMAP,
  };
}

export function serializeState(s: AppState): string {
  const p = new URLSearchParams();
  if (s.lang !== "ja") p.set("lang", s.lang);
  if (s.kinds.length) p.set("kind", [...s.kinds].sort().join(","));
  if (s.municipality) p.set("muni", s.municipality);
  if (s.q) p.set("q", s.q);
  if (s.id) p.set("id", s.id);
  if (s.view !== "list") p.set("view", s.view);
  if (s.baseMap !== DEFAULT_BASEMAP) p.set("basemap", s.baseMap);
  const query = p.toString();
  return query ? `?${query}` : window.location.pathname;
}
