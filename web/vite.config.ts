import { defineConfig } from "vite";

// The renkei binary serves dist/ (`renkei serve --web-dir web/dist`), so the
// client is built with relative asset paths and calls the API on the same origin.
// `npm run dev` proxies /api to a running `renkei serve` (RENKEI_API, default :8080).
export default defineConfig({
  base: "./",
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
    },
  },
});
