/** The compliance requests: status, the "why" check (through the dial policy), registries, DNC, scrub, audit. */
import type { EventChannel, EventPayloads } from '../../../shared/contract.js';
import { RingsideError } from '../../../shared/result.js';
import type { Store } from '../data/repositories.js';
import type { ChannelsOf, Handlers } from '../ipc/router.js';
import type { ComplianceService } from './compliance-service.js';
import type { DialPolicy } from './dial-policy.js';

export interface ComplianceHandlerDeps {
  compliance: ComplianceService;
  policy: DialPolicy;
  store: Store;
  /** The internal list changed: the lead on screen is decided again. */
  dncChanged(): void;
  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void;
}

export function complianceHandlers({ compliance, policy, store, dncChanged, emit }: ComplianceHandlerDeps): Handlers<ChannelsOf<'compliance'>> {
  return {
    'compliance:status': () => compliance.status(),
    'compliance:check': async (q) => {
      if ('target' in q) return (await policy.preview({ target: q.target, path: 'manual', leadId: null })).permit.decision;
      const lead = await store.leads.get(q.leadId);
      const phone = lead?.phones[q.phoneIndex];
      if (!lead || !phone) throw new RingsideError('not-found', 'That lead or phone does not exist.');
      return (await policy.preview({ target: phone.e164, path: 'preview', leadId: lead.id })).permit.decision;
    },
    'compliance:import-registry': (p) => compliance.startImport(p),
    'compliance:cancel-import': () => compliance.cancelImport(),
    'compliance:dnc-add': async (p) => {
      const result = await compliance.addToInternalDnc(p.numbers, p.source);
      dncChanged();
      return result;
    },
    'compliance:scrub': async (p) => {
      const report = await compliance.scrub(p.campaignId);
      emit('campaigns:changed', await store.campaigns.list(Date.now()));
      return report;
    },
    'compliance:audit': (p) => compliance.auditPage(p.offset, p.limit),
    'compliance:audit-export': (p) => compliance.exportAudit(p),
    'compliance:audit-verify': () => compliance.verifyAudit(),
  };
}
