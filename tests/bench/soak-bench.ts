/**
 * The long soak: 500 calls in a row (hold, resume, DTMF; every tenth transferred) through a real
 * Kamailio and a real core, run with --expose-gc so the heap is compared after collections.
 * Prints the figures next to the goal (heap growth ≤ 10 %) and exits non-zero past it.
 */
import { startKamailio } from '../support/kamailio.js';
import { formatSoak, soak } from '../support/soak.js';

const at = process.argv.indexOf('--calls');
const calls = at >= 0 ? Number(process.argv[at + 1]) : 500;
if (!Number.isInteger(calls) || calls < 1) throw new Error('--calls needs a whole number of calls');

async function main(): Promise<void> {
  const sip = await startKamailio();
  try {
    const f = await soak(sip, calls, 20, 35_000);
    console.log(`soak: ${formatSoak(f)}`);
    const growth = (f.heapAfterMb - f.heapBeforeMb) / f.heapBeforeMb;
    if (growth > 0.1 || f.callsHeld > 0 || f.handlesAfter > f.handlesBefore) process.exitCode = 1;
  } finally {
    await sip.stop();
  }
}

void main();
