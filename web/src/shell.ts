// The page's fixed parts: skip link, header with the language switch, view
// switch, the panel (search, directory filters, list, region pane, detail) and
// the map pane. main.ts fills the dynamic parts by id.

import { h } from "./dom";
import { gisLinks } from "./exports";
import { t } from "./i18n";
import type { AppState } from "./state";

export interface ShellHandlers {
  /** Apply a state change; `push` adds a history entry. */
  update(change: Partial<AppState>, push: boolean): void;
  /** The search panel (built by main.ts, which owns its actions). */
  searchPanel(): HTMLElement;
}

function skipTo(id: string) {
  return (e: Event) => {
    e.preventDefault();
    document.getElementById(id)?.focus();
  };
}

/** The shell for `state`; `desktop` opens the legend from the start. */
export function shell(state: AppState, desktop: boolean, on: ShellHandlers): HTMLElement[] {
  const d = t(state.lang);
  return [
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
          onclick: () => on.update({ lang: state.lang === "ja" ? "en" : "ja" }, false),
        },
        d.switchLang,
      ),
    ),
    h(
      "nav",
      { class: "view-switch", "aria-label": d.viewSwitch },
      h("button", { type: "button", id: "view-list", "aria-pressed": "true", onclick: () => on.update({ view: "list" }, true) }, d.viewList),
      h("button", { type: "button", id: "view-map", "aria-pressed": "false", onclick: () => on.update({ view: "map" }, true) }, d.viewMap),
      h("button", { type: "button", id: "view-regions", "aria-pressed": "false", onclick: () => on.update({ view: "regions", id: "" }, true) }, d.viewRegions),
      h("button", { type: "button", id: "view-coverage", "aria-pressed": "false", onclick: () => on.update({ view: "coverage", id: "" }, true) }, d.viewCoverage),
    ),
    h(
      "main",
      { id: "main", class: "layout" },
      h(
        "div",
        { class: "panel", id: "panel" },
        on.searchPanel(),
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
              oninput: (e: Event) => on.update({ q: (e.target as HTMLInputElement).value }, false),
            }),
            h("fieldset", { class: "kinds" }, h("legend", { class: "field-label" }, d.kindFilter), h("div", { id: "kind-chips", class: "chips" })),
            h("label", { for: "muni", class: "field-label" }, d.municipalityFilter),
            h("select", { id: "muni", onchange: (e: Event) => on.update({ municipality: (e.target as HTMLSelectElement).value }, false) }),
            h("button", { type: "button", id: "clear-filters", class: "link-button", onclick: () => on.update({ kinds: [], municipality: "", q: "" }, false) }, d.clearFilters),
          ),
          // Before the heading, so the skip link and Tab from the heading reach the list itself.
          h("div", { id: "list-actions" }),
          h("h2", { id: "results-heading", tabindex: "-1" }, d.results),
          h("p", { id: "result-count", class: "result-count", role: "status", "aria-live": "polite" }),
          h("div", { id: "results", class: "results-pane" }),
        ),
        // Its content is a labelled section (the list) or article (a region page).
        h("div", { id: "region-pane", class: "region-pane", hidden: true }),
        // The coverage view: a fixed form (kept across data changes for focus) and the report below it.
        h(
          "section",
          { id: "coverage-pane", class: "coverage", "aria-labelledby": "coverage-title", hidden: true },
          h("h2", { id: "coverage-title", tabindex: "-1" }, d.coverageTitle),
          h("p", { class: "hint" }, d.coverageIntro),
          h("div", { id: "coverage-form-host" }),
          h("div", { id: "coverage-body", "aria-live": "polite", "aria-busy": "false" }),
        ),
        h("section", { id: "detail", class: "detail", "aria-label": d.detail, hidden: true }),
      ),
      h(
        "section",
        { class: "map-pane", id: "map-pane", "aria-labelledby": "map-heading" },
        h("h2", { id: "map-heading", class: "visually-hidden" }, d.map),
        h("div", { id: "map", class: "map" }),
        h("details", { id: "legend", class: "legend", open: desktop }),
        h(
          "label",
          { class: "basemap-toggle" },
          h("input", {
            type: "checkbox",
            id: "basemap",
            checked: state.baseMap === "gsi",
            onchange: (e: Event) => on.update({ baseMap: (e.target as HTMLInputElement).checked ? "gsi" : "none" }, false),
          }),
          " ",
          d.baseMap,
        ),
      ),
    ),
    h("footer", { class: "app-footer" }, h("p", {}, d.footer), gisLinks(state.lang)),
  ];
}
