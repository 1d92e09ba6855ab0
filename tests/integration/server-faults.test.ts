/**
 * The short form of the fault harness (the long one is `npm run test:faults`): a real Kamailio
 * killed and restarted, frozen and thawed, and a black-holed link with a wake, each with a real
 * core on the product's own backoff. The agent is back within seconds of the server answering
 * again, was paused meanwhile, and is available after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, type KamailioServer } from '../support/kamailio.js';
import { formatFigure, freezeAndThaw, killAndRestart, sleepAndWake, type FaultFigure } from '../support/server-faults.js';

let sip: KamailioServer;
beforeAll(async () => {
  sip = await startKamailio();
});
afterAll(async () => {
  await sip?.stop();
});

// Generous against a loaded CI machine; the long run reports the real figures against 2 s.
const BOUND_MS = 4000;

function check(f: FaultFigure): void {
  console.log(`[faults] ${formatFigure(f, 2000)}`);
  expect(f.stayedRegistered).toBe(false);
  expect(f.backMs).toBeLessThan(BOUND_MS);
  expect(f.pausedMeanwhile).toBe(true);
  expect(f.availableAfter).toBe(true);
}

describe('server faults', () => {
  it('Kamailio SIGKILLed and restarted', async () => check(await killAndRestart(sip, 3000)), 45_000);
  it('Kamailio frozen for 5 s', async () => check(await freezeAndThaw(sip, 5000, 2)), 45_000);
  it('Kamailio frozen 5 s between two 15 s keep-alive pings: nothing noticed, the agent stays registered and available', async () => {
    const f = await freezeAndThaw(sip, 5000, 15);
    console.log(`[faults] ${formatFigure(f, 2000)}`);
    expect(f.stayedRegistered).toBe(true);
    expect(f.availableAfter).toBe(true);
  }, 45_000);
  it('a black-holed link and a wake', async () => check(await sleepAndWake(sip)), 45_000);
});
