/**
 * `npm run bench`: every benchmark, each in its own process (a 253 M-number registry build must
 * not share a heap with the call benchmarks), one after the other so they do not compete for
 * the 2 cores. Each prints its own table and figures.
 *
 *   npm run bench                         # everything, full size (registry 253 M numbers, 1 M-lead scrub)
 *   npm run bench -- --quick              # registry 5 M numbers, 100 k-lead scrub
 *   npm run bench -- --only registry,board
 * Sections: calls (dial/RTP/accept/RSS/disposition/lead list, run.ts), registry (index build,
 * size, lookups/s, 1 M scrub vs a sorted array; registry-bench.ts), scrub (end-to-end list scrub
 * through SQLite; scrub-bench.ts), registry-import (a full import through the app's service and
 * how late the main thread's event loop runs meanwhile; registry-import-bench.ts), board (state change → supervisor board with 50 agents;
 * board-bench.ts), soak (500 calls in a row: heap, RSS, handles; soak-bench.ts), team (50 agents' stores
 * on one PostgreSQL lead pool, DNC notices between apps; team-bench.ts), team-pool (50 real cores
 * in worker threads dialling through Kamailio: claim → INVITE, DNC propagation; team-pool-bench.ts). Run inside the
 * loopback namespace (npm run bench does that).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? new Set((argv[onlyAt + 1] ?? '').split(',')) : null;

const sections: Array<{ name: string; file: string; args: string[] }> = [
  { name: 'calls', file: 'run.ts', args: [] },
  { name: 'registry', file: 'registry-bench.ts', args: quick ? ['--quick'] : [] },
  { name: 'registry-import', file: 'registry-import-bench.ts', args: quick ? ['--numbers', '2000000'] : [] },
  { name: 'scrub', file: 'scrub-bench.ts', args: quick ? ['--leads', '100000'] : [] },
  { name: 'board', file: 'board-bench.ts', args: [] },
  { name: 'policy', file: 'policy-bench.ts', args: quick ? ['--n', '5000'] : [] },
  { name: 'soak', file: 'soak-bench.ts', args: quick ? ['--calls', '100'] : [] },
  { name: 'team', file: 'team-bench.ts', args: quick ? ['--leads', '20000'] : [] },
  { name: 'team-pool', file: 'team-pool-bench.ts', args: quick ? ['--shift', '500'] : [] },
];

const failed: string[] = [];
for (const s of sections) {
  if (only && !only.has(s.name)) continue;
  console.log(`\n==== bench: ${s.name} ====`);
  const started = Date.now();
  // --expose-gc: the soak compares heaps after collections; the others ignore it.
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(here, s.file), ...s.args], { stdio: 'inherit', env: process.env });
  console.log(`==== ${s.name}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (r.status !== 0) failed.push(s.name);
}
if (failed.length) {
  console.error(`bench sections failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
