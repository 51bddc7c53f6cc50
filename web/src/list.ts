// One facility in a list (the directory or a search tier): a link to its
// detail that also highlights its marker on hover and focus.

import type { Facility } from "./api";
import { h } from "./dom";
import { kindSymbol } from "./markers";
import { label, type Lang } from "./i18n";

type Child = Parameters<typeof h>[2];

export interface ListActions {
  /** The link of a facility (its detail in the URL). */
  href(f: Facility): string;
  select(id: string): void;
  hover(id: string | null): void;
}

/**
 * The list item of `f`: name, then `meta` after the kind badge, then `more`,
 * then the address. `extraClass` marks it (e.g. its search tier).
 */
export function facilityItem(lang: Lang, f: Facility, selectedId: string, actions: ListActions, parts: { meta?: Child; more?: Child; extraClass?: string; data?: Record<string, string> } = {}): HTMLLIElement {
  const data = Object.fromEntries(Object.entries(parts.data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return h(
    "li",
    {},
    h(
      "a",
      {
        href: actions.href(f),
        class: parts.extraClass ? `facility ${parts.extraClass}` : "facility",
        "data-id": f.id,
        ...data,
        "aria-current": f.id === selectedId ? "true" : null,
        onclick: (event: Event) => {
          const e = event as MouseEvent;
          if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          actions.select(f.id);
        },
        onmouseenter: () => actions.hover(f.id),
        onmouseleave: () => actions.hover(null),
        onfocus: () => actions.hover(f.id),
        onblur: () => actions.hover(null),
      },
      h("span", { class: "facility-name", lang: "ja" }, f.name),
      h(
        "span",
        { class: "facility-meta" },
        h("span", { class: "kind-badge" }, kindSymbol(f.kind.code), label(lang, f.kind)),
        parts.meta,
      ),
      parts.more,
      h("span", { class: "facility-address", lang: "ja" }, f.address),
    ),
  );
}
