/**
 * Reading what a SIP peer sent: header values, name-addrs (`"Name" <sip:u@h>;p=v`), sip:, sips:
 * and tel: URIs, their parameters, percent-escapes and JSON bodies. Everything here is hostile
 * input, so every reader is bounded in size and never throws: it returns null (or a failed
 * result with a reason) for anything it cannot read exactly. Callers decide what "unreadable"
 * means; it must never mean "absent", or a broken header would fall back to a weaker one.
 *
 * Only the part of RFC 3261 (§19, §25) and RFC 3966 the core relies on is read, strictly:
 * nested or unbalanced brackets, bare control characters, non-ASCII in a URI, malformed
 * escapes and oversized values are refused rather than guessed at.
 */

/** Longest header value read at all (a P-Asserted-Identity is well under 300 characters). */
export const MAX_HEADER_CHARS = 2048;
/** Longest URI read. */
export const MAX_URI_CHARS = 1024;
/** Most entries read from one comma-separated header (RFC 3325 allows two identities). */
export const MAX_LIST_ITEMS = 8;
/** Most parameters on one URI or header value. */
export const MAX_PARAMS = 32;
/** Longest display name kept. */
export const MAX_DISPLAY_CHARS = 256;

/** Parameters by lower-cased name; a bare flag (`;lr`) has the value null. A Map, so no name can reach a prototype. */
export type Params = ReadonlyMap<string, string | null>;

export interface ParsedUri {
  scheme: 'sip' | 'sips' | 'tel';
  /**
   * sip/sips: the user part without its parameters, percent-decoded, or null when there is none
   * (`sip:pbx.example.com`). tel: the subscriber number, percent-decoded.
   */
  user: string | null;
  /** sip/sips: parameters inside the user part, as a telephone-subscriber carries them (`sip:+1555;verstat=…@h`). */
  userParams: Params;
  /** Lower-cased host (sip/sips only). */
  host: string | null;
  port: number | null;
  /** URI parameters (`;transport=ws`, tel: `;verstat=…`), values percent-decoded. */
  params: Params;
}

export interface NameAddr {
  display: string | null;
  uri: ParsedUri;
  /** Header parameters after the URI (`;tag=…`). */
  params: Params;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };

// Control characters other than horizontal tab: never legitimate in a header value once the
// SIP parser has unfolded it; NUL in particular would cut a string short in C code downstream.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
// Half of a surrogate pair: no UTF-8 decoder produces one, so the text did not come off the wire as is.
const LONE_SURROGATE = /\p{Cs}/u;
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
// RFC 3261 user: unreserved / escaped / user-unreserved ("&" / "=" / "+" / "$" / "," / ";" / "?" / "/").
const USER_CHARS = /^[A-Za-z0-9\-_.!~*'()%&=+$,;?/]+$/;
// paramchar: param-unreserved ("[" / "]" / "/" / ":" / "&" / "+" / "$") / unreserved / escaped.
const PARAM_CHARS = /^[A-Za-z0-9\-_.!~*'()%[\]/:&+$]+$/;
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.?$/;
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
// tel: global or local number, with visual separators (RFC 3966 §3).
const TEL_NUMBER = /^\+?[0-9A-Fa-f*#\-.()pPwW%]{1,64}$/;

/**
 * A header value as the SIP stack handed it over, or null when it is not one we read: not a
 * string, longer than `max`, or carrying control characters or broken UTF-16. Absence is the caller's to tell
 * apart (`undefined` in, null out, just like unreadable: check absence first).
 */
export function headerText(value: unknown, max = MAX_HEADER_CHARS): string | null {
  if (typeof value !== 'string' || value.length > max || CONTROL.test(value) || LONE_SURROGATE.test(value)) return null;
  return value.trim();
}

/** `%41` → `A`; null on a malformed escape, invalid UTF-8, or a decoded control character. */
export function percentDecode(text: string): string | null {
  if (text.length > MAX_URI_CHARS) return null;
  if (!text.includes('%')) return CONTROL.test(text) ? null : text;
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    return null;
  }
  return CONTROL.test(decoded) ? null : decoded;
}

/** Splits on `sep` outside quoted strings and angle brackets; null when quotes or brackets do not balance or nest. */
function splitOutside(text: string, sep: string, maxParts: number): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '<') {
      if (depth > 0) return null;
      depth = 1;
    } else if (c === '>') {
      if (depth === 0) return null;
      depth = 0;
    } else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      if (parts.length >= maxParts) return null;
      start = i + 1;
    }
  }
  if (quoted || depth !== 0) return null;
  parts.push(text.slice(start));
  return parts;
}

/** `;a=b;flag;c="x y"` (the leading `;` already split off): null on junk, a repeat or too many. */
function readParams(parts: readonly string[], decode: boolean): Map<string, string | null> | null {
  if (parts.length > MAX_PARAMS) return null;
  const params = new Map<string, string | null>();
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) return null;
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!TOKEN.test(name) || params.has(name)) return null;
    if (eq < 0) {
      params.set(name, null);
      continue;
    }
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"')) {
      const unquoted = unquote(value);
      if (unquoted === null) return null;
      value = unquoted;
    } else if (decode) {
      if (!PARAM_CHARS.test(value)) return null;
      const d = percentDecode(value);
      if (d === null) return null;
      value = d;
    } else if (!/^[A-Za-z0-9\-_.!%*+`'~:[\]/@=?&$]+$/.test(value)) {
      // token or host, as RFC 3261's generic-param allows; anything else must be quoted
      return null;
    }
    params.set(name, value);
  }
  return params;
}

/** `"a \"b\""` → `a "b"`; null when it is not exactly one quoted string. */
function unquote(text: string): string | null {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return null;
  let out = '';
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      i++;
      if (i >= text.length - 1) return null;
      out += text[i];
    } else if (c === '"') return null;
    else out += c;
  }
  return CONTROL.test(out) ? null : out;
}

function readHostPort(text: string): { host: string; port: number | null } | null {
  let host = text;
  let port: number | null = null;
  const colon = text.lastIndexOf(':');
  if (colon >= 0 && !text.endsWith(']')) {
    const p = text.slice(colon + 1);
    if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) return null;
    port = Number(p);
    host = text.slice(0, colon);
  }
  if (host.length === 0 || host.length > 253) return null;
  if (!HOSTNAME.test(host) && !IPV6.test(host)) return null;
  return { host: host.toLowerCase(), port };
}

const EMPTY: Params = new Map();

/** A sip:, sips: or tel: URI; null for any other scheme or anything malformed. */
export function parseUri(text: unknown): ParsedUri | null {
  if (typeof text !== 'string' || text.length > MAX_URI_CHARS) return null;
  const s = text.trim();
  // A URI is ASCII without spaces: anything else must have been escaped.
  if (!/^[\x21-\x7e]+$/.test(s)) return null;
  const m = /^(sips?|tel):(.+)$/i.exec(s);
  if (!m) return null;
  const scheme = (m[1] as string).toLowerCase() as ParsedUri['scheme'];
  const rest = m[2] as string;
  if (scheme === 'tel') return parseTel(rest);
  // Headers (`?h=v`) come after the host part; nothing here reads them.
  const at = rest.indexOf('@');
  if (at !== rest.lastIndexOf('@')) return null;
  let userPart: string | null = null;
  let after = rest;
  if (at >= 0) {
    userPart = rest.slice(0, at);
    after = rest.slice(at + 1);
  }
  const q = after.indexOf('?');
  const hostAndParams = q >= 0 ? after.slice(0, q) : after;
  const [hostport, ...paramParts] = hostAndParams.split(';');
  const hp = readHostPort(hostport ?? '');
  if (!hp) return null;
  const params = paramParts.length ? readParams(paramParts, true) : EMPTY;
  if (!params) return null;
  let user: string | null = null;
  let userParams: Params = EMPTY;
  if (userPart !== null) {
    // user[:password]; the password is never read.
    const colon = userPart.indexOf(':');
    const u = colon >= 0 ? userPart.slice(0, colon) : userPart;
    if (!u || !USER_CHARS.test(u)) return null;
    const [base, ...up] = u.split(';');
    const decoded = percentDecode(base ?? '');
    if (!decoded) return null;
    user = decoded;
    if (up.length) {
      const read = readParams(up, true);
      if (!read) return null;
      userParams = read;
    }
  }
  return { scheme, user, userParams, host: hp.host, port: hp.port, params };
}

function parseTel(rest: string): ParsedUri | null {
  const [number, ...paramParts] = rest.split(';');
  if (!number || !TEL_NUMBER.test(number)) return null;
  const decoded = percentDecode(number);
  if (!decoded) return null;
  const params = paramParts.length ? readParams(paramParts, true) : EMPTY;
  if (!params) return null;
  return { scheme: 'tel', user: decoded, userParams: EMPTY, host: null, port: null, params };
}

/**
 * One name-addr (`"Boss" <sip:b@h>;tag=1`) or addr-spec (`sip:b@h;tag=1`). In the addr-spec form,
 * parameters after the host are the header's (RFC 3261 §20.10), so a URI carries none there.
 */
export function parseNameAddr(text: unknown): NameAddr | null {
  const s = headerText(text);
  if (!s) return null;
  const open = angleOpen(s);
  if (open === undefined) return null;
  if (open >= 0) {
    const close = s.indexOf('>', open);
    if (close < 0 || s.indexOf('<', open + 1) >= 0 || s.indexOf('>', close + 1) >= 0) return null;
    const display = readDisplay(s.slice(0, open).trim());
    if (display === undefined) return null;
    const uri = parseUri(s.slice(open + 1, close));
    if (!uri) return null;
    const params = readHeaderParams(s.slice(close + 1).trim());
    if (!params) return null;
    return { display, uri, params };
  }
  if (/[<>"]/.test(s)) return null;
  // addr-spec: header parameters start at the first `;` after the host (or after the scheme for tel:).
  const at = s.indexOf('@');
  const semi = s.indexOf(';', s.toLowerCase().startsWith('tel:') ? 0 : Math.max(0, at));
  const uriText = semi >= 0 ? s.slice(0, semi) : s;
  const uri = parseUri(uriText);
  if (!uri) return null;
  const params = readHeaderParams(semi >= 0 ? s.slice(semi) : '');
  if (!params) return null;
  return { display: null, uri, params };
}

function readHeaderParams(tail: string): Params | null {
  if (!tail) return EMPTY;
  if (!tail.startsWith(';')) return null;
  const parts = splitOutside(tail.slice(1), ';', MAX_PARAMS + 1);
  return parts ? readParams(parts, false) : null;
}

/** Where `<` opens the URI, past a quoted display name that may hold one itself; -1 for none, undefined for an unterminated quote. */
function angleOpen(s: string): number | undefined {
  let i = 0;
  if (s.startsWith('"')) {
    for (i = 1; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
    if (i >= s.length) return undefined;
  }
  return s.indexOf('<', i);
}

/** A display name: a quoted string or tokens; null when there is none, undefined when malformed. */
function readDisplay(text: string): string | null | undefined {
  if (!text) return null;
  if (text.startsWith('"')) {
    const u = unquote(text);
    return u === null ? undefined : u.slice(0, MAX_DISPLAY_CHARS);
  }
  if (!text.split(/\s+/).every((t) => TOKEN.test(t))) return undefined;
  return text.slice(0, MAX_DISPLAY_CHARS);
}

/** A comma-separated header of name-addrs (P-Asserted-Identity); null when any entry is malformed. */
export function parseNameAddrList(text: unknown, maxItems = MAX_LIST_ITEMS): NameAddr[] | null {
  const s = headerText(text);
  if (!s) return null;
  const parts = splitOutside(s, ',', maxItems);
  if (!parts) return null;
  const out: NameAddr[] = [];
  for (const part of parts) {
    const entry = parseNameAddr(part);
    if (!entry) return null;
    out.push(entry);
  }
  return out;
}

/**
 * The canonical form of a sip/sips identity: `sip:user@host`, user lower-cased and escaped only
 * where RFC 3261 requires, host lower-cased, scheme, port and parameters dropped. Null when it
 * has no user and host. Two spellings of one identity (`sip:Agent%31@Pbx:5060;transport=ws` and
 * `<sip:agent1@pbx>`) give one string, and no two identities give the same one.
 */
export function aorKey(uri: ParsedUri | null): string | null {
  if (!uri || uri.scheme === 'tel' || !uri.user || !uri.host) return null;
  return `sip:${escapeUser(uri.user.toLowerCase())}@${uri.host}`;
}

/** `aorKey` of a name-addr or addr-spec string. */
export function aorKeyOf(text: unknown): string | null {
  return aorKey(parseNameAddr(text)?.uri ?? null);
}

const utf8 = new TextEncoder();

function escapeUser(user: string): string {
  return user.replace(/[^A-Za-z0-9\-_.!~*'()&=+$,?/]/gu, (c) =>
    Array.from(utf8.encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/** `type/subtype` of a Content-Type, lower-cased; null when it is not one. */
export function mediaType(text: unknown): string | null {
  const s = headerText(text, 512);
  if (!s) return null;
  const type = (s.split(';')[0] ?? '').trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,127}$/.test(type) ? type : null;
}

/** `ts=1; sig=ab` (no leading value): the parameters, or null when malformed, repeated or too long. */
export function parseParamList(text: unknown, max = 512): Params | null {
  const s = headerText(text, max);
  if (!s) return null;
  const parts = splitOutside(s, ';', MAX_PARAMS + 1);
  return parts ? readParams(parts, false) : null;
}

/** Object keys that would reach a prototype if the parsed body were ever merged or spread into another object. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * JSON from a peer: bounded in size, and refused when any object in it has a prototype key (no
 * Ringside body uses one, so a body that does is hostile or broken).
 */
export function parseJsonBody(text: unknown, maxChars: number): Parsed<unknown> {
  if (typeof text !== 'string') return { ok: false, why: 'no body' };
  if (text.length > maxChars) return { ok: false, why: `body over ${maxChars} characters` };
  let prototypeKey = false;
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      if (PROTOTYPE_KEYS.has(key)) prototypeKey = true;
      return v;
    });
  } catch {
    return { ok: false, why: 'body is not JSON' };
  }
  if (prototypeKey) return { ok: false, why: 'body has a prototype key' };
  return { ok: true, value };
}
