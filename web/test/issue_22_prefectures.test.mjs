// Issue 22: with several prefectures loaded, the region and coverage views show
// one prefecture at a time (or all), named from the data; with one loaded
// nothing changes. The client's own module is loaded through Vite.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createServer } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));
let vite;
let prefectures;

before(async () => {
  vite = await createServer({ root, logLevel: "silent", server: { middlewareMode: true, hmr: false }, appType: "custom" });
  prefectures = await vite.ssrLoadModule("/src/prefectures.ts");
});

after(() => vite?.close());

const region = (code, pref, nameJa, nameEn) => ({ code, nameJa: `${code}圏`, prefecture: { code: pref, nameJa, nameEn } });
const kanagawa = [region("1407", "14", "神奈川県", "Kanagawa"), region("1412", "14", "神奈川県", "Kanagawa")];
const tokyo = [region("1301", "13", "東京都", "Tokyo")];

test("issue_22 one prefecture loaded: no choice, the whole area is named after it", () => {
  const list = prefectures.prefecturesOf(kanagawa);
  assert.deepEqual(list.map((p) => p.code), ["14"]);
  assert.equal(prefectures.shownPrefecture("", list), "14");
  assert.equal(prefectures.shownPrefecture("13", list), "14");
  assert.deepEqual(prefectures.wholeAreaOption("ja", list, ""), ["", "神奈川県全域"]);
  assert.deepEqual(prefectures.wholeAreaOption("en", list, ""), ["", "All of Kanagawa"]);
});

test("issue_22 several prefectures: in code order, one shown or all", () => {
  const regions = [...kanagawa, ...tokyo];
  const list = prefectures.prefecturesOf(regions);
  assert.deepEqual(list.map((p) => p.code), ["13", "14"]);
  assert.equal(prefectures.shownPrefecture("", list), "");
  assert.equal(prefectures.shownPrefecture("99", list), "", "a prefecture not loaded shows all");
  assert.deepEqual(prefectures.regionsIn(regions, "13").map((r) => r.code), ["1301"]);
  assert.equal(prefectures.regionsIn(regions, "").length, 3);
  assert.deepEqual(prefectures.wholeAreaOption("ja", list, "13"), ["13", "東京都全域"]);
  assert.deepEqual(prefectures.wholeAreaOption("ja", list, ""), ["", "読み込まれている全都道府県"]);
});

test("issue_22 the map frames a prefecture's regions, leaving out a far-flung island region", () => {
  const boxed = (code, bbox) => ({ ...region(code, "13", "東京都", "Tokyo"), bbox });
  const regions = [
    boxed("1301", [139.7, 35.6, 139.8, 35.7]),
    boxed("1302", [139.6, 35.6, 139.75, 35.72]),
    boxed("1303", [139.2, 35.6, 139.45, 35.8]),
    boxed("1313", [139.1, 24.2, 153.99, 34.8]),
    { ...region("1314", "13", "東京都"), bbox: undefined },
  ];
  assert.deepEqual(prefectures.extentOf(regions), [139.2, 35.6, 139.8, 35.8]);
  assert.equal(prefectures.extentOf([]), null);
  // Two regions: both framed, whatever their sizes.
  assert.deepEqual(prefectures.extentOf(regions.slice(2, 4)), [139.1, 24.2, 153.99, 35.8]);
});
