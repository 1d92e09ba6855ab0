// Caller IDs as a hostile peer may send them: the verstat mark counts only where the verifying
// server puts it, only for the caller's own number, and no spelling of the header throws.
import { describe, expect, it } from 'vitest';
import { callerIdVerified, numberOfUri, phoneOfUri } from '../../../electron/core/calls/caller-id.js';

const PASSED = ';verstat=TN-Validation-Passed';

describe('callerIdVerified', () => {
  it('reads verstat on a tel: URI, in a user=phone SIP user part, any case, in a list', () => {
    expect(callerIdVerified(`<tel:+12125550100${PASSED}>`)).toBe(true);
    expect(callerIdVerified(`<sip:+12125550100${PASSED}@pbx;user=phone>`)).toBe(true);
    expect(callerIdVerified('<sip:+12125550100;VERSTAT=tn-validation-passed@pbx;user=phone>')).toBe(true);
    expect(callerIdVerified(`"Jan" <sip:jan@pbx>, <tel:+12125550100${PASSED}>`)).toBe(true);
    expect(callerIdVerified('<tel:+12125550100;verstat=TN-Validation-Failed>')).toBe(false);
  });

  it('with the caller’s URI: only a verified number that is the caller’s counts', () => {
    const pai = `<sip:+12125550100${PASSED}@pbx;user=phone>`;
    expect(callerIdVerified(pai, 'sip:+12125550100@pbx')).toBe(true);
    expect(callerIdVerified(pai, 'sip:2125550100@pbx', 'US')).toBe(true);
    expect(callerIdVerified(pai, 'sip:+12125550199@pbx')).toBe(false);
    expect(callerIdVerified(pai, 'sip:customer1@pbx')).toBe(false);
    expect(callerIdVerified(pai, 'sip:%E0@pbx')).toBe(false);
  });

  it('a hostile header vouches for nothing, and never throws', () => {
    for (const bad of [
      '<sip:%E0@pbx>',
      `<sip:%E0${PASSED}@pbx;user=phone>`,
      `<<tel:+12125550100${PASSED}>>`,
      `<tel:+12125550100${PASSED}>, <sip:%E0@pbx>`,
      `<tel:+12125550100${PASSED}\u0000>`,
      `<tel:+12125550100${PASSED}>${' '.repeat(5000)}`,
      `<sip:x@pbx>;note="verstat=TN-Validation-Passed"`,
      `<sip:x@pbx?verstat=TN-Validation-Passed>`,
      'verstat=TN-Validation-Passed',
      '',
    ])
      expect(callerIdVerified(bad), bad.slice(0, 50)).toBe(false);
    expect(callerIdVerified(undefined)).toBe(false);
  });
});

describe('phoneOfUri', () => {
  it('reads sip: and tel: numbers, with escapes and visual separators', () => {
    expect(phoneOfUri('tel:+48-22-555-01-23', 'US')).toEqual({ e164: '+48225550123', country: 'PL' });
    expect(numberOfUri('sip:+48%2022%20555%2001%2023@pbx;user=phone', 'US')).toBe('+48225550123');
    expect(numberOfUri('sip:+12125550100;verstat=x@pbx', 'US')).toBe('+12125550100');
  });
  it('returns null for hostile URIs', () => {
    for (const bad of ['sip:%E0@pbx', 'sip:%00212555@pbx', `sip:${'1'.repeat(5000)}@pbx`, 'sip:+1212\u0000@pbx', 'tel:', 'http://+12125550100'])
      expect(phoneOfUri(bad, 'US'), bad.slice(0, 30)).toBeNull();
  });
});
