// Browser test with two prefectures loaded (issue 22): Kanagawa's open data
// and Tokyo's share of the national files in ../shared/data. The region and
// coverage views offer a prefecture selector, show that prefecture's regions
// named from the data, frame it on the map and keep the choice in the URL.
// Skipped with a message when ../shared/data is missing.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SHARED_DATA, guardedContext, hasSharedData, screenshotPath, startServer } from "./harness.mjs";

const DESKTOP = { viewport: { width: 1280, height: 800 } };

export function registerPrefectureTests({ browser, axe }) {
  const skip = hasSharedData() ? false : `open data not found at ${SHARED_DATA} (set RENKEI_SHARED_DATA)`;
  if (skip) console.log(`# skipped two-prefecture e2e tests: ${skip}`);

  describe("web client with two prefectures loaded", { skip }, () => {
    let server;
    let guard;

    before(async () => {
      server = await startServer({ kanagawa: true, morePrefectures: ["13"] });
    });

    after(async () => {
      await guard?.context.close();
      await server?.stop();
    });

    test("issue_22 a prefecture selector shows Tokyo's regions, frames them and carries into coverage", async (t) => {
      const regions = (await (await fetch(new URL("api/v1/regions", server.url))).json()).items;
      const tokyo = regions.filter((r) => r.prefecture.code === "13");
      assert.ok(tokyo.length >= 10, `Tokyo's regions are loaded: ${tokyo.length}`);
      assert.ok(tokyo.some((r) => r.facilities.total > 0), "Tokyo's visiting-nurse stations are placed in its regions");
      guard = await guardedContext(browser(), server.origin, DESKTOP);
      const page = await guard.context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(new URL("?view=regions&ind=total", server.url).href);
      await page.waitForSelector("body[data-ready]");
      await page.waitForSelector("#pref");
      const options = await page.$$eval("#pref option", (os) => os.map((o) => [o.value, o.textContent]));
      assert.deepEqual(options, [["", "読み込まれている全都道府県"], ["13", "東京都"], ["14", "神奈川県"]]);
      assert.equal(await page.$$eval("#region-table tbody tr", (trs) => trs.length), regions.length);

      await page.selectOption("#pref", "13");
      await page.waitForFunction((n) => document.querySelectorAll("#region-table tbody tr").length === n, tokyo.length);
      assert.equal(new URL(page.url()).searchParams.get("pref"), "13");
      const rows = await page.$$eval("#region-table tbody tr", (trs) => trs.map((tr) => tr.dataset.region));
      assert.deepEqual(rows, tokyo.map((r) => r.code));
      // The map is framed on Tokyo's 23 wards and Tama, and colours its regions.
      await page.waitForFunction(() => Object.keys(window.renkeiMap?.regionsDrawn() ?? {}).some((code) => code.startsWith("13")), null, { timeout: 20_000 });
      const [lon, lat] = await page.evaluate(() => {
        const box = document.querySelector("#map").getBoundingClientRect();
        return window.renkeiMap.unproject(box.width / 2, box.height / 2);
      });
      assert.ok(lon > 139.0 && lon < 140.0 && lat > 35.4 && lat < 36.0, `map centre ${lon},${lat} is over Tokyo`);
      const drawn = await page.evaluate(() => window.renkeiMap.regionsDrawn());
      const coloured = Object.entries(drawn).filter(([code, colour]) => code.startsWith("13") && colour !== "#cccccc");
      assert.ok(coloured.length > 0, `Tokyo's regions are coloured: ${JSON.stringify(drawn)}`);
      await page.screenshot({ path: screenshotPath("prefectures-desktop-1280x800-tokyo-regions.png") });
      await axe(page, t, "region view with two prefectures (desktop, ja)");

      await page.click("#view-coverage");
      await page.waitForSelector("#cov-area");
      const area = await page.$$eval("#cov-area option", (os) => os.map((o) => [o.value, o.textContent]));
      assert.deepEqual(area[0], ["13", "東京都全域"]);
      assert.deepEqual(area.slice(1).map(([code]) => code), tokyo.map((r) => r.code));
      assert.deepEqual(errors, []);
    });
  });
}
