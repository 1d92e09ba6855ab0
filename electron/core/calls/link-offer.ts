/**
 * A tel:/sip: link handed over by the operating system (a click in a CRM, a mail, a web page).
 * Nobody in our window asked for it, so by default it only opens: the number goes into the dial
 * box with its compliance card, and the agent's Call dials it through the gate like any dial.
 * An account that trusts its CRM may let links dial at once; the gate decides either way.
 */
import type { CallSessionView } from '../../../shared/call-session.js';
import { callRequests, type OfferedLink } from '../../../shared/contract/call.js';
import { fail, ok, type Result } from '../../../shared/result.js';

export type LinkOutcome = { kind: 'offered'; link: OfferedLink } | { kind: 'dialled'; call: CallSessionView };

export interface LinkOfferDeps {
  /** The account lets links dial without a confirmation. */
  autoDial(): boolean;
  /** Dials the link through the gate (`call:dial-link`). */
  dial(url: string): Promise<Result<CallSessionView>>;
  offer(link: OfferedLink): void;
  /** Tells the agent in our window (nobody there clicked anything). */
  notify(text: string): void;
}

/** The number or address of a link, for the dial box; never throws on a bad escape. */
export function linkTarget(url: string): string {
  const colon = url.indexOf(':');
  const scheme = url.slice(0, colon).toLowerCase();
  const rest = url.slice(colon + 1).replace(/^\/\//, '');
  // A SIP address stays as it is: its escapes are the gate's to read.
  if (scheme !== 'tel') return `${scheme}:${rest.split('?')[0]}`;
  const number = rest.split(/[;?]/)[0];
  try {
    return decodeURIComponent(number).trim();
  } catch {
    return number.trim();
  }
}

export async function openLink(url: string, deps: LinkOfferDeps): Promise<Result<LinkOutcome>> {
  const parsed = callRequests['call:dial-link'].schema.safeParse({ url });
  if (!parsed.success) {
    const message = 'Only tel: and sip: links of up to 512 characters can be opened.';
    deps.notify(`A link from another app was not opened: ${message}`);
    return fail('bad-request', message);
  }
  if (deps.autoDial()) {
    const r = await deps.dial(url);
    // Nobody clicked a button in our window: the refusal has to be shown there.
    if (!r.ok) deps.notify(`The link ${url.slice(0, 60)} was not dialled: ${r.message}`);
    return r.ok ? ok({ kind: 'dialled', call: r.value }) : r;
  }
  const link = { url, target: linkTarget(url) };
  deps.offer(link);
  return ok({ kind: 'offered', link });
}
