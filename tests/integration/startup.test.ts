/**
 * Browser mode with data that cannot be opened: the server says what is wrong and how to go on,
 * and exits; started again with the way out chosen, it keeps the damaged file and serves.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function runNodeMain(dataDir: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const proc = spawn(path.join(repo, 'node_modules/.bin/tsx'), [path.join(repo, 'electron/core/app/node-main.ts')], {
      cwd: repo,
      env: { ...process.env, RINGSIDE_DATA_DIR: dataDir, RINGSIDE_RENDERER_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      // Serving: that is all this test needs to know.
      if (out.includes('RINGSIDE_URL')) proc.kill('SIGTERM');
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => resolve({ code, out }));
  });
}

describe('browser mode with damaged data', () => {
  it('exits with the problem and the way out in words, then starts empty when told, keeping the damaged file', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringside-start-'));
    writeFileSync(path.join(dataDir, 'ringside.db'), Buffer.alloc(16384, 0x42));
    const first = await runNodeMain(dataDir);
    expect(first.code).toBe(2);
    expect(first.out).toMatch(/data file is damaged and cannot be opened/);
    expect(first.out).toContain('RINGSIDE_ON_DAMAGED_DATA=fresh');
    const second = await runNodeMain(dataDir, { RINGSIDE_ON_DAMAGED_DATA: 'fresh' });
    expect(second.out).toMatch(/Started with empty data; the damaged file is kept as/);
    expect(second.out).toContain('RINGSIDE_URL');
    expect(readdirSync(dataDir).some((f) => f.startsWith('ringside.db.damaged-'))).toBe(true);
  }, 60_000);
});
