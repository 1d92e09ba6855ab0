// Time-limited TURN credentials (the TURN REST API convention coturn checks with
// use-auth-secret / static-auth-secret), and the media requests that carry them: the shared
// secret stays in main, each request gets credentials made from it.
import { describe, expect, it } from 'vitest';
import { accountSchema } from '../../../shared/account';
import type { MediaRequest } from '../../../shared/contract';
import { MediaBridge } from '../../../electron/core/media/media-bridge';
import { ProxySessionDescriptionHandler } from '../../../electron/core/media/proxy-sdh';
import { ephemeralExpiry, iceServersForRequest, turnRestCredentials, turnUserOf } from '../../../electron/core/media/turn-credentials';

const SECRET = 'north-wind-secret';

describe('turnRestCredentials', () => {
  it('matches a vector computed independently', () => {
    // printf '1700000000:agent1' | openssl dgst -sha1 -hmac north-wind-secret -binary | base64
    expect(turnRestCredentials(SECRET, 1_700_000_000, 'agent1')).toEqual({
      username: '1700000000:agent1',
      credential: 'ou8+kyHMpIwHIYOzbBqQeGWrdyU=',
      expiresAt: 1_700_000_000,
    });
    // printf '1700086400:sip-user' | openssl dgst -sha1 -hmac s3cr3t -binary | base64
    expect(turnRestCredentials('s3cr3t', 1_700_086_400, 'sip-user').credential).toBe('Lne2k6GNtSu1Ct2DI1wHzofYWmo=');
  });

  it('expires a lifetime from now, rounded down to a step so that close requests share credentials', () => {
    const now = Date.UTC(2025, 0, 6, 9, 0, 12, 345);
    const nowSec = Math.floor(now / 1000);
    const day = ephemeralExpiry(now, 86_400);
    expect(day % 300).toBe(0);
    expect(day).toBeLessThanOrEqual(nowSec + 86_400);
    expect(day).toBeGreaterThan(nowSec + 86_400 - 300);
    // Ten seconds later, the same credentials (the spare offer keyed on them still fits).
    expect(ephemeralExpiry(now + 10_000, 86_400)).toBe(day);
    // A short lifetime rounds by a tenth of itself: still valid for most of it.
    const short = ephemeralExpiry(now, 600);
    expect(short % 60).toBe(0);
    expect(short - nowSec).toBeGreaterThan(540);
    expect(short - nowSec).toBeLessThanOrEqual(600);
  });

  it('names the SIP user: the digest user, else the AOR user part', () => {
    expect(turnUserOf({ aor: 'sip:1001@pbx.example.com' })).toBe('1001');
    expect(turnUserOf({ aor: 'sips:agent.7@pbx.example.com:5061', authUser: 'a7' })).toBe('a7');
  });
});

describe('iceServersForRequest', () => {
  const now = Date.UTC(2025, 0, 6, 9, 0, 0);
  const account = accountSchema.parse({
    server: 'wss://pbx.example.com/ws',
    aor: 'sip:1001@pbx.example.com',
    password: 'pw',
    iceServers: [
      { urls: 'stun:stun.example.com:3478' },
      { urls: ['turn:turn.example.com:3478?transport=udp'], username: 'home1', credential: 'static-pass' },
      { urls: 'turns:turn.example.com:5349', credential: SECRET, credentialType: 'ephemeral', ephemeralTtlSec: 3600 },
    ],
  });

  it('passes fixed credentials through and makes the ephemeral ones, with none of our own fields', () => {
    const servers = iceServersForRequest(account.iceServers, '1001', now);
    const { username, credential } = turnRestCredentials(SECRET, ephemeralExpiry(now, 3600), '1001');
    expect(servers).toEqual([
      { urls: 'stun:stun.example.com:3478' },
      { urls: ['turn:turn.example.com:3478?transport=udp'], username: 'home1', credential: 'static-pass' },
      { urls: 'turns:turn.example.com:5349', username, credential },
    ]);
    expect(JSON.stringify(servers)).not.toContain(SECRET);
    expect(JSON.stringify(servers)).not.toMatch(/ephemeral|credentialType|expiresAt/);
  });

  it('sends each get-description and set-description the credentials made then, and the policy', async () => {
    const relay = accountSchema.parse({ ...account, iceTransportPolicy: 'relay' });
    const sent: MediaRequest[] = [];
    const bridge = new MediaBridge({ send: (r) => sent.push(r) }, 200);
    let clock = now;
    const sdh = new ProxySessionDescriptionHandler('s1', bridge, {
      iceServers: relay.iceServers,
      iceTimeoutMs: relay.iceGatheringTimeoutMs,
      iceTransportPolicy: relay.iceTransportPolicy,
      turnUser: turnUserOf(relay),
      now: () => clock,
    });
    const offer = sdh.getDescription();
    bridge.respond({ requestId: sent[0].requestId, ok: true, value: { sdp: 'v=0', dtmfInBand: false, direction: null } });
    await offer;
    clock += 2 * 3600_000;
    const answer = sdh.setDescription('v=0 answer');
    bridge.respond({ requestId: sent[1].requestId, ok: true, value: { dtmfInBand: false, direction: 'sendrecv', answer: null } });
    await answer;

    expect(sent.map((r) => r.op)).toEqual(['get-description', 'set-description']);
    const ephemeralOf = (r: MediaRequest) => (r.op === 'get-description' || r.op === 'set-description' ? r.iceServers[2] : null);
    expect(sent[0]).toMatchObject({ iceTransportPolicy: 'relay', iceTimeoutMs: 500 });
    expect(sent[1]).toMatchObject({ iceTransportPolicy: 'relay' });
    expect(ephemeralOf(sent[0])).toMatchObject({ username: `${ephemeralExpiry(now, 3600)}:1001` });
    // Two hours on, a credential made for one hour is a new one.
    expect(ephemeralOf(sent[1])).toMatchObject({ username: `${ephemeralExpiry(clock, 3600)}:1001` });
    expect(ephemeralOf(sent[1])?.credential).not.toBe(ephemeralOf(sent[0])?.credential);
    expect(JSON.stringify(sent)).not.toContain(SECRET);
  });
});
