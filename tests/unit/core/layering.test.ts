// The core must run without Electron (browser mode, tests): no file under electron/core or
// shared may import it. The preload may only talk to main through the contract.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('layering', () => {
  it('electron/core and shared never import electron', () => {
    const offenders = [...files('electron/core'), ...files('shared')].filter((f) => /from ['"]electron['"]|require\(['"]electron['"]\)/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
  it('the preload exposes only the contract-built API, never ipcRenderer itself', () => {
    const preload = readFileSync('electron/preload/preload.ts', 'utf8');
    expect(preload).toMatch(/exposeInMainWorld\('ringside', createRingsideApi\(/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });
});
