import { describe, expect, it } from 'vitest';
import {
  callerIdentity,
  checkMonitorAuth,
  extensionOf,
  featureCodeDialString,
  featureCodeUri,
  monitorRequestHeaders,
  parseMonitorAuth,
  parseMonitorMode,
} from '../../../electron/core/supervision/monitor-request.js';

const sup = 'sip:supervisor1@pbx.example.com';
const agent = 'sip:1001@pbx.example.com';
const now = Date.UTC(2026, 10, 27, 12, 0, 0);

describe('feature codes (PBX mode)', () => {
  it('puts the agent extension where {ext} is', () => {
    expect(featureCodeDialString('*222{ext}', agent)).toBe('*2221001');
    expect(featureCodeDialString('*223{ext}', 'sip:1001@pbx.example.com:5060;transport=ws')).toBe('*2231001');
    expect(featureCodeDialString('{ext}#7', 'sips:agent7@pbx')).toBe('agent7#7');
    expect(featureCodeDialString('88{ext}', 'sip:%2B4822555@pbx')).toBe('88+4822555');
  });
  it('refuses codes without {ext} and extensions that are not dialable', () => {
    expect(() => featureCodeDialString('*222', agent)).toThrow(/\{ext\}/);
    expect(() => featureCodeDialString('*222{ext}', 'sip:john.doe@pbx')).toThrow(/cannot be dialled/);
    expect(() => featureCodeDialString('*222{ext}', 'sip:a;b@pbx')).toThrow();
    expect(() => extensionOf('tel:+123')).toThrow(/not a SIP address/);
  });
  it('escapes # in the SIP URI', () => {
    expect(featureCodeUri('*2221001', 'pbx.example.com')).toBe('sip:*2221001@pbx.example.com');
    expect(featureCodeUri('1001#7', 'pbx')).toBe('sip:1001%237@pbx');
  });
});

describe('monitoring headers', () => {
  it('reads the mode, case-insensitively, and nothing else', () => {
    expect(parseMonitorMode('listen')).toBe('listen');
    expect(parseMonitorMode(' Whisper ')).toBe('whisper');
    expect(parseMonitorMode('BARGE')).toBe('barge');
    for (const junk of [undefined, null, '', 'spy', 'listen;x', 'listen whisper']) expect(parseMonitorMode(junk)).toBeNull();
  });
  it('sends the mode header, and the signature only with a team secret', () => {
    expect(monitorRequestHeaders({ mode: 'listen', supervisorAor: sup, agentAor: agent, nowMs: now })).toEqual(['X-Ringside-Monitor: listen']);
    const [mode, auth] = monitorRequestHeaders({ mode: 'barge', supervisorAor: sup, agentAor: agent, teamSecret: 's3cret', nowMs: now });
    expect(mode).toBe('X-Ringside-Monitor: barge');
    expect(auth).toMatch(/^X-Ringside-Auth: ts=\d+; sig=[0-9a-f]{64}$/);
  });
  it('parses the auth header in any order and rejects junk', () => {
    const sig = 'a'.repeat(64);
    expect(parseMonitorAuth(`ts=${now}; sig=${sig}`)).toEqual({ ts: now, sig });
    expect(parseMonitorAuth(`sig=${sig.toUpperCase()};ts=${now}`)).toEqual({ ts: now, sig });
    for (const junk of [undefined, '', `ts=${now}`, `ts=abc; sig=${sig}`, `ts=${now}; sig=xyz`, `ts=${now}; sig=${sig}; ts`, 'x'.repeat(400)])
      expect(parseMonitorAuth(junk)).toBeNull();
  });
});

describe('team signature on a monitoring request', () => {
  const headerFor = (opts: { secret: string; mode?: 'listen' | 'whisper' | 'barge'; at?: number; from?: string; to?: string }) =>
    monitorRequestHeaders({
      mode: opts.mode ?? 'listen',
      supervisorAor: opts.from ?? sup,
      agentAor: opts.to ?? agent,
      teamSecret: opts.secret,
      nowMs: opts.at ?? now,
    })[1].replace(/^X-Ringside-Auth: /, '');
  const check = (header: string | undefined, over: Partial<{ mode: 'listen' | 'whisper' | 'barge'; nowMs: number; supervisorAor: string }> = {}) =>
    checkMonitorAuth({ header, teamSecret: 'team', supervisorAor: sup, agentAor: agent, mode: 'listen', nowMs: now, ...over });

  it('accepts a fresh signature by the same secret, whatever the AOR spelling', () => {
    expect(check(headerFor({ secret: 'team' })).ok).toBe(true);
    expect(check(headerFor({ secret: 'team', from: 'sip:Supervisor1@PBX.example.com' }), { supervisorAor: '<sip:supervisor1@pbx.example.com>' }).ok).toBe(true);
    expect(check(headerFor({ secret: 'team', at: now - 4 * 60_000 })).ok).toBe(true);
  });
  it('refuses a missing, wrong, stale, future or re-targeted signature', () => {
    expect(check(undefined)).toEqual({ ok: false, why: 'no team signature' });
    expect(check('garbage')).toEqual({ ok: false, why: 'malformed team signature' });
    expect(check(headerFor({ secret: 'other' }))).toEqual({ ok: false, why: 'wrong team signature' });
    expect(check(headerFor({ secret: 'team', at: now - 6 * 60_000 })).ok).toBe(false);
    expect(check(headerFor({ secret: 'team', at: now + 6 * 60_000 })).ok).toBe(false);
    // Signed for whisper, presented as listen; signed for another agent; by another supervisor.
    expect(check(headerFor({ secret: 'team', mode: 'whisper' }))).toEqual({ ok: false, why: 'wrong team signature' });
    expect(check(headerFor({ secret: 'team', to: 'sip:1002@pbx.example.com' })).ok).toBe(false);
    expect(check(headerFor({ secret: 'team' }), { supervisorAor: 'sip:customer1@pbx.example.com' }).ok).toBe(false);
  });
});

describe('caller identity', () => {
  it('prefers P-Asserted-Identity (asserted), else From (not asserted)', () => {
    expect(callerIdentity('"Boss" <sip:Supervisor1@127.0.0.1>', 'sip:someone@127.0.0.1')).toEqual({ aor: 'sip:supervisor1@127.0.0.1', asserted: true });
    expect(callerIdentity('<sip:a@x>, <tel:+123>', null)).toEqual({ aor: 'sip:a@x', asserted: true });
    expect(callerIdentity('<tel:+123>, <sip:a@x>', null)).toEqual({ aor: 'sip:a@x', asserted: true });
    expect(callerIdentity(undefined, 'sip:agent2@127.0.0.1;transport=ws')).toEqual({ aor: 'sip:agent2@127.0.0.1', asserted: false });
    expect(callerIdentity('  ', 'sip:agent2@127.0.0.1')).toEqual({ aor: 'sip:agent2@127.0.0.1', asserted: false });
    expect(callerIdentity('<tel:+48123>', 'sip:b@y')).toEqual({ aor: 'sip:b@y', asserted: false });
    expect(callerIdentity('junk', 'also junk')).toBeNull();
  });

  it('an unreadable P-Asserted-Identity never falls back to the From', () => {
    for (const pai of ['<sip:%E0@pbx>', 'junk', '<<sip:a@b>>', '<sip:a@b>, <sip:c@d>, <sip:e@f>', `<sip:${'a'.repeat(3000)}@b>`, '<sip:a\u0000@b>'])
      expect(callerIdentity(pai, 'sip:supervisor1@127.0.0.1'), pai.slice(0, 40)).toBeNull();
  });
});
