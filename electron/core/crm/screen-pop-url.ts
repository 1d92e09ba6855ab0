/**
 * The CRM record address of one lead, from the account's template. Lead data is untrusted: each
 * value is percent-encoded before it goes in, so it can only ever be text inside one path
 * segment, query value or fragment; the result is parsed again and must still go, by the same
 * scheme, to the template's own host, which must be one of the allowed hosts. Never throws.
 */
import {
  isCrmAddress,
  readScreenPopTemplate,
  SCREEN_POP_MAX_URL,
  SCREEN_POP_PLACEHOLDER,
  screenPopPlaceholders,
  type CrmScreenPop,
  type ScreenPopPlaceholder,
} from '../../../shared/crm.js';

/** What the placeholders are filled with. */
export interface ScreenPopValues {
  leadId: number;
  /** The lead's id in the CRM: its `crm_id` custom field, when it has one. */
  externalId: string | null;
  /** E.164: the inbound caller's number, or the lead's first callable phone. */
  phone: string | null;
  campaignId: number;
  /** The campaign's name. */
  campaign: string;
  /** The agent's name in the team (its SIP user unless set). */
  agent: string;
}

export type ScreenPopUrl = { ok: true; url: string } | { ok: false; message: string };

/** What a placeholder stands for, for "this lead has no …". */
const WHAT: Record<ScreenPopPlaceholder, string> = {
  leadId: 'number in Ringside',
  externalId: 'CRM id (its crm_id field is empty)',
  phone: 'phone number',
  campaignId: 'campaign',
  campaign: 'campaign name',
  agent: 'agent name',
};

/** Lone surrogates (which encodeURIComponent refuses) become U+FFFD. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const isPlaceholder = (name: string): name is ScreenPopPlaceholder => (screenPopPlaceholders as readonly string[]).includes(name);

const refused = (message: string): ScreenPopUrl => ({ ok: false, message });

const notAllowed = (host: string): ScreenPopUrl => refused(`The CRM record address goes to ${host}, which is not in the allowed hosts.`);

/** A path segment that a browser reads as "here" or "one up" (WHATWG URL: `.`, `..`, their %2e spellings). */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/** The path segments of an address as written, before a browser resolves them (it reads \ as / there). */
function rawSegments(address: string): string[] {
  const afterHost = address.slice(address.indexOf('://') + 3).replace(/^[^/?#\\]*/, '');
  return (afterHost.split(/[?#]/)[0] ?? '').split(/[/\\]/);
}

export function screenPopUrl(pop: Pick<CrmScreenPop, 'template' | 'allowedHosts'>, values: ScreenPopValues): ScreenPopUrl {
  try {
    const read = readScreenPopTemplate(pop.template);
    if (!read.ok) return refused(`${read.message}.`);
    const allowed = new Set(pop.allowedHosts.map((h) => h.trim().toLowerCase()));
    if (!allowed.has(read.host)) return notAllowed(read.host);
    const template = pop.template.trim();
    const missing: ScreenPopPlaceholder[] = [];
    const filled = template.replace(SCREEN_POP_PLACEHOLDER, (_match, name: string) => {
      if (!isPlaceholder(name)) return '';
      const value = String(values[name] ?? '').trim();
      if (value === '') missing.push(name);
      return encodeURIComponent(value.replace(LONE_SURROGATE, '\ufffd'));
    });
    if (missing[0]) return refused(`This lead has no ${WHAT[missing[0]]}, and the CRM record address needs it.`);
    if (filled.length > SCREEN_POP_MAX_URL)
      return refused(`The CRM record address would be ${filled.length} characters long, more than the ${SCREEN_POP_MAX_URL} a browser surely takes.`);
    const url = new URL(filled);
    // The same address with harmless values: what the template itself says.
    const sample = template.replace(SCREEN_POP_PLACEHOLDER, '0');
    const reference = new URL(sample);
    if (!isCrmAddress(url) || url.protocol !== reference.protocol) return refused('The CRM record address must be an https:// address.');
    if (url.host !== reference.host || !allowed.has(url.hostname)) return notAllowed(url.hostname);
    // Encoded values hold no / or \, so the segments line up with the template's: one that became . or .. would move the path.
    const templateSegments = rawSegments(sample);
    if (rawSegments(filled).some((segment, i) => DOT_SEGMENT.test(segment) && !DOT_SEGMENT.test(templateSegments[i] ?? '')))
      return refused("The lead's data would change the path of the CRM record address (a value of . or ..): not opened.");
    return { ok: true, url: url.href };
  } catch (error) {
    return refused(`The CRM record address could not be made: ${error instanceof Error ? error.message : String(error)}.`);
  }
}
