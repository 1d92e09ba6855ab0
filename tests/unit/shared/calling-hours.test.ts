import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { checkCallingHours, defaultCallingHours, hoursWindowProblem, type HoursRule } from '../../../shared/calling-hours';

/** Epoch ms of a local wall-clock time in a zone. */
const at = (iso: string, zone: string): number => DateTime.fromISO(iso, { zone }).toMillis();

describe('calling hours', () => {
  it('US: 8:00–21:00 in the called party’s local time', () => {
    const ny = ['America/New_York'];
    expect(checkCallingHours({ country: 'US', zones: ny, now: at('2026-11-25T08:00', 'America/New_York') }).allowed).toBe(true);
    expect(checkCallingHours({ country: 'US', zones: ny, now: at('2026-11-25T20:59', 'America/New_York') }).allowed).toBe(true);
    const late = checkCallingHours({ country: 'US', zones: ny, now: at('2026-11-25T21:00', 'America/New_York') });
    expect(late.allowed).toBe(false);
    expect(late.reason).toBe('Blocked: 21:00 Wed in America/New_York, outside 08:00–21:00.');
    expect(checkCallingHours({ country: 'US', zones: ny, now: at('2026-11-25T07:59', 'America/New_York') }).allowed).toBe(false);
  });

  it('uses the callee’s zone, not the agent’s: 20:30 in New York is 17:30 in Los Angeles', () => {
    const now = at('2026-11-25T20:30', 'America/New_York');
    expect(checkCallingHours({ country: 'US', zones: ['America/Los_Angeles'], now }).allowed).toBe(true);
    expect(checkCallingHours({ country: 'US', zones: ['America/Los_Angeles'], now: at('2026-11-25T07:30', 'America/Los_Angeles') }).allowed).toBe(false);
  });

  it('Canada: 9:00–21:30 on weekdays, 10:00–18:00 on weekends', () => {
    const tz = ['America/Toronto'];
    expect(checkCallingHours({ country: 'CA', zones: tz, now: at('2026-11-25T21:29', 'America/Toronto') }).allowed).toBe(true); // Wednesday
    expect(checkCallingHours({ country: 'CA', zones: tz, now: at('2026-11-25T21:30', 'America/Toronto') }).allowed).toBe(false);
    expect(checkCallingHours({ country: 'CA', zones: tz, now: at('2026-11-28T17:59', 'America/Toronto') }).allowed).toBe(true); // Saturday
    expect(checkCallingHours({ country: 'CA', zones: tz, now: at('2026-11-28T18:00', 'America/Toronto') }).allowed).toBe(false);
    expect(checkCallingHours({ country: 'CA', zones: tz, now: at('2026-11-29T09:30', 'America/Toronto') }).allowed).toBe(false); // Sunday, before 10
  });

  it('a stricter state rule overrides the country’s', () => {
    const policy = { ...defaultCallingHours, regions: { 'US-FL': { weekday: { start: '08:00', end: '20:00' }, sunday: null } } };
    const zones = ['America/New_York'];
    expect(checkCallingHours({ country: 'US', region: 'FL', zones, now: at('2026-11-25T20:30', 'America/New_York'), policy }).allowed).toBe(false);
    expect(checkCallingHours({ country: 'US', region: 'NY', zones, now: at('2026-11-25T20:30', 'America/New_York'), policy }).allowed).toBe(true);
    const sunday = checkCallingHours({ country: 'US', region: 'FL', zones, now: at('2026-11-29T12:00', 'America/New_York'), policy });
    expect(sunday.allowed).toBe(false);
    expect(sunday.reason).toContain('no calls that day');
  });

  it('unknown local time blocks the call, with that reason', () => {
    const r = checkCallingHours({ country: 'US', zones: [], now: Date.now() });
    expect(r.allowed).toBe(false);
    expect(r.reason).toMatch(/local time is unknown/);
  });

  it('a number that could be in several zones is allowed only where every zone allows it', () => {
    const zones = ['America/New_York', 'America/Chicago'];
    expect(checkCallingHours({ country: 'US', zones, now: at('2026-11-25T20:30', 'America/New_York') }).allowed).toBe(true); // 19:30 Chicago
    const late = checkCallingHours({ country: 'US', zones, now: at('2026-11-25T21:10', 'America/New_York') });
    expect(late.allowed).toBe(false);
    expect(late.reason).toContain('America/New_York');
    expect(late.reason).not.toContain('America/Chicago,');
    expect(checkCallingHours({ country: 'US', zones, now: at('2026-11-25T07:30', 'America/Chicago') }).allowed).toBe(false); // 08:30 New York
  });

  it('follows daylight-saving changes (the local clock, not a fixed offset)', () => {
    // 2026-03-08: US clocks go forward at 02:00. 08:30 local is allowed on both sides of it.
    expect(checkCallingHours({ country: 'US', zones: ['America/New_York'], now: at('2026-03-07T08:30', 'America/New_York') }).allowed).toBe(true);
    expect(checkCallingHours({ country: 'US', zones: ['America/New_York'], now: at('2026-03-08T08:30', 'America/New_York') }).allowed).toBe(true);
    expect(checkCallingHours({ country: 'US', zones: ['America/New_York'], now: at('2026-03-08T07:30', 'America/New_York') }).allowed).toBe(false);
  });

  it('countries without a rule here are not limited by it', () => {
    expect(checkCallingHours({ country: 'PL', zones: ['Europe/Warsaw'], now: at('2026-11-25T23:00', 'Europe/Warsaw') })).toMatchObject({
      allowed: true,
      reason: 'No calling-hours rule for PL.',
    });
  });

  it('the statutory hours are the rule packs’: US and Canada only', () => {
    expect(Object.keys(defaultCallingHours.countries).sort()).toEqual(['CA', 'US']);
    expect(defaultCallingHours.countries.CA?.saturday).toEqual({ start: '10:00', end: '18:00' });
  });

  it('a given rule (a campaign’s window) is checked instead of the country’s', () => {
    const window: HoursRule = { weekday: { start: '08:00', end: '21:00' }, saturday: { start: '09:00', end: '18:00' }, sunday: null };
    const zones = ['Europe/Warsaw'];
    const night = checkCallingHours({ country: 'PL', zones, now: at('2026-11-25T01:52', 'Europe/Warsaw'), rule: window });
    expect(night).toMatchObject({ allowed: false, reason: 'Blocked: 01:52 Wed in Europe/Warsaw, outside 08:00–21:00.' });
    expect(checkCallingHours({ country: 'PL', zones, now: at('2026-11-28T08:59', 'Europe/Warsaw'), rule: window }).allowed).toBe(false); // Saturday
    expect(checkCallingHours({ country: 'PL', zones, now: at('2026-11-28T09:00', 'Europe/Warsaw'), rule: window }).allowed).toBe(true);
    expect(checkCallingHours({ country: 'PL', zones, now: at('2026-11-29T12:00', 'Europe/Warsaw'), rule: window }).reason).toContain('no calls that day');
    // Region overrides of the policy still apply to a given rule.
    const policy = { countries: {}, regions: { 'PL-MZ': { weekday: { start: '10:00', end: '18:00' } } } };
    expect(checkCallingHours({ country: 'PL', region: 'MZ', zones, now: at('2026-11-25T09:30', 'Europe/Warsaw'), policy, rule: window }).allowed).toBe(false);
    // A country or region named like an Object.prototype key is no rule.
    expect(checkCallingHours({ country: 'constructor', zones, now: Date.now() }).allowed).toBe(true);
    expect(
      checkCallingHours({ country: 'US', region: 'constructor', zones: ['America/New_York'], now: at('2026-11-25T12:00', 'America/New_York') }).allowed,
    ).toBe(true);
  });

  it('a window ending at 24:00 includes the last minute of the day', () => {
    const rule = { weekday: { start: '00:00', end: '24:00' }, saturday: null, sunday: null };
    const at = (iso: string) =>
      checkCallingHours({ country: 'PL', zones: ['Europe/Warsaw'], now: DateTime.fromISO(iso, { zone: 'Europe/Warsaw' }).toMillis(), rule });
    expect(at('2026-11-25T23:59:30').allowed).toBe(true);
    expect(at('2026-11-25T00:00').allowed).toBe(true);
    expect(at('2026-11-28T12:00').allowed).toBe(false); // Saturday: no window
  });

  it('hoursWindowProblem explains a bad window', () => {
    expect(hoursWindowProblem({ start: '08:00', end: '21:00' })).toBeNull();
    expect(hoursWindowProblem({ start: '8:00', end: '21:00' })).toContain('start "8:00" is not a 24-hour HH:mm time');
    // 24:00 ends a window at midnight; it cannot start one, and 24:30 is no time at all.
    expect(hoursWindowProblem({ start: '08:00', end: '24:00' })).toBeNull();
    expect(hoursWindowProblem({ start: '24:00', end: '24:00' })).toContain('start "24:00"');
    expect(hoursWindowProblem({ start: '08:00', end: '24:30' })).toContain('end "24:30"');
    expect(hoursWindowProblem({ start: '21:00', end: '21:00' })).toContain('must end after it starts');
  });
});
