import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

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
});
