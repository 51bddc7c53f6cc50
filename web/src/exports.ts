// Print and download from the page (issue 18): the server's PDFs and exports
// for what is on screen — the referral sheet and GeoJSON of a search, CSV and
// GeoJSON of the directory list, a region's map and leaflet — and, in the
// footer, the addresses GIS staff and developers need. Every link goes to the
// same server; nothing is generated in the browser.

import { apiUrl, referralPdfUrl, searchGeojsonUrl, tileJsonUrl, type SearchQuery } from "./api";
import { h } from "./dom";
import { t, type Lang } from "./i18n";
import type { AppState } from "./state";

/** The most rows one CSV or GeoJSON export of the directory gives (the API's per_page maximum). */
export const EXPORT_MAX_ROWS = 10_000;

type Link = { href: string; text: string; id: string; download?: boolean };

function menu(lang: Lang, id: string, links: Link[], note?: string): HTMLElement {
  const d = t(lang);
  return h(
    "details",
    { class: "exports", id },
    h("summary", {}, d.printAndDownload),
    h(
      "ul",
      {},
      links.map((link) =>
        h("li", {}, h("a", { href: link.href, id: link.id, target: "_blank", rel: "noopener", download: link.download ? "" : undefined }, link.text)),
      ),
    ),
    note ? h("p", { class: "hint" }, note) : null,
  );
}

/** A search: its referral sheet (PDF, the same order and tiers) and its GeoJSON. */
export function searchExports(lang: Lang, q: SearchQuery): HTMLElement {
  const d = t(lang);
  return menu(lang, "search-exports", [
    { href: referralPdfUrl(q), text: d.referralPdf, id: "export-referral" },
    { href: searchGeojsonUrl(q), text: d.geojsonDownload, id: "export-search-geojson", download: true },
  ]);
}

/**
 * The directory list: CSV and GeoJSON of GET /facilities with the filters the
 * API takes (municipality, one kind); a note says when the list on screen is
 * narrower (a name filter, several kinds).
 */
export function directoryExports(lang: Lang, s: AppState): HTMLElement {
  const d = t(lang);
  const params: Record<string, string> = { per_page: String(EXPORT_MAX_ROWS) };
  if (s.municipality) params.municipality = s.municipality;
  if (s.kinds.length === 1) params.kind = s.kinds[0];
  const partial = s.q.trim() !== "" || s.kinds.length > 1;
  return menu(
    lang,
    "directory-exports",
    [
      { href: apiUrl("facilities", { ...params, format: "csv" }), text: d.listCsv, id: "export-csv", download: true },
      { href: apiUrl("facilities", { ...params, format: "geojson" }), text: d.geojsonDownload, id: "export-geojson", download: true },
    ],
    partial ? d.exportPartial : undefined,
  );
}

/** A 二次医療圏: its resource map (A4 and A3), the family leaflet and its list as CSV. */
export function regionExports(lang: Lang, code: string): HTMLElement {
  const d = t(lang);
  return menu(lang, "region-exports", [
    { href: apiUrl("print/map", { code, paper: "a4", orientation: "portrait" }), text: d.regionMapPdf("A4"), id: "export-map-a4" },
    { href: apiUrl("print/map", { code, paper: "a3", orientation: "landscape" }), text: d.regionMapPdf("A3"), id: "export-map-a3" },
    { href: apiUrl("print/leaflet", { region: code }), text: d.leafletPdf, id: "export-leaflet" },
    { href: apiUrl(`regions/${encodeURIComponent(code)}/facilities`, { format: "csv", per_page: String(EXPORT_MAX_ROWS) }), text: d.listCsv, id: "export-region-csv", download: true },
  ]);
}

/** For GIS staff and developers: the API's documentation and the layers as QGIS and MapLibre read them. */
export function gisLinks(lang: Lang): HTMLElement {
  const d = t(lang);
  const base = new URL(".", window.location.href);
  return h(
    "nav",
    { class: "gis-links", "aria-label": d.forGis },
    h("span", {}, `${d.forGis}: `),
    [
      [new URL("api/docs", base).href, d.apiDocumentation],
      [new URL("openapi.json", base).href, "OpenAPI"],
      [tileJsonUrl("facilities"), d.tileJson],
      [apiUrl("facilities", { format: "geojson", per_page: String(EXPORT_MAX_ROWS) }), d.allGeojson],
    ].flatMap(([href, text], i) => [i ? " · " : "", h("a", { href }, text)]),
  );
}
