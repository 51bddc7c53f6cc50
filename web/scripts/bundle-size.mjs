// Measures the gzip size of the built client (dist/assets). Run directly (the
// build does) it prints the sizes and fails when the client code excluding
// MapLibre is over its budget (issue 7: 200 KB); the e2e run imports
// `measureBundle` to print and check the same numbers.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const BUDGET_BYTES = 200 * 1024;
const DIST = fileURLToPath(new URL("../dist/", import.meta.url));

/** Gzip (-9) sizes of the built client: { client, maplibre, rows } in bytes. */
export function measureBundle(dir = DIST) {
  const files = ["index.html", ...readdirSync(join(dir, "assets")).map((f) => join("assets", f))].filter((f) => /\.(js|css|html)$/.test(f));
  let client = 0;
  let maplibre = 0;
  const rows = [];
  for (const file of files) {
    const gz = gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
    const isMaplibre = /(^|\/)maplibre-gl[-.]/.test(file);
    if (isMaplibre) maplibre += gz;
    else client += gz;
    rows.push(`  ${(gz / 1024).toFixed(1).padStart(7)} KB gzip  ${file}${isMaplibre ? "  (MapLibre)" : ""}`);
  }
  return { client, maplibre, rows };
}

export const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { client, maplibre, rows } = measureBundle();
  console.log(`web bundle (gzip -9):\n${rows.join("\n")}`);
  console.log(`web bundle: client code excluding MapLibre ${kb(client)} gzip (budget ${kb(BUDGET_BYTES)}); MapLibre ${kb(maplibre)} gzip`);
  if (client > BUDGET_BYTES) {
    console.error(`web bundle: over budget by ${kb(client - BUDGET_BYTES)}`);
    process.exit(1);
  }
}
