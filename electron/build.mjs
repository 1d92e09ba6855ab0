// Bundles the Electron shell and preload (CommonJS, as a sandboxed preload requires).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, external: ['electron', 'better-sqlite3'], logLevel: 'info' };
await build({ ...common, entryPoints: ['electron/shell/main.ts'], outfile: 'dist/electron/shell/main.cjs' });
await build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/electron/preload/preload.cjs' });
// The CSV import runs in a worker thread; import-runner looks for it next to the main bundle.
await build({ ...common, entryPoints: ['electron/core/import/import-worker.ts'], outfile: 'dist/electron/shell/import-worker.cjs' });
