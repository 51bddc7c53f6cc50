// The search panel: where (address / 町丁目 with suggestions, 現在地, or a tap
// on the map), what the child needs (the 14 医療的ケア items in plain words),
// age, kinds of support and distance. Its values live in the URL state; the
// panel only reads and proposes changes.

import { geocode, type Place } from "./api";
import { h, replace } from "./dom";
import { label, t, type Lang } from "./i18n";
import { RADII_KM, type AppState } from "./state";
import { CAPABILITIES, KINDS } from "./taxonomy";

export interface SearchActions {
  /** The state now (the panel outlives many changes). */
  current(): AppState;
  /** Search with these changes (a new place, needs …). */
  change(change: Partial<AppState>): void;
  /** Ask for the browser's position. */
  locate(): void;
  /** Toggle "tap the map to choose the place". */
  pickOnMap(on: boolean): void;
  /** Leave the search for the directory list. */
  clear(): void;
}

const SUGGEST_DELAY_MS = 150;

/** Handler for one checkbox of a list, by the item's code. */
type CheckHandler = (code: string) => (e: Event) => void;

/**
 * The 医療的ケア items as plain-language checkboxes (shared by the search
 * panel and the coverage view); ids are `${prefix}-${code}`.
 */
export function needChecks(lang: Lang, selected: string[], prefix: string, onChange: CheckHandler): HTMLElement[] {
  return CAPABILITIES.map((c) =>
    h(
      "div",
      { class: "check" },
      h("input", { type: "checkbox", id: `${prefix}-${c.code}`, name: prefix, value: c.code, checked: selected.includes(c.code), "aria-describedby": `${prefix}-${c.code}-plain`, onchange: onChange(c.code) }),
      h(
        "label",
        { for: `${prefix}-${c.code}` },
        h("span", { class: "need-name" }, label(lang, c)),
        h("span", { class: "need-plain", id: `${prefix}-${c.code}-plain` }, (lang === "en" ? c.plain_en : c.plain_ja) ?? ""),
      ),
    ),
  );
}

/** The kinds of support as checkboxes; ids are `${prefix}-${code}`. */
export function kindChecks(lang: Lang, selected: string[], prefix: string, onChange: CheckHandler): HTMLElement[] {
  return KINDS.map((k) =>
    h(
      "div",
      { class: "check" },
      h("input", { type: "checkbox", id: `${prefix}-${k.code}`, value: k.code, checked: selected.includes(k.code), onchange: onChange(k.code) }),
      h("label", { for: `${prefix}-${k.code}` }, label(lang, k)),
    ),
  );
}

/** Ticks the checkboxes `${prefix}-${code}` of `codes` that are in `selected`. */
export function syncChecks(codes: { code: string }[], selected: string[], prefix: string): void {
  for (const c of codes) {
    const box = document.getElementById(`${prefix}-${c.code}`) as HTMLInputElement | null;
    if (box) box.checked = selected.includes(c.code);
  }
}
const MAX_AGE = 18;

/** The panel for `state`; rebuilt on a language switch, kept in step by [`syncSearchPanel`]. */
export function renderSearchPanel(lang: Lang, state: AppState, picking: boolean, actions: SearchActions): HTMLElement {
  const d = t(lang);
  const where = h("input", {
    id: "where",
    type: "text",
    role: "combobox",
    autocomplete: "off",
    enterkeyhint: "search",
    "aria-autocomplete": "list",
    "aria-expanded": "false",
    "aria-controls": "where-list",
    "aria-describedby": "where-help",
    placeholder: d.wherePlaceholder,
    value: state.near,
  });
  const list = h("ul", { id: "where-list", role: "listbox", class: "suggestions", "aria-label": d.suggestions, hidden: true });
  let places: Place[] = [];
  let active = -1;
  let chosen: Place | null = state.lon !== null && state.lat !== null ? { label: state.near, lon: state.lon, lat: state.lat } : null;
  let timer: number | undefined;
  let inflight: AbortController | null = null;

  const close = () => {
    list.hidden = true;
    where.setAttribute("aria-expanded", "false");
    where.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (i: number) => {
    active = i;
    for (const [j, li] of [...list.children].entries()) li.setAttribute("aria-selected", String(j === i));
    if (i >= 0) where.setAttribute("aria-activedescendant", `where-option-${i}`);
    else where.removeAttribute("aria-activedescendant");
  };
  const choose = (place: Place) => {
    chosen = place;
    where.value = place.label;
    close();
    actions.change({ near: place.label, lon: place.lon, lat: place.lat, id: "" });
  };
  const suggest = async (text: string) => {
    inflight?.abort();
    if (text.trim().length < 2) return close();
    inflight = new AbortController();
    try {
      places = await geocode(text.trim(), 6, inflight.signal);
    } catch {
      places = [];
    }
    if (document.activeElement !== where) return;
    replace(
      list,
      places.map((place, i) =>
        h(
          "li",
          {
            id: `where-option-${i}`,
            role: "option",
            "aria-selected": "false",
            lang: "ja",
            // mousedown, not click: it comes before the input's blur closes the list
            onmousedown: (e: Event) => {
              e.preventDefault();
              choose(place);
            },
          },
          place.label,
        ),
      ),
    );
    list.hidden = places.length === 0;
    where.setAttribute("aria-expanded", String(places.length > 0));
    highlight(-1);
  };
  where.addEventListener("input", () => {
    chosen = null;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void suggest(where.value), SUGGEST_DELAY_MS);
  });
  where.addEventListener("keydown", (e) => {
    const open = !list.hidden && places.length > 0;
    if (e.key === "ArrowDown" && open) {
      e.preventDefault();
      highlight((active + 1) % places.length);
    } else if (e.key === "ArrowUp" && open) {
      e.preventDefault();
      highlight(active <= 0 ? places.length - 1 : active - 1);
    } else if (e.key === "Enter" && open && active >= 0) {
      e.preventDefault();
      choose(places[active]);
    } else if (e.key === "Escape" && open) {
      e.stopPropagation();
      close();
    }
  });
  where.addEventListener("blur", () => window.setTimeout(close, 100));

  const submit = (e: Event) => {
    e.preventDefault();
    const text = where.value.trim();
    if (!text) return where.focus();
    if (chosen && chosen.label === text) actions.change({ near: chosen.label, lon: chosen.lon, lat: chosen.lat, id: "" });
    else actions.change({ near: text, lon: null, lat: null, id: "" });
  };

  const toggle = (key: "needs" | "kinds", code: string, order: string[]) => (e: Event) => {
    const on = (e.target as HTMLInputElement).checked;
    const now = actions.current()[key];
    const next = on ? [...now, code] : now.filter((c) => c !== code);
    actions.change({ [key]: order.filter((c) => next.includes(c)) });
  };
  const needOrder = CAPABILITIES.map((c) => c.code);
  const kindOrder = KINDS.map((k) => k.code);

  return h(
    "section",
    { id: "search", class: "search", "aria-labelledby": "search-title" },
    h("h2", { id: "search-title" }, d.searchTitle),
    h(
      "form",
      { id: "search-form", role: "search", "aria-labelledby": "search-title", onsubmit: submit },
      h("label", { for: "where", class: "field-label" }, d.where),
      h("div", { class: "combobox" }, where, list),
      h("p", { id: "where-help", class: "hint" }, d.whereHelp),
      h(
        "div",
        { class: "where-buttons" },
        h("button", { type: "button", id: "use-location", class: "button button-secondary", "aria-describedby": "use-location-help", onclick: () => actions.locate() }, d.useLocation),
        h("span", { id: "use-location-help", class: "visually-hidden" }, d.useLocationLabel),
        h(
          "button",
          { type: "button", id: "pick-on-map", class: "button button-secondary", "aria-pressed": String(picking), "aria-describedby": "pick-help", onclick: () => actions.pickOnMap(!picking) },
          d.pickOnMap,
        ),
        h("span", { id: "pick-help", class: "visually-hidden" }, d.pickOnMapHelp),
      ),
      h("p", { id: "locate-status", class: "hint", role: "status", "aria-live": "polite" }),
      h(
        "details",
        { class: "needs-details", id: "needs-details" },
        h("summary", {}, d.needsLegend, h("span", { class: "count", id: "needs-count" }, state.needs.length ? `（${state.needs.length}）` : "")),
        h(
          "fieldset",
          { class: "needs" },
          h("legend", { class: "visually-hidden" }, d.needsLegend),
          h("p", { class: "hint" }, d.needsHelp),
          needChecks(lang, state.needs, "need", (code) => toggle("needs", code, needOrder)),
        ),
      ),
      h(
        "details",
        { class: "more-details", id: "more-details" },
        h("summary", {}, d.moreConditions, h("span", { class: "count", id: "more-count" }, moreCount(state))),
        h(
          "div",
          { class: "row" },
          h(
            "div",
            {},
            h("label", { for: "age", class: "field-label" }, d.age),
            h(
              "select",
              { id: "age", onchange: (e: Event) => actions.change({ age: (e.target as HTMLSelectElement).value === "" ? null : Number((e.target as HTMLSelectElement).value) }) },
              h("option", { value: "", selected: state.age === null }, d.ageAny),
              Array.from({ length: MAX_AGE + 1 }, (_, n) => h("option", { value: String(n), selected: state.age === n }, d.ageYears(n))),
            ),
          ),
          h(
            "div",
            {},
            h("label", { for: "km", class: "field-label" }, d.distance),
            h(
              "select",
              { id: "km", onchange: (e: Event) => actions.change({ km: Number((e.target as HTMLSelectElement).value) }) },
              h("option", { value: "0", selected: state.km === 0 }, d.distanceDefault),
              RADII_KM.map((n) => h("option", { value: String(n), selected: state.km === n }, d.km(n))),
            ),
          ),
        ),
        h(
          "fieldset",
          { class: "search-kinds" },
          h("legend", { class: "field-label" }, d.kindsLegend),
          kindChecks(lang, state.kinds, "skind", (code) => toggle("kinds", code, kindOrder)),
        ),
        h(
          "div",
          { class: "check" },
          h("input", { type: "checkbox", id: "accepting", checked: state.accepting, onchange: (e: Event) => actions.change({ accepting: (e.target as HTMLInputElement).checked }) }),
          h("label", { for: "accepting" }, d.acceptingOnly),
        ),
      ),
      h("button", { type: "submit", id: "search-submit", class: "button" }, d.searchButton),
      h("button", { type: "button", id: "clear-search", class: "link-button", hidden: !(state.near || state.lon !== null), onclick: () => actions.clear() }, d.clearSearch),
    ),
  );
}

/** Brings the panel's controls in line with `state` (after Back, a map tap …). */
export function syncSearchPanel(state: AppState, picking: boolean): void {
  const where = document.getElementById("where") as HTMLInputElement | null;
  if (!where) return;
  if (document.activeElement !== where && where.value !== state.near) where.value = state.near;
  syncChecks(CAPABILITIES, state.needs, "need");
  syncChecks(KINDS, state.kinds, "skind");
  (document.getElementById("age") as HTMLSelectElement).value = state.age === null ? "" : String(state.age);
  (document.getElementById("km") as HTMLSelectElement).value = String(state.km);
  (document.getElementById("accepting") as HTMLInputElement).checked = state.accepting;
  (document.getElementById("pick-on-map") as HTMLElement).setAttribute("aria-pressed", String(picking));
  (document.getElementById("clear-search") as HTMLElement).hidden = !(state.near || state.lon !== null);
  const more = document.getElementById("more-count");
  if (more) more.textContent = moreCount(state);
  const count = document.getElementById("needs-count");
  if (count) count.textContent = state.needs.length ? `（${state.needs.length}）` : "";
}

/** "（3）": how many of the further conditions (age, distance, kinds, accepting) are set. */
function moreCount(state: AppState): string {
  const n = (state.age !== null ? 1 : 0) + (state.km ? 1 : 0) + state.kinds.length + (state.accepting ? 1 : 0);
  return n ? `（${n}）` : "";
}
