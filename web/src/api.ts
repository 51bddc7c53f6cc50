// The renkei HTTP API (/api/v1) as the client uses it, and the one place that
// turns its JSON into the client's types. Parsing is lenient about optional
// fields so an older or newer server still renders, but it never invents a
// care capability: anything that is not exactly "yes" or "no" is "unknown".

export type Answer = "yes" | "no" | "unknown";

export interface Term {
  code: string;
  ja: string;
  en: string;
}

export interface Verification {
  on: string;
  by?: string;
}

export interface Capability extends Term {
  answer: Answer;
  verified?: Verification;
}

export interface Service {
  key: string;
  name: string;
  serviceType?: Term;
  minYears?: number | null;
  maxYears?: number | null;
  acceptingNewClients: Answer;
  respiteBeds?: number;
  capabilities: Capability[];
  schedules: Schedule[];
}

export interface Schedule {
  /** iCalendar weekday codes (MO, TU …). */
  weekdays: string[];
  opensAt?: string;
  closesAt?: string;
  description?: string;
}

export interface Phone {
  number: string;
  label?: string;
  tel: string;
}

export interface Provenance {
  source: string;
  licence: string;
  attribution: string;
  demo: boolean;
  importedAt?: string;
}

export interface Facility {
  id: string;
  kind: Term;
  name: string;
  nameKana?: string;
  organization?: string;
  address: string;
  postalCode?: string;
  lon?: number;
  lat?: number;
  municipalityCode?: string;
  regionCode?: string;
  /** "town" or "municipality" when the position was estimated from the address. */
  geocoded?: string;
  phones: Phone[];
  url?: string;
  services: Service[];
  /** Hospital accreditations (施設基準: NICU, PICU, 小児入院医療管理料 …). */
  accreditations: Accreditation[];
  status: string;
  provenance: Provenance;
}

export interface Accreditation extends Term {
  since?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server's explanation per language, when it gave one. */
    readonly messages: { ja?: string; en?: string } = {},
  ) {
    super(message);
  }
}

/** Base URL of the API, relative to the page so the client works under a path prefix. */
const API_BASE = new URL("api/v1/", new URL(".", window.location.href));

/** TileJSON of a vector-tile layer (absolute: MapLibre fetches it from a worker). */
export function tileJsonUrl(layer: "facilities" | "regions" | "municipalities"): string {
  return new URL(`tiles/${layer}.json`, new URL(".", window.location.href)).href;
}

async function getJson(path: string, params: Record<string, string> = {}, signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(apiUrl(path, params), { headers: { Accept: "application/json" }, signal });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string; message_ja?: string; message_en?: string } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? "http_error", error?.message ?? response.statusText, { ja: error?.message_ja, en: error?.message_en });
  }
  return body;
}

const PAGE_SIZE = 500;
/** Safety stop: at most this many pages of PAGE_SIZE (the search API serves searches). */
const MAX_PAGES = 50;

/**
 * Every facility from the pages of GET /facilities: the first page, then the
 * rest in parallel. `onFirstPage` gets the first page as soon as it arrives,
 * so a long directory starts to show before it is complete.
 */
export async function fetchAllFacilities(onFirstPage?: (first: Facility[], total: number) => void): Promise<Facility[]> {
  const page = async (n: number) => {
    const body = (await getJson("facilities", { page: String(n), per_page: String(PAGE_SIZE) })) as Record<string, unknown>;
    const items = Array.isArray(body.items) ? body.items.map(parseFacility) : [];
    return { items, total: typeof body.total === "number" ? body.total : items.length };
  };
  const first = await page(1);
  const pages = Math.min(MAX_PAGES, Math.ceil(first.total / PAGE_SIZE));
  if (pages <= 1) return first.items;
  onFirstPage?.(first.items, first.total);
  const rest = await Promise.all(Array.from({ length: pages - 1 }, (_, i) => page(i + 2)));
  return [...first.items, ...rest.flatMap((p) => p.items)];
}

/** One facility by id (GET /facilities/{id}). */
export async function fetchFacility(id: string): Promise<Facility> {
  return parseFacility(await getJson(`facilities/${encodeURIComponent(id)}`));
}

// ---- parsing -------------------------------------------------------------

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function parseTerm(v: unknown): Term {
  if (typeof v === "string") return { code: v, ja: v, en: v };
  const o = obj(v);
  const labels = obj(o.label ?? o.labels);
  const code = str(o.code) ?? "";
  return {
    code,
    ja: str(o.ja) ?? str(labels.ja) ?? code,
    en: str(o.en) ?? str(labels.en) ?? str(o.ja) ?? code,
  };
}

/** Only an explicit "yes" or "no" counts; everything else is unknown (要確認). */
export function parseAnswer(v: unknown): Answer {
  return v === "yes" || v === "no" ? v : "unknown";
}

function parseVerification(v: unknown): Verification | undefined {
  if (typeof v === "string") return { on: v };
  const o = obj(v);
  const on = str(o.on) ?? str(o.date) ?? str(o.verified_on);
  return on ? { on, by: str(o.by_organization) ?? str(o.by) } : undefined;
}

function parseCapability(v: unknown): Capability {
  const o = obj(v);
  const term = parseTerm(o.capability && typeof o.capability === "object" ? o.capability : o);
  if (!term.code && typeof o.capability === "string") term.code = o.capability;
  return { ...term, answer: parseAnswer(o.answer), verified: parseVerification(o.verified) };
}

function parseService(v: unknown): Service {
  const o = obj(v);
  const ages = obj(o.ages);
  return {
    key: str(o.key) ?? "",
    name: str(o.name) ?? "",
    serviceType: o.service_type ? parseTerm(o.service_type) : undefined,
    minYears: num(o.min_age_years) ?? num(ages.min_years) ?? null,
    maxYears: num(o.max_age_years) ?? num(ages.max_years) ?? null,
    acceptingNewClients: parseAnswer(o.accepting_new_clients),
    respiteBeds: num(o.respite_beds),
    capabilities: arr(o.capabilities).map(parseCapability),
    schedules: arr(o.schedules).map((v) => {
      const sc = obj(v);
      return {
        weekdays: arr(sc.weekdays).filter((d): d is string => typeof d === "string"),
        opensAt: str(sc.opens_at),
        closesAt: str(sc.closes_at),
        description: str(sc.description),
      };
    }),
  };
}

/** `tel:` URI for a Japanese number as written (digits and a leading + only). */
export function telUri(number: string): string {
  const digits = number.normalize("NFKC").replace(/[^\d+]/g, "");
  return `tel:${digits}`;
}

function parsePhone(v: unknown): Phone {
  const o = obj(v);
  const number = str(o.number) ?? "";
  const given = str(o.tel) ?? str(o.tel_uri) ?? str(o.uri);
  return { number, label: str(o.label), tel: given?.startsWith("tel:") ? given : telUri(number) };
}

export function parseFacility(v: unknown): Facility {
  const o = obj(v);
  const loc = obj(o.location);
  const pos = obj(loc.position);
  const prov = obj(o.provenance);
  const org = o.organization;
  return {
    id: String(o.id ?? ""),
    kind: parseTerm(o.kind),
    name: str(o.name) ?? "",
    nameKana: str(o.name_kana),
    organization: typeof org === "string" ? org : str(obj(org).name),
    address: str(loc.address) ?? "",
    postalCode: str(loc.postal_code),
    lon: num(loc.lon) ?? num(pos.lon),
    lat: num(loc.lat) ?? num(pos.lat),
    municipalityCode: str(loc.municipality_code) ?? str(loc.municipality),
    regionCode: str(loc.region_code) ?? str(loc.region),
    geocoded: str(loc.geocoded),
    phones: arr(o.phones).map(parsePhone).filter((p) => p.number !== ""),
    url: str(o.url) ?? str(obj(org).url),
    services: arr(o.services).map(parseService),
    accreditations: arr(o.accreditations).map((a) => ({ ...parseTerm(a), since: str(obj(a).since) })),
    status: str(o.status) ?? "active",
    provenance: {
      source: str(prov.source_name) ?? str(prov.source) ?? "",
      licence: str(prov.licence) ?? str(prov.license) ?? "",
      attribution: str(prov.attribution) ?? "",
      demo: prov.demo === true,
      importedAt: str(prov.imported_at),
    },
  };
}

/**
 * The municipality name from a Japanese address ("神奈川県横浜市南区…" → "横浜市南区").
 * The foundation API gives only the code; this names the filter options until
 * a regions endpoint does.
 */
export function municipalityName(address: string): string | undefined {
  const rest = address.replace(/^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)/u, "");
  const m =
    rest.match(/^(.{1,5}?市.{1,4}?区)/u) ?? // 政令市の区
    rest.match(/^(.{1,5}?郡.{1,4}?[町村])/u) ?? // 郡部の町村
    rest.match(/^(.+?[市区町村])/u);
  return m?.[1]?.replace(/^.+?郡/u, "");
}

// ---- search (GET /search), geocoding (GET /geocode) and regions ------------

/** Where a search starts: WGS 84 degrees, longitude first. */
export interface Origin {
  lon: number;
  lat: number;
  label: string;
  /** How exact the place is (e.g. "town", "municipality", "point"). */
  precision?: string;
}

/** Whether a facility states it meets every need ("confirmed") or leaves some unknown (要確認). */
export type Tier = "confirmed" | "unknown";

export interface Hit {
  tier: Tier;
  /** Great-circle distance from the origin, metres. */
  distanceM?: number;
  /** Estimated travel time by car, minutes (a rough guide). */
  travelMinutes?: number;
  facility: Facility;
  needs: { code: string; answer: Answer }[];
}

export interface SearchResult {
  origin: Origin | null;
  radiusM?: number;
  travelModel?: { detourFactor: number; speedKmh: number };
  needs: Term[];
  results: Hit[];
  unknown: Hit[];
  totalConfirmed: number;
  totalUnknown: number;
  nextCursor?: string;
}

/** The parameters of GET /search; empty values are left out. */
export interface SearchQuery {
  lon?: number;
  lat?: number;
  near?: string;
  radiusM?: number;
  kinds: string[];
  needs: string[];
  age?: number;
  accepting: boolean;
  limit: number;
}

function parseOrigin(v: unknown): Origin | null {
  const o = obj(v);
  const lon = num(o.lon);
  const lat = num(o.lat);
  if (lon === undefined || lat === undefined) return null;
  return { lon, lat, label: str(o.label) ?? "", precision: str(o.precision) };
}

function parseHit(v: unknown): Hit {
  const o = obj(v);
  return {
    tier: o.tier === "confirmed" ? "confirmed" : "unknown",
    distanceM: num(o.distance_m),
    travelMinutes: num(o.travel_minutes),
    facility: parseFacility(o.facility),
    needs: arr(o.needs).map((n) => ({ code: str(obj(n).code) ?? "", answer: parseAnswer(obj(n).answer) })),
  };
}

/** The query string of GET /search for `q` (also taken by the referral sheet). */
function searchParams(q: SearchQuery): Record<string, string> {
  const params: Record<string, string> = { include_unknown: "true", limit: String(q.limit) };
  if (q.lon !== undefined && q.lat !== undefined) {
    params.lon = q.lon.toFixed(6);
    params.lat = q.lat.toFixed(6);
  } else if (q.near) params.near = q.near;
  if (q.radiusM) params.radius_m = String(q.radiusM);
  if (q.kinds.length) params.kinds = q.kinds.join(",");
  if (q.needs.length) params.needs = q.needs.join(",");
  if (q.age !== undefined) params.age = String(q.age);
  if (q.accepting) params.accepting = "true";
  return params;
}

/** An API address with `params`, absolute. */
export function apiUrl(path: string, params: Record<string, string> = {}): string {
  const url = new URL(path, API_BASE);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.href;
}

/** The referral sheet (PDF) of search `q`. */
export function referralPdfUrl(q: SearchQuery): string {
  return apiUrl("print/referral", searchParams(q));
}

/** Search `q` as GeoJSON (both tiers, `tier` in each feature's properties). */
export function searchGeojsonUrl(q: SearchQuery): string {
  return apiUrl("search", { ...searchParams(q), format: "geojson" });
}

/** GET /search: facilities near a place that may meet a child's needs, in two tiers. */
export async function search(q: SearchQuery): Promise<SearchResult> {
  const body = obj(await getJson("search", searchParams(q)));
  const model = obj(body.travel_model);
  return {
    origin: parseOrigin(body.origin),
    radiusM: num(body.radius_m),
    travelModel: num(model.speed_kmh) !== undefined ? { detourFactor: num(model.detour_factor) ?? 1, speedKmh: num(model.speed_kmh) ?? 0 } : undefined,
    needs: arr(body.needs).map(parseTerm),
    results: arr(body.results).map(parseHit),
    unknown: arr(body.unknown).map(parseHit),
    totalConfirmed: num(body.total_confirmed) ?? 0,
    totalUnknown: num(body.total_unknown) ?? 0,
    nextCursor: str(body.next_cursor),
  };
}

export interface Place extends Origin {
  municipalityCode?: string;
}

/** GET /geocode: places whose name starts with `q` (addresses, 町丁目), for suggestions. */
export async function geocode(q: string, limit = 6, signal?: AbortSignal): Promise<Place[]> {
  const body = obj(await getJson("geocode", { q, limit: String(limit) }, signal));
  const places: Place[] = [];
  for (const r of arr(body.results)) {
    const origin = parseOrigin(r);
    if (origin) places.push({ ...origin, municipalityCode: str(obj(r).municipality_code) });
  }
  return places;
}

/** GET /geocode/reverse: the municipality and 町丁目 at a point ("茅ヶ崎市十間坂一丁目"), or undefined. */
export async function reverseGeocode(lon: number, lat: number): Promise<string | undefined> {
  try {
    const body = obj(await getJson("geocode/reverse", { lon: lon.toFixed(6), lat: lat.toFixed(6) }));
    const municipality = str(body.municipality_name);
    const town = str(obj(body.town).name);
    return municipality ? `${municipality}${town ?? ""}` : undefined;
  } catch {
    return undefined;
  }
}

export interface RegionSummary {
  code: string;
  nameJa: string;
  nameEn?: string;
  /** The prefecture the region belongs to. */
  prefecture: { code: string; nameJa: string; nameEn?: string };
  municipalities: { code: string; name?: string }[];
  coreHospitals: string[];
  population: { total?: number; under15?: number; year?: number; source?: string; unknownReason?: string };
  facilities: { total: number; byKind: Record<string, number> };
  /** Extent [west, south, east, north], WGS 84 degrees; absent while boundaries are not loaded. */
  bbox?: [number, number, number, number];
}

function bboxOf(value: unknown): [number, number, number, number] | undefined {
  const numbers = arr(value).filter((n): n is number => typeof n === "number" && Number.isFinite(n));
  return numbers.length === 4 ? [numbers[0], numbers[1], numbers[2], numbers[3]] : undefined;
}

/** GET /regions: every 二次医療圏 with population and facility counts. */
export async function fetchRegions(): Promise<RegionSummary[]> {
  const body = obj(await getJson("regions"));
  return arr(body.items).map((v) => {
    const o = obj(v);
    const pop = obj(o.population);
    const fac = obj(o.facilities);
    const pref = obj(o.prefecture);
    const byKind: Record<string, number> = {};
    for (const [k, n] of Object.entries(obj(fac.by_kind))) if (typeof n === "number") byKind[k] = n;
    return {
      code: str(o.code) ?? "",
      nameJa: str(o.name_ja) ?? "",
      nameEn: str(o.name_en),
      // Older servers did not say: the first two digits of a region code are its prefecture's.
      prefecture: { code: str(pref.code) ?? (str(o.code) ?? "").slice(0, 2), nameJa: str(pref.name_ja) ?? "", nameEn: str(pref.name_en) },
      municipalities: arr(o.municipalities).map((m) => ({ code: str(obj(m).code) ?? "", name: str(obj(m).name) })),
      coreHospitals: arr(o.core_hospitals).filter((s): s is string => typeof s === "string"),
      population: { total: num(pop.total), under15: num(pop.under_15), year: num(pop.year), source: str(pop.source), unknownReason: str(pop.unknown_reason) },
      facilities: { total: num(fac.total) ?? 0, byKind },
      bbox: bboxOf(o.bbox),
    };
  });
}

/** GET /regions/{code}/facilities?kind=…: the facilities of one kind in a region (first page). */
export async function fetchRegionFacilities(code: string, kind: string): Promise<Facility[]> {
  const body = obj(await getJson(`regions/${encodeURIComponent(code)}/facilities`, { kind, per_page: "100" }));
  return arr(body.items).map(parseFacility);
}

// ---- coverage (GET /coverage) ----------------------------------------------

/** The need profile and threshold of a coverage analysis; empty values are left out. */
export interface CoverageQuery {
  kinds: string[];
  needs: string[];
  age?: number;
  /** Prefecture (2 digits) or 二次医療圏 (4 digits); empty: everything loaded. */
  area: string;
  /** Straight-line threshold, metres (exclusive with `withinMinutes`). */
  withinM?: number;
  /** Threshold as estimated travel minutes. */
  withinMinutes?: number;
  /** The gap list and map count 要確認 providers too. */
  includeUnknown: boolean;
  /** Places in the gap list. */
  gaps: number;
}

/** Indicators of one area in one tier (confirmed only, or 要確認 included). */
export interface CoverageIndicators {
  children: number;
  childrenWithin: number;
  childrenBeyond: number;
  /** 0–1; null without children. */
  shareWithin: number | null;
  providers: number;
  providersPer10k: number | null;
  /** Distance 90 % of the children are within, metres; null when unknown. */
  p90M: number | null;
  p90Minutes: number | null;
}

export interface CoverageRow {
  code: string;
  name?: string;
  regionCode?: string;
  confirmed: CoverageIndicators;
  withUnknown: CoverageIndicators;
}

export interface CoverageGap {
  kind: string;
  id: string;
  municipalityCode: string;
  municipalityName?: string;
  regionCode?: string;
  children: number;
  kthM: number | null;
  kthMinutes: number | null;
  /** [longitude, latitude], WGS 84. */
  position?: [number, number];
}

export interface CoverageReport {
  k: number;
  withinM: number;
  withinMinutes: number;
  population: { method: string; source?: string; notes: string[] };
  gapTier: "confirmed" | "with_unknown";
  regions: CoverageRow[];
  municipalities: CoverageRow[];
  gaps: CoverageGap[];
}

/** One coverage place (a 3rd-mesh cell) as GeoJSON, drawn by its `band_colour`. */
export interface CoverageCollection {
  type: "FeatureCollection";
  features: { type: "Feature"; id?: string; geometry: GeoJSON.Geometry; properties: { band: number; band_label: string; band_colour: string; children: number; covered: boolean } }[];
}

function coverageParams(q: CoverageQuery): Record<string, string> {
  const params: Record<string, string> = { gaps: String(q.gaps) };
  if (q.kinds.length) params.kinds = q.kinds.join(",");
  if (q.needs.length) params.needs = q.needs.join(",");
  if (q.age !== undefined) params.age = String(q.age);
  if (q.area) params.region = q.area;
  if (q.withinMinutes) params.within_minutes = String(q.withinMinutes);
  else if (q.withinM) params.within_m = String(q.withinM);
  if (q.includeUnknown) params.include_unknown = "true";
  return params;
}

/** The address of the coverage table as CSV (for a download link). */
export function coverageCsvUrl(q: CoverageQuery): string {
  return apiUrl("coverage", { ...coverageParams(q), format: "csv" });
}

const numOrNull = (v: unknown): number | null => num(v) ?? null;

function parseIndicators(v: unknown): CoverageIndicators {
  const o = obj(v);
  return {
    children: num(o.children) ?? 0,
    childrenWithin: num(o.children_within) ?? 0,
    childrenBeyond: num(o.children_beyond) ?? 0,
    shareWithin: numOrNull(o.share_within),
    providers: num(o.providers) ?? 0,
    providersPer10k: numOrNull(o.providers_per_10k_children),
    p90M: numOrNull(o.p90_m),
    p90Minutes: numOrNull(o.p90_minutes),
  };
}

function parseCoverageRow(v: unknown): CoverageRow {
  const o = obj(v);
  return { code: str(o.code) ?? "", name: str(o.name), regionCode: str(o.region_code), confirmed: parseIndicators(o.confirmed), withUnknown: parseIndicators(o.with_unknown) };
}

/** GET /coverage: children within reach per 二次医療圏 and municipality, in two tiers, and the gap list. */
export async function fetchCoverage(q: CoverageQuery, signal?: AbortSignal): Promise<CoverageReport> {
  const body = obj(await getJson("coverage", coverageParams(q), signal));
  const pop = obj(body.population);
  return {
    k: num(body.k) ?? 1,
    withinM: num(body.within_m) ?? 0,
    withinMinutes: num(body.within_minutes) ?? 0,
    population: { method: str(pop.method) ?? "none", source: str(pop.source), notes: arr(pop.notes).filter((s): s is string => typeof s === "string") },
    gapTier: body.gap_tier === "with_unknown" ? "with_unknown" : "confirmed",
    regions: arr(body.regions).map(parseCoverageRow),
    municipalities: arr(body.municipalities).map(parseCoverageRow),
    gaps: arr(body.gaps).map((v) => {
      const o = obj(v);
      const p = arr(o.position);
      return {
        kind: str(o.kind) ?? "cell",
        id: str(o.id) ?? "",
        municipalityCode: str(o.municipality_code) ?? "",
        municipalityName: str(o.municipality_name),
        regionCode: str(o.region_code),
        children: num(o.children) ?? 0,
        kthM: numOrNull(o.kth_m),
        kthMinutes: numOrNull(o.kth_minutes),
        position: typeof p[0] === "number" && typeof p[1] === "number" ? [p[0], p[1]] : undefined,
      };
    }),
  };
}

/** GET /coverage?format=geojson: the cells of the area coloured by distance band. */
export async function fetchCoverageCells(q: CoverageQuery, signal?: AbortSignal): Promise<CoverageCollection> {
  const body = obj(await getJson("coverage", { ...coverageParams(q), gaps: "0", format: "geojson" }, signal));
  return { type: "FeatureCollection", features: arr(body.features) as CoverageCollection["features"] };
}
