// Bundles the Electron shell and preload (CommonJS, as a sandboxed preload requires).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, external: ['electron'], logLevel: 'info' };
await build({ ...common, entryPoints: ['electron/shell/main.ts'], outfile: 'dist/electron/shell/main.cjs' });
await build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/electron/preload/preload.cjs' });
