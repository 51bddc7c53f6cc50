// Browser tests of the web client against the real renkei server (issue 7).
// Run: RENKEI_BIN=… npm --prefix web run test:e2e   (after scripts/build-web.sh)

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import { guardedContext, launchBrowser, screenshotPath, startServer } from "./harness.mjs";
import { registerKanagawaTests } from "./kanagawa.mjs";
import { registerPrefectureTests } from "./prefectures.mjs";

const require = createRequire(import.meta.url);
// Evaluated through the DevTools protocol rather than added as a <script>:
// the server's Content-Security-Policy (script-src 'self') rightly refuses
// inline scripts, and the tests keep that policy on.
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const PHONE = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const GSI_HOST = "cyberjapandata.gsi.go.jp";

let server;
let browser;
/** Facilities as the API lists them: the expectations of every test. */
let facilities = [];
/** Every context opened, to check that none made an external request. */
const guards = [];

async function api(path) {
  const r = await fetch(new URL(`api/v1/${path}`, server.url));
  assert.equal(r.status, 200, `GET ${path}`);
  return r.json();
}

async function openPage(options = DESKTOP, query = "") {
  const guard = await guardedContext(browser, server.origin, options);
  guards.push(guard);
  const page = await guard.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(new URL(query, server.url).href);
  await page.waitForSelector("body[data-ready]");
  return { page, errors, external: guard.external, close: () => guard.context.close() };
}

async function listNames(page) {
  return page.$$eval("#results a.facility .facility-name", (els) => els.map((e) => e.textContent));
}

async function mapCount(page, expected) {
  // MapLibre draws asynchronously; wait until the map is idle with the expected count.
  await page.waitForFunction((n) => window.renkeiMap && window.renkeiMap.renderedCount() === n, expected, { timeout: 20_000 }).catch(() => {});
  return page.evaluate(() => (window.renkeiMap ? window.renkeiMap.renderedCount() : -1));
}

async function axe(page, t, name) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  t.diagnostic(`axe ${name}: ${result.length} violations, ${bad.length} serious/critical${result.length ? ` (${result.map((v) => `${v.id}:${v.impact}`).join(", ")})` : ""}`);
  assert.deepEqual(bad, [], `axe serious/critical violations on ${name}`);
}

function byName(name) {
  const f = facilities.find((x) => x.name === name);
  assert.ok(f, `demo facility ${name} listed by the API`);
  return f;
}

// One browser for both suites; each suite has its own server.
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close().catch(() => {});
});

describe("web client", () => {
  before(async () => {
    server = await startServer();
    let page = 1;
    for (;;) {
      const body = await api(`facilities?page=${page}&per_page=100`);
      facilities.push(...body.items);
      if (body.items.length === 0 || facilities.length >= body.total) break;
      page++;
    }
    assert.ok(facilities.length > 0, "the demo directory is loaded into the empty database");
  });

  after(async () => {
    await server?.stop();
  });

  test("page loads in Japanese and lists every facility, timed", async (t) => {
    const { page, errors, close } = await openPage(DESKTOP);
    try {
      assert.equal(await page.getAttribute("html", "lang"), "ja");
      assert.match(await page.textContent("#app-title"), /小児在宅医療 連携マップ/);
      const names = await listNames(page);
      assert.equal(names.length, facilities.length);
      assert.deepEqual([...names].sort(), facilities.map((f) => f.name).sort());
      assert.ok(names.includes("茅ヶ崎市立病院"));
      assert.match(await page.textContent("#result-count"), new RegExp(`${facilities.length}件`));
      const ms = await page.evaluate(() => performance.getEntriesByName("renkei:first-list")[0]?.startTime);
      assert.ok(typeof ms === "number", "first list render is marked");
      t.diagnostic(`first list render: ${ms.toFixed(0)} ms from navigation start (${facilities.length} facilities, loopback)`);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test("the map draws every facility of the list", async () => {
    const { page, close } = await openPage(DESKTOP);
    try {
      assert.equal(await mapCount(page, facilities.length), facilities.length);
      assert.equal(await page.locator(".maplibregl-canvas").count(), 1);
      await page.screenshot({ path: screenshotPath("desktop-1280x800-list-map.png") });
    } finally {
      await close();
    }
  });

  test("filter by kind keeps list, map and URL in step", async () => {
    const { page, close } = await openPage(DESKTOP);
    try {
      const kind = "municipal_desk";
      const expected = facilities.filter((f) => f.kind.code === kind).map((f) => f.name).sort();
      assert.ok(expected.length > 0);
      await page.click(`.chip[data-kind="${kind}"]`);
      assert.equal(await page.getAttribute(`.chip[data-kind="${kind}"]`, "aria-pressed"), "true");
      assert.deepEqual((await listNames(page)).sort(), expected);
      assert.equal(new URL(page.url()).searchParams.get("kind"), kind);
      assert.equal(await mapCount(page, expected.length), expected.length);
      // text filter, folded (hiragana finds katakana readings) and combined with the kind
      await page.fill("#q", "さむかわ");
      assert.deepEqual(await listNames(page), expected.filter((n) => n.includes("寒川")));
      await page.click("#clear-filters");
      assert.equal((await listNames(page)).length, facilities.length);
      // municipality
      const samukawa = byName("寒川町 福祉課");
      await page.selectOption("#muni", samukawa.location.municipality_code);
      const inMuni = facilities.filter((f) => f.location.municipality_code === samukawa.location.municipality_code).map((f) => f.name).sort();
      assert.deepEqual((await listNames(page)).sort(), inMuni);
      assert.match(await page.textContent("#muni option:checked"), /寒川町/);
      assert.equal(new URL(page.url()).searchParams.get("muni"), samukawa.location.municipality_code);
    } finally {
      await close();
    }
  });

  test("detail shows capabilities honestly, a tel: link and directions", async () => {
    const { page, close } = await openPage(DESKTOP);
    try {
      const f = byName("茅ヶ崎市立病院");
      await page.click(`#results a[data-id="${f.id}"]`);
      await page.waitForSelector("#detail-title");
      assert.equal(await page.textContent("#detail-title"), f.name);
      assert.equal(await page.evaluate(() => document.activeElement?.id), "detail-title", "focus moves to the detail heading");
      assert.equal(new URL(page.url()).searchParams.get("id"), f.id);
      // capabilities: every unknown shows 要確認, none shows 対応可
      const rows = await page.$$eval("#detail tr[data-capability]", (trs) => trs.map((tr) => ({ answer: tr.dataset.answer, text: tr.querySelector("td")?.textContent })));
      const apiCaps = f.services.flatMap((s) => s.capabilities);
      assert.equal(rows.length, apiCaps.length);
      assert.ok(rows.length >= 14, "all 14 医療的ケア items are listed");
      for (const [i, row] of rows.entries()) {
        const answer = apiCaps[i].answer;
        assert.equal(row.answer, answer === "yes" || answer === "no" ? answer : "unknown");
        if (row.answer === "unknown") assert.match(row.text, /要確認/);
      }
      if (apiCaps.every((c) => c.answer !== "yes")) assert.doesNotMatch(await page.textContent("#detail"), /対応可/);
      // phone
      const tel = await page.getAttribute("#detail a.tel", "href");
      assert.equal(tel, `tel:${f.phones[0].number.replace(/\D/g, "")}`);
      // directions: lat,lon order
      const directions = new URL(await page.getAttribute("#directions", "href"));
      assert.equal(directions.origin + directions.pathname, "https://www.google.com/maps/dir/");
      const [lat, lon] = directions.searchParams.get("destination").split(",").map(Number);
      assert.ok(Math.abs(lat - f.location.lat) < 1e-6 && Math.abs(lon - f.location.lon) < 1e-6, "destination is lat,lon");
      // provenance
      if (f.provenance.demo) assert.ok(await page.isVisible("#detail .badge-demo"), "demo badge");
      assert.match(await page.textContent("#detail .provenance"), new RegExp(f.provenance.licence.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
      // the marker is highlighted on the map
      await page.waitForFunction((id) => window.renkeiMap?.highlighted().selected.includes(id), f.id, { timeout: 10_000 });
      await page.screenshot({ path: screenshotPath("desktop-1280x800-detail.png") });
    } finally {
      await close();
    }
  });

  test("clicking a marker selects it in the list and opens its detail", async () => {
    const { page, close } = await openPage(DESKTOP);
    try {
      const f = byName("神奈川県立こども医療センター"); // far from the others: never clustered
      await page.hover(`#results a[data-id="${f.id}"]`);
      await page.waitForFunction((id) => window.renkeiMap?.highlighted().hovered.includes(id), f.id, { timeout: 20_000 });
      await page.mouse.move(0, 0);
      await mapCount(page, facilities.length);
      const at = await page.evaluate((id) => window.renkeiMap.project(id), f.id);
      const box = await page.locator("#map").boundingBox();
      await page.mouse.click(box.x + at.x, box.y + at.y);
      await page.waitForSelector("#detail-title");
      assert.equal(await page.textContent("#detail-title"), f.name);
      assert.equal(new URL(page.url()).searchParams.get("id"), f.id);
      // "一覧に戻る" and the browser's Back agree: both step back in history
      await page.click("#detail-back");
      await page.waitForSelector("#browse:not([hidden])");
      assert.equal(new URL(page.url()).searchParams.get("id"), null);
      await page.goForward();
      await page.waitForSelector("#detail:not([hidden]) #detail-title");
      await page.goBack();
      await page.waitForSelector("#browse:not([hidden])");
      assert.equal(await page.evaluate(() => document.activeElement?.dataset?.id), f.id, "focus returns to the list item");
    } finally {
      await close();
    }
  });

  test("switch to English and back", async () => {
    const { page, close } = await openPage(DESKTOP);
    try {
      const f = byName("茅ヶ崎市立病院");
      await page.click(`#results a[data-id="${f.id}"]`);
      await page.click("#lang-toggle");
      assert.equal(await page.getAttribute("html", "lang"), "en");
      assert.match(await page.textContent("#app-title"), /Pediatric Home Care Map/);
      assert.match(await page.textContent("#detail"), /Please check/);
      assert.match(await page.textContent("#detail .kind-badge"), new RegExp(f.kind.en));
      assert.equal(new URL(page.url()).searchParams.get("lang"), "en");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "lang-toggle", "focus stays on the toggle");
      await page.click("#lang-toggle");
      assert.equal(await page.getAttribute("html", "lang"), "ja");
      assert.match(await page.textContent("#detail"), /要確認/);
      assert.equal(new URL(page.url()).searchParams.get("lang"), null);
    } finally {
      await close();
    }
  });

  test("URL state round-trips through reload and a new tab", async () => {
    const { page, close } = await openPage(DESKTOP);
    try {
      const f = byName("寒川町 福祉課");
      await page.click(`.chip[data-kind="${f.kind.code}"]`);
      await page.fill("#q", "寒川");
      await page.click(`#results a[data-id="${f.id}"]`);
      await page.click("#lang-toggle");
      const shared = page.url();
      const state = async (p) => ({
        lang: await p.getAttribute("html", "lang"),
        title: await p.textContent("#detail-title"),
        pressed: await p.$$eval('.chip[aria-pressed="true"]', (els) => els.map((e) => e.dataset.kind)),
        q: await p.inputValue("#q"),
      });
      const expected = { lang: "en", title: f.name, pressed: [f.kind.code], q: "寒川" };
      assert.deepEqual(await state(page), expected);
      await page.reload();
      await page.waitForSelector("body[data-ready] #detail-title");
      assert.deepEqual(await state(page), expected);
      const other = await page.context().newPage();
      await other.goto(shared);
      await other.waitForSelector("body[data-ready] #detail-title");
      assert.deepEqual(await state(other), expected);
      // a shared link opened fresh: "一覧に戻る" shows the list with the same filters
      await other.click("#detail-back");
      await other.waitForSelector("#browse:not([hidden])");
      assert.equal(new URL(other.url()).searchParams.get("id"), null);
      assert.deepEqual(await listNames(other), [f.name]);
      await other.goBack();
      await other.waitForSelector("#detail:not([hidden]) #detail-title");
      assert.equal(await other.textContent("#detail-title"), f.name);
    } finally {
      await close();
    }
  });

  test("an id that is not in the directory says so", async () => {
    const { page, errors, close } = await openPage(PHONE, "?id=00000000-0000-0000-0000-000000000000");
    try {
      await page.waitForSelector("#detail-title");
      assert.match(await page.textContent("#detail-title"), /見つかりませんでした/);
      await page.click("#detail-back");
      assert.equal((await listNames(page)).length, facilities.length);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test("keyboard: skip link, list, detail and back", async () => {
    const { page, close } = await openPage(DESKTOP);
    try {
      const focused = () => page.evaluate(() => ({ id: document.activeElement?.id, dataId: document.activeElement?.dataset?.id, tag: document.activeElement?.tagName }));
      await page.keyboard.press("Tab");
      assert.equal((await focused()).id, "skip-list");
      assert.ok(await page.isVisible("#skip-list"), "skip link shows when focused");
      await page.keyboard.press("Enter");
      assert.equal((await focused()).id, "results-heading");
      await page.keyboard.press("Tab");
      const first = await focused();
      assert.equal(first.tag, "A");
      assert.ok(first.dataId, "Tab reaches the first facility of the list");
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, "none", "focus is visible");
      await page.keyboard.press("Tab");
      const second = await focused();
      assert.ok(second.dataId && second.dataId !== first.dataId, "Tab moves along the list");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#detail-title");
      assert.equal((await focused()).id, "detail-title");
      await page.keyboard.press("Shift+Tab");
      assert.equal((await focused()).id, "detail-back");
      await page.keyboard.press("Escape");
      await page.waitForSelector("#browse:not([hidden])");
      assert.equal((await focused()).dataId, second.dataId, "focus returns to the facility it came from");
    } finally {
      await close();
    }
  });

  test("axe-core: no serious or critical violations (desktop and phone, ja and en)", async (t) => {
    const desktop = await openPage(DESKTOP);
    try {
      await mapCount(desktop.page, facilities.length);
      await axe(desktop.page, t, "desktop list + map (ja)");
      await desktop.page.click(`#results a[data-id="${byName("茅ヶ崎市立病院").id}"]`);
      await axe(desktop.page, t, "desktop detail (ja)");
    } finally {
      await desktop.close();
    }
    const phone = await openPage(PHONE, "?lang=en");
    try {
      await axe(phone.page, t, "phone list (en)");
      await phone.page.screenshot({ path: screenshotPath("phone-375x812-list-en.png") });
      await phone.page.click("#view-map");
      await mapCount(phone.page, facilities.length);
      await axe(phone.page, t, "phone map (en)");
    } finally {
      await phone.close();
    }
  });

  test("phone 375x812: list, detail, map; screenshots", async () => {
    const { page, close } = await openPage(PHONE);
    try {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (overflow ${overflow}px)`);
      assert.equal(await page.isVisible("#map-pane"), false, "phone shows the list first");
      await page.screenshot({ path: screenshotPath("phone-375x812-list.png") });
      const f = byName("茅ヶ崎市立病院");
      await page.click(`#results a[data-id="${f.id}"]`);
      await page.waitForSelector("#detail-title");
      await page.screenshot({ path: screenshotPath("phone-375x812-detail.png"), fullPage: true });
      await page.click("#detail .show-on-map");
      assert.equal(new URL(page.url()).searchParams.get("view"), "map");
      assert.ok(await page.isVisible("#map-pane"));
      await page.waitForFunction(() => window.renkeiMap && window.renkeiMap.renderedCount() > 0, null, { timeout: 20_000 });
      await page.waitForTimeout(600); // let the ease to the selection finish
      await page.screenshot({ path: screenshotPath("phone-375x812-map.png") });
      await page.click("#view-list");
      assert.equal(await page.textContent("#detail-title"), f.name, "the selection survives the view switch");
    } finally {
      await close();
    }
  });

  test("optional base map: only 地理院タイル is requested, with its attribution", async () => {
    const { page, external, close } = await openPage(DESKTOP, "?basemap=gsi");
    try {
      await page.waitForFunction(() => window.renkeiMap, null, { timeout: 20_000 });
      await page.waitForFunction(() => document.querySelector(".maplibregl-ctrl-attrib")?.textContent?.includes("地理院タイル"), null, { timeout: 20_000 });
      for (let i = 0; i < 50 && external.length === 0; i++) await page.waitForTimeout(100);
      assert.ok(external.length > 0, "tiles were requested (and blocked: no internet in tests)");
      for (const url of external) assert.equal(new URL(url).host, GSI_HOST, `only the base map goes outside: ${url}`);
      assert.ok(await page.isChecked("#basemap"));
    } finally {
      await close();
    }
    // its context is checked here, not in the no-external test below
    guards.splice(guards.findIndex((g) => g.external === external), 1);
  });

  test("no request left the test server (base map off by default)", () => {
    const attempted = guards.flatMap((g) => g.external);
    assert.deepEqual(attempted, []);
  });
});

registerKanagawaTests({ browser: () => browser, axe });
registerPrefectureTests({ browser: () => browser, axe });
