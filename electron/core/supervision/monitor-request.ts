/**
 * The monitoring request on the wire, both ends: the headers a supervisor's app puts
 * on its INVITE, how an agent's app reads them back (untrusted input), and the PBX feature-code
 * dial string. Pure apart from the HMAC.
 *
 *   X-Ringside-Monitor: listen
 *   X-Ringside-Auth: ts=1764240000123; sig=<hex HMAC-SHA256(secret, supervisor, agent, mode, ts)>
 *
 * `ts` is the sender's clock in epoch milliseconds; a receiver refuses it outside ±5 minutes of
 * its own clock and refuses a signature it has already seen (replay).
 */
import { monitorModes, MONITOR_AUTH_HEADER, MONITOR_HEADER, type MonitorMode } from '../../../shared/supervision.js';
import { aorKey, aorKeyOf, parseNameAddrList, parseParamList, percentDecode } from '../sip/untrusted-input.js';
import { normaliseAor, signTeam, verifyTeam } from './team-auth.js';

/** How far a signed request's clock may be from ours (either way). */
export const MONITOR_AUTH_WINDOW_MS = 5 * 60_000;

/** `listen` from a header value; null for anything else (absent, unknown, junk). */
export function parseMonitorMode(value: string | undefined | null): MonitorMode | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  return (monitorModes as readonly string[]).includes(v) ? (v as MonitorMode) : null;
}

/** What is signed: both identities (normalised), the mode and the time, in this order. */
export function monitorAuthParts(supervisorAor: string, agentAor: string, mode: MonitorMode, ts: number): string[] {
  return [normaliseAor(supervisorAor), normaliseAor(agentAor), mode, String(ts)];
}

/** The extra headers of a supervisor's monitoring INVITE. `nowMs` is the supervisor's clock. */
export function monitorRequestHeaders(opts: {
  mode: MonitorMode;
  supervisorAor: string;
  agentAor: string;
  teamSecret?: string | null;
  nowMs: number;
}): string[] {
  const headers = [`${MONITOR_HEADER}: ${opts.mode}`];
  if (opts.teamSecret) {
    const ts = Math.floor(opts.nowMs);
    const sig = signTeam(opts.teamSecret, monitorAuthParts(opts.supervisorAor, opts.agentAor, opts.mode, ts));
    headers.push(`${MONITOR_AUTH_HEADER}: ts=${ts}; sig=${sig}`);
  }
  return headers;
}

/** `ts=…; sig=…` (either order, any spacing); null when malformed. */
export function parseMonitorAuth(value: string | undefined | null): { ts: number; sig: string } | null {
  const fields = parseParamList(value, 300);
  if (!fields || fields.size !== 2) return null;
  const ts = fields.get('ts');
  const sig = fields.get('sig');
  if (!ts || !/^\d{1,15}$/.test(ts) || !sig || !/^[0-9a-f]{64}$/i.test(sig)) return null;
  return { ts: Number(ts), sig: sig.toLowerCase() };
}

export type MonitorAuthCheck = { ok: true; sig: string } | { ok: false; why: string };

/** Checks the team-secret signature and its age. The caller rejects a signature seen before. */
export function checkMonitorAuth(opts: {
  header: string | undefined | null;
  teamSecret: string;
  supervisorAor: string;
  agentAor: string;
  mode: MonitorMode;
  nowMs: number;
}): MonitorAuthCheck {
  const auth = parseMonitorAuth(opts.header);
  if (!auth) return { ok: false, why: opts.header ? 'malformed team signature' : 'no team signature' };
  if (Math.abs(opts.nowMs - auth.ts) > MONITOR_AUTH_WINDOW_MS) return { ok: false, why: 'team signature too old or from the future' };
  if (!verifyTeam(opts.teamSecret, monitorAuthParts(opts.supervisorAor, opts.agentAor, opts.mode, auth.ts), auth.sig))
    return { ok: false, why: 'wrong team signature' };
  return { ok: true, sig: auth.sig };
}

/**
 * Who is calling, and on whose word: `asserted` when the SIP server said so in
 * P-Asserted-Identity (RFC 3325), else the From URI, which the caller wrote itself.
 */
export interface CallerIdentity {
  /** Normalised AOR (`sip:user@host`). */
  aor: string;
  asserted: boolean;
}

/**
 * The identity behind a request: the first SIP URI of P-Asserted-Identity (`"Name" <sip:u@d>`,
 * a list of up to two), else the From URI. Null when neither is a SIP identity, and null when a
 * P-Asserted-Identity is there but unreadable: a broken assertion must never fall back to the
 * From, which anyone can write. A P-Asserted-Identity with only a tel: URI names no SIP user,
 * so the From decides (unasserted).
 */
export function callerIdentity(pai: string | undefined | null, from: string | undefined | null): CallerIdentity | null {
  if (pai !== undefined && pai !== null && pai.trim() !== '') {
    const entries = parseNameAddrList(pai, 2);
    if (!entries) return null;
    for (const entry of entries) {
      const aor = aorKey(entry.uri);
      if (aor) return { aor, asserted: true };
    }
  }
  const aor = aorKeyOf(from);
  return aor ? { aor, asserted: false } : null;
}

/** The agent's extension for a PBX feature code: the user part of its AOR. */
export function extensionOf(aor: string): string {
  const m = /^sips?:([^@;]+)@/i.exec(aor.trim());
  if (!m) throw new Error(`"${aor}" is not a SIP address`);
  const user = percentDecode(m[1]);
  if (user === null) throw new Error(`"${aor}" has an unreadable user part`);
  if (!/^[0-9A-Za-z*#+]{1,32}$/.test(user)) throw new Error(`the extension "${user.slice(0, 40)}" cannot be dialled as part of a feature code`);
  return user;
}

/** `*222{ext}` + `sip:1001@pbx` → `*2221001`. */
export function featureCodeDialString(code: string, agentAor: string): string {
  if (!/^[0-9*#A-Za-z+]*\{ext\}[0-9*#A-Za-z+]*$/.test(code)) throw new Error(`"${code}" is not a feature code with {ext}`);
  return code.replace('{ext}', extensionOf(agentAor));
}

/** The SIP URI for a dial string on the PBX: `#` is escaped (it may not appear bare in a SIP user part). */
export function featureCodeUri(dialString: string, domain: string): string {
  return `sip:${dialString.replace(/#/g, '%23')}@${domain}`;
}
