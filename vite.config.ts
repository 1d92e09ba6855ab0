import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';

const repo = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dev server's React Fast Refresh needs one inline module script, which the page's strict
 * CSP forbids. Only `vite serve` loosens it; built output keeps the CSP exactly as written.
 */
function devCsp(): Plugin {
  return {
    name: 'ringside:dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), devCsp()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No data: URIs for audio (CSP media-src has none) and none for scripts.
    assetsInlineLimit: 0,
  },
  server: { host: '127.0.0.1' },
  // Tests (vitest): unit = pure and renderer code; integration = core on Node against a real
  // Kamailio; e2e = renderer in Debian's Chromium with real WebRTC media through Kamailio.
  test: {
    projects: [
      { plugins: [react()], test: { name: 'unit', root: repo, include: ['tests/unit/**/*.test.{ts,tsx}'], environment: 'node', testTimeout: 30_000 } },
      {
        test: {
          name: 'integration',
          root: repo,
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root: repo,
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 120_000,
          globalSetup: ['tests/e2e/global-setup.ts'],
        },
      },
    ],
  },
});
