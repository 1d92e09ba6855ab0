/**
 * Browser mode: the core has no system shell there, so it sends the page the CRM record address
 * it made and checked (`crm:open-url`), and the page opens it in a new tab, cut off from this one
 * (noopener, noreferrer). In Electron main opens the record itself and never sends this. Checked
 * again here all the same: only a web address opens, never a javascript: or data: one.
 */
import type { RingsideApi } from '../../../shared/contract';

export function openCrmRecords(api: Pick<RingsideApi, 'crm'>, win: Pick<Window, 'open'>): () => void {
  return api.crm.onOpenUrl(({ url }) => {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      return;
    }
    if (protocol === 'https:' || protocol === 'http:') win.open(url, '_blank', 'noopener,noreferrer');
  });
}
