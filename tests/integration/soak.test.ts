/**
 * The short soak (the long one, 500 calls, is `npm run bench -- --only soak`): calls in a row
 * with hold, DTMF and transfer leave nothing behind in the core — no call entries, no handles,
 * and a heap that does not grow with the calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, type KamailioServer } from '../support/kamailio.js';
import { formatSoak, soak } from '../support/soak.js';

let sip: KamailioServer;
beforeAll(async () => {
  sip = await startKamailio();
});
afterAll(async () => {
  await sip?.stop();
});

describe('soak', () => {
  it('40 calls with hold, DTMF and transfer leave no calls, handles or heap behind', async () => {
    const f = await soak(sip, 40);
    console.log(`[soak] ${formatSoak(f)}`);
    expect(f.callsHeld).toBe(0);
    expect(f.handlesAfter).toBeLessThanOrEqual(f.handlesBefore);
    // Without --expose-gc the heap is measured between collections: a loose bound here, the long run holds 10 %.
    expect(f.heapAfterMb).toBeLessThan(f.heapBeforeMb * 1.5 + 5);
  }, 120_000);
});
