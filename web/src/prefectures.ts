// Several prefectures may be loaded (renkei fetch --prefecture NN, or --all):
// the region and coverage views then show one prefecture at a time, picked
// with a selector, or all of them. With one prefecture loaded nothing changes
// and no selector is shown. Names come from the data, never from code.

import type { RegionSummary } from "./api";
import { h } from "./dom";
import { t, type Lang } from "./i18n";

export interface Prefecture {
  /** 2-digit JIS X 0401 code, e.g. "14". */
  code: string;
  nameJa: string;
  nameEn?: string;
}

/** The prefectures of `regions`, in code order, each once. */
export function prefecturesOf(regions: RegionSummary[]): Prefecture[] {
  const byCode = new Map<string, Prefecture>();
  for (const r of regions) if (!byCode.has(r.prefecture.code)) byCode.set(r.prefecture.code, r.prefecture);
  return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** The prefecture shown: the only one loaded, else `pref` when it is loaded, else "" (all of them). */
export function shownPrefecture(pref: string, prefectures: Prefecture[]): string {
  if (prefectures.length === 1) return prefectures[0].code;
  return prefectures.some((p) => p.code === pref) ? pref : "";
}

/** The regions of prefecture `pref` ("" keeps every region). */
export function regionsIn(regions: RegionSummary[], pref: string): RegionSummary[] {
  return pref ? regions.filter((r) => r.prefecture.code === pref) : regions;
}

export function prefectureName(lang: Lang, p: Prefecture): string {
  return lang === "en" && p.nameEn ? p.nameEn : p.nameJa;
}

/**
 * The coverage area option meaning "the whole of what is shown": value and label.
 * One prefecture loaded: "" (everything) named after it; several with one shown:
 * its code; several with none shown: "" for all loaded prefectures.
 */
export function wholeAreaOption(lang: Lang, prefectures: Prefecture[], pref: string): [string, string] {
  const d = t(lang);
  const shown = prefectures.find((p) => p.code === shownPrefecture(pref, prefectures));
  if (!shown) return ["", prefectures.length ? d.allPrefectures : d.wholeArea("")];
  return [prefectures.length === 1 ? "" : shown.code, d.wholeArea(prefectureName(lang, shown))];
}

/** The prefecture selector, or null when fewer than two prefectures are loaded. */
export function prefectureSelect(lang: Lang, prefectures: Prefecture[], pref: string, onchange: (code: string) => void): HTMLElement | null {
  if (prefectures.length < 2) return null;
  const d = t(lang);
  const shown = shownPrefecture(pref, prefectures);
  return h(
    "div",
    { class: "prefecture-picker" },
    h("label", { for: "pref", class: "field-label" }, d.prefecture),
    h(
      "select",
      { id: "pref", onchange: (e: Event) => onchange((e.target as HTMLSelectElement).value) },
      h("option", { value: "", selected: shown === "" }, d.allPrefectures),
      prefectures.map((p) => h("option", { value: p.code, selected: p.code === shown }, prefectureName(lang, p))),
    ),
  );
}

/** How many times the median region's size a region's extent may be and still be framed. */
const OUTLIER_FACTOR = 4;

/**
 * The extent [west, south, east, north] of `regions` (those with a bbox), or null.
 * A region whose own extent is far larger than the others' (東京都's 島しょ
 * spans 1,000 km of ocean) is left out, so the map frames where people live;
 * it stays on the map and in the list.
 */
export function extentOf(regions: RegionSummary[]): [number, number, number, number] | null {
  const all = regions.flatMap((r) => (r.bbox ? [r.bbox] : []));
  const size = (b: [number, number, number, number]) => Math.hypot(b[2] - b[0], b[3] - b[1]);
  const sizes = all.map(size).sort((a, b) => a - b);
  const median = sizes[Math.floor(sizes.length / 2)] ?? 0;
  const framed = all.length > 2 ? all.filter((b) => size(b) <= median * OUTLIER_FACTOR) : all;
  const boxes = framed.length ? framed : all;
  if (!boxes.length) return null;
  return [
    Math.min(...boxes.map((b) => b[0])),
    Math.min(...boxes.map((b) => b[1])),
    Math.max(...boxes.map((b) => b[2])),
    Math.max(...boxes.map((b) => b[3])),
  ];
}
