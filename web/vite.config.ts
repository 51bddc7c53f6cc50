import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { defineConfig, type Plugin } from "vite";

/**
 * `import taxonomy from "…/taxonomy.toml"`: the authored taxonomy
 * (data/taxonomy.toml) becomes JSON at build time, so the client's labels and
 * plain-language explanations come from the one file the server reads too.
 */
function toml(): Plugin {
  return {
    name: "renkei-toml",
    load(id) {
      if (!id.endsWith(".toml")) return null;
      return `export default ${JSON.stringify(parse(readFileSync(id, "utf8")))};`;
    },
  };
}

// The renkei binary serves dist/ (`renkei serve --web-dir web/dist`), so the
// client is built with relative asset paths and calls the API on the same origin.
// `npm run dev` proxies /api and /tiles to a running `renkei serve` (RENKEI_API, default :8080).
export default defineConfig({
  base: "./",
  plugins: [toml()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // MapLibre alone is ~800 KB; it lives in its own lazily loaded chunk.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: "maplibre-gl", test: /node_modules[\\/]maplibre-gl/ }],
        },
      },
    },
  },
  server: {
    proxy: {
      "/api": process.env.RENKEI_API ?? "http://127.0.0.1:8080",
      "/tiles": process.env.RENKEI_API ?? "http://127.0.0.1:8080",
    },
  },
});
