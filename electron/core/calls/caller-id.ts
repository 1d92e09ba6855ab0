/**
 * Who is calling: the telephone number behind an inbound caller's SIP URI, and whether the SIP
 * server vouches for it. Caller IDs are untrusted input: these readers never throw.
 */
import { normalisePhone } from '../../../shared/phone.js';
import { parseNameAddrList, parseUri, type NameAddr, type ParsedUri } from '../sip/untrusted-input.js';

/** The telephone number a SIP or tel: URI points at, if its user part is one (sip:+48225550123@pbx, tel:+48225550123). */
export function phoneOfUri(uri: string, defaultCountry: string): { e164: string; country: string | null } | null {
  return phoneOf(parseUri(uri), defaultCountry);
}

function phoneOf(uri: ParsedUri | null, defaultCountry: string): { e164: string; country: string | null } | null {
  if (!uri?.user) return null;
  const digits = uri.user.replace(/[\s().-]/g, '');
  if (!/^\+?\d{6,20}$/.test(digits)) return null;
  const n = normalisePhone(digits, defaultCountry);
  return n.ok ? { e164: n.e164, country: n.country } : null;
}

export function numberOfUri(uri: string, defaultCountry: string): string | null {
  return phoneOfUri(uri, defaultCountry)?.e164 ?? null;
}

const PASSED = 'tn-validation-passed';

/** verstat where 3GPP puts it (a tel: parameter, a user-part parameter of a user=phone SIP URI), or as a header parameter. */
function verstatPassed(entry: NameAddr): boolean {
  return [entry.uri.params, entry.uri.userParams, entry.params].some((p) => p.get('verstat')?.toLowerCase() === PASSED);
}

/**
 * STIR/SHAKEN: the verifying server marks a caller ID it checked with `verstat=TN-Validation-Passed`
 * (3GPP TS 24.229, a parameter of the telephone number in the identity's URI). Only the
 * P-Asserted-Identity counts: the server sets it and drops a caller's own copy, while a From
 * header is whatever the caller wrote. With `callerUri`, the verified number must also be the
 * caller's (read with `defaultCountry`): a server vouching for one number says nothing of another
 * in the From. An unreadable header vouches for nothing.
 */
export function callerIdVerified(assertedIdentity: string | undefined, callerUri?: string, defaultCountry = 'US'): boolean {
  if (!assertedIdentity) return false;
  const entries = parseNameAddrList(assertedIdentity);
  if (!entries) return false;
  const caller = callerUri === undefined ? null : phoneOfUri(callerUri, defaultCountry)?.e164;
  if (caller === undefined) return false;
  return entries.some((entry) => verstatPassed(entry) && (caller === null || phoneOf(entry.uri, defaultCountry)?.e164 === caller));
}
