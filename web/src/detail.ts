// The facility detail panel: who, where, how to call, what care they can
// handle (対応可 / 対応不可 / 要確認 — unknown is never shown as yes), and where
// the record came from.

import type { Answer, Capability, Facility, Schedule, Service } from "./api";
import { h } from "./dom";
import { kindSymbol } from "./markers";
import { label, t, type Lang } from "./i18n";

export interface DetailActions {
  back(): void;
  showOnMap(): void;
}

/** Directions in the user's map app (Google Maps URL scheme opens the app on phones). Note lat,lon order. */
export function directionsUrl(f: Facility): string | undefined {
  if (f.lat === undefined || f.lon === undefined) return undefined;
  return `https://www.google.com/maps/dir/?api=1&destination=${f.lat.toFixed(6)},${f.lon.toFixed(6)}`;
}

function formatPostal(code?: string): string {
  if (!code) return "";
  const digits = code.replace(/\D/g, "");
  return digits.length === 7 ? `〒${digits.slice(0, 3)}-${digits.slice(3)} ` : `〒${code} `;
}

function formatDateTime(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Asia/Tokyo",
  }).format(d);
}

const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

function scheduleText(lang: Lang, sc: Schedule): string {
  const names = t(lang).weekdays;
  const days = sc.weekdays.map((w) => names[WEEKDAYS.indexOf(w)] ?? w).join(lang === "ja" ? "・" : ", ");
  const time = sc.opensAt || sc.closesAt ? ` ${sc.opensAt ?? ""}–${sc.closesAt ?? ""}` : "";
  return `${days}${time}${sc.description ? ` (${sc.description})` : ""}`.trim();
}

const ANSWER_MARK: Record<Answer, string> = { yes: "✓", no: "✕", unknown: "?" };

export function answerText(lang: Lang, answer: Answer): string {
  const d = t(lang);
  return answer === "yes" ? d.answerYes : answer === "no" ? d.answerNo : d.answerUnknown;
}

function capabilityRow(lang: Lang, c: Capability): HTMLTableRowElement {
  const d = t(lang);
  return h(
    "tr",
    { "data-capability": c.code, "data-answer": c.answer },
    h("th", { scope: "row" }, label(lang, c)),
    h(
      "td",
      {},
      h("span", { class: `answer answer-${c.answer}` }, h("span", { "aria-hidden": "true", class: "mark" }, ANSWER_MARK[c.answer]), answerText(lang, c.answer)),
    ),
    h("td", { class: "verified" }, c.verified ? d.verified(c.verified.on, c.verified.by) : d.notVerified),
  );
}

function serviceSection(lang: Lang, s: Service, index: number, facilityId: string): HTMLElement {
  const d = t(lang);
  const headingId = `svc-${facilityId}-${index}`;
  const hasAges = s.minYears != null || s.maxYears != null;
  return h(
    "section",
    { class: "service", "aria-labelledby": headingId },
    h("h4", { id: headingId }, s.name || (s.serviceType ? label(lang, s.serviceType) : d.services)),
    s.serviceType && s.name ? h("p", { class: "muted" }, label(lang, s.serviceType)) : null,
    hasAges ? h("p", {}, `${d.ages}: ${d.ageRange(s.minYears, s.maxYears)}`) : null,
    s.acceptingNewClients !== "unknown" ? h("p", {}, `${d.accepting}: ${answerText(lang, s.acceptingNewClients)}`) : null,
    s.respiteBeds !== undefined ? h("p", {}, `${d.respiteBeds}: ${s.respiteBeds}`) : null,
    s.schedules.length
      ? h(
          "div",
          { class: "hours" },
          h("p", { class: "field-label" }, d.hours),
          h("ul", {}, s.schedules.map((sc) => h("li", {}, scheduleText(lang, sc)))),
        )
      : null,
    s.capabilities.length
      ? h(
          "table",
          { class: "capabilities" },
          h("caption", { class: "visually-hidden" }, `${s.name}: ${d.services}`),
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, d.capability), h("th", { scope: "col" }, d.answer), h("th", { scope: "col" }, d.verifiedColumn))),
          h("tbody", {}, s.capabilities.map((c) => capabilityRow(lang, c))),
        )
      : null,
  );
}

/** The detail card; `travel` is the distance and time from the search origin, when opened from a search. */
export function renderDetail(lang: Lang, f: Facility, actions: DetailActions, travel?: string): HTMLElement {
  const d = t(lang);
  const directions = directionsUrl(f);
  const anyUnknown = f.services.some((s) => s.capabilities.some((c) => c.answer === "unknown"));
  return h(
    "article",
    { class: "detail-card", "data-facility-id": f.id },
    h(
      "div",
      { class: "detail-nav" },
      h("button", { type: "button", class: "link-button", id: "detail-back", onclick: () => actions.back() }, h("span", { "aria-hidden": "true" }, "← "), d.back),
    ),
    h(
      "p",
      { class: "badges" },
      h("span", { class: "kind-badge" }, kindSymbol(f.kind.code), label(lang, f.kind)),
      f.provenance.demo ? h("span", { class: "badge badge-demo", title: d.demoNote }, d.demoBadge) : null,
      f.status === "closed" ? h("span", { class: "badge badge-closed" }, d.closedBadge) : null,
    ),
    h("h2", { id: "detail-title", tabindex: "-1" }, f.name),
    f.nameKana ? h("p", { class: "kana", lang: "ja" }, f.nameKana) : null,
    f.provenance.demo ? h("p", { class: "note note-demo" }, d.demoNote) : null,
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, d.address),
      h(
        "dd",
        {},
        h("span", { lang: "ja" }, formatPostal(f.postalCode), f.address),
        f.geocoded ? h("span", { class: "geocoded-note" }, d.geocoded(f.geocoded)) : null,
      ),
      f.phones.length ? h("dt", {}, d.phone) : null,
      f.phones.length
        ? h(
            "dd",
            {},
            h(
              "ul",
              { class: "phones" },
              f.phones.map((p) =>
                h("li", {}, h("a", { href: p.tel, class: "tel", "aria-label": `${d.call(p.number)}${p.label ? `（${p.label}）` : ""}` }, p.number), p.label ? h("span", { class: "muted", lang: "ja" }, ` ${p.label}`) : null),
              ),
            ),
          )
        : null,
      f.organization ? h("dt", {}, d.organization) : null,
      f.organization ? h("dd", { lang: "ja" }, f.organization) : null,
      f.url ? h("dt", {}, d.website) : null,
      f.url ? h("dd", {}, h("a", { href: f.url, target: "_blank", rel: "noopener noreferrer" }, f.url.replace(/^https?:\/\//, "").replace(/\/$/, ""))) : null,
    ),
    travel ? h("p", { class: "travel-estimate", id: "travel-estimate" }, travel) : null,
    h(
      "p",
      { class: "actions" },
      directions
        ? h("a", { class: "button", href: directions, target: "_blank", rel: "noopener noreferrer", id: "directions" }, d.directions, h("span", { class: "visually-hidden" }, d.directionsNote))
        : null,
      f.lat !== undefined ? h("button", { type: "button", class: "button button-secondary show-on-map", onclick: () => actions.showOnMap() }, d.showOnMap) : null,
    ),
    f.accreditations.length
      ? h(
          "section",
          { class: "accreditations", "aria-labelledby": "accreditations-heading" },
          h("h3", { id: "accreditations-heading" }, d.accreditations),
          h("p", { class: "note" }, d.accreditationsNote),
          h(
            "ul",
            {},
            f.accreditations.map((a) => h("li", {}, label(lang, a), a.since ? h("span", { class: "since" }, ` (${d.since} ${a.since})`) : null)),
          ),
        )
      : null,
    h(
      "section",
      { class: "services", "aria-labelledby": "services-heading" },
      h("h3", { id: "services-heading" }, d.services),
      anyUnknown ? h("p", { class: "note" }, d.unknownNote) : null,
      f.services.map((s, i) => serviceSection(lang, s, i, f.id)),
    ),
    h(
      "section",
      { class: "provenance", "aria-labelledby": "provenance-heading" },
      h("h3", { id: "provenance-heading" }, d.source),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, d.source),
        h("dd", { lang: "ja" }, f.provenance.source || "—"),
        h("dt", {}, d.licence),
        h("dd", {}, f.provenance.licence || "—", f.provenance.attribution ? h("span", { class: "attribution", lang: "ja" }, h("br", {}), f.provenance.attribution) : null),
        f.provenance.importedAt ? h("dt", {}, d.importedAt) : null,
        f.provenance.importedAt ? h("dd", {}, h("time", { datetime: f.provenance.importedAt }, formatDateTime(f.provenance.importedAt, lang))) : null,
      ),
    ),
  );
}
