/**
 * Who is calling: the telephone number behind an inbound caller's SIP URI, and whether the SIP
 * server vouches for it. Caller IDs are untrusted input: these readers never throw.
 */
import { normalisePhone } from '../../../shared/phone.js';

/** The telephone number a SIP URI points at, if its user part is one (sip:+48225550123@pbx). */
export function phoneOfUri(uri: string, defaultCountry: string): { e164: string; country: string | null } | null {
  const user = /^sips?:([^@;]+)[^@]*@/i.exec(uri)?.[1];
  if (!user) return null;
  let digits: string;
  try {
    digits = decodeURIComponent(user).replace(/[\s().-]/g, '');
  } catch {
    return null;
  }
  if (!/^\+?\d{6,20}$/.test(digits)) return null;
  const n = normalisePhone(digits, defaultCountry);
  return n.ok ? { e164: n.e164, country: n.country } : null;
}

export function numberOfUri(uri: string, defaultCountry: string): string | null {
  return phoneOfUri(uri, defaultCountry)?.e164 ?? null;
}

/**
 * STIR/SHAKEN: the verifying server marks a caller ID it checked with `verstat=TN-Validation-Passed`
 * (3GPP TS 24.229, a parameter of the telephone number in the identity's URI). Only the
 * P-Asserted-Identity counts: the server sets it and drops a caller's own copy, while a From
 * header is whatever the caller wrote.
 */
export function callerIdVerified(assertedIdentity: string | undefined): boolean {
  if (!assertedIdentity || assertedIdentity.length > 2048) return false;
  return assertedIdentity.split(',').some((value) => /[;?&]verstat=TN-Validation-Passed(?=[;@>?&\s]|$)/i.test(value));
}
