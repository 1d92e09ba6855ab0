import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DialGate, phoneOfUri } from '../../../electron/core/dial-gate';

const at = (iso: string, zone: string): number => DateTime.fromISO(iso, { zone }).toMillis();

function gate(now: number, dncNumbers: string[] = []) {
  const dnc = new Set(dncNumbers);
  return new DialGate({ dnc: { has: (n) => dnc.has(n), add: () => undefined }, defaultCountry: () => 'US', now: () => now });
}

describe('dial gate', () => {
  it('reads the number behind a SIP URI in any usual spelling', () => {
    expect(phoneOfUri('sip:+12125550100@pbx', 'US')).toEqual({ e164: '+12125550100', country: 'US' });
    expect(phoneOfUri('sip:(212)%20555-0100@pbx', 'US')).toEqual({ e164: '+12125550100', country: 'US' });
    expect(phoneOfUri('sip:4165550100@pbx', 'US')?.country).toBe('CA');
    expect(phoneOfUri('sip:customer1@pbx', 'US')).toBeNull();
    expect(phoneOfUri('sip:%E0%A4%A@pbx', 'US')).toBeNull();
  });

  it('blocks the internal Do-Not-Call list first, whatever the time', () => {
    const v = gate(at('2026-11-25T12:00', 'America/New_York'), ['+12125550100']).check('sip:+12125550100@pbx');
    expect(v).toEqual({ allowed: false, reason: '+12125550100 is on the internal Do-Not-Call list: it may not be called.' });
  });

  it('blocks a US number outside 8:00–21:00 in its own zone, with the local time in the reason', () => {
    const late = gate(at('2026-11-25T21:15', 'America/New_York')).check('sip:+12125550100@pbx');
    expect(late).toEqual({ allowed: false, reason: '+12125550100: Blocked: 21:15 Wed in America/New_York, outside 08:00–21:00.' });
    // Same instant, a Los Angeles number: 18:15 there.
    expect(gate(at('2026-11-25T21:15', 'America/New_York')).check('sip:+17025550100@pbx')).toEqual({ allowed: true });
  });

  it('uses the lead’s own zone when it has one', () => {
    const g = gate(at('2026-11-25T21:15', 'America/New_York'));
    expect(g.check('sip:+12125550100@pbx', 'America/Los_Angeles')).toEqual({ allowed: true });
  });

  it('a toll-free number (could be anywhere) is allowed only when every zone is inside the window', () => {
    expect(gate(at('2026-11-25T12:00', 'America/New_York')).check('sip:+18005550100@pbx').allowed).toBe(false); // 02:00 in Guam, 07:00 Honolulu
  });

  it('leaves numbers of countries without a rule, and non-numbers, alone', () => {
    expect(gate(at('2026-11-25T23:30', 'Europe/Warsaw')).check('sip:+48225550123@pbx')).toEqual({ allowed: true });
    expect(gate(at('2026-11-25T23:30', 'Europe/Warsaw')).check('sip:customer1@pbx')).toEqual({ allowed: true });
  });
});
