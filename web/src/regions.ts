// The region view: the 二次医療圏 coloured by an indicator (e.g. visiting-nurse
// stations per 10,000 children under 15) with a legend and a table, and a
// region's page with its core hospitals, desks and counts. An indicator that
// needs a population the region does not have is "unknown", never 0.

import type { Facility, RegionSummary } from "./api";
import { h } from "./dom";
import { regionExports } from "./exports";
import { kindSymbol } from "./markers";
import { label, t, type Dict, type Lang } from "./i18n";
import { KINDS } from "./taxonomy";

export interface Indicator {
  code: string;
  name(d: Dict): string;
  /** The value for a region, or null when it cannot be computed. */
  value(r: RegionSummary): number | null;
  /** Digits after the decimal point. */
  digits: number;
}

const perChildren = (kind: string) => (r: RegionSummary) =>
  r.population.under15 ? ((r.facilities.byKind[kind] ?? 0) / r.population.under15) * 10_000 : null;

export const INDICATORS: Indicator[] = [
  { code: "visiting_nurse", name: (d) => d.indicatorVisitingNurse, value: perChildren("visiting_nurse"), digits: 2 },
  { code: "welfare_provider", name: (d) => d.indicatorWelfare, value: perChildren("welfare_provider"), digits: 2 },
  { code: "hospital", name: (d) => d.indicatorHospital, value: perChildren("hospital"), digits: 2 },
  { code: "total", name: (d) => d.indicatorTotal, value: (r) => r.facilities.total, digits: 0 },
];

export function indicatorOf(code: string): Indicator {
  return INDICATORS.find((i) => i.code === code) ?? INDICATORS[0];
}

/** Light to dark, sequential; the darkest still has AA contrast with white text. */
const RAMP = ["#e6f2ef", "#a9d6c9", "#5fb3a0", "#2a8672", "#0b5345"];
/** Regions whose value is unknown: grey, and hatched in the legend. */
export const UNKNOWN_COLOUR = "#c9c9c9";

export interface Classes {
  /** Upper bound of each class (inclusive), ascending. */
  breaks: number[];
  colours: string[];
}

/** Equal-count classes over the known values (at most five). */
export function classify(values: number[]): Classes {
  const sorted = [...values].sort((a, b) => a - b);
  const n = Math.min(RAMP.length, sorted.length);
  const breaks: number[] = [];
  for (let i = 1; i <= n; i++) breaks.push(sorted[Math.ceil((i * sorted.length) / n) - 1]);
  const unique = [...new Set(breaks)];
  const colours = unique.map((_, i) => RAMP[Math.round((i * (RAMP.length - 1)) / Math.max(1, unique.length - 1))]);
  return { breaks: unique, colours };
}

export function colourOf(value: number | null, classes: Classes): string {
  if (value === null) return UNKNOWN_COLOUR;
  const i = classes.breaks.findIndex((b) => value <= b);
  return classes.colours[i === -1 ? classes.colours.length - 1 : i];
}

/** Region code → fill colour for the map. */
export function regionColours(regions: RegionSummary[], indicator: Indicator): Record<string, string> {
  const values = regions.map((r) => indicator.value(r));
  const classes = classify(values.filter((v): v is number => v !== null));
  return Object.fromEntries(regions.map((r, i) => [r.code, colourOf(values[i], classes)]));
}

function format(lang: Lang, value: number | null, digits: number): string {
  if (value === null) return t(lang).unknownValue;
  return value.toLocaleString(lang === "ja" ? "ja-JP" : "en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export interface RegionActions {
  href(code: string): string;
  open(code: string): void;
  setIndicator(code: string): void;
  back(): void;
}

function regionName(lang: Lang, r: RegionSummary): string {
  return lang === "en" && r.nameEn ? r.nameEn : r.nameJa;
}

/** The indicator picker, legend and table of every region. */
/** `picker`: the prefecture selector, shown above the indicator when several prefectures are loaded. */
export function renderRegionList(lang: Lang, regions: RegionSummary[], indicator: Indicator, selected: string, actions: RegionActions, picker: HTMLElement | null = null): HTMLElement {
  const d = t(lang);
  const values = regions.map((r) => indicator.value(r));
  const classes = classify(values.filter((v): v is number => v !== null));
  const lower = (i: number) => (i === 0 ? Math.min(...values.filter((v): v is number => v !== null)) : classes.breaks[i - 1]);
  const populationSource = regions.find((r) => r.population.year)?.population;
  return h(
    "section",
    { id: "regions", class: "regions", "aria-labelledby": "regions-title" },
    h("h2", { id: "regions-title", tabindex: "-1" }, d.regionsTitle),
    picker,
    h("label", { for: "indicator", class: "field-label" }, d.indicator),
    h(
      "select",
      { id: "indicator", onchange: (e: Event) => actions.setIndicator((e.target as HTMLSelectElement).value) },
      INDICATORS.map((i) => h("option", { value: i.code, selected: i.code === indicator.code }, i.name(d))),
    ),
    h(
      "ul",
      { class: "choropleth-legend", id: "region-legend", "aria-label": d.legend },
      classes.breaks.map((b, i) =>
        h("li", {}, h("span", { class: "swatch swatch-area", style: `background:${classes.colours[i]}`, "aria-hidden": "true" }), `${format(lang, lower(i), indicator.digits)} – ${format(lang, b, indicator.digits)}`),
      ),
      values.some((v) => v === null) ? h("li", { class: "legend-unknown" }, h("span", { class: "swatch swatch-area swatch-unknown", "aria-hidden": "true" }), d.legendUnknown) : null,
    ),
    h(
      "table",
      { class: "region-table", id: "region-table" },
      h("caption", { class: "visually-hidden" }, `${d.regionsTitle}: ${indicator.name(d)}`),
      h(
        "thead",
        {},
        h("tr", {}, h("th", { scope: "col" }, d.region), h("th", { scope: "col", class: "num" }, d.value), h("th", { scope: "col", class: "num" }, d.childrenUnder15), h("th", { scope: "col", class: "num" }, d.facilitiesCount)),
      ),
      h(
        "tbody",
        {},
        regions.map((r, i) =>
          h(
            "tr",
            { "data-region": r.code, "aria-current": r.code === selected ? "true" : null },
            h(
              "th",
              { scope: "row" },
              h("span", { class: "swatch swatch-area", style: `background:${colourOf(values[i], classes)}`, "aria-hidden": "true" }),
              h(
                "a",
                {
                  href: actions.href(r.code),
                  "data-region": r.code,
                  onclick: (e: Event) => {
                    e.preventDefault();
                    actions.open(r.code);
                  },
                },
                regionName(lang, r),
              ),
            ),
            h("td", { class: `num${values[i] === null ? " unknown" : ""}`, "data-value": values[i] === null ? "unknown" : String(values[i]) }, format(lang, values[i], indicator.digits)),
            h("td", { class: `num${r.population.under15 === undefined ? " unknown" : ""}` }, r.population.under15 === undefined ? d.unknownValue : r.population.under15.toLocaleString(lang === "ja" ? "ja-JP" : "en-GB")),
            h("td", { class: "num" }, String(r.facilities.total)),
          ),
        ),
      ),
    ),
    h("p", { class: "hint" }, d.populationNote(populationSource?.year, populationSource?.source)),
  );
}

/** One region: core hospitals, desks, counts by kind, municipalities, population. */
export function renderRegionPage(lang: Lang, r: RegionSummary, desks: Facility[] | null, actions: RegionActions & { facilityHref(f: Facility): string; openFacility(id: string): void }): HTMLElement {
  const d = t(lang);
  const number = (n: number) => n.toLocaleString(lang === "ja" ? "ja-JP" : "en-GB");
  return h(
    "article",
    { class: "region-page", id: "region-page", "data-region": r.code },
    h("button", { type: "button", class: "link-button", id: "region-back", onclick: () => actions.back() }, h("span", { "aria-hidden": "true" }, "← "), d.backToRegions),
    h("h2", { id: "region-title", tabindex: "-1" }, regionName(lang, r), lang === "en" ? h("span", { lang: "ja", class: "muted" }, ` ${r.nameJa}`) : null),
    h("p", { class: "muted" }, `${d.region} ${r.code}`),
    h("h3", {}, d.coreHospitals),
    r.coreHospitals.length ? h("ul", { id: "core-hospitals" }, r.coreHospitals.map((name) => h("li", { lang: "ja" }, name))) : h("p", { class: "muted" }, d.noneRegistered),
    h("h3", {}, d.desks),
    desks === null
      ? h("p", { class: "muted" }, d.loading)
      : desks.length
        ? h(
            "ul",
            { id: "region-desks" },
            desks.map((f) =>
              h(
                "li",
                {},
                h(
                  "a",
                  {
                    href: actions.facilityHref(f),
                    onclick: (e: Event) => {
                      e.preventDefault();
                      actions.openFacility(f.id);
                    },
                    lang: "ja",
                  },
                  f.name,
                ),
                ` (${label(lang, f.kind)})`,
              ),
            ),
          )
        : h("p", { class: "muted", id: "region-desks-none" }, d.noneRegistered),
    h("h3", {}, d.countsByKind),
    h(
      "table",
      { class: "region-counts", id: "region-counts" },
      h("caption", { class: "visually-hidden" }, d.countsByKind),
      h("tbody", {}, [
        ...KINDS.filter((k) => r.facilities.byKind[k.code]).map((k) =>
          h(
            "tr",
            { "data-kind": k.code },
            h("th", { scope: "row" }, kindSymbol(k.code), label(lang, k)),
            h("td", { class: "num" }, number(r.facilities.byKind[k.code])),
          ),
        ),
        h("tr", { class: "total" }, h("th", { scope: "row" }, d.facilitiesCount), h("td", { class: "num" }, number(r.facilities.total))),
      ]),
    ),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, d.populationTotal),
      h("dd", {}, r.population.total === undefined ? d.unknownValue : number(r.population.total)),
      h("dt", {}, d.childrenUnder15),
      h("dd", {}, r.population.under15 === undefined ? d.unknownValue : number(r.population.under15)),
      r.population.unknownReason ? h("dt", {}, d.populationUnknownReason) : null,
      r.population.unknownReason ? h("dd", {}, r.population.unknownReason) : null,
    ),
    h("h3", {}, d.municipalities),
    h("ul", { class: "municipality-list", lang: "ja" }, r.municipalities.map((m) => h("li", {}, m.name ?? m.code))),
    regionExports(lang, r.code),
  );
}
