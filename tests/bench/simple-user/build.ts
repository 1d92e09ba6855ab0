/** Bundles the SimpleUser bench page (page.ts + sip.js) with esbuild into a fresh .tmp directory. */
import { build } from 'esbuild';
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');

export async function buildSimpleUserPage(outBase = path.join(repoRoot, '.tmp')): Promise<string> {
  await mkdir(outBase, { recursive: true });
  const outDir = await mkdtemp(path.join(outBase, 'bench-simple-user-'));
  await build({
    entryPoints: [path.join(here, 'page.ts')],
    outfile: path.join(outDir, 'page.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'chrome110',
    logLevel: 'warning',
  });
  await copyFile(path.join(here, 'index.html'), path.join(outDir, 'index.html'));
  return outDir;
}
