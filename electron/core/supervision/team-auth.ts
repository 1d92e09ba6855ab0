/**
 * The optional team secret for SIP servers that do not assert identity: a sender
 * signs what it sends with HMAC-SHA256 over the sender's AOR, the receiver's AOR and the body (or
 * the monitoring mode and a timestamp), and the receiver checks it in constant time. Without a
 * configured secret, identity rests on the server (P-Asserted-Identity / authenticated From).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { aorKeyOf } from '../sip/untrusted-input.js';

/** Hex HMAC-SHA256 of the parts joined with a unit separator. */
export function signTeam(secret: string, parts: readonly string[]): string {
  return createHmac('sha256', secret).update(parts.join('\u001f')).digest('hex');
}

export function verifyTeam(secret: string, parts: readonly string[], signature: string | undefined | null): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = Buffer.from(signTeam(secret, parts), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * `sip:Agent1@Example.com:5060;transport=ws` and `<sip:agent1@example.com>` compare equal; a
 * value that is not a SIP identity (a bad escape, junk) equals nothing, not even itself.
 */
export function sameIdentity(a: string, b: string): boolean {
  const x = aorKeyOf(a);
  return x !== null && x === aorKeyOf(b);
}

/**
 * The canonical spelling of a configured SIP address (team lists, this account), for keys and
 * signatures. Never throws: a value that is no SIP identity is kept trimmed and lower-cased, so
 * it still names itself in a log but matches no identity a peer can present.
 */
export function normaliseAor(uri: string): string {
  return aorKeyOf(uri) ?? `unreadable:${uri.trim().toLowerCase().slice(0, 256)}`;
}
