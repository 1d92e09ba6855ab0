/** Bundles a test page (one TypeScript entry + its index.html) for Chromium with esbuild. */
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

export async function bundlePage(opts: { entry: string; html: string; outDir: string; script: string; sourcemap?: boolean }): Promise<string> {
  await mkdir(opts.outDir, { recursive: true });
  await build({
    entryPoints: [opts.entry],
    outfile: path.join(opts.outDir, opts.script),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'chrome110',
    sourcemap: opts.sourcemap ? 'inline' : false,
    logLevel: 'warning',
  });
  await copyFile(opts.html, path.join(opts.outDir, 'index.html'));
  return opts.outDir;
}
