// Builds the renderer once, as users get it plus the test-only diagnostics (`--mode e2e`), for the browser-mode core to serve.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.RINGSIDE_SKIP_BUILD === '1') return;
  execFileSync('npx', ['vite', 'build', '--mode', 'e2e', '--logLevel', 'warn'], { stdio: 'inherit' });
}
