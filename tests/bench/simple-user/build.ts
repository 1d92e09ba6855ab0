/** Bundles the SimpleUser bench page (page.ts + sip.js) with esbuild into a fresh .tmp directory. */
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePage } from '../../support/bundle-page.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');

export async function buildSimpleUserPage(outBase = path.join(repoRoot, '.tmp')): Promise<string> {
  await mkdir(outBase, { recursive: true });
  const outDir = await mkdtemp(path.join(outBase, 'bench-simple-user-'));
  return bundlePage({ entry: path.join(here, 'page.ts'), html: path.join(here, 'index.html'), outDir, script: 'page.js' });
}
