// Test harness for the browser tests: starts the real `renkei serve` on a fresh
// SQLite file and a free loopback port, launches Debian's Chromium through
// playwright-core (no browser download), and blocks every request that leaves
// the test server. Everything started here is stopped in `stopAll()`, and on
// process exit as a last resort.

import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_DIR = resolve(WEB_DIR, "..");
export const SCREENSHOT_DIR = process.env.RENKEI_SCREENSHOTS ?? join(REPO_DIR, "artifacts", "screenshots");
const START_TIMEOUT_MS = 60_000;
/** Real open data (../shared/data, or RENKEI_SHARED_DATA); the Kanagawa tests skip without it. */
export const SHARED_DATA = process.env.RENKEI_SHARED_DATA ?? resolve(REPO_DIR, "..", "shared", "data");

/** The renkei binary: RENKEI_BIN, else the first debug build found. */
export function renkeiBin() {
  if (process.env.RENKEI_BIN) return process.env.RENKEI_BIN;
  const candidates = [
    process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, "debug", "renkei"),
    join(REPO_DIR, "target", "debug", "renkei"),
    "/var/tmp/renkei-target/debug/renkei",
    process.env.HOME && join(process.env.HOME, ".cache", "renkei-target", "debug", "renkei"),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`renkei binary not found; build it (cargo build --bin renkei) or set RENKEI_BIN. Looked in: ${candidates.join(", ")}`);
  return found;
}

const running = new Set();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    for (const child of running) child.kill("SIGKILL");
    process.exit(130);
  });
}

/** True when the Kanagawa open data is at SHARED_DATA. */
export function hasSharedData() {
  return existsSync(join(SHARED_DATA, "SOURCES.md")) && existsSync(join(SHARED_DATA, "boundaries"));
}

/**
 * Starts `renkei serve` on a fresh database; resolves with { url, origin, stop, log }.
 * `url` is the one the server logs ("… http://127.0.0.1:PORT/ …").
 * With `{ kanagawa: true }` the database first gets Kanagawa's open data from
 * SHARED_DATA (`renkei fetch --prefecture 14 --source-dir …`, nothing downloaded);
 * without it the server loads its demo directory into the empty database.
 */
export async function startServer({ kanagawa = false, morePrefectures = [] } = {}) {
  const bin = renkeiBin();
  if (!existsSync(bin)) throw new Error(`RENKEI_BIN=${bin} does not exist; build it with cargo build --bin renkei`);
  const webDist = join(WEB_DIR, "dist");
  if (!existsSync(join(webDist, "index.html"))) throw new Error(`${webDist} is not built; run scripts/build-web.sh`);
  const dir = mkdtempSync(join(tmpdir(), "renkei-e2e-"));
  if (kanagawa) {
    const started = Date.now();
    execFileSync(
      bin,
      ["fetch", "--prefecture", "14", "--db", `sqlite://${join(dir, "renkei.db")}`, "--source-dir", SHARED_DATA, "--download-dir", join(dir, "downloads")],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" }, timeout: 180_000 },
    );
    importMs = Date.now() - started;
    // More prefectures from the national files in SHARED_DATA, offline: a
    // prefecture whose files are only partly there (no local 病院 list for
    // Tokyo) exits non-zero, so what arrived is checked by the tests instead.
    for (const prefecture of morePrefectures) {
      spawnSync(
        bin,
        ["fetch", "--prefecture", prefecture, "--offline", "--db", `sqlite://${join(dir, "renkei.db")}`, "--source-dir", SHARED_DATA, "--download-dir", join(dir, "downloads")],
        { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" }, timeout: 180_000 },
      );
    }
  }
  // port 0: the server picks a free port and logs the URL it serves on.
  const port = process.env.RENKEI_E2E_PORT ?? 0;
  const args = ["serve", "--db", `sqlite://${join(dir, "renkei.db")}`, "--bind", `127.0.0.1:${port}`, "--web-dir", webDist];
  const child = spawn(bin, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  running.add(child);
  let log = "";
  let exited = null;
  const exitedPromise = new Promise((ok) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      ok(exited);
    });
    child.on("error", (error) => {
      exited = { error: error.message };
      running.delete(child);
      ok(exited);
    });
  });

  const stop = async () => {
    if (exited === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exitedPromise;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const url = await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`renkei did not log its URL within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const onData = (chunk) => {
        log += chunk.toString();
        // eslint-disable-next-line no-control-regex
        const m = log.replace(/\x1b\[[0-9;]*m/g, "").match(/https?:\/\/127\.0\.0\.1:(\d+)\/?/);
        if (m) {
          clearTimeout(timer);
          ok(`http://127.0.0.1:${m[1]}/`);
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      exitedPromise.then((e) => {
        clearTimeout(timer);
        fail(new Error(`renkei exited early (${JSON.stringify(e)})`));
      });
    });
    await waitForHealth(url);
    return { url, origin: new URL(url).origin, stop, log: () => log, args: [bin, ...args].join(" ") };
  } catch (e) {
    await stop();
    throw new Error(`${e.message}\n--- renkei log ---\n${log}`);
  }
}

async function waitForHealth(url) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const r = await fetch(new URL("api/v1/health", url));
      if (r.ok) return r.json();
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error("renkei did not answer /api/v1/health");
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/** How long the last Kanagawa import took, ms (printed by the tests). */
export let importMs = 0;

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // WebGL for MapLibre without a GPU: software rendering.
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
];

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * A browser context that lets requests reach only `origin` (plus data:/blob:).
 * Any other request is aborted and recorded in the returned `external` list.
 */
export async function guardedContext(browser, origin, options = {}) {
  const context = await browser.newContext({ locale: "ja-JP", timezoneId: "Asia/Tokyo", ...options });
  const external = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin + "/") || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    external.push(url);
    return route.abort("blockedbyclient");
  });
  return { context, external };
}

export function screenshotPath(name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, name);
}
