// Builds the renderer once (vite build) so the browser-mode core serves what users get.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.RINGSIDE_SKIP_BUILD === '1') return;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
}
