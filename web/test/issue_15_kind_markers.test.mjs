// Issue 15: every facility kind looks on the web map, in its legend and list
// badges exactly as data/taxonomy.toml says (the printed map is checked the
// same way in crates/print/tests). The client's own modules are loaded through
// Vite (its TOML plugin included) and the style is evaluated with MapLibre's
// style specification, so this checks what the browser gets.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { expression, validateStyleMin } from "@maplibre/maplibre-gl-style-spec";
import { parse } from "smol-toml";
import { createServer } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));
const authored = parse(readFileSync(new URL("../../data/taxonomy.toml", import.meta.url), "utf8"));
const shapeOf = (kind) => authored.marker_shapes.find((s) => s.code === kind.shape).points;

let vite;
let style;
let markers;

before(async () => {
  vite = await createServer({ root, logLevel: "silent", server: { middlewareMode: true, hmr: false }, appType: "custom" });
  const { mapStyle } = await vite.ssrLoadModule("/src/mapStyle.ts");
  markers = await vite.ssrLoadModule("/src/markers.ts");
  style = mapStyle("none", (layer) => `http://127.0.0.1:8080/tiles/${layer}.json`);
});

after(() => vite?.close());

/** A stand-in for a canvas 2D context that records what is drawn. */
function recordingPen() {
  const pen = { path: [], shapes: [], fillStyle: "", strokeStyle: "", lineWidth: 0, lineJoin: "miter" };
  pen.beginPath = () => (pen.path = []);
  pen.moveTo = (x, y) => pen.path.push([x, y]);
  pen.lineTo = (x, y) => pen.path.push([x, y]);
  pen.closePath = () => {};
  pen.fill = () => pen.shapes.push({ fill: pen.fillStyle, stroke: null, path: pen.path });
  pen.stroke = () => (pen.shapes.at(-1).stroke = pen.strokeStyle);
  return pen;
}

/** `path` is `points` scaled by `radius` around `centre`. */
function assertOutline(path, points, centre, radius, what) {
  assert.equal(path.length, points.length, what);
  path.forEach(([x, y], i) => {
    assert.ok(Math.abs(x - (centre + radius * points[i][0])) < 1e-9 && Math.abs(y - (centre + radius * points[i][1])) < 1e-9, `${what}: corner ${i}`);
  });
}

/** The icon id a layer's `icon-image` gives a feature with `properties`. */
function iconOf(layerId, properties) {
  const layer = style.layers.find((l) => l.id === layerId);
  const compiled = expression.createExpression(layer.layout["icon-image"]);
  assert.equal(compiled.result, "success", JSON.stringify(compiled.value));
  return String(compiled.value.evaluate({ zoom: 12 }, { type: "Point", properties }));
}

test("issue_15_the_built_style_is_valid_maplibre", () => {
  assert.deepEqual(validateStyleMin(style), []);
});

test("issue_15_web_map_icons_have_the_taxonomy_colour_and_shape", () => {
  const { drawIcon, iconSizePx, ICON_RADIUS_PX } = markers;
  assert.ok(authored.kinds.length >= 11);
  for (const kind of authored.kinds) {
    const points = shapeOf(kind);
    for (const [layer, tier, hollow] of [
      ["facility-points", "", false],
      ["facility-points", "confirmed", false],
      ["facility-points", "unknown", true],
      ["directory-points", undefined, false],
      ["selected", "", false],
    ]) {
      const id = iconOf(layer, tier === undefined ? { kind: kind.code } : { kind: kind.code, tier });
      const pen = recordingPen();
      assert.ok(drawIcon(pen, id, 2), `${layer} draws ${id}`);
      assert.equal(pen.shapes.length, 1);
      const [shape] = pen.shapes;
      const what = `${kind.code} on ${layer} (${tier})`;
      // Filled in the kind's colour and ringed in white; 要確認 hollow: white ringed in the kind's colour.
      assert.equal(shape.fill, hollow ? "#ffffff" : kind.colour, what);
      assert.equal(shape.stroke, hollow ? kind.colour : "#ffffff", what);
      assertOutline(shape.path, points, iconSizePx(), ICON_RADIUS_PX * 2, what);
    }
  }
});

test("issue_15_legend_and_badges_draw_the_taxonomy_marker", () => {
  // Just enough of a DOM for inline SVG.
  const element = (name) => ({
    name,
    attributes: {},
    children: [],
    dataset: {},
    setAttribute(key, value) {
      this.attributes[key] = value;
    },
    append(...nodes) {
      this.children.push(...nodes);
    },
  });
  globalThis.document = { createElementNS: (_ns, name) => element(name) };
  try {
    for (const kind of authored.kinds) {
      const svg = markers.kindSymbol(kind.code);
      const [polygon] = svg.children;
      assert.equal(svg.dataset.shape, kind.shape);
      assert.equal(polygon.attributes.fill, kind.colour, kind.code);
      const path = polygon.attributes.points.split(" ").map((p) => p.split(",").map(Number));
      assertOutline(path, shapeOf(kind), 0, 1, kind.code);
    }
  } finally {
    delete globalThis.document;
  }
});
