// Every string the client shows, in Japanese (default) and English.
// Taxonomy labels (facility kinds, 医療的ケア items) are not here: they come
// from the API with `ja` / `en` fields, authored once in data/taxonomy.toml.

export type Lang = "ja" | "en";

const ja = {
  appTitle: "小児在宅医療 連携マップ",
  appSubtitle: "医療的ケアが必要なお子さんの支援先をさがす",
  skipToList: "施設の一覧へ移動",
  skipToDetail: "施設の詳細へ移動",
  switchLang: "English",
  switchLangLabel: "Switch to English",
  filters: "絞り込み",
  textFilter: "名前・住所で絞り込む",
  textFilterPlaceholder: "例：茅ヶ崎、こども",
  kindFilter: "種類",
  allKinds: "すべての種類",
  municipalityFilter: "市区町村",
  allMunicipalities: "すべての市区町村",
  clearFilters: "条件をクリア",
  results: "施設の一覧",
  resultCount: (shown: number, total: number) =>
    shown === total ? `${total}件の施設` : `${total}件中 ${shown}件を表示`,
  noResults: "条件に合う施設はありません。条件を変えてください。",
  loading: "読み込み中…",
  loadError: "施設の情報を読み込めませんでした。時間をおいて再読み込みしてください。",
  retry: "再読み込み",
  viewList: "一覧",
  viewMap: "地図",
  viewSwitch: "表示の切り替え",
  map: "施設の地図",
  mapHelp: "地図と同じ内容を一覧でも見られます。",
  mapUnavailable: "この端末では地図を表示できません。一覧をご利用ください。",
  legend: "凡例",
  baseMap: "背景地図（地理院タイル・要インターネット）",
  detail: "施設の詳細",
  back: "一覧に戻る",
  close: "閉じる",
  demoBadge: "デモデータ",
  demoNote: "デモ用のデータです。内容は確認されていません。",
  closedBadge: "閉鎖",
  address: "所在地",
  geocoded: (precision: string): string =>
    precision === "town" ? "地図の位置は住所（町丁目）からの推定です" : "地図の位置は市区町村の代表点です（住所から推定）",
  phone: "電話",
  call: (number: string) => `${number} に電話する`,
  website: "ウェブサイト",
  organization: "運営",
  directions: "地図アプリで経路を見る",
  directionsNote: "（外部サイト・新しいタブ）",
  services: "サービスと医療的ケアへの対応",
  capability: "医療的ケア",
  answer: "対応",
  answerYes: "対応可",
  answerNo: "対応不可",
  answerUnknown: "要確認",
  unknownNote: "「要確認」は情報がないという意味です。利用の前に施設へお問い合わせください。",
  verified: (date: string, by?: string) => (by ? `${date} 確認（${by}）` : `${date} 確認`),
  notVerified: "未確認",
  verifiedColumn: "確認",
  ages: "対象年齢",
  accepting: "新規の受け入れ",
  respiteBeds: "短期入所の床数",
  hours: "受付時間",
  weekdays: ["月", "火", "水", "木", "金", "土", "日"],
  ageRange: (min?: number | null, max?: number | null) =>
    min != null && max != null ? `${min}〜${max}歳` : min != null ? `${min}歳から` : max != null ? `${max}歳まで` : "記載なし",
  source: "出典",
  licence: "ライセンス",
  importedAt: "取り込み日時",
  notFound: "この施設は見つかりませんでした。",
  selected: "選択中",
  showOnMap: "地図で表示",
  zoomIn: "拡大して表示",
  clusterLabel: (n: number) => `${n}件の施設`,
  footer: "地図の位置は目安です。最新の情報は各施設にご確認ください。",
  apiDocs: "API",
};

export type Dict = typeof ja;

const en: Dict = {
  appTitle: "Pediatric Home Care Map",
  appSubtitle: "Find support for children who need medical care at home",
  skipToList: "Skip to the facility list",
  skipToDetail: "Skip to facility details",
  switchLang: "日本語",
  switchLangLabel: "日本語に切り替える",
  filters: "Filters",
  textFilter: "Filter by name or address",
  textFilterPlaceholder: "e.g. 茅ヶ崎, こども",
  kindFilter: "Kind",
  allKinds: "All kinds",
  municipalityFilter: "Municipality",
  allMunicipalities: "All municipalities",
  clearFilters: "Clear filters",
  results: "Facilities",
  resultCount: (shown: number, total: number) =>
    shown === total ? `${total} facilities` : `Showing ${shown} of ${total} facilities`,
  noResults: "No facility matches. Try other filters.",
  loading: "Loading…",
  loadError: "Could not load the facilities. Please reload in a moment.",
  retry: "Reload",
  viewList: "List",
  viewMap: "Map",
  viewSwitch: "Switch view",
  map: "Map of facilities",
  mapHelp: "The list shows the same facilities as the map.",
  mapUnavailable: "The map cannot be shown on this device. Please use the list.",
  legend: "Legend",
  baseMap: "Base map (GSI tiles, needs internet)",
  detail: "Facility details",
  back: "Back to the list",
  close: "Close",
  demoBadge: "Demo data",
  demoNote: "Demo data: not verified.",
  closedBadge: "Closed",
  address: "Address",
  geocoded: (precision: string) =>
    precision === "town"
      ? "Map position estimated from the address (town)"
      : "Map position is only the municipality (estimated from the address)",
  phone: "Phone",
  call: (number: string) => `Call ${number}`,
  website: "Website",
  organization: "Run by",
  directions: "Directions in your map app",
  directionsNote: "(external site, new tab)",
  services: "Services and medical care",
  capability: "Medical care",
  answer: "Can handle",
  answerYes: "Yes",
  answerNo: "No",
  answerUnknown: "Please check",
  unknownNote: "“Please check” means nobody has confirmed it yet. Ask the facility before using it.",
  verified: (date: string, by?: string) => (by ? `verified ${date} (${by})` : `verified ${date}`),
  notVerified: "not verified",
  verifiedColumn: "Verified",
  ages: "Ages",
  accepting: "Accepting new clients",
  respiteBeds: "Respite beds",
  hours: "Hours",
  weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
  ageRange: (min?: number | null, max?: number | null) =>
    min != null && max != null ? `${min}–${max} years` : min != null ? `from ${min} years` : max != null ? `up to ${max} years` : "not stated",
  source: "Source",
  licence: "Licence",
  importedAt: "Imported",
  notFound: "This facility was not found.",
  selected: "selected",
  showOnMap: "Show on map",
  zoomIn: "Zoom in",
  clusterLabel: (n: number) => `${n} facilities`,
  footer: "Map positions are approximate. Please confirm details with each facility.",
  apiDocs: "API",
};

const dictionaries: Record<Lang, Dict> = { ja, en };

/** The strings for `lang`. */
export function t(lang: Lang): Dict {
  return dictionaries[lang];
}

/** A taxonomy label in the current language, falling back to Japanese. */
export function label(lang: Lang, item: { ja?: string; en?: string; code?: string }): string {
  return (lang === "en" ? item.en : item.ja) || item.ja || item.en || item.code || "";
}
