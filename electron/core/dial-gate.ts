/**
 * The one gate every dialling path goes through (dial box, preview, progressive, callbacks,
 * redial, transfer targets). It enforces the internal Do-Not-Call list, which no exemption
 * overrides, and calling hours in the called party's local time (US/Canada rules). The national
 * registries, exemptions and the audit log of decisions join it in the compliance work (issue 4).
 */
import { checkCallingHours, defaultCallingHours, type CallingHoursPolicy } from '../../shared/calling-hours.js';
import { normalisePhone } from '../../shared/phone.js';
import type { DncRepository } from './data/repositories.js';
import { timeZonesForNumber } from './data/time-zone.js';

export type GateVerdict = { allowed: true } | { allowed: false; reason: string };

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

export interface DialGateOptions {
  dnc: DncRepository;
  defaultCountry(): string;
  now?: () => number;
  policy?: CallingHoursPolicy;
}

export class DialGate {
  private readonly now: () => number;

  constructor(private readonly opts: DialGateOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** `leadZone`: the lead's own time zone when the call is for a lead (it beats the number's). */
  check(uri: string, leadZone: string | null = null): GateVerdict {
    const phone = phoneOfUri(uri, this.opts.defaultCountry());
    if (!phone) return { allowed: true };
    if (this.opts.dnc.has(phone.e164)) {
      return { allowed: false, reason: `${phone.e164} is on the internal Do-Not-Call list: it may not be called.` };
    }
    const hours = checkCallingHours({
      country: phone.country ?? '',
      zones: leadZone ? [leadZone] : timeZonesForNumber(phone.e164),
      now: this.now(),
      policy: this.opts.policy ?? defaultCallingHours,
    });
    if (!hours.allowed) return { allowed: false, reason: `${phone.e164}: ${hours.reason}` };
    return { allowed: true };
  }
}
