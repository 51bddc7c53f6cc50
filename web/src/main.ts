// renkei web client: search near a place for what a child needs, or browse the
// whole directory, as a list and a map kept in step; the region view; the state
// in the URL.

import "./style.css";
import {
  coverageCsvUrl,
  fetchAllFacilities,
  fetchCoverage,
  fetchCoverageCells,
  fetchFacility,
  fetchRegionFacilities,
  fetchRegions,
  reverseGeocode,
  search,
  ApiError,
  type CoverageCollection,
  type CoverageGap,
  type CoverageQuery,
  type CoverageReport,
  type Facility,
  type Hit,
  type RegionSummary,
  type SearchQuery,
  type SearchResult,
  type Tier,
} from "./api";
import { renderCoverageForm, renderCoverageReport, syncCoverageForm } from "./coverage";
import { renderDetail } from "./detail";
import { directoryExports, searchExports } from "./exports";
import { byId, h, replace } from "./dom";
import { kindSymbol } from "./markers";
import { applyFilters, kindFacets, municipalityFacets } from "./filter";
import { label, t } from "./i18n";
import type { FacilityMap } from "./map";
import { extentOf, prefectureSelect, prefecturesOf, regionsIn, shownPrefecture } from "./prefectures";
import { indicatorOf, regionColours, renderRegionList, renderRegionPage } from "./regions";
import { facilityItem } from "./list";
import { kmText, renderHits } from "./results";
import { renderSearchPanel, syncSearchPanel } from "./search";
import { shell } from "./shell";
import { isSearch, parseState, serializeState, thresholdOf, type AppState } from "./state";

let state: AppState = parseState(window.location.search);
let all: Facility[] = [];
let loadFailed = false;
let loading = true;
/** The directory has been asked for (the list without a search needs it). */
let directoryRequested = false;
/** Facilities in the directory, known from the first page before the others arrive. */
let directoryTotal = 0;
let map: FacilityMap | null = null;
let mapLoading: Promise<void> | null = null;
let shown: Facility[] = [];
let lastDetailKey = "";
const fetched = new Map<string, Facility | null>();

/** The current search: its key (the URL parameters it answers), result or error. */
let searchKey = "";
let searchResult: SearchResult | null = null;
let searchFailed = false;
/** Why the search failed, when the server said (e.g. a place it cannot find). */
let searchError: ApiError | null = null;
/** "Tap the map to choose the place" is on. */
let picking = false;

let regions: RegionSummary[] | null = null;
/** The prefecture the map was last framed on in the region view, so a redraw does not move the map. */
let framedPrefecture: string | null = null;
let regionsFailed = false;
const regionDesks = new Map<string, Facility[] | null>();

/** The coverage view's answer: its key (the state it answers), report, cells and failure. */
let coverageKey = "";
let coverageReport: CoverageReport | null = null;
let coverageCells: CoverageCollection | null = null;
let coverageError: string | null = null;
let coverageAbort: AbortController | null = null;
/** The cells last handed to the map (a new answer is framed once). */
let coverageDrawn: CoverageCollection | null = null;
/** Places in the coverage gap list. */
const COVERAGE_GAPS = 20;

/** Above this many facilities the whole-directory map layer comes from vector tiles. */
const TILE_THRESHOLD = 1000;
/** Results per tier asked from the search API. */
const SEARCH_LIMIT = 50;
/** Kinds listed as a region's desks. */
const DESK_KINDS = ["consultation_desk", "municipal_desk", "public_health_office"];

const desktop = window.matchMedia("(min-width: 900px)");

// ---- state changes ------------------------------------------------------

type Change = Partial<AppState>;

function update(change: Change, options: { push?: boolean; focus?: "detail" | "list" | "none"; fly?: boolean } = {}): void {
  const before = state;
  state = { ...state, ...change };
  const url = serializeState(state);
  if (url !== serializeState(before) || url !== window.location.search) {
    if (options.push) window.history.pushState(change.id ? { opened: true } : null, "", url);
    else window.history.replaceState(null, "", url);
  }
  afterStateChange(before);
  if (state.id !== before.id || state.view !== before.view || change.id !== undefined) {
    map?.setSelected(state.id || null, options.fly ?? true);
  }
  if (options.focus === "detail") document.getElementById("detail-title")?.focus();
  if (options.focus === "list") focusListItem(before.id);
}

/** Re-renders what `state` changed since `before` and fetches what it needs. */
function afterStateChange(before: AppState): void {
  if (state.lang !== before.lang) renderShell();
  else renderDynamic();
  if (state.baseMap !== before.baseMap) map?.setBaseMap(state.baseMap);
  if (state.view !== before.view) onViewChange();
  void loadData();
}

function focusListItem(id: string): void {
  const item = id ? document.querySelector<HTMLElement>(`#results a[data-id="${CSS.escape(id)}"]`) : null;
  (item ?? byId("results-heading")).focus();
}

window.addEventListener("popstate", () => {
  const before = state;
  state = parseState(window.location.search);
  afterStateChange(before);
  map?.setSelected(state.id || null, true);
  if (before.id && !state.id) focusListItem(before.id);
  else if (state.id && state.id !== before.id && state.view !== "map") document.getElementById("detail-title")?.focus();
});

/** Closes the detail: a step back in history when the app opened it, so Back and "一覧に戻る" agree. */
function closeDetail(): void {
  if ((window.history.state as { opened?: boolean } | null)?.opened) window.history.back();
  else update({ id: "" }, { push: true, focus: "list" });
}

/** The region and coverage views show areas, not the facility list. */
function areaView(s: AppState = state): boolean {
  return s.view === "regions" || s.view === "coverage";
}

function select(id: string, focus: "detail" | "none" = "detail"): void {
  const view = areaView() ? state.view : desktop.matches ? state.view : "list";
  update({ id, view }, { push: true, focus });
}

// ---- data -------------------------------------------------------------------

function searchParamsKey(s: AppState): string {
  return isSearch(s) ? JSON.stringify([s.near, s.lon, s.lat, s.needs, s.age, s.km, s.accepting, s.kinds]) : "";
}

/** Fetches what the current state shows and has not been fetched: the search, the directory, the regions. */
async function loadData(): Promise<void> {
  const key = searchParamsKey(state);
  if (key && key !== searchKey) await runSearch(key);
  if (!key && !directoryRequested && !areaView()) await loadDirectory();
  if (areaView()) await loadRegions();
  if (state.view === "coverage") await loadCoverage();
}

function coverageQuery(s: AppState): CoverageQuery {
  return { kinds: s.covKinds, needs: s.needs, age: s.age ?? undefined, area: s.covArea, ...thresholdOf(s.within), includeUnknown: s.covUnknown, gaps: COVERAGE_GAPS };
}

/** Fetches the coverage report and its cells for the state, unless they answer it already. */
async function loadCoverage(): Promise<void> {
  const query = coverageQuery(state);
  const key = JSON.stringify(query);
  if (key === coverageKey) return;
  coverageKey = key;
  coverageAbort?.abort();
  const abort = new AbortController();
  coverageAbort = abort;
  coverageReport = null;
  coverageCells = null;
  coverageError = null;
  renderCoveragePane();
  try {
    const [report, cells] = await Promise.all([fetchCoverage(query, abort.signal), fetchCoverageCells(query, abort.signal)]);
    if (coverageKey !== key) return;
    coverageReport = report;
    coverageCells = cells;
  } catch (e) {
    if (coverageKey !== key) return;
    const told = e instanceof ApiError && e.status === 400 ? e.messages[state.lang] : undefined;
    coverageError = told ?? "";
    if (!(e instanceof ApiError)) console.error(e);
  }
  renderCoveragePane();
  markReady();
}

/** The search of state `s`, as the API takes it (also for its PDF and GeoJSON). */
function searchQueryOf(s: AppState): SearchQuery {
  return {
    lon: s.lon ?? undefined,
    lat: s.lat ?? undefined,
    near: s.near || undefined,
    radiusM: s.km ? s.km * 1000 : undefined,
    kinds: s.kinds,
    needs: s.needs,
    age: s.age ?? undefined,
    accepting: s.accepting,
    limit: SEARCH_LIMIT,
  };
}

async function runSearch(key: string): Promise<void> {
  searchKey = key;
  searchFailed = false;
  searchError = null;
  searchResult = null;
  renderDynamic();
  try {
    const result = await search(searchQueryOf(state));
    if (searchKey !== key) return; // a newer search started meanwhile
    searchResult = result;
  } catch (e) {
    if (searchKey !== key) return;
    if (e instanceof ApiError) searchError = e;
    else console.error(e);
    searchFailed = true;
  }
  loading = false;
  lastDetailKey = "";
  renderDynamic();
  if (!performance.getEntriesByName("renkei:first-results").length) performance.mark("renkei:first-results");
  markReady();
  onViewChange();
  if (searchResult?.origin) map?.setOrigin(searchResult.origin, !state.id);
}

async function loadDirectory(): Promise<void> {
  directoryRequested = true;
  loading = true;
  renderDynamic();
  try {
    all = await fetchAllFacilities((first, total) => {
      // Show the first page while the rest arrives.
      all = first;
      directoryTotal = total;
      loading = false;
      renderDynamic();
      performance.mark("renkei:first-list");
      onViewChange();
    });
    directoryTotal = all.length;
  } catch (e) {
    console.error(e);
    loadFailed = true;
  }
  loading = false;
  lastDetailKey = "";
  renderDynamic();
  if (!performance.getEntriesByName("renkei:first-list").length) performance.mark("renkei:first-list");
  markReady();
  onViewChange();
}

async function loadRegions(): Promise<void> {
  if (regions === null && !regionsFailed) {
    try {
      regions = await fetchRegions();
    } catch (e) {
      console.error(e);
      regionsFailed = true;
    }
    loading = false;
    renderDynamic();
    markReady();
    onViewChange();
  }
  const code = state.region;
  if (code && !regionDesks.has(code)) {
    regionDesks.set(code, null);
    const lists = await Promise.all(DESK_KINDS.map((kind) => fetchRegionFacilities(code, kind).catch(() => [] as Facility[])));
    regionDesks.set(code, lists.flat());
    if (state.region === code) renderDynamic();
  }
}

function markReady(): void {
  document.body.dataset.ready = loadFailed || searchFailed ? "error" : "true";
}

// ---- shell ----------------------------------------------------------------

function renderShell(): void {
  const d = t(state.lang);
  const active = document.activeElement?.id;
  document.documentElement.lang = state.lang;
  document.title = `${d.appTitle} | renkei`;
  const app = byId("app");
  replace(
    app,
    ...shell(state, desktop.matches, {
      update: (change, push) => update(change, { push }),
      searchPanel: () =>
        renderSearchPanel(state.lang, state, picking, {
          current: () => state,
          change: (change) => {
            update(change, { push: true });
            // A new place on a phone: show the results, not the form above them.
            if (change.near !== undefined && !desktop.matches) byId("results-heading").focus();
          },
          locate,
          pickOnMap: (on) => {
            picking = on;
            map?.setPicking(on);
            syncSearchPanel(state, picking);
            if (on && !desktop.matches) update({ view: "map" }, { push: true });
          },
          clear: () => update({ near: "", lon: null, lat: null, needs: [], age: null, km: 0, accepting: false, id: "" }, { push: true }),
        }),
    }),
  );
  const mapEl = byId("map");
  if (map && mapHost) {
    // Keep the live map across a language switch: move its element into the new shell.
    mapEl.replaceWith(mapHost);
    map.setLang(state.lang);
  }
  lastDetailKey = "";
  renderDynamic();
  if (active) document.getElementById(active)?.focus();
  onViewChange();
}

let mapHost: HTMLElement | null = null;

/** 現在地: the browser's position becomes the search origin. */
function locate(): void {
  const d = t(state.lang);
  const status = byId("locate-status");
  if (!("geolocation" in navigator)) {
    status.textContent = d.locationFailed;
    return;
  }
  status.textContent = d.locating;
  navigator.geolocation.getCurrentPosition(
    (position) => {
      status.textContent = "";
      update({ near: d.currentLocation, lon: position.coords.longitude, lat: position.coords.latitude, id: "" }, { push: true });
      if (!desktop.matches) byId("results-heading").focus();
    },
    () => {
      status.textContent = d.locationFailed;
    },
    { enableHighAccuracy: false, timeout: 10_000, maximumAge: 60_000 },
  );
}

// ---- dynamic parts --------------------------------------------------------

function renderDynamic(): void {
  const d = t(state.lang);
  const searching = isSearch(state);
  const regionView = areaView();
  document.body.dataset.view = state.view;
  document.body.dataset.mode = regionView ? state.view : searching ? "search" : "directory";
  byId("view-list").setAttribute("aria-pressed", String(state.view === "list"));
  byId("view-map").setAttribute("aria-pressed", String(state.view === "map"));
  byId("view-regions").setAttribute("aria-pressed", String(state.view === "regions"));
  byId("view-coverage").setAttribute("aria-pressed", String(state.view === "coverage"));
  syncSearchPanel(state, picking);
  byId("search").hidden = regionView || Boolean(state.id);
  byId("filters").hidden = searching;

  const q = byId<HTMLInputElement>("q");
  if (q.value !== state.q) q.value = state.q;
  byId<HTMLInputElement>("basemap").checked = state.baseMap === "gsi";

  // kind chips: the kinds present, with counts
  const kinds = kindFacets(all);
  replace(
    byId("kind-chips"),
    kinds.map(({ value, count }) =>
      h(
        "button",
        {
          type: "button",
          class: "chip",
          "data-kind": value.code,
          "aria-pressed": String(state.kinds.includes(value.code)),
          onclick: () => {
            const on = state.kinds.includes(value.code);
            update({ kinds: on ? state.kinds.filter((k) => k !== value.code) : [...state.kinds, value.code] });
          },
        },
        kindSymbol(value.code),
        label(state.lang, value),
        h("span", { class: "count" }, ` ${count}`),
      ),
    ),
  );

  const muni = byId<HTMLSelectElement>("muni");
  replace(
    muni,
    h("option", { value: "" }, d.allMunicipalities),
    municipalityFacets(all).map(({ value, count }) => h("option", { value: value.code, lang: "ja" }, `${value.name}（${count}）`)),
  );
  muni.value = state.municipality;
  byId<HTMLButtonElement>("clear-filters").hidden = !(state.kinds.length || state.municipality || state.q);

  renderLegend();
  if (searching) renderSearchResults();
  else renderList();
  renderRegionPane();
  renderCoveragePane();
  renderDetailPane();
}

function renderLegend(): void {
  const d = t(state.lang);
  byId("legend").hidden = areaView();
  const kinds = isSearch(state) ? kindFacets([...(searchResult?.results ?? []), ...(searchResult?.unknown ?? [])].map((hit) => hit.facility)) : kindFacets(all);
  replace(
    byId("legend"),
    h("summary", {}, d.legend),
    h(
      "ul",
      {},
      kinds.map(({ value }) => h("li", {}, kindSymbol(value.code), label(state.lang, value))),
      isSearch(state)
        ? [
            h("li", {}, h("span", { class: "swatch swatch-origin", "aria-hidden": "true" }), searchResult?.origin?.label || d.origin("")),
            h("li", {}, h("span", { class: "swatch swatch-filled", "aria-hidden": "true" }), d.legendConfirmed),
            h("li", {}, h("span", { class: "swatch swatch-hollow", "aria-hidden": "true" }), d.answerUnknown),
          ]
        : null,
    ),
  );
}

function facilityLink(f: Facility): string {
  return serializeState({ ...state, id: f.id });
}

const listActions = { href: facilityLink, select: (id: string) => select(id), hover: (id: string | null) => hoverInList(id) };

/** Cards the directory list shows at first and adds per "show more" (the DOM stays small on a phone). */
const LIST_PAGE = 200;
let listLimit = LIST_PAGE;
/** The filters `listLimit` was counted for: new filters start again from one page. */
let listFilterKey = "";

function renderList(): void {
  const d = t(state.lang);
  const list = byId("results");
  const count = byId("result-count");
  byId("results-heading").textContent = d.results;
  if (loading) {
    count.textContent = d.loading;
    replace(list);
    return;
  }
  if (loadFailed) {
    replace(count, d.loadError, " ", h("button", { type: "button", class: "link-button", onclick: () => window.location.reload() }, d.retry));
    replace(list);
    return;
  }
  const previous = shown;
  shown = applyFilters(all, state);
  count.textContent = d.resultCount(shown.length, Math.max(all.length, directoryTotal));
  replace(byId("list-actions"), directoryExports(state.lang, state));
  // The page holds at most `listLimit` cards (the map draws them all); the
  // selected facility is always among them.
  const filterKey = `${state.kinds.join()}|${state.municipality}|${state.q}`;
  if (filterKey !== listFilterKey) {
    listFilterKey = filterKey;
    listLimit = LIST_PAGE;
  }
  const selected = shown.findIndex((f) => f.id === state.id);
  const limit = Math.max(listLimit, selected + 1);
  const rest = shown.length - limit;
  replace(
    list,
    h(
      "ul",
      { class: "results" },
      shown.length === 0
        ? h("li", { class: "empty" }, d.noResults)
        : shown.slice(0, limit).map((f) => facilityItem(state.lang, f, state.id, listActions, { meta: f.provenance.demo ? h("span", { class: "badge badge-demo" }, d.demoBadge) : null })),
    ),
    rest > 0
      ? h(
          "button",
          {
            type: "button",
            class: "show-more",
            id: "show-more",
            onclick: () => {
              const firstNew = limit;
              listLimit = limit + LIST_PAGE;
              renderList();
              byId("results").querySelectorAll<HTMLAnchorElement>("a.facility")[firstNew]?.focus();
            },
          },
          d.showMore(rest),
        )
      : null,
  );
  if (previous.length !== shown.length || previous.some((f, i) => shown[i] !== f)) drawOnMap(true);
}

function searchHits(): Hit[] {
  return searchResult ? [...searchResult.results, ...searchResult.unknown] : [];
}

function renderSearchResults(): void {
  const d = t(state.lang);
  const list = byId("results");
  const count = byId("result-count");
  byId("results-heading").textContent = searchResult?.origin ? `${d.results}（${d.origin(searchResult.origin.label)}）` : d.results;
  if (searchFailed) {
    // A 400 or 404 is about what was asked (a place not found or ambiguous …): say so, no reload offered.
    const told = searchError && (searchError.status === 400 || searchError.status === 404) ? searchError.messages[state.lang] : undefined;
    if (told) replace(count, h("span", { id: "search-error" }, `${d.searchError} ${told}`));
    else replace(count, d.searchError, " ", h("button", { type: "button", class: "link-button", onclick: () => window.location.reload() }, d.retry));
    replace(list);
    return;
  }
  if (!searchResult) {
    count.textContent = d.searching;
    replace(list);
    return;
  }
  // Without a care item nothing is "confirmed": the count is of places near, not of answers.
  count.textContent = searchResult.needs.length
    ? d.searchSummary(searchResult.totalConfirmed, searchResult.totalUnknown)
    : d.nearestCount(searchResult.totalConfirmed + searchResult.totalUnknown);
  replace(byId("list-actions"), searchExports(state.lang, searchQueryOf(state)));
  replace(list, renderHits(state.lang, searchResult, state.id, listActions));
  shown = searchHits().map((hit) => hit.facility);
  // A new answer may keep the same facilities in other tiers: redraw per answer.
  if (drawnResult !== searchResult) {
    drawnResult = searchResult;
    drawOnMap(true);
  }
}

/** The search answer last handed to the map. */
let drawnResult: SearchResult | null = null;

/** Hands the facilities shown to the map: search tiers, or the directory (from tiles when large). */
function drawOnMap(fit: boolean): void {
  if (!map) return;
  if (isSearch(state)) {
    const tiers = new Map<string, Tier>(searchHits().map((hit) => [hit.facility.id, hit.tier]));
    map.setOrigin(searchResult?.origin ?? null, false);
    map.setFacilities(shown, fit && !state.id, { tiers });
    return;
  }
  map.setOrigin(null, false);
  const whole = shown.length > TILE_THRESHOLD && !state.q && !state.municipality;
  map.setFacilities(shown, fit, { tiles: whole ? { kinds: state.kinds } : null });
}

function renderRegionPane(): void {
  const pane = byId("region-pane");
  const regionView = state.view === "regions";
  pane.hidden = !regionView || Boolean(state.id);
  byId("browse").hidden = areaView();
  if (!regionView) {
    map?.setRegionView(null, "");
    framedPrefecture = null;
    return;
  }
  const d = t(state.lang);
  if (!regions) {
    replace(pane, h("p", { class: "muted", role: "status" }, regionsFailed ? d.loadError : d.loading));
    return;
  }
  const indicator = indicatorOf(state.indicator);
  const actions = {
    href: (code: string) => serializeState({ ...state, region: code, id: "" }),
    open: (code: string) => {
      update({ region: code, id: "" }, { push: true });
      document.getElementById("region-title")?.focus();
    },
    setIndicator: (code: string) => update({ indicator: code === "visiting_nurse" ? "" : code }),
    back: () => {
      const code = state.region;
      update({ region: "" }, { push: true });
      document.querySelector<HTMLElement>(`#region-table a[data-region="${code}"]`)?.focus();
    },
    facilityHref: facilityLink,
    openFacility: (id: string) => select(id),
  };
  const region = regions.find((r) => r.code === state.region);
  const prefectures = prefecturesOf(regions);
  const shown = regionsIn(regions, shownPrefecture(state.pref, prefectures));
  const key = `${state.lang}|${state.region}|${indicator.code}|${state.pref}|${regionDesks.get(state.region)?.length ?? "-"}`;
  if (pane.dataset.key !== key) {
    const activeId = document.activeElement?.id;
    pane.dataset.key = key;
    const picker = prefectureSelect(state.lang, prefectures, state.pref, (code) => update({ pref: code }, { push: true }));
    replace(pane, region ? renderRegionPage(state.lang, region, regionDesks.get(region.code) ?? null, actions) : renderRegionList(state.lang, shown, indicator, state.region, actions, picker));
    if (activeId) document.getElementById(activeId)?.focus();
  }
  // Classes are drawn from the prefecture shown, so its regions are compared with each other.
  map?.setRegionView(regionColours(shown, indicator), state.region);
  const extent = prefectures.length > 1 && state.pref !== framedPrefecture ? extentOf(shown) : null;
  if (extent) {
    framedPrefecture = state.pref;
    map?.frame(extent);
  }
}

/** A gap list place on the map: outlined and centred; on a phone the map (below the tables) scrolls into view. */
function showGap(gap: CoverageGap): void {
  if (!gap.position) return;
  map?.showCoveragePlace(gap.id, gap.position);
  if (!desktop.matches) byId("map-pane").scrollIntoView({ block: "start" });
}

function renderCoveragePane(): void {
  const pane = byId("coverage-pane");
  const on = state.view === "coverage";
  pane.hidden = !on || Boolean(state.id);
  if (!on) {
    coverageDrawn = null;
    map?.setCoverage(null, false);
    return;
  }
  const d = t(state.lang);
  const host = byId("coverage-form-host");
  const formKey = `${state.lang}|${regions?.length ?? 0}|${state.pref}`;
  if (host.dataset.key !== formKey) {
    host.dataset.key = formKey;
    replace(host, renderCoverageForm(state.lang, state, regions ?? [], { current: () => state, change: (change) => update(change, { push: true }) }));
  } else syncCoverageForm(state);
  const body = byId("coverage-body");
  const bodyKey = `${state.lang}|${coverageKey}|${coverageReport ? "report" : coverageError !== null ? "error" : "loading"}`;
  if (body.dataset.key !== bodyKey) {
    body.dataset.key = bodyKey;
    body.setAttribute("aria-busy", String(!coverageReport && coverageError === null));
    if (coverageReport) replace(body, renderCoverageReport(state.lang, coverageReport, coverageCells, coverageCsvUrl(coverageQuery(state)), state.covUnknown, showGap));
    else if (coverageError !== null) replace(body, h("p", { id: "coverage-error", role: "alert" }, d.coverageError, coverageError ? ` ${coverageError}` : ""));
    else replace(body, h("p", { class: "muted" }, d.coverageLoading));
  }
  if (map && coverageCells && coverageDrawn !== coverageCells) {
    // Frame the cells when the area changes, not on every change of the profile.
    const fit = !coverageDrawn || coverageDrawn.features.length !== coverageCells.features.length;
    coverageDrawn = coverageCells;
    map.setCoverage(coverageCells, fit);
  }
}

function renderDetailPane(): void {
  const pane = byId("detail");
  const browse = byId("browse");
  const hit = searchHits().find((x) => x.facility.id === state.id);
  const key = `${state.lang}|${state.id}|${loading}|${fetched.has(state.id)}|${hit ? searchKey : ""}`;
  if (!state.id) {
    pane.hidden = true;
    browse.hidden = areaView();
    lastDetailKey = key;
    return;
  }
  pane.hidden = false;
  browse.hidden = true;
  if (key === lastDetailKey) return;
  lastDetailKey = key;
  const d = t(state.lang);
  const facility = all.find((f) => f.id === state.id) ?? hit?.facility ?? fetched.get(state.id);
  const actions = {
    back: closeDetail,
    showOnMap: () => update({ view: "map" }, { push: true }),
  };
  const travel =
    hit?.distanceM !== undefined && searchResult?.origin
      ? `${d.fromSearch(searchResult.origin.label)}: ${d.distanceText(kmText(hit.distanceM), hit.travelMinutes === undefined ? undefined : Math.round(hit.travelMinutes))}`
      : undefined;
  if (facility && (!hit || fetched.has(state.id))) {
    replace(pane, renderDetail(state.lang, fetched.get(state.id) ?? facility, actions, travel));
  } else if (facility && hit) {
    // The search gives a summary; the detail (services, capabilities) comes from /facilities/{id}.
    replace(pane, renderDetail(state.lang, facility, actions, travel));
    void fetchOne(state.id);
  } else if (loading || !fetched.has(state.id)) {
    replace(pane, h("p", { class: "muted" }, d.loading));
    if (!loading || !isSearch(state)) void fetchOne(state.id);
  } else {
    replace(
      pane,
      h("button", { type: "button", class: "link-button", id: "detail-back", onclick: actions.back }, d.back),
      h("h2", { id: "detail-title", tabindex: "-1" }, d.notFound),
    );
  }
}

/** A facility not in the list (closed, from a search summary, beyond the pages read): ask for it by id. */
async function fetchOne(id: string): Promise<void> {
  if (fetching.has(id)) return;
  fetching.add(id);
  try {
    fetched.set(id, await fetchFacility(id));
  } catch (e) {
    fetched.set(id, null);
    if (!(e instanceof ApiError)) console.error(e);
  }
  fetching.delete(id);
  if (state.id === id) {
    const focused = document.activeElement?.id === "detail-title";
    renderDetailPane();
    if (focused) document.getElementById("detail-title")?.focus();
  }
}
const fetching = new Set<string>();

// ---- map --------------------------------------------------------------------

/** The list item under the pointer or focus; kept here so a map that loads later still shows it. */
let listHovered: string | null = null;

function hoverInList(id: string | null): void {
  listHovered = id;
  map?.setHovered(id);
}

function mapVisible(): boolean {
  return desktop.matches || state.view !== "list";
}

function onViewChange(): void {
  // The list comes first: MapLibre (most of the download) loads after the first results show.
  if (!mapVisible() || loading) return;
  if (!map) void loadMap();
  else requestAnimationFrame(() => map?.resize());
}

async function loadMap(): Promise<void> {
  if (mapLoading) return mapLoading;
  mapLoading = (async () => {
    try {
      const { createMap } = await import("./map");
      const container = byId("map");
      map = createMap(container, state.lang, state.baseMap, {
        onSelect: (id) => select(id, desktop.matches ? "none" : "detail"),
        onHover: (id) => {
          for (const el of document.querySelectorAll("#results a.is-hovered")) el.classList.remove("is-hovered");
          if (id) document.querySelector(`#results a[data-id="${CSS.escape(id)}"]`)?.classList.add("is-hovered");
        },
        onClickPlace: (lon, lat, region) => void clickPlace(lon, lat, region),
      });
      mapHost = container;
      map.setPicking(picking);
      drawnResult = searchResult;
      drawOnMap(!state.id);
      if (searchResult?.origin) map.setOrigin(searchResult.origin, !state.id);
      if (state.id) map.setSelected(state.id, true);
      if (listHovered) map.setHovered(listHovered);
      renderRegionPane();
      renderCoveragePane();
      (window as unknown as { renkeiMap: FacilityMap }).renkeiMap = map;
    } catch (e) {
      console.error(e);
      replace(byId("map"), h("p", { class: "map-unavailable", role: "note" }, t(state.lang).mapUnavailable));
    }
  })();
  return mapLoading;
}

/** A tap on the map: opens a region in the region view, or searches from there in pick mode. */
async function clickPlace(lon: number, lat: number, region: string | null): Promise<void> {
  if (state.view === "regions") {
    if (region) update({ region, id: "" }, { push: true });
    return;
  }
  if (!picking) return;
  picking = false;
  map?.setPicking(false);
  const name = (await reverseGeocode(lon, lat)) ?? t(state.lang).mapPoint;
  update({ near: name, lon, lat, id: "", view: desktop.matches ? state.view : "list" }, { push: true });
}

desktop.addEventListener("change", () => onViewChange());
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && state.id && !(e.target as HTMLElement | null)?.closest?.(".maplibregl-map")) closeDetail();
});

// ---- start ------------------------------------------------------------------

renderShell();
void loadData();
