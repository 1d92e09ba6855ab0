/**
 * A shift's worth of calls in a row through a real Kamailio and a real core: each call is dialled,
 * answered, held, resumed, sent DTMF and hung up (every tenth is blind-transferred instead), and
 * dismissed as the UI does. What is measured is what would make a long-running phone fail in the
 * afternoon: the heap after GC, RSS, the process's active handles and the calls the core still
 * holds, before and after.
 */
import { SessionState } from 'sip.js';
import { ProvisionedAccountStore } from '../../electron/core/sip/account-store.js';
import { createCore } from '../../electron/core/app/create-core.js';
import { accountSchema } from '../../shared/account.js';
import type { KamailioServer } from './kamailio.js';
import { startNodePhone, waitForState } from './node-phone.js';
import { connectSdpPeer } from './sdp-media-peer.js';
import { tempStore } from './temp-store.js';

export interface SoakFigures {
  calls: number;
  transfers: number;
  seconds: number;
  heapBeforeMb: number;
  heapAfterMb: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  handlesBefore: number;
  handlesAfter: number;
  /** Calls the core still lists after every call was dismissed. */
  callsHeld: number;
}

const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 150));
const mb = (n: number): number => Math.round((n / 1048576) * 10) / 10;

function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Sockets, pipes, file handles…: what a leak would pile up. Timers are left out: SIP transactions
 * keep theirs for up to 32 s after a call (RFC 3261's timers), so they rise and drain by design.
 */
const handles = (): number => process.getActiveResourcesInfo().filter((r) => r !== 'Timeout' && r !== 'Immediate').length;

/**
 * `quietMs`: how long to wait after the last call before measuring. SIP transactions hold their
 * messages until their timers fire (up to 32 s), so a measurement right after the last call
 * counts the last half-minute's calls as "growth"; the long run waits them out.
 */
export async function soak(sip: KamailioServer, calls: number, warmup = 10, quietMs = 500): Promise<SoakFigures> {
  const account = accountSchema.parse({ server: sip.wsUrl, aor: `sip:agent2@${sip.domain}`, password: sip.users.agent2 });
  const core = createCore({ ...tempStore(), accounts: new ProvisionedAccountStore(account), log: { info: () => {}, warn: () => {} } });
  await core.start();
  const peer = connectSdpPeer(core);
  await peer.request('app:ready', { media: true });
  await peer.waitFor('registration:changed', (r) => r.state === 'registered');
  const customer = await startNodePhone(sip, 'customer3');
  // The transfer target answers whatever the customer's phone is sent to.
  const target = await startNodePhone(sip, 'customer2');
  let transfers = 0;
  const one = async (i: number): Promise<void> => {
    const dial = await peer.request('call:dial', { target: `sip:customer3@${sip.domain}` });
    if (!dial.ok) throw new Error(`call ${i}: ${dial.message}`);
    const id = dial.value.id;
    const invitation = await customer.nextInvitation();
    await invitation.accept();
    await peer.waitForCall((c) => c.id === id && c.state === 'active');
    // A person's pace between clicks: a re-INVITE sent before the far end has the last ACK is
    // answered 500 + Retry-After (RFC 3261 14.2) and retried a second later.
    await pause();
    const hold = await peer.request('call:hold', { id, hold: true });
    if (!hold.ok) throw new Error(`call ${i} hold: ${hold.message}`);
    await pause();
    const resume = await peer.request('call:hold', { id, hold: false });
    if (!resume.ok) throw new Error(`call ${i} resume: ${resume.message}`);
    const dtmf = await peer.request('call:dtmf', { id, tones: '5' });
    if (!dtmf.ok) throw new Error(`call ${i} dtmf: ${dtmf.message}`);
    if (i % 10 === 9) {
      transfers += 1;
      const forwarded = target.nextInvitation();
      const t = await peer.request('call:transfer', { id, target: `sip:customer2@${sip.domain}` });
      if (!t.ok) throw new Error(`call ${i} transfer: ${t.message}`);
      const onward = await forwarded;
      await onward.accept();
      await waitForState(onward, SessionState.Established);
      await onward.bye();
    } else {
      await peer.request('call:hangup', { id });
    }
    await peer.waitForCall((c) => c.id === id && c.state === 'ended');
    await waitForState(invitation, SessionState.Terminated);
    await peer.request('call:dismiss', { id });
    // The test peer's and phones' own logs are the test's, not the core's: keep them from growing.
    peer.events.length = 0;
    peer.mediaOps.length = 0;
    customer.infoDigits.length = 0;
  };
  try {
    for (let i = 0; i < warmup; i++) await one(i);
    await new Promise((r) => setTimeout(r, quietMs));
    settle();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    const handlesBefore = handles();
    const started = Date.now();
    for (let i = 0; i < calls; i++) await one(i);
    const seconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, quietMs));
    settle();
    return {
      calls,
      transfers,
      seconds,
      heapBeforeMb: mb(heapBefore),
      heapAfterMb: mb(process.memoryUsage().heapUsed),
      rssBeforeMb: mb(rssBefore),
      rssAfterMb: mb(process.memoryUsage().rss),
      handlesBefore,
      handlesAfter: handles(),
      callsHeld: core.calls.list().length,
    };
  } finally {
    await customer.stop();
    await target.stop();
    await core.stop();
  }
}

export function formatSoak(f: SoakFigures): string {
  const growth = (a: number, b: number): string => `${(((b - a) / a) * 100).toFixed(1)} %`;
  return [
    `${f.calls} calls (${f.transfers} transferred) with hold, resume and DTMF in ${f.seconds.toFixed(0)} s`,
    `heap after GC ${f.heapBeforeMb} → ${f.heapAfterMb} MB (${growth(f.heapBeforeMb, f.heapAfterMb)}; goal ≤ 10 %)`,
    `RSS ${f.rssBeforeMb} → ${f.rssAfterMb} MB (${growth(f.rssBeforeMb, f.rssAfterMb)})`,
    `active handles other than timers ${f.handlesBefore} → ${f.handlesAfter}`,
    `calls still held by the core: ${f.callsHeld}`,
  ].join('\n  ');
}
