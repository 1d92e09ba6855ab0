// Which folder may import which is checked by dependency-cruiser (`npm run deps`,
// .dependency-cruiser.cjs). What stays here is not an import: the preload must hand the page only
// the contract-built API, never ipcRenderer itself.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('layering', () => {
  it('the preload exposes only the contract-built API, never ipcRenderer itself', () => {
    const preload = readFileSync('electron/preload/preload.ts', 'utf8');
    expect(preload).toMatch(/exposeInMainWorld\('ringside', createRingsideApi\(/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });
});
