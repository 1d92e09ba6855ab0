/**
 * The CRM "screen pop": the company's CRM record of a lead, opened in the system browser — the
 * lead on screen when the agent asks (`crm:screen-pop`), or, where the account says so, the
 * caller's lead once an inbound call matched to one is answered. The address is made by
 * screenPopUrl from the account's template and allow-list only; nothing found in a lead or a call
 * is ever opened as an address.
 */
import type { Account } from '../../../shared/account.js';
import type { Campaign } from '../../../shared/campaign.js';
import type { CallSessionView } from '../../../shared/call-session.js';
import type { EventChannel, EventPayloads } from '../../../shared/contract.js';
import type { CrmScreenPop } from '../../../shared/crm.js';
import type { Lead } from '../../../shared/lead.js';
import { RingsideError } from '../../../shared/result.js';
import { defaultAgentId } from '../../../shared/team.js';
import { numberOfUri } from '../calls/caller-id.js';
import type { Store } from '../data/repositories.js';
import type { Handlers } from '../ipc/router.js';
import type { CoreEvents } from '../lib/core-events.js';
import { drop } from '../lib/drop.js';
import type { Emitter } from '../lib/emitter.js';
import type { Logger } from '../lib/logger.js';
import { screenPopUrl } from '../crm/screen-pop-url.js';

/** What the core gives the screen pop beside its data: the lead on screen, the calls, the browser. */
export interface ScreenPopHooks {
  /** The lead on screen (with the phone selected on it: the caller's during an inbound call), and where a notice for the agent goes. */
  workspace: { readonly onScreen: { leadId: number; phoneIndex: number } | null; notify(text: string): void };
  /** Where answered calls are heard of. */
  events: Pick<Emitter<CoreEvents>, 'on'>;
  /** The system browser (the Electron shell's shell.openExternal). Absent in browser mode: the page is told to open it. */
  open?: (url: string) => Promise<void>;
}

export interface ScreenPopDeps extends ScreenPopHooks {
  store: Store;
  /** The account in use (its `screenPop`, its agent name). */
  account: () => Account | null;
  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void;
  log: Logger;
}

/** Calls whose record was opened already, kept as long as a call can still change. */
const REMEMBERED_CALLS = 200;

export class ScreenPop {
  private readonly popped = new Set<string>();

  constructor(private readonly deps: ScreenPopDeps) {
    deps.events.on('call', (view) => this.onCall(view));
  }

  handlers(): Handlers<'crm:screen-pop'> {
    return { 'crm:screen-pop': ({ leadId }) => this.openOnScreen(leadId) };
  }

  /** The lead on screen; a `leadId` the agent saw but that is no longer on screen is refused rather than opened. */
  private async openOnScreen(leadId: number | undefined): Promise<{ url: string }> {
    const pop = this.settings();
    const onScreen = this.deps.workspace.onScreen;
    if (!onScreen) throw new RingsideError('illegal-state', 'No lead is on screen to open in the CRM.');
    if (leadId !== undefined && leadId !== onScreen.leadId)
      throw new RingsideError('illegal-state', 'That lead is no longer on screen: only the lead on screen opens in the CRM.');
    const lead = await this.deps.store.leads.get(onScreen.leadId);
    if (!lead) throw new RingsideError('not-found', 'That lead does not exist.');
    const campaign = await this.deps.store.campaigns.get(lead.campaignId);
    return { url: await this.open(pop, lead, lead.phones[onScreen.phoneIndex]?.e164 ?? callablePhone(lead), campaign) };
  }

  private settings(): CrmScreenPop {
    const pop = this.deps.account()?.screenPop;
    if (!pop) throw new RingsideError('not-configured', 'No CRM record address is set in Settings.');
    return pop;
  }

  /** An inbound call matched to a lead was answered: its record opens once, however often the call changes after. */
  private onCall(view: CallSessionView): void {
    if (view.direction !== 'inbound' || view.state !== 'active' || view.monitor || view.leadId === null) return;
    const pop = this.deps.account()?.screenPop;
    if (pop?.open !== 'inbound-answered' || this.popped.has(view.id)) return;
    this.popped.add(view.id);
    if (this.popped.size > REMEMBERED_CALLS) this.popped.delete(this.popped.values().next().value as string);
    const leadId = view.leadId;
    drop(
      this.openForCall(pop, leadId, view.remoteUri).catch((error: unknown) => {
        this.deps.workspace.notify(`The CRM record was not opened: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }),
      this.deps.log.warn,
      `open the CRM record of lead ${leadId}`,
    );
  }

  private async openForCall(pop: CrmScreenPop, leadId: number, remoteUri: string): Promise<void> {
    const lead = await this.deps.store.leads.get(leadId);
    if (!lead) return;
    const campaign = await this.deps.store.campaigns.get(lead.campaignId);
    // The caller's number as the lead holds it (the number it was matched by), else as the campaign's country reads it.
    const caller = lead.phones.find((p) => remoteUri.includes(p.e164.slice(1)))?.e164 ?? numberOfUri(remoteUri, campaign?.defaultCountry ?? 'US');
    await this.open(pop, lead, caller ?? callablePhone(lead), campaign);
  }

  private async open(pop: CrmScreenPop, lead: Lead, phone: string | null, campaign: Campaign | null): Promise<string> {
    const account = this.deps.account();
    const built = screenPopUrl(pop, {
      leadId: lead.id,
      externalId: lead.customFields['crm_id'] ?? null,
      phone,
      campaignId: lead.campaignId,
      campaign: campaign?.name ?? '',
      agent: account ? account.team?.agentId || defaultAgentId(account.aor) : '',
    });
    if (!built.ok) throw new RingsideError('invalid-data', built.message);
    if (this.deps.open) {
      try {
        await this.deps.open(built.url);
      } catch (error) {
        throw new RingsideError('internal', `The system browser did not open the CRM record: ${error instanceof Error ? error.message : String(error)}`);
      }
    } else {
      this.deps.emit('crm:open-url', { url: built.url });
    }
    // The host only: the address carries the lead's number, which the log has no need of.
    this.deps.log.info(`opened the CRM record of lead ${lead.id} at ${new URL(built.url).hostname}`);
    return built.url;
  }
}

function callablePhone(lead: Lead): string | null {
  return lead.phones.find((p) => !p.bad)?.e164 ?? null;
}
