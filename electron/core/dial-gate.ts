/**
 * The one gate every dialling path goes through (dial box, preview, progressive, callbacks,
 * redial, transfer targets). Today it enforces the internal Do-Not-Call list, which no exemption
 * overrides; the national registries and calling hours join it in the compliance work.
 */
import { normalisePhone } from '../../shared/phone.js';
import type { DncRepository } from './data/repositories.js';

export type GateVerdict = { allowed: true } | { allowed: false; reason: string };

/** The telephone number a SIP URI points at, if its user part is one (sip:+48225550123@pbx). */
export function numberOfUri(uri: string, defaultCountry: string): string | null {
  const user = /^sips?:([^@;]+)@/i.exec(uri)?.[1];
  if (!user) return null;
  const digits = decodeURIComponent(user).replace(/[\s().-]/g, '');
  if (!/^\+?\d{6,20}$/.test(digits)) return null;
  const n = normalisePhone(digits, defaultCountry);
  return n.ok ? n.e164 : null;
}

export class DialGate {
  constructor(
    private readonly dnc: DncRepository,
    private readonly defaultCountry: () => string,
  ) {}

  check(uri: string): GateVerdict {
    const e164 = numberOfUri(uri, this.defaultCountry());
    if (e164 && this.dnc.has(e164)) {
      return { allowed: false, reason: `${e164} is on the internal Do-Not-Call list: it may not be called.` };
    }
    return { allowed: true };
  }
}
