import { describe, expect, it } from 'vitest';
import { accountSchema } from '../../../shared/account';
import { assertCallTransition, CallStateTransitionError, outcomeForStatus } from '../../../shared/call-session';
import { isRequestChannel, requestSchemas } from '../../../shared/contract';
import { parseDialTarget } from '../../../shared/dial-target';

describe('IPC contract schemas', () => {
  it('accepts well-formed requests', () => {
    expect(requestSchemas['call:dial'].safeParse({ target: '+1 (555) 010-0000' }).success).toBe(true);
    expect(requestSchemas['call:hold'].safeParse({ id: 'a1-b2', hold: true }).success).toBe(true);
    expect(requestSchemas['call:dtmf'].safeParse({ id: 'x', tones: '12*#A' }).success).toBe(true);
  });

  it('rejects wrong types, extra fields, hostile ids and oversized strings', () => {
    expect(requestSchemas['call:dial'].safeParse({ target: 5 }).success).toBe(false);
    expect(requestSchemas['call:dial'].safeParse({ target: 'x', __proto__: { admin: true }, extra: 1 }).success).toBe(false);
    expect(requestSchemas['call:hangup'].safeParse({ id: '../../etc/passwd' }).success).toBe(false);
    expect(requestSchemas['call:hangup'].safeParse({ id: 'x'.repeat(65) }).success).toBe(false);
    expect(requestSchemas['call:dial'].safeParse({ target: 'x'.repeat(513) }).success).toBe(false);
    expect(requestSchemas['call:dtmf'].safeParse({ id: 'x', tones: '1;rm' }).success).toBe(false);
    expect(requestSchemas['media:respond'].safeParse({ requestId: 'm1', ok: true }).success).toBe(false);
    expect(requestSchemas['app:ready'].safeParse(null).success).toBe(false);
  });

  it('knows only its own channels', () => {
    expect(isRequestChannel('call:dial')).toBe(true);
    expect(isRequestChannel('toString')).toBe(false);
    expect(isRequestChannel('__proto__')).toBe(false);
    expect(isRequestChannel(42)).toBe(false);
  });

  it('validates accounts with field-level messages', () => {
    const bad = accountSchema.safeParse({ server: 'http://pbx', aor: 'agent', password: 'x' });
    expect(bad.success).toBe(false);
    if (!bad.success) {
      const paths = bad.error.issues.map((i) => i.path.join('.'));
      expect(paths).toEqual(expect.arrayContaining(['server', 'aor']));
    }
    const good = accountSchema.parse({ server: 'wss://pbx.example.com:8089/ws', aor: 'sip:1001@pbx.example.com', password: 's' });
    expect(good.expires).toBe(300);
    expect(good.iceGatheringTimeoutMs).toBe(500);
  });
});

describe('dial targets', () => {
  it('turns numbers into SIP URIs on the account domain, keeping + * #', () => {
    expect(parseDialTarget(' +48 (22) 555-01-23 ', 'pbx.example.com')).toEqual({ ok: true, uri: 'sip:+48225550123@pbx.example.com', display: '+48225550123' });
    expect(parseDialTarget('*72#', 'd')).toMatchObject({ ok: true, uri: 'sip:*72#@d' });
  });
  it('accepts SIP URIs and user@host', () => {
    expect(parseDialTarget('sip:alice@example.com', 'd')).toMatchObject({ ok: true, uri: 'sip:alice@example.com' });
    expect(parseDialTarget('alice@example.com:5070', 'd')).toMatchObject({ ok: true, uri: 'sip:alice@example.com:5070' });
  });
  it('refuses what is neither, with a message naming the input', () => {
    for (const bad of ['', 'call mom', '12ab', 'sip:@host', 'sip:a@host:99999', 'javascript:alert(1)', '+', '1'.repeat(40)]) {
      const r = parseDialTarget(bad, 'd');
      expect(r.ok, bad).toBe(false);
    }
    expect(parseDialTarget('call mom', 'd')).toMatchObject({ ok: false, message: expect.stringContaining('call mom') });
  });
});

describe('call state machine', () => {
  it('allows the normal life of a call', () => {
    for (const [a, b] of [
      ['dialing', 'ringing'],
      ['ringing', 'active'],
      ['active', 'held'],
      ['held', 'active'],
      ['active', 'ended'],
      ['incoming', 'answering'],
      ['answering', 'active'],
    ] as const) {
      expect(() => assertCallTransition(a, b)).not.toThrow();
    }
  });
  it('throws a typed error on an illegal transition', () => {
    expect(() => assertCallTransition('ended', 'active')).toThrow(CallStateTransitionError);
    expect(() => assertCallTransition('incoming', 'held')).toThrow(/incoming -> held/);
    expect(() => assertCallTransition('dialing', 'held')).toThrow(CallStateTransitionError);
  });
  it('maps SIP final responses to outcomes an agent understands', () => {
    expect(outcomeForStatus(486)).toBe('busy');
    expect(outcomeForStatus(404)).toBe('not-found');
    expect(outcomeForStatus(487)).toBe('cancelled');
    expect(outcomeForStatus(480)).toBe('no-answer');
    expect(outcomeForStatus(503)).toBe('unavailable');
    expect(outcomeForStatus(488)).toBe('failed');
  });
});
