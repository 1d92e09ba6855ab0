/**
 * What an agent may type in the dial box: a phone number / extension, or a SIP URI.
 * Returns the SIP URI to call, or an error message. Pure; used by both sides.
 */
export type DialTarget = { ok: true; uri: string; display: string } | { ok: false; message: string };

const SIP_URI = /^(sips?):([A-Za-z0-9\-_.!~*'()&=+$,;?/%]+)@([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?(;[A-Za-z0-9\-_.=;]*)?$/;
const DIAL_STRING = /^\+?[0-9*#]{2,32}$/;

export function parseDialTarget(input: string, domain: string): DialTarget {
  const raw = input.trim();
  if (raw.length === 0) return { ok: false, message: 'Enter a number or SIP address.' };
  if (raw.length > 256) return { ok: false, message: 'That address is too long.' };
  if (/^sips?:/i.test(raw) || raw.includes('@')) {
    const candidate = /^sips?:/i.test(raw) ? raw.replace(/^sips?/i, (s) => s.toLowerCase()) : `sip:${raw}`;
    const m = SIP_URI.exec(candidate);
    if (!m) return { ok: false, message: `"${raw}" is not a valid SIP address.` };
    const port = m[4] ? Number(m[4].slice(1)) : 0;
    if (port > 65535) return { ok: false, message: `"${raw}" has an invalid port.` };
    return { ok: true, uri: candidate, display: m[2] };
  }
  // Phone number / extension: allow the usual separators people paste, nothing else.
  const compact = raw.replace(/[\s().-]/g, '');
  if (!DIAL_STRING.test(compact)) {
    return { ok: false, message: `"${raw}" is not a phone number (digits, optional leading +, * and #).` };
  }
  return { ok: true, uri: `sip:${compact}@${domain}`, display: compact };
}

/** DTMF tones RFC 4733 and SIP INFO both carry. */
export const DTMF_TONES = /^[0-9A-D*#,]{1,64}$/;
