/**
 * The telephone number behind a dial target. The gate itself (every dialling path, decisions,
 * audit log) is compliance/compliance-service.ts; the rules are shared/compliance.ts.
 */
import { normalisePhone } from '../../shared/phone.js';

/** The telephone number a SIP URI points at, if its user part is one (sip:+48225550123@pbx). */
export function phoneOfUri(uri: string, defaultCountry: string): { e164: string; country: string | null } | null {
  const user = /^sips?:([^@;]+)@/i.exec(uri)?.[1];
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
