// Client-side filtering of the directory (kind, municipality, free text).
// The search API of issue 6 will move this to the server; the rules stay the same.

import { municipalityName, type Facility, type Term } from "./api";
import type { AppState } from "./state";
import { kindRank } from "./taxonomy";

/**
 * Folds Japanese text for matching: NFKC (全角→半角), lower case, hiragana →
 * katakana, small ヶ/ヵ → ケ/カ, and no spaces, so "ちがさき" finds "チガサキ"
 * and "茅ケ崎" finds "茅ヶ崎".
 */
export function fold(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60))
    .replace(/[ヶヵ]/g, (c) => (c === "ヶ" ? "ケ" : "カ"))
    .replace(/[\s\u3000・-]/g, "");
}

function haystack(f: Facility): string {
  return fold([f.name, f.nameKana, f.organization, f.address, f.kind.ja, f.kind.en].filter(Boolean).join("\n"));
}

const haystacks = new WeakMap<Facility, string>();

export function matchesText(f: Facility, q: string): boolean {
  const words = q.split(/[\s\u3000]+/).map(fold).filter(Boolean);
  if (words.length === 0) return true;
  let h = haystacks.get(f);
  if (h === undefined) {
    h = haystack(f);
    haystacks.set(f, h);
  }
  return words.every((w) => h.includes(w));
}

export function applyFilters(all: Facility[], s: AppState): Facility[] {
  return all.filter(
    (f) =>
      (s.kinds.length === 0 || s.kinds.includes(f.kind.code)) &&
      (!s.municipality || f.municipalityCode === s.municipality) &&
      matchesText(f, s.q),
  );
}

export interface Facet<T> {
  value: T;
  count: number;
}

/** Kinds present in the directory, in taxonomy order of first appearance by code. */
export function kindFacets(all: Facility[]): Facet<Term>[] {
  const byCode = new Map<string, Facet<Term>>();
  for (const f of all) {
    const facet = byCode.get(f.kind.code) ?? { value: f.kind, count: 0 };
    facet.count++;
    byCode.set(f.kind.code, facet);
  }
  return [...byCode.values()].sort((a, b) => kindRank(a.value.code) - kindRank(b.value.code));
}

export interface Municipality {
  code: string;
  name: string;
}

/** Municipalities present, by code, named from the addresses. */
export function municipalityFacets(all: Facility[]): Facet<Municipality>[] {
  const byCode = new Map<string, Facet<Municipality>>();
  for (const f of all) {
    if (!f.municipalityCode) continue;
    const facet = byCode.get(f.municipalityCode) ?? {
      value: { code: f.municipalityCode, name: municipalityName(f.address) ?? f.municipalityCode },
      count: 0,
    };
    facet.count++;
    byCode.set(f.municipalityCode, facet);
  }
  return [...byCode.values()].sort((a, b) => a.value.code.localeCompare(b.value.code));
}

