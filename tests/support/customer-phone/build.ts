/**
 * Bundles the customer phone page (phone.ts + sip.js) for the browser with esbuild.
 * Returns a fresh directory containing index.html and phone.js, ready for serveDir().
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePage } from '../bundle-page.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');

export async function buildCustomerPhone(outBase = path.join(repoRoot, '.tmp')): Promise<string> {
  await mkdir(outBase, { recursive: true });
  const outDir = await mkdtemp(path.join(outBase, 'customer-phone-'));
  return bundlePage({ entry: path.join(here, 'phone.ts'), html: path.join(here, 'index.html'), outDir, script: 'phone.js', sourcemap: true });
}
