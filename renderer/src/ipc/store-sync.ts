/**
 * The one place main's IPC events are written into the store. Bind it before `app:ready`, so
 * events main flushes on ready are not lost.
 */
import type { RingsideApi } from '../../../shared/contract';
import type { RingsideStore } from '../store/store';

/** Subscribes the store to every event; returns one function that removes all subscriptions. */
export function bindStore(api: RingsideApi, store: RingsideStore): () => void {
  const s = () => store.getState();
  const unsubscribes = [
    api.sip.onRegistrationChanged((r) => s().setRegistration(r)),
    api.account.onChanged((a) => s().setAccount(a)),
    api.call.onStateChanged((c) => s().upsertCall(c)),
    api.call.onRemoved((e) => s().removeCall(e.id)),
    api.call.onLinkOffered((link) => s().offerLink(link)),
    api.workspace.onChanged((w) => s().setWorkspace(w)),
    api.lead.onChanged((l) => s().updateLead(l)),
    api.agent.onStatsChanged((st) => s().setStats(st)),
    api.campaign.onListChanged((c) => s().setCampaigns(c)),
    api.importer.onProgress((p) => s().setImportProgress(p)),
    api.importer.onFinished((r) => s().setImportReport(r)),
    api.compliance.onChanged((c) => s().setCompliance(c)),
    api.board.onChanged((b) => s().setBoard(b)),
    api.monitor.onChanged((m) => s().setMonitor(m)),
    api.monitor.onMonitoredChanged((m) => s().setMonitored(m)),
    api.team.onChanged((t) => s().setTeam(t)),
    api.crm.onChanged((c) => s().setCrm(c)),
  ];
  return () => {
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
  };
}
