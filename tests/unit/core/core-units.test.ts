import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../electron/core/sip/backoff';
import { EventHub } from '../../../electron/core/ipc/event-hub';
import { MediaBridge } from '../../../electron/core/media/media-bridge';
import { ProxySessionDescriptionHandler } from '../../../electron/core/media/proxy-sdh';
import { RegistrationMachine } from '../../../electron/core/sip/registration-machine';
import type { MediaRequest } from '../../../shared/contract';
import { RegistrationTransitionError } from '../../../shared/registration-state';

describe('backoff', () => {
  it('grows exponentially, is capped, and jitters within [base/2, ceiling]', () => {
    const opts = { baseMs: 1000, capMs: 30_000 };
    expect(backoffDelay(0, { ...opts, random: () => 0 })).toBe(500);
    expect(backoffDelay(0, { ...opts, random: () => 1 })).toBe(1000);
    expect(backoffDelay(3, { ...opts, random: () => 1 })).toBe(8000);
    expect(backoffDelay(20, { ...opts, random: () => 1 })).toBe(30_000);
    expect(backoffDelay(1000, { ...opts, random: () => 1 })).toBe(30_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(4, opts)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) expect(d).toBeGreaterThanOrEqual(500);
  });
  it('refuses nonsense attempts', () => {
    expect(() => backoffDelay(-1, { baseMs: 1, capMs: 2 })).toThrow(RangeError);
  });
});

describe('registration machine', () => {
  it('reports each legal step and refuses illegal ones', () => {
    const seen: string[] = [];
    const m = new RegistrationMachine('sip:a@b', (v) => seen.push(v.state));
    m.transition('registering');
    m.transition('registered', { connected: true });
    m.transition('failed', { error: 'lost', retryAt: 123 });
    m.transition('registering');
    expect(seen).toEqual(['registering', 'registered', 'failed', 'registering']);
    const fresh = new RegistrationMachine(null, () => undefined);
    expect(() => fresh.transition('registered')).toThrow(RegistrationTransitionError);
  });
});

describe('event hub', () => {
  it('queues events until a renderer is ready, then delivers them in order', () => {
    const hub = new EventHub();
    const got: string[] = [];
    const id = hub.add({ send: (ch, p) => got.push(`${ch}:${JSON.stringify(p)}`) });
    hub.emit('call:removed', { id: 'a' });
    hub.emit('call:removed', { id: 'b' });
    expect(got).toEqual([]);
    hub.ready(id, false);
    expect(got).toEqual(['call:removed:{"id":"a"}', 'call:removed:{"id":"b"}']);
    hub.emit('call:removed', { id: 'c' });
    expect(got).toHaveLength(3);
  });
  it('sends media requests only to the media owner, holding them until one is ready', () => {
    const hub = new EventHub();
    const plain: string[] = [];
    const media: string[] = [];
    const p = hub.add({ send: (ch) => plain.push(ch) });
    hub.ready(p, false);
    const request = { op: 'close', requestId: 'm1', sessionId: 's' } as MediaRequest;
    hub.emit('media:request', request);
    expect(plain).toEqual([]);
    const m = hub.add({ send: (ch) => media.push(ch) });
    hub.ready(m, true);
    expect(media).toEqual(['media:request']);
  });
});

describe('proxy session description handler', () => {
  function setup() {
    const sent: MediaRequest[] = [];
    const bridge = new MediaBridge({ send: (r) => sent.push(r) }, 200);
    const negotiated: Array<{ direction: string | null; dtmfInBand: boolean }> = [];
    const sdh = new ProxySessionDescriptionHandler('s1', bridge, {
      iceServers: [],
      iceTimeoutMs: 300,
      turnUser: 'agent1',
      onNegotiated: (i) => negotiated.push(i),
    });
    return { sent, bridge, sdh, negotiated };
  }

  it('forwards getDescription to the renderer and returns its SDP to sip.js', async () => {
    const { sent, bridge, sdh, negotiated } = setup();
    const pending = sdh.getDescription();
    expect(sent[0]).toMatchObject({ op: 'get-description', sessionId: 's1', hold: false, iceTimeoutMs: 300 });
    bridge.respond({ requestId: sent[0].requestId, ok: true, value: { sdp: 'v=0\r\n', dtmfInBand: true, direction: 'sendrecv' } });
    await expect(pending).resolves.toEqual({ body: 'v=0\r\n', contentType: 'application/sdp' });
    expect(negotiated).toEqual([{ direction: 'sendrecv', dtmfInBand: true }]);
  });

  it('carries the hold flag from sip.js options and keeps it for later offers', async () => {
    const { sent, bridge, sdh } = setup();
    const first = sdh.getDescription({ hold: true } as object);
    bridge.respond({ requestId: sent[0].requestId, ok: true, value: { sdp: 'x', dtmfInBand: false, direction: null } });
    await first;
    const second = sdh.setDescription('v=0', {});
    expect(sent[1]).toMatchObject({ op: 'set-description', hold: true, sdp: 'v=0' });
    bridge.respond({ requestId: sent[1].requestId, ok: true, value: { dtmfInBand: false, direction: 'inactive', answer: null } });
    await second;
    expect(sdh.isHeld).toBe(true);
  });

  it('uses the answer the renderer made with the offer, saving a round trip', async () => {
    const { sent, bridge, sdh } = setup();
    const set = sdh.setDescription('v=0 offer');
    bridge.respond({ requestId: sent[0].requestId, ok: true, value: { dtmfInBand: true, direction: 'sendrecv', answer: 'v=0 answer' } });
    await set;
    await expect(sdh.getDescription()).resolves.toEqual({ body: 'v=0 answer', contentType: 'application/sdp' });
    expect(sent).toHaveLength(1);
    // Only once: a later offer of ours goes to the renderer again.
    const next = sdh.getDescription();
    expect(sent[1]).toMatchObject({ op: 'get-description' });
    bridge.respond({ requestId: sent[1].requestId, ok: true, value: { sdp: 'v=0 offer2', dtmfInBand: true, direction: 'sendrecv' } });
    await expect(next).resolves.toMatchObject({ body: 'v=0 offer2' });
  });

  it('turns a renderer failure or silence into a rejected promise sip.js can handle', async () => {
    const { sent, bridge, sdh } = setup();
    const failing = sdh.setDescription('v=0');
    bridge.respond({ requestId: sent[0].requestId, ok: false, message: 'no microphone' });
    await expect(failing).rejects.toThrow('no microphone');
    await expect(sdh.getDescription()).rejects.toThrow(/did not answer/);
  });

  it('reports no in-band DTMF until negotiated, so INFO is used instead', async () => {
    const { sent, bridge, sdh } = setup();
    expect(sdh.sendDtmf('1')).toBe(false);
    await expect(sdh.trySendDtmf('1')).resolves.toBe(false);
    expect(sent).toHaveLength(0);
    const p = sdh.setDescription('v=0');
    bridge.respond({ requestId: sent[0].requestId, ok: true, value: { dtmfInBand: true, direction: 'sendrecv', answer: null } });
    await p;
    const t = sdh.trySendDtmf('5#');
    expect(sent[1]).toMatchObject({ op: 'send-dtmf', tones: '5#' });
    bridge.respond({ requestId: sent[1].requestId, ok: true, value: { sent: true } });
    await expect(t).resolves.toBe(true);
  });

  it('close fails what is pending, tells the renderer once, and refuses later use', async () => {
    const { sent, sdh } = setup();
    const pending = sdh.getDescription();
    sdh.close();
    sdh.close();
    await expect(pending).rejects.toThrow(/call ended/);
    expect(sent.filter((r) => r.op === 'close')).toHaveLength(1);
    await expect(sdh.getDescription()).rejects.toThrow(/closed/);
  });

  it('ignores replies to unknown requests (late or forged)', () => {
    const { bridge } = setup();
    expect(bridge.respond({ requestId: 'm999', ok: true, value: {} })).toBe(false);
    expect(bridge.size).toBe(0);
  });
});
