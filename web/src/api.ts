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
  ) {
    super(message);
  }
}

/** Base URL of the API, relative to the page so the client works under a path prefix. */
const API_BASE = new URL("api/v1/", new URL(".", window.location.href));

async function getJson(path: string, params: Record<string, string> = {}): Promise<unknown> {
  const url = new URL(path, API_BASE);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? "http_error", error?.message ?? response.statusText);
  }
  return body;
}

const PAGE_SIZE = 500;
/** Safety stop: the foundation API pages; the search API (issue 6) will replace this walk. */
const MAX_PAGES = 50;

/** Every facility, walking the pages of GET /facilities. */
export async function fetchAllFacilities(): Promise<Facility[]> {
  const all: Facility[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const body = (await getJson("facilities", { page: String(page), per_page: String(PAGE_SIZE) })) as Record<string, unknown>;
    const items = Array.isArray(body.items) ? body.items : [];
    all.push(...items.map(parseFacility));
    const total = typeof body.total === "number" ? body.total : all.length;
    if (items.length === 0 || all.length >= total) break;
  }
  return all;
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
