// Builds the page into chalicelib/static/seller-center, where GET /app and GET /app/{asset} serve it from.
// The page is /app locally and /<stage>/app behind API Gateway, so the HTML names its files relative to the
// page's folder ("app/<file>"); the files then name each other relative to themselves.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const out = fileURLToPath(new URL("../../chalicelib/static/seller-center", import.meta.url));

export default defineConfig({
  base: "./",
  build: {
    outDir: out,
    emptyOutDir: true,
    assetsDir: "",
    sourcemap: false,
    // Everything in files the app serves itself: no inlined data: URIs the CSP would have to allow.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        entryFileNames: "[name]-[hash].js",
        chunkFileNames: "[name]-[hash].js",
        assetFileNames: "[name]-[hash][extname]",
      },
    },
  },
  experimental: {
    renderBuiltUrl(filename, { hostType }) {
      return hostType === "html" ? `app/${filename}` : { relative: true };
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
