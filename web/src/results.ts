// Search results in two tiers kept clearly apart: facilities confirmed to
// handle every chosen need, and 要確認 — facilities whose ability nobody has
// recorded yet, explained honestly as "please phone", never as a yes.

import type { Answer, Hit, SearchResult } from "./api";
import { answerText } from "./detail";
import { h } from "./dom";
import { label, t, type Lang } from "./i18n";
import { facilityItem, type ListActions } from "./list";
import { capability } from "./taxonomy";

/** "1.2" km from metres, one decimal below 10 km. */
export function kmText(m: number): string {
  const km = m / 1000;
  return km < 10 ? km.toFixed(1) : String(Math.round(km));
}

const MARK: Record<Answer, string> = { yes: "✓", no: "✕", unknown: "?" };

function hitItem(lang: Lang, hit: Hit, selectedId: string, actions: ListActions): HTMLLIElement {
  const d = t(lang);
  return facilityItem(lang, hit.facility, selectedId, actions, {
    extraClass: `hit-${hit.tier}`,
    data: { tier: hit.tier },
    meta:
      hit.distanceM !== undefined
        ? h("span", { class: "distance" }, d.distanceText(kmText(hit.distanceM), hit.travelMinutes === undefined ? undefined : Math.round(hit.travelMinutes)))
        : null,
    more: hit.needs.length
      ? h(
          "span",
          { class: "need-answers" },
          h("span", { class: "visually-hidden" }, `${d.needAnswers}: `),
          hit.needs.map((n) =>
            h(
              "span",
              { class: `answer answer-${n.answer}` },
              h("span", { class: "mark", "aria-hidden": "true" }, MARK[n.answer]),
              `${label(lang, capability(n.code) ?? { code: n.code })} ${answerText(lang, n.answer)}`,
            ),
          ),
        )
      : null,
  });
}

/** The two tiers of `result`, each under its own heading with its count. */
export function renderHits(lang: Lang, result: SearchResult, selectedId: string, actions: ListActions): HTMLElement[] {
  const d = t(lang);
  const withNeeds = result.needs.length > 0;
  const confirmed = h(
    "section",
    { class: "tier tier-confirmed", id: "tier-confirmed", "aria-labelledby": "confirmed-heading" },
    // With no care item chosen nothing was confirmed: one list, nearest first, and no such claim.
    withNeeds
      ? h("h3", { id: "confirmed-heading" }, d.confirmedHeading, h("span", { class: "tier-count" }, ` ${d.confirmedCount(result.totalConfirmed)}`))
      : h("h3", { id: "confirmed-heading" }, d.nearestHeading, h("span", { class: "tier-count" }, ` ${d.nearestCount(result.totalConfirmed)}`)),
    result.results.length
      ? h("ul", { class: "results" }, result.results.map((hit) => hitItem(lang, hit, selectedId, actions)))
      : h("p", { class: "empty", id: "confirmed-none" }, withNeeds ? d.confirmedNone : d.noHits),
  );
  if (!withNeeds && result.unknown.length === 0) return [confirmed];
  const unknown = h(
    "section",
    { class: "tier tier-unknown", id: "tier-unknown", "aria-labelledby": "unknown-heading" },
    h("h3", { id: "unknown-heading" }, h("span", { class: "answer answer-unknown" }, h("span", { class: "mark", "aria-hidden": "true" }, "?"), d.unknownHeading), h("span", { class: "tier-count" }, ` ${d.unknownCount(result.unknown.length, result.totalUnknown)}`)),
    h("p", { class: "note note-unknown", id: "unknown-explain" }, d.unknownExplain),
    result.unknown.length
      ? h("ul", { class: "results" }, result.unknown.map((hit) => hitItem(lang, hit, selectedId, actions)))
      : h("p", { class: "empty" }, d.noHits),
  );
  return [confirmed, unknown, h("p", { class: "hint travel-note" }, d.travelNote)];
}
