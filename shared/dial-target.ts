/**
 * What an agent may type in the dial box or as a transfer target, checked as the agent types:
 * the same reading as the dial policy's (target-reading.ts), without its dial plan. An address
 * it can read but whose number it cannot tell is left to main, which explains the refusal.
 */
import { defaultDialPlan } from './dial-plan.js';
import { readTarget } from './target-reading.js';

export type DialTarget = { ok: true; uri: string; display: string } | { ok: false; message: string };

const SYNTAX_ONLY = defaultDialPlan('US');

export function parseDialTarget(input: string, domain: string): DialTarget {
  const r = readTarget(input, { dialPlan: SYNTAX_ONLY, accountDomain: domain, countries: [] });
  if (r.ok) return { ok: true, uri: r.uri, display: r.display };
  if (r.uri) return { ok: true, uri: r.uri, display: input.trim() };
  return { ok: false, message: r.message };
}
