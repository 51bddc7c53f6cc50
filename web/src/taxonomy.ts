// The authored taxonomy (data/taxonomy.toml, turned into JSON at build time by
// the Vite plugin in vite.config.ts): facility kinds with how maps draw them,
// and the 14 医療的ケア items with plain-language explanations for families.
// Kind order, labels, colours and marker shapes come only from that file, the
// same one the server and the printed maps read.

import authored from "../../data/taxonomy.toml";

/** A taxonomy item with its labels and a plain-language explanation. */
export interface TaxonomyItem {
  code: string;
  ja: string;
  en: string;
  plain_ja?: string;
  plain_en?: string;
}

/** How the maps draw a kind: a fill colour and a polygon outline. */
export interface KindMarker {
  /** `#rrggbb`. */
  colour: string;
  /** Name of the outline, e.g. `star`. */
  shape: string;
  /** Corners in units of the marker's radius, x right, y down, around the point. */
  points: [number, number][];
}

interface Authored {
  kinds: (TaxonomyItem & { colour: string; shape: string })[];
  capabilities: TaxonomyItem[];
  marker_shapes: { code: string; points: [number, number][] }[];
}

const data = authored as unknown as Authored;

/** Facility kinds, in authored order (the order of legends and lists). */
export const KINDS: TaxonomyItem[] = data.kinds.map(pick);
/** The 14 items of the 医療的ケア判定スコア, in the order of the score sheet. */
export const CAPABILITIES: TaxonomyItem[] = data.capabilities.map(pick);

const MARKERS = new Map<string, KindMarker>(
  data.kinds.map((k) => {
    const shape = data.marker_shapes.find((s) => s.code === k.shape);
    if (!shape) throw new Error(`data/taxonomy.toml: kind ${k.code} names no marker shape ${k.shape}`);
    return [k.code, { colour: k.colour, shape: k.shape, points: shape.points }];
  }),
);

/** For a kind code the taxonomy does not have (a newer server): a grey circle. */
const FALLBACK_MARKER: KindMarker = {
  colour: "#6b7280",
  shape: "circle",
  points: data.marker_shapes.find((s) => s.code === "circle")?.points ?? [[0, -1], [1, 0], [0, 1], [-1, 0]],
};

/** Only the fields the client shows, so the bundle does not carry the rest. */
function pick({ code, ja, en, plain_ja, plain_en }: TaxonomyItem): TaxonomyItem {
  return { code, ja, en, plain_ja, plain_en };
}

export function capability(code: string): TaxonomyItem | undefined {
  return CAPABILITIES.find((c) => c.code === code);
}

/** Colour and outline of `code`'s markers on the map, in legends and list badges. */
export function kindMarker(code: string): KindMarker {
  return MARKERS.get(code) ?? FALLBACK_MARKER;
}

/** Position of a kind in the taxonomy, for ordering; unknown kinds go last. */
export function kindRank(code: string): number {
  const i = KINDS.findIndex((k) => k.code === code);
  return i < 0 ? KINDS.length : i;
}
