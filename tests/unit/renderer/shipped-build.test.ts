/**
 * What users install carries no test hooks: the production renderer build has neither the
 * diagnostics module nor the `window.ringsideDiagnostics` global, while the build the end-to-end
 * tests serve (`--mode e2e`) has both. Built with the project's own vite.config.ts.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirPerTest } from '../../support/temp-dir';

function buildRenderer(outDir: string, mode: string): string {
  execFileSync('npx', ['vite', 'build', '--mode', mode, '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir'], { stdio: 'pipe' });
  const assets = join(outDir, 'assets');
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f), 'utf8'))
    .join('\n');
}

describe('the shipped renderer', () => {
  const temp = tempDirPerTest('ringside-build-');

  it('has no test diagnostics; the e2e build has them', () => {
    const shipped = buildRenderer(join(temp.dir(), 'production'), 'production');
    expect(shipped).toContain('ringside');
    expect(shipped).not.toContain('ringsideDiagnostics');
    expect(shipped).not.toContain('heardTones');
    expect(shipped).not.toContain('selectedCandidates');
    const e2e = buildRenderer(join(temp.dir(), 'e2e'), 'e2e');
    expect(e2e).toContain('ringsideDiagnostics');
  });
});
