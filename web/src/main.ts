// renkei web client: a directory of pediatric home-care resources as a
// filterable list and a map kept in step, with the state in the URL.

import "./style.css";
import { fetchAllFacilities, fetchFacility, ApiError, type Facility } from "./api";
import { renderDetail } from "./detail";
import { byId, h, replace } from "./dom";
import { applyFilters, kindColour, kindFacets, municipalityFacets } from "./filter";
import { label, t } from "./i18n";
import type { FacilityMap } from "./map";
import { parseState, serializeState, type AppState } from "./state";

let state: AppState = parseState(window.location.search);
let all: Facility[] = [];
let loadFailed = false;
let loading = true;
let map: FacilityMap | null = null;
let mapLoading: Promise<void> | null = null;
let shown: Facility[] = [];
let lastDetailKey = "";
const fetched = new Map<string, Facility | null>();

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
  if (state.lang !== before.lang) renderShell();
  else renderDynamic();
  if (state.id !== before.id || state.view !== before.view || change.id !== undefined) {
    map?.setSelected(state.id || null, options.fly ?? true);
  }
  if (state.view !== before.view) onViewChange();
  if (state.baseMap !== before.baseMap) map?.setBaseMap(state.baseMap);
  if (options.focus === "detail") document.getElementById("detail-title")?.focus();
  if (options.focus === "list") focusListItem(before.id);
}

function focusListItem(id: string): void {
  const item = id ? document.querySelector<HTMLElement>(`#results a[data-id="${CSS.escape(id)}"]`) : null;
  (item ?? byId("results-heading")).focus();
}

window.addEventListener("popstate", () => {
  const before = state;
  state = parseState(window.location.search);
  if (state.lang !== before.lang) renderShell();
  else renderDynamic();
  map?.setSelected(state.id || null, true);
  map?.setBaseMap(state.baseMap);
  if (state.view !== before.view) onViewChange();
  if (before.id && !state.id) focusListItem(before.id);
  else if (state.id && state.id !== before.id && state.view === "list") document.getElementById("detail-title")?.focus();
});

/** Closes the detail: a step back in history when the app opened it, so Back and "一覧に戻る" agree. */
function closeDetail(): void {
  if ((window.history.state as { opened?: boolean } | null)?.opened) window.history.back();
  else update({ id: "" }, { push: true, focus: "list" });
}

function select(id: string, focus: "detail" | "none" = "detail"): void {
  const view = desktop.matches ? state.view : "list";
  update({ id, view }, { push: true, focus });
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
    h("a", { class: "skip-link", href: "#results-heading", id: "skip-list", onclick: skipTo("results-heading") }, d.skipToList),
    h(
      "header",
      { class: "app-header" },
      h(
        "div",
        { class: "brand" },
        h("h1", { class: "app-title", id: "app-title" }, h("span", { class: "logo", lang: "en" }, "renkei"), " ", d.appTitle),
        h("p", { class: "app-subtitle" }, d.appSubtitle),
      ),
      h(
        "button",
        {
          type: "button",
          id: "lang-toggle",
          class: "lang-toggle",
          lang: state.lang === "ja" ? "en" : "ja",
          "aria-label": d.switchLangLabel,
          onclick: () => update({ lang: state.lang === "ja" ? "en" : "ja" }),
        },
        d.switchLang,
      ),
    ),
    h(
      "nav",
      { class: "view-switch", "aria-label": d.viewSwitch },
      h("button", { type: "button", id: "view-list", "aria-pressed": "true", onclick: () => update({ view: "list" }, { push: true }) }, d.viewList),
      h("button", { type: "button", id: "view-map", "aria-pressed": "false", onclick: () => update({ view: "map" }, { push: true }) }, d.viewMap),
    ),
    h(
      "main",
      { id: "main", class: "layout" },
      h(
        "div",
        { class: "panel", id: "panel" },
        h(
          "section",
          { id: "browse", class: "browse", "aria-labelledby": "results-heading" },
          h(
            "form",
            { id: "filters", class: "filters", role: "search", "aria-label": d.filters, onsubmit: (e: Event) => e.preventDefault() },
            h("label", { for: "q", class: "field-label" }, d.textFilter),
            h("input", {
              id: "q",
              type: "search",
              autocomplete: "off",
              enterkeyhint: "search",
              placeholder: d.textFilterPlaceholder,
              value: state.q,
              oninput: (e: Event) => update({ q: (e.target as HTMLInputElement).value }),
            }),
            h("fieldset", { class: "kinds" }, h("legend", { class: "field-label" }, d.kindFilter), h("div", { id: "kind-chips", class: "chips" })),
            h("label", { for: "muni", class: "field-label" }, d.municipalityFilter),
            h("select", { id: "muni", onchange: (e: Event) => update({ municipality: (e.target as HTMLSelectElement).value }) }),
            h("button", { type: "button", id: "clear-filters", class: "link-button", onclick: () => update({ kinds: [], municipality: "", q: "" }) }, d.clearFilters),
          ),
          h("h2", { id: "results-heading", tabindex: "-1" }, d.results),
          h("p", { id: "result-count", class: "result-count", role: "status", "aria-live": "polite" }),
          h("ul", { id: "results", class: "results" }),
        ),
        h("section", { id: "detail", class: "detail", "aria-label": d.detail, hidden: true }),
      ),
      h(
        "section",
        { class: "map-pane", id: "map-pane", "aria-labelledby": "map-heading" },
        h("h2", { id: "map-heading", class: "visually-hidden" }, d.map),
        h("div", { id: "map", class: "map" }),
        h("details", { id: "legend", class: "legend", open: desktop.matches }),
        h(
          "label",
          { class: "basemap-toggle" },
          h("input", {
            type: "checkbox",
            id: "basemap",
            checked: state.baseMap === "gsi",
            onchange: (e: Event) => update({ baseMap: (e.target as HTMLInputElement).checked ? "gsi" : "none" }),
          }),
          " ",
          d.baseMap,
        ),
      ),
    ),
    h("footer", { class: "app-footer" }, h("p", {}, d.footer)),
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

function skipTo(id: string) {
  return (e: Event) => {
    e.preventDefault();
    document.getElementById(id)?.focus();
  };
}

// ---- dynamic parts --------------------------------------------------------

function renderDynamic(): void {
  const d = t(state.lang);
  document.body.dataset.view = state.view;
  byId("view-list").setAttribute("aria-pressed", String(state.view === "list"));
  byId("view-map").setAttribute("aria-pressed", String(state.view === "map"));

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
        h("span", { class: "swatch", style: `background:${kindColour(value.code)}`, "aria-hidden": "true" }),
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
  renderList();
  renderDetailPane();
}

function renderLegend(): void {
  const d = t(state.lang);
  replace(
    byId("legend"),
    h("summary", {}, d.legend),
    h(
      "ul",
      {},
      kindFacets(all).map(({ value }) =>
        h("li", {}, h("span", { class: "swatch", style: `background:${kindColour(value.code)}`, "aria-hidden": "true" }), label(state.lang, value)),
      ),
    ),
  );
}

function renderList(): void {
  const d = t(state.lang);
  const list = byId("results");
  const count = byId("result-count");
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
  count.textContent = d.resultCount(shown.length, all.length);
  replace(
    list,
    shown.length === 0
      ? h("li", { class: "empty" }, d.noResults)
      : shown.map((f) => {
          const params = serializeState({ ...state, id: f.id });
          return h(
            "li",
            {},
            h(
              "a",
              {
                href: params,
                class: "facility",
                "data-id": f.id,
                "aria-current": f.id === state.id ? "true" : null,
                onclick: (event: Event) => {
                  const e = event as MouseEvent;
                  if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
                  e.preventDefault();
                  select(f.id);
                },
                onmouseenter: () => hoverInList(f.id),
                onmouseleave: () => hoverInList(null),
                onfocus: () => hoverInList(f.id),
                onblur: () => hoverInList(null),
              },
              h("span", { class: "facility-name", lang: "ja" }, f.name),
              h(
                "span",
                { class: "facility-meta" },
                h("span", { class: "kind-badge" }, h("span", { class: "swatch", style: `background:${kindColour(f.kind.code)}`, "aria-hidden": "true" }), label(state.lang, f.kind)),
                f.provenance.demo ? h("span", { class: "badge badge-demo" }, d.demoBadge) : null,
              ),
              h("span", { class: "facility-address", lang: "ja" }, f.address),
            ),
          );
        }),
  );
  if (map && (previous.length !== shown.length || previous.some((f, i) => shown[i] !== f))) map.setFacilities(shown, true);
}

function renderDetailPane(): void {
  const pane = byId("detail");
  const browse = byId("browse");
  const key = `${state.lang}|${state.id}|${loading}|${fetched.has(state.id)}`;
  if (!state.id) {
    pane.hidden = true;
    browse.hidden = false;
    lastDetailKey = key;
    return;
  }
  pane.hidden = false;
  browse.hidden = true;
  if (key === lastDetailKey) return;
  lastDetailKey = key;
  const d = t(state.lang);
  const facility = all.find((f) => f.id === state.id) ?? fetched.get(state.id);
  const actions = {
    back: closeDetail,
    showOnMap: () => update({ view: "map" }, { push: true }),
  };
  if (facility) {
    replace(pane, renderDetail(state.lang, facility, actions));
  } else if (loading || !fetched.has(state.id)) {
    replace(pane, h("p", { class: "muted" }, d.loading));
    if (!loading) void fetchOne(state.id);
  } else {
    replace(
      pane,
      h("button", { type: "button", class: "link-button", id: "detail-back", onclick: actions.back }, d.back),
      h("h2", { id: "detail-title", tabindex: "-1" }, d.notFound),
    );
  }
}

/** A facility not in the list (e.g. closed, or beyond the pages read): ask for it by id. */
async function fetchOne(id: string): Promise<void> {
  try {
    fetched.set(id, await fetchFacility(id));
  } catch (e) {
    fetched.set(id, null);
    if (!(e instanceof ApiError)) console.error(e);
  }
  if (state.id === id) renderDetailPane();
}

// ---- map --------------------------------------------------------------------

/** The list item under the pointer or focus; kept here so a map that loads later still shows it. */
let listHovered: string | null = null;

function hoverInList(id: string | null): void {
  listHovered = id;
  map?.setHovered(id);
}

function mapVisible(): boolean {
  return desktop.matches || state.view === "map";
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
      });
      mapHost = container;
      map.setFacilities(shown, !state.id);
      if (state.id) map.setSelected(state.id, true);
      if (listHovered) map.setHovered(listHovered);
      (window as unknown as { renkeiMap: FacilityMap }).renkeiMap = map;
    } catch (e) {
      console.error(e);
      replace(byId("map"), h("p", { class: "map-unavailable", role: "note" }, t(state.lang).mapUnavailable));
    }
  })();
  return mapLoading;
}

desktop.addEventListener("change", () => onViewChange());
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && state.id && !(e.target as HTMLElement | null)?.closest?.(".maplibregl-map")) closeDetail();
});

// ---- start ------------------------------------------------------------------

async function start(): Promise<void> {
  renderShell();
  try {
    all = await fetchAllFacilities();
  } catch (e) {
    console.error(e);
    loadFailed = true;
  }
  loading = false;
  lastDetailKey = "";
  renderDynamic();
  performance.mark("renkei:first-list");
  document.body.dataset.ready = loadFailed ? "error" : "true";
  onViewChange();
}

void start();
