/**
 * One reading of a dial target, shared by the dial policy and the dialler: what an agent typed,
 * a `tel:` or `sip:` link, a redial or a transfer target is read the way the PBX will read it
 * (the account's dial plan), and resolved to every telephone number — or internal extension —
 * it could reach. The policy decides each reading and the strictest decision stands; the
 * dialler sends exactly the URI returned here, so nothing is dialled that was not decided.
 *
 * URIs follow RFC 3261 (SIP: user part percent-decoded; a telephone-subscriber user part with
 * its RFC 3966 parameters `;isub`, `;ext`, `;phone-context`, `;postd`) and RFC 3966 (`tel:`,
 * visual separators `-` `.` `(` `)`). Pure, never throws: a target it cannot read is an answer.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { DialPlan } from './dial-plan.js';
import { numberingFacts } from './dial-plan.js';

export type Reading =
  | { kind: 'number'; e164: string; country: string | null; via: string[] }
  | { kind: 'extension'; extension: string; via: string[] }
  | { kind: 'internal-user'; user: string; domain: string; via: string[] }
  | { kind: 'emergency'; number: string; via: string[] };

export interface ReadContext {
  dialPlan: DialPlan;
  /** The account's own SIP domain: always internal, and where a bare number is sent. */
  accountDomain: string;
  /** Countries a national number could belong to (the PBX's, the campaign's, the lead's, …). */
  countries: readonly string[];
  /**
   * Targets that are internal by who they are, beyond the dial plan: the team's agents
   * (`user@domain`) and, for a supervisor's monitoring call, the PBX's monitoring dial strings.
   */
  internal?: (user: string, domain: string) => string | null;
}

export type TargetRead =
  { ok: true; input: string; uri: string; display: string; readings: Reading[] } | { ok: false; input: string; uri: string | null; message: string };

/** Emergency numbers: never refused by a telemarketing rule. */
const EMERGENCY = new Set(['112', '911', '999', '000', '110', '997', '998']);
const SEPARATORS = /[\s\-.()/]/g;
/** RFC 3966 parameters of a telephone-subscriber that do not change which number is called. */
const KNOWN_PARAMS = new Set(['isub', 'ext', 'phone-context', 'postd']);
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/;
const NAMED_USER = /^[a-z0-9._~!$&'*+,=-]*[a-z][a-z0-9._~!$&'*+,=-]*$/i;
const MAX_DEPTH = 6;
/** Digits, `*` and `#`, with one `+` — after a feature code too, as phones dial `#31#+48…`. */
const DIAL_USER = /^(?=[0-9*#+]{1,33}$)[0-9*#]{0,12}\+?[0-9*#]{1,32}$/;

function fail(input: string, message: string, uri: string | null = null): TargetRead {
  return { ok: false, input, uri, message };
}

/** Percent-decoding that answers null instead of throwing on a broken escape. */
function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** Short form of what was typed, for messages (no control characters, at most 60 characters). */
export function quoteTarget(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '');
  return clean.length > 60 ? `${clean.slice(0, 57)}…` : clean;
}

const UNREADABLE = 'dial it in international form, +CC…';

export function readTarget(input: string, ctx: ReadContext): TargetRead {
  const raw = input.trim().slice(0, 512);
  if (raw.length === 0) return fail(raw, 'Enter a number or SIP address.');
  if (raw.length > 256) return fail(raw.slice(0, 256), 'That address is too long.');
  // A name-addr pasted from a mail signature or a SIP header: `"Bob" <sip:…>`.
  const angle = /^(?:"[^"]*"|[^<>"]*)\s*<([^<>]*)>$/.exec(raw);
  const text = angle ? (angle[1] ?? '').trim() : raw;
  if (/^tel:/i.test(text)) return readTel(raw, text.slice(4), ctx);
  if (/^sips?:/i.test(text) || text.includes('@')) return readSip(raw, text, ctx);
  return readDialString(raw, text, ctx);
}

/** Digits typed in the dial box (or a number pasted): sent to the account's own domain. */
function readDialString(input: string, text: string, ctx: ReadContext): TargetRead {
  // "212-555-0199 x12" / "ext. 12": the extension after connecting does not change the number.
  const ext = /^(.*?)\s*(?:x|ext\.?)\s*\d{1,8}$/i.exec(text);
  const number = (ext ? ext[1] : text) ?? '';
  const compact = number.replace(SEPARATORS, '');
  if (!DIAL_USER.test(compact)) {
    return fail(input, `"${quoteTarget(input)}" is not a phone number (digits, optional leading +, * and #).`);
  }
  const domain = ctx.accountDomain.toLowerCase();
  const uri = `sip:${compact}@${domain}`;
  return finish(input, uri, compact, readingsOfUser(compact, [], true, null, ctx));
}

function readTel(input: string, body: string, ctx: ReadContext): TargetRead {
  const subscriber = parseSubscriber(body.split('?')[0] ?? '');
  if ('error' in subscriber) return fail(input, `"${quoteTarget(input)}" ${subscriber.error}`);
  const { base, context } = subscriber;
  if (!DIAL_USER.test(base)) return fail(input, `"${quoteTarget(input)}" in that tel: link is not a telephone number.`);
  const domain = ctx.accountDomain.toLowerCase();
  // A local number with a global phone-context is that number in international form (RFC 3966 §5.1.5).
  const dialled = !base.includes('+') && context?.startsWith('+') ? `${context}${base}` : base;
  const readings = readingsOfUser(base, [], false, context, ctx);
  return finish(input, `sip:${dialled}@${domain}`, dialled, readings);
}

function readSip(input: string, text: string, ctx: ReadContext): TargetRead {
  const m = /^(?:(sips?):)?([^@]*)@([^;?]*)((?:;[^?]*)?)(?:\?.*)?$/i.exec(text);
  if (!m) return fail(input, `"${quoteTarget(input)}" is not a valid SIP address.`);
  const scheme = (m[1] ?? 'sip').toLowerCase();
  const userinfo = m[2] ?? '';
  const hostPort = (m[3] ?? '').toLowerCase();
  const params = m[4] ?? '';
  if (userinfo.length === 0) return fail(input, `"${quoteTarget(input)}" has no user part: a SIP address looks like sip:1001@pbx.example.com.`);
  if (userinfo.includes(':')) return fail(input, `"${quoteTarget(input)}" carries a password; Ringside does not dial such addresses.`);
  if (!/^[A-Za-z0-9\-_.!~*'()&=+$,;?/%#]+$/.test(userinfo)) return fail(input, `"${quoteTarget(input)}" is not a valid SIP address.`);
  const hp = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(hostPort);
  if (!hp || !HOST.test(hp[1] ?? '')) return fail(input, `"${quoteTarget(input)}" is not a valid SIP address.`);
  const host = hp[1] as string;
  const port = hp[2] ? Number(hp[2]) : null;
  if (port !== null && (port < 1 || port > 65535)) return fail(input, `"${quoteTarget(input)}" has an invalid port.`);
  const decoded = decode(userinfo);
  if (decoded === null) return fail(input, `"${quoteTarget(input)}" has a broken %-escape: can't tell which telephone number it reaches — ${UNREADABLE}`);
  // Only these URI parameters travel on; others (maddr, …) could send the call elsewhere.
  const kept = params
    .split(';')
    .filter((p) => /^(?:transport=(?:udp|tcp|tls|ws|wss|sctp)|user=phone)$/i.test(p))
    .map((p) => `;${p.toLowerCase()}`)
    .join('');
  const hostPart = `${host}${port !== null ? `:${port}` : ''}`;
  const internalDomain = isInternalDomain(host, ctx);
  const named = decoded.split(';')[0] ?? '';
  if (NAMED_USER.test(named) && !/^[\d\s\-.()/*#+]+$/.test(named)) {
    // A named user (agent2@pbx): internal on our domains or when it is one of our own agents.
    const who = ctx.internal?.(decoded, host) ?? null;
    const uri = `${scheme}:${userinfo}@${hostPart}${kept}`;
    if (who) return finish(input, uri, decoded, [{ kind: 'internal-user', user: decoded, domain: host, via: [who] }]);
    if (internalDomain)
      return finish(input, uri, decoded, [{ kind: 'internal-user', user: decoded, domain: host, via: [`a user of ${host}, an internal domain`] }]);
    return fail(
      input,
      `"${quoteTarget(input)}" is a SIP address outside your company's domains and not a telephone number: can't tell what it reaches. Add ${host} to the internal domains in Settings → Dial plan if it is yours, or ${UNREADABLE}`,
      uri,
    );
  }
  const subscriber = parseSubscriber(decoded);
  if ('error' in subscriber) return fail(input, `"${quoteTarget(input)}" ${subscriber.error}`);
  const { base, context } = subscriber;
  if (!DIAL_USER.test(base)) return fail(input, `"${quoteTarget(input)}" is not a valid SIP address.`);
  const monitoring = ctx.internal?.(base, host) ?? null;
  // `#` may not appear bare in a SIP user part.
  const uri = `${scheme}:${base.replace(/#/g, '%23')}@${hostPart}${kept}`;
  if (monitoring) return finish(input, uri, base, [{ kind: 'internal-user', user: base, domain: host, via: [monitoring] }]);
  return finish(input, uri, base, readingsOfUser(base, [], internalDomain, context, ctx));
}

/** A telephone-subscriber (RFC 3966): the number without visual separators, and its phone-context. */
function parseSubscriber(text: string): { base: string; context: string | null } | { error: string } {
  const [numberPart, ...params] = text.split(';');
  let context: string | null = null;
  for (const p of params) {
    if (p === '') continue;
    const [name, value = ''] = p.split('=');
    const key = (name ?? '').toLowerCase();
    if (!KNOWN_PARAMS.has(key))
      return { error: `has a parameter the dial gate does not understand (${quoteTarget(key)}): can't tell which telephone number it reaches — ${UNREADABLE}` };
    if (key === 'phone-context') {
      const v = (decode(value) ?? '').trim();
      context = v.startsWith('+') ? `+${v.replace(/[^\d]/g, '')}` : v.toLowerCase() || null;
      if (context === '+') return { error: `has an empty phone-context: can't tell which telephone number it reaches — ${UNREADABLE}` };
    }
  }
  return { base: (numberPart ?? '').replace(SEPARATORS, ''), context };
}

function isInternalDomain(host: string, ctx: ReadContext): boolean {
  const h = host.toLowerCase();
  return h === ctx.accountDomain.toLowerCase() || ctx.dialPlan.internalDomains.includes(h);
}

function finish(input: string, uri: string, display: string, readings: Reading[]): TargetRead {
  if (readings.length === 0) return fail(input, `Can't tell which telephone number "${quoteTarget(input)}" reaches — ${UNREADABLE}`, uri);
  return { ok: true, input, uri, display, readings };
}

/** Every international access prefix a PBX could be taking: the dial plan's and each country's own. */
function internationalPrefixes(ctx: ReadContext): string[] {
  const all = new Set(ctx.dialPlan.internationalPrefixes);
  for (const c of ctx.countries) for (const p of numberingFacts(c)?.idd ?? []) all.add(p);
  return [...all];
}

/**
 * The readings of a user part made of digits, `+`, `*` and `#`: each prefix the dial plan says
 * the PBX strips is tried both stripped and kept (a PBX that does not take it dials it as is),
 * then the rest is read as an international number, a national one in each country, an
 * internal extension (only on an internal domain) or an emergency number.
 */
function readingsOfUser(user: string, via: string[], internal: boolean, context: string | null, ctx: ReadContext): Reading[] {
  const out = new Map<string, Reading>();
  const add = (key: string, r: Reading): void => {
    if (!out.has(key)) out.set(key, r);
  };
  const idds = internationalPrefixes(ctx);
  const explore = (s: string, trail: string[], depth: number): void => {
    if (s.length === 0 || depth > MAX_DEPTH) return;
    for (const code of ctx.dialPlan.featureCodes) {
      if (s.startsWith(code) && s.length > code.length) explore(s.slice(code.length), [...trail, `feature code ${code}`], depth + 1);
    }
    for (const prefix of ctx.dialPlan.outsideLinePrefixes) {
      if (s.startsWith(prefix) && s.length > prefix.length) explore(s.slice(prefix.length), [...trail, `outside-line prefix ${prefix}`], depth + 1);
    }
    if (s.startsWith('+')) {
      const n = international(s);
      if (n) add(`n${n.e164}`, { kind: 'number', ...n, via: [...trail, 'international form'] });
      return;
    }
    if (!/^\d+$/.test(s)) return;
    if (EMERGENCY.has(s)) add(`e${s}`, { kind: 'emergency', number: s, via: trail });
    const ext = ctx.dialPlan.extensions;
    // Past an outside-line prefix the call has left the PBX: no extension there.
    const outside = trail.some((t) => t.startsWith('outside-line'));
    if (internal && !outside && ext && s.length >= ext.minDigits && s.length <= ext.maxDigits) {
      add(`x${s}`, { kind: 'extension', extension: s, via: [...trail, `extension pattern ${ext.minDigits}–${ext.maxDigits} digits`] });
    }
    for (const idd of idds) {
      if (s.startsWith(idd) && s.length > idd.length) {
        const n = international(`+${s.slice(idd.length)}`);
        if (n) add(`n${n.e164}`, { kind: 'number', ...n, via: [...trail, `international prefix ${idd}`] });
      }
    }
    if (context?.startsWith('+')) {
      const n = international(`${context}${s}`);
      if (n) add(`n${n.e164}`, { kind: 'number', ...n, via: [...trail, `phone-context ${context}`] });
    }
    for (const country of ctx.countries) {
      const n = national(s, country);
      if (n) add(`n${n.e164}`, { kind: 'number', ...n, via: [...trail, `national form in ${country}`] });
    }
  };
  explore(user, via, 0);
  return [...out.values()];
}

function international(s: string): { e164: string; country: string | null } | null {
  if (!/^\+\d{2,17}$/.test(s)) return null;
  const p = parsePhoneNumberFromString(s);
  return p && p.isValid() ? { e164: p.number, country: p.country ?? null } : null;
}

function national(s: string, country: string): { e164: string; country: string | null } | null {
  if (!/^[A-Z]{2}$/.test(country) || s.length < 3 || s.length > 17) return null;
  const p = parsePhoneNumberFromString(s, country as CountryCode);
  return p && p.isValid() ? { e164: p.number, country: p.country ?? null } : null;
}

/** Words for a reading: "+1 212 555 0199", "extension 1001". */
export function readingLabel(r: Reading): string {
  switch (r.kind) {
    case 'number':
      return parsePhoneNumberFromString(r.e164)?.formatInternational() ?? r.e164;
    case 'extension':
      return `extension ${r.extension}`;
    case 'internal-user':
      return `${r.user}@${r.domain}`;
    case 'emergency':
      return `emergency number ${r.number}`;
  }
}
