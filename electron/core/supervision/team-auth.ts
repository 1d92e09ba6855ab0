/**
 * The optional team secret for SIP servers that do not assert identity: a sender
 * signs what it sends with HMAC-SHA256 over the sender's AOR, the receiver's AOR and the body (or
 * the monitoring mode and a timestamp), and the receiver checks it in constant time. Without a
 * configured secret, identity rests on the server (P-Asserted-Identity / authenticated From).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

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

/** `sip:Agent1@Example.com:5060;transport=ws` and `<sip:agent1@example.com>` compare equal. */
export function sameIdentity(a: string, b: string): boolean {
  return normaliseAor(a) === normaliseAor(b);
}

export function normaliseAor(uri: string): string {
  const m = /sips?:([^@;>\s]+)@([^;>:\s]+)/i.exec(uri);
  return m ? `sip:${decodeURIComponent(m[1] ?? '').toLowerCase()}@${(m[2] ?? '').toLowerCase()}` : uri.trim().toLowerCase();
}
