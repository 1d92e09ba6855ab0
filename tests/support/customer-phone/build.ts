/**
 * Bundles the customer phone page (phone.ts + sip.js) for the browser with esbuild.
 * Returns a fresh directory containing index.html and phone.js, ready for serveDir().
 */
import { build } from 'esbuild';
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');

export async function buildCustomerPhone(outBase = path.join(repoRoot, '.tmp')): Promise<string> {
  await mkdir(outBase, { recursive: true });
  const outDir = await mkdtemp(path.join(outBase, 'customer-phone-'));
  await build({
    entryPoints: [path.join(here, 'phone.ts')],
    outfile: path.join(outDir, 'phone.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'chrome110',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  await copyFile(path.join(here, 'index.html'), path.join(outDir, 'index.html'));
  return outDir;
}
