// The coverage view (カバー状況): for a need profile and a threshold, the share
// of children under 15 within reach of matching providers per 二次医療圏 and
// municipality, in both tiers (confirmed only, and 要確認 included — open data
// states no capabilities, so confirmed is usually 0 % and must be shown as
// such, not hidden), the ranked gap list, a CSV link, and the legend of the
// cells the map draws. The tables are the list-equivalent of the map.

import type { CoverageCollection, CoverageGap, CoverageIndicators, CoverageReport, CoverageRow, RegionSummary } from "./api";
import { h } from "./dom";
import { t, type Dict, type Lang } from "./i18n";
import { prefectureSelect, prefecturesOf, regionsIn, shownPrefecture, wholeAreaOption } from "./prefectures";
import { kindChecks, needChecks, syncChecks } from "./search";
import { COVERAGE_THRESHOLDS, DEFAULT_THRESHOLD, type AppState } from "./state";
import { CAPABILITIES, KINDS } from "./taxonomy";

export interface CoverageActions {
  /** The state now (the form outlives many changes). */
  current(): AppState;
  change(change: Partial<AppState>): void;
}

const MAX_AGE = 18;

/** The profile form; built once per language, kept in step by [`syncCoverageForm`]. */
export function renderCoverageForm(lang: Lang, state: AppState, regions: RegionSummary[], actions: CoverageActions): HTMLElement {
  const d = t(lang);
  const prefectures = prefecturesOf(regions);
  const toggle = (key: "needs" | "covKinds", order: string[]) => (code: string) => (e: Event) => {
    const on = (e.target as HTMLInputElement).checked;
    const now = actions.current()[key];
    const next = on ? [...now, code] : now.filter((c) => c !== code);
    actions.change({ [key]: order.filter((c) => next.includes(c)) });
  };
  const select = (id: string, labelText: string, value: string, options: [string, string][], onchange: (value: string) => void) =>
    h(
      "div",
      {},
      h("label", { for: id, class: "field-label" }, labelText),
      h(
        "select",
        { id, onchange: (e: Event) => onchange((e.target as HTMLSelectElement).value) },
        options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)),
      ),
    );
  return h(
    "form",
    { id: "coverage-form", class: "coverage-form", "aria-labelledby": "coverage-profile", onsubmit: (e: Event) => e.preventDefault() },
    h("h3", { id: "coverage-profile" }, d.coverageProfile),
    h(
      "div",
      { class: "row" },
      select("cov-within", d.threshold, state.within || DEFAULT_THRESHOLD, COVERAGE_THRESHOLDS.map((c) => [c, d.thresholdOption(c)]), (v) => actions.change({ within: v === DEFAULT_THRESHOLD ? "" : v })),
      select(
        "cov-age",
        d.age,
        state.age === null ? "" : String(state.age),
        [["", d.ageAny], ...Array.from({ length: MAX_AGE + 1 }, (_, n): [string, string] => [String(n), d.ageYears(n)])],
        (v) => actions.change({ age: v === "" ? null : Number(v) }),
      ),
    ),
    // Picking a prefecture shows its whole area; its regions fill the area list.
    prefectureSelect(lang, prefectures, state.pref, (code) => actions.change({ pref: code, covArea: code })),
    select(
      "cov-area",
      d.coverageArea,
      state.covArea,
      [wholeAreaOption(lang, prefectures, state.pref), ...regionsIn(regions, shownPrefecture(state.pref, prefectures)).map((r): [string, string] => [r.code, lang === "en" && r.nameEn ? r.nameEn : r.nameJa])],
      (v) => actions.change({ covArea: v }),
    ),
    h(
      "div",
      { class: "check" },
      h("input", { type: "checkbox", id: "cov-unknown", checked: state.covUnknown, "aria-describedby": "cov-unknown-help", onchange: (e: Event) => actions.change({ covUnknown: (e.target as HTMLInputElement).checked }) }),
      h("label", { for: "cov-unknown" }, d.includeUnknown),
    ),
    h("p", { id: "cov-unknown-help", class: "hint" }, d.includeUnknownHelp),
    h(
      "details",
      { class: "needs-details", id: "cov-needs-details", open: state.needs.length === 0 },
      h("summary", {}, d.needsLegend, h("span", { class: "count", id: "cov-needs-count" }, countText(state.needs.length))),
      h("fieldset", { class: "needs" }, h("legend", { class: "visually-hidden" }, d.needsLegend), needChecks(lang, state.needs, "cov-need", toggle("needs", CAPABILITIES.map((c) => c.code)))),
    ),
    h(
      "details",
      { class: "more-details", id: "cov-kinds-details" },
      h("summary", {}, d.coverageKinds, h("span", { class: "count", id: "cov-kinds-count" }, countText(state.covKinds.length))),
      h("fieldset", { class: "search-kinds" }, h("legend", { class: "visually-hidden" }, d.coverageKinds), kindChecks(lang, state.covKinds, "cov-kind", toggle("covKinds", KINDS.map((k) => k.code)))),
    ),
  );
}

const countText = (n: number) => (n ? `（${n}）` : "");

/** Brings the form's controls in line with `state` (after Back …). */
export function syncCoverageForm(state: AppState): void {
  if (!document.getElementById("coverage-form")) return;
  syncChecks(CAPABILITIES, state.needs, "cov-need");
  syncChecks(KINDS, state.covKinds, "cov-kind");
  (document.getElementById("cov-within") as HTMLSelectElement).value = state.within || DEFAULT_THRESHOLD;
  (document.getElementById("cov-age") as HTMLSelectElement).value = state.age === null ? "" : String(state.age);
  (document.getElementById("cov-area") as HTMLSelectElement).value = state.covArea;
  (document.getElementById("cov-unknown") as HTMLInputElement).checked = state.covUnknown;
  (document.getElementById("cov-needs-count") as HTMLElement).textContent = countText(state.needs.length);
  (document.getElementById("cov-kinds-count") as HTMLElement).textContent = countText(state.covKinds.length);
}

function locale(lang: Lang): string {
  return lang === "ja" ? "ja-JP" : "en-GB";
}

function percent(lang: Lang, share: number | null, d: Dict): string {
  // Rounded down: 99.96 % of children within reach is not "100.0 %".
  return share === null ? d.noValue : (Math.floor(share * 1000) / 1000).toLocaleString(locale(lang), { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

function decimal(lang: Lang, value: number | null, digits: number, d: Dict): string {
  return value === null ? d.noValue : value.toLocaleString(locale(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const kmOf = (lang: Lang, metres: number | null, d: Dict) => (metres === null ? d.noValue : `${decimal(lang, metres / 1000, 1, d)} km`);

/** The distinct bands the cells carry, in band order: the legend is the server's colours and labels. */
export function bandsOf(cells: CoverageCollection): { band: number; label: string; colour: string; cells: number }[] {
  const bands = new Map<number, { band: number; label: string; colour: string; cells: number }>();
  for (const f of cells.features) {
    const p = f.properties;
    const b = bands.get(p.band) ?? { band: p.band, label: p.band_label, colour: p.band_colour, cells: 0 };
    b.cells += 1;
    bands.set(p.band, b);
  }
  return [...bands.values()].sort((a, b) => a.band - b.band);
}

/** A two-tier cell: 要確認 included first (the meaningful one with open data), confirmed only below it. */
function tiers(row: CoverageRow, pick: (i: CoverageIndicators) => string, d: Dict, field: string): HTMLElement {
  return h(
    "td",
    { class: "num", "data-field": field },
    h("span", { class: "cov-tier-u", "data-tier": "with_unknown" }, pick(row.withUnknown)),
    h("span", { class: "cov-tier-c", "data-tier": "confirmed" }, h("span", { class: "visually-hidden" }, `${d.confirmedTier}: `), pick(row.confirmed)),
  );
}

function areaTable(lang: Lang, id: string, caption: string, areaHeader: string, rows: CoverageRow[], d: Dict): HTMLElement {
  const name = (r: CoverageRow) => r.name ?? r.code;
  return h(
    "table",
    { class: "region-table coverage-table", id },
    h("caption", {}, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, areaHeader),
        h("th", { scope: "col", class: "num" }, d.children),
        h("th", { scope: "col", class: "num" }, d.shareWithin, h("span", { class: "tier-key" }, d.unknownTier), h("span", { class: "tier-key" }, d.confirmedTier)),
        h("th", { scope: "col", class: "num" }, d.per10k),
        h("th", { scope: "col", class: "num" }, d.p90),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((r) =>
        h(
          "tr",
          { "data-code": r.code },
          h("th", { scope: "row", lang: "ja" }, name(r)),
          h("td", { class: "num", "data-field": "children" }, r.withUnknown.children.toLocaleString(locale(lang))),
          tiers(r, (i) => percent(lang, i.shareWithin, d), d, "share"),
          tiers(r, (i) => decimal(lang, i.providersPer10k, 1, d), d, "per10k"),
          tiers(r, (i) => kmOf(lang, i.p90M, d), d, "p90"),
        ),
      ),
    ),
  );
}

/** The server's notes are "日本語 / English": the part in `lang`. */
function inLanguage(lang: Lang, note: string): string {
  const at = note.indexOf(" / ");
  if (at < 0) return note;
  return lang === "ja" ? note.slice(0, at) : note.slice(at + 3);
}

/** The tables, gap list, CSV link and population notes for a report. */
export function renderCoverageReport(
  lang: Lang,
  report: CoverageReport,
  cells: CoverageCollection | null,
  csvHref: string,
  includeUnknown: boolean,
  showOnMap: (gap: CoverageGap) => void,
): HTMLElement {
  const d = t(lang);
  const sum = (pick: (r: CoverageRow) => CoverageIndicators) => {
    const children = report.regions.reduce((n, r) => n + pick(r).children, 0);
    const within = report.regions.reduce((n, r) => n + pick(r).childrenWithin, 0);
    return children ? within / children : null;
  };
  const bands = cells ? bandsOf(cells) : [];
  return h(
    "div",
    { id: "coverage-report" },
    h("p", { id: "coverage-summary", class: "coverage-summary", role: "status" }, d.coverageSummary(percent(lang, sum((r) => r.withUnknown), d), percent(lang, sum((r) => r.confirmed), d))),
    h(
      "div",
      { class: "coverage-legend" },
      h("h3", { id: "coverage-legend-title" }, d.coverageLegend(includeUnknown)),
      h(
        "ul",
        { class: "choropleth-legend", id: "coverage-legend", "aria-labelledby": "coverage-legend-title" },
        bands.map((b) =>
          h(
            "li",
            { "data-band": String(b.band) },
            h("span", { class: "swatch swatch-area", style: `background:${b.colour}`, "aria-hidden": "true" }),
            // The server's label is "0–2 km" or "なし / none"; the last band gets the UI language.
            b.band === 5 ? d.bandNone : b.label,
            h("span", { class: "muted" }, ` ${d.cellsDrawn(b.cells)}`),
          ),
        ),
      ),
    ),
    h("p", { class: "hint", id: "tiers-explain" }, d.tiersExplain),
    areaTable(lang, "coverage-regions", d.regionTable, d.region, report.regions, d),
    h(
      "details",
      { class: "coverage-munis", id: "coverage-munis-details" },
      h("summary", {}, `${d.municipalityTable}（${report.municipalities.length}）`),
      areaTable(lang, "coverage-municipalities", d.municipalityTable, d.municipalities, report.municipalities, d),
    ),
    h("h3", { id: "gaps-title" }, d.gapsTitle),
    h("p", { class: "hint" }, d.gapsExplain(includeUnknown)),
    report.gaps.length
      ? h(
          "ol",
          { id: "coverage-gaps", class: "coverage-gaps", "aria-labelledby": "gaps-title" },
          report.gaps.map((g, i) =>
            h(
              "li",
              { "data-id": g.id, "data-children": String(g.children) },
              h("span", { class: "gap-place", id: `gap-${i}`, lang: "ja" }, d.gapPlace(g.municipalityName ?? g.municipalityCode, g.id)),
              h("span", { class: "gap-children" }, d.childrenCount(g.children)),
              h("span", { class: "muted" }, d.gapDistance(g.kthM === null ? null : decimal(lang, g.kthM / 1000, 1, d), g.kthMinutes === null ? null : Math.round(g.kthMinutes))),
              g.position ? h("button", { type: "button", class: "link-button gap-show", "aria-describedby": `gap-${i}`, onclick: () => showOnMap(g) }, d.showOnMap) : null,
            ),
          ),
        )
      : h("p", { id: "coverage-gaps-none", class: "muted" }, d.gapsNone),
    h("p", {}, h("a", { id: "coverage-csv", href: csvHref, download: "coverage.csv", class: "button button-secondary" }, d.csvDownload)),
    h("h3", {}, d.populationMethod),
    h("ul", { id: "population-notes", class: "hint" }, report.population.notes.map((n) => h("li", { lang }, inLanguage(lang, n)))),
  );
}
