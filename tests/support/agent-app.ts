/**
 * Starts the real agent app in browser mode (`electron/core/app/node-main.ts`, the same core the
 * Electron shell runs) as a child process with a provisioning file, and returns the URL it
 * prints (with its per-launch token).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AgentApp {
  url: string;
  proc: ChildProcess;
  output(): string;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

export async function startAgentApp(opts: {
  wsUrl: string;
  domain: string;
  user: string;
  password: string;
  extra?: Record<string, unknown>;
  dataDir?: string;
  port?: number;
  /** A renderer build with the test diagnostics (`vite build --mode e2e`); default dist/renderer. */
  rendererDir?: string;
}): Promise<AgentApp> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ringside-agent-'));
  const config = path.join(dir, 'provisioning.json');
  await writeFile(
    config,
    JSON.stringify({
      account: { server: opts.wsUrl, aor: `sip:${opts.user}@${opts.domain}`, password: opts.password, displayName: `Agent ${opts.user}`, ...opts.extra },
    }),
  );
  const proc = spawn(path.join(repo, 'node_modules/.bin/tsx'), [path.join(repo, 'electron/core/app/node-main.ts')], {
    cwd: repo,
    env: {
      ...process.env,
      RINGSIDE_CONFIG: config,
      RINGSIDE_RENDERER_DIR: opts.rendererDir ?? path.join(repo, 'dist/renderer'),
      // Each app gets its own database unless the test wants to reopen one.
      RINGSIDE_DATA_DIR: opts.dataDir ?? dir,
      ...(opts.port ? { RINGSIDE_PORT: String(opts.port) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent app did not start:\n${out}`)), 20_000);
    const onData = (): void => {
      const m = /RINGSIDE_URL (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent app exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    proc,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
        proc.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}
