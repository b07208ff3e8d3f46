// Builds the page into chalicelib/static/seller-center, where GET /app and GET /app/{asset} serve it from.
// The page is /app locally and /<stage>/app behind API Gateway, so the HTML names its files relative to the
// page's folder ("app/<file>"); the files then name each other relative to themselves.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

const out = fileURLToPath(new URL("../../chalicelib/static/seller-center", import.meta.url));

// The packages bundled into the page: their licences travel with the copy (licenses.txt, shipped, not served).
const BUNDLED = ["preact", "oidc-client-ts", "jwt-decode"];

function licences(): Plugin {
  return {
    name: "licences",
    apply: "build",
    generateBundle() {
      const texts = BUNDLED.map((name) => {
        const root = new URL(`node_modules/${name}/`, import.meta.url);
        const { version } = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { version: string };
        return `${name} ${version}\n\n${readFileSync(new URL("LICENSE", root), "utf8").trim()}\n`;
      });
      this.emitFile({ type: "asset", fileName: "licenses.txt", source: texts.join("\n---\n\n") });
    },
  };
}

export default defineConfig({
  plugins: [licences()],
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
