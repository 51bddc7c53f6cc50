// The authored taxonomy (data/taxonomy.toml, turned into JSON at build time by
// the Vite plugin in vite.config.ts): facility kinds and the 14 医療的ケア items
// with plain-language explanations for families.

import authored from "../../data/taxonomy.toml";

/** A taxonomy item with its labels and a plain-language explanation. */
export interface TaxonomyItem {
  code: string;
  ja: string;
  en: string;
  plain_ja?: string;
  plain_en?: string;
}

interface Authored {
  kinds: TaxonomyItem[];
  capabilities: TaxonomyItem[];
}

const data = authored as unknown as Authored;

/** Facility kinds, in authored order. */
export const KINDS: TaxonomyItem[] = data.kinds.map(pick);
/** The 14 items of the 医療的ケア判定スコア, in the order of the score sheet. */
export const CAPABILITIES: TaxonomyItem[] = data.capabilities.map(pick);

/** Only the fields the client shows, so the bundle does not carry the rest. */
function pick({ code, ja, en, plain_ja, plain_en }: TaxonomyItem): TaxonomyItem {
  return { code, ja, en, plain_ja, plain_en };
}

export function capability(code: string): TaxonomyItem | undefined {
  return CAPABILITIES.find((c) => c.code === code);
}
