/**
 * Script merge fields: `{{lead.firstName}}`, `{{lead.<custom>}}`, `{{agent.name}}`,
 * `{{campaign.name}}`. Pure. The result is plain text for React to render as text: nothing here
 * is HTML, and a value is never parsed again (a lead named `{{agent.name}}` stays literal).
 */
import type { Lead } from '../../../../shared/lead';

export interface MergeContext {
  lead: Pick<Lead, 'firstName' | 'lastName' | 'company' | 'city' | 'customFields'> & Partial<Lead>;
  agent: { name: string };
  campaign: { name: string };
}

/** A run of script text: literal text, a filled field, or a field with no value. */
export type MergeSegment = { kind: 'text'; text: string } | { kind: 'field'; field: string; text: string } | { kind: 'missing'; field: string; text: string };

const FIELD = /\{\{\s*([A-Za-z]+)\.([A-Za-z0-9_ -]{1,40}?)\s*\}\}/g;
const LEAD_TEXT_FIELDS = new Set(['firstName', 'lastName', 'company', 'email', 'street', 'city', 'region', 'postalCode', 'country', 'source', 'timeZone']);

/** The value of one merge field, or null when the lead/agent/campaign has none. */
export function mergeValue(scope: string, name: string, ctx: MergeContext): string | null {
  let value: unknown = null;
  if (scope === 'lead') {
    if (LEAD_TEXT_FIELDS.has(name)) value = (ctx.lead as Record<string, unknown>)[name];
    else if (Object.prototype.hasOwnProperty.call(ctx.lead.customFields ?? {}, name)) value = ctx.lead.customFields[name];
  } else if (scope === 'agent' && name === 'name') value = ctx.agent.name;
  else if (scope === 'campaign' && name === 'name') value = ctx.campaign.name;
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** Splits script text into literal runs and merge fields (missing ones shown as «name»). */
export function mergeSegments(text: string, ctx: MergeContext): MergeSegment[] {
  const out: MergeSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(FIELD)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ kind: 'text', text: text.slice(last, at) });
    const [, scope, name] = m;
    const value = mergeValue(scope, name, ctx);
    out.push(value === null ? { kind: 'missing', field: `${scope}.${name}`, text: `«${name}»` } : { kind: 'field', field: `${scope}.${name}`, text: value });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** The merged text as one string. */
export function mergeScript(text: string, ctx: MergeContext): string {
  return mergeSegments(text, ctx)
    .map((s) => s.text)
    .join('');
}
