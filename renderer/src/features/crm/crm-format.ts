/** Words for CRM sync: the kinds of event, and the status line Settings shows. */
import type { CrmEventType, CrmStatusView } from '../../../../shared/crm';
import { formatCount } from '../compliance/compliance-format';
import { whenText } from '../../ui/when-text';

export const crmEventLabel: Record<CrmEventType, string> = {
  'disposition.recorded': 'Dispositions',
  'lead.changed': 'Lead changes',
  'callback.scheduled': 'Callbacks',
  'dnc.requested': 'Do-not-call requests',
};

/** One event in the dead-letter list, in the singular. */
export const crmEventSingular: Record<CrmEventType, string> = {
  'disposition.recorded': 'Disposition',
  'lead.changed': 'Lead change',
  'callback.scheduled': 'Callback',
  'dnc.requested': 'Do-not-call request',
};

/** "Sending: 3 waiting · last delivered 14:02" (the caller handles "off" and "not configured"). */
export function sendingText(s: CrmStatusView, now: number = Date.now()): string {
  const waiting = s.pending === 0 ? 'nothing waiting' : `${formatCount(s.pending)} waiting`;
  const last = s.lastDeliveredAt === null ? 'nothing delivered yet' : `last delivered ${whenText(s.lastDeliveredAt, now)}`;
  return `Sending: ${waiting} · ${last}`;
}

export const notDeliveredText = (dead: number): string => `${formatCount(dead)} not delivered`;
