import { useState } from 'react';
import type { RingsideApi } from '../../../shared/contract';
import type { MediaEngine } from '../media/engine';
import { useRingside } from '../store/store';
import { AccountForm } from '../features/settings/AccountForm';
import { AgentStateControl } from '../features/workspace/AgentStateControl';
import { Board } from '../features/supervision/Board';
import { ApiContext, MediaContext } from '../ui/api-context';
import { CallList } from '../features/softphone/CallList';
import { CallPanel } from '../features/softphone/CallPanel';
import { CampaignEditor } from '../features/campaigns/CampaignEditor';
import { CampaignPicker } from '../features/campaigns/CampaignPicker';
import { ComplianceBanner } from '../features/compliance/ComplianceBanner';
import { CompliancePanel } from '../features/compliance/CompliancePanel';
import { DialPad } from '../features/softphone/DialPad';
import { ImportWizard } from '../features/import/ImportWizard';
import { IncomingCallBanner } from '../features/softphone/IncomingCallBanner';
import { LeadCard } from '../features/leads/LeadCard';
import { LeadList } from '../features/leads/LeadList';
import { MonitorBar } from '../features/supervision/MonitorBar';
import { MonitoredIndicator } from '../features/supervision/MonitoredIndicator';
import { Notices } from '../ui/Notices';
import { RegistrationBadge } from '../features/softphone/RegistrationBadge';
import { RemoteAudio } from '../features/softphone/RemoteAudio';
import { Results } from '../features/team/Results';
import { ScriptPanel } from '../features/workspace/ScriptPanel';
import { TeamChip, TeamDownBanner } from '../features/team/TeamStatus';
import { TodayStats } from '../features/workspace/TodayStats';

/**
 * The agent workspace around the softphone. Reads everything from the store (fill it with
 * `bindStore` and the `app:ready` snapshot first) and sends requests through `api`.
 */
export function App({ api, media }: { api: RingsideApi; media: MediaEngine }) {
  return (
    <ApiContext.Provider value={api}>
      <MediaContext.Provider value={media}>
        <Shell />
      </MediaContext.Provider>
    </ApiContext.Provider>
  );
}

type Tab = 'lead' | 'list' | 'board' | 'results';
const tabLabel: Record<Tab, string> = { lead: 'Lead', list: 'Lead list', board: 'Live board', results: 'Results' };
type Dialog = { kind: 'import' } | { kind: 'campaign'; id: number | null } | { kind: 'compliance' } | null;

function Shell() {
  const hasAccount = useRingside((s) => s.account !== null);
  const settingsOpen = useRingside((s) => s.settingsOpen);
  const setSettingsOpen = useRingside((s) => s.setSettingsOpen);
  const campaignId = useRingside((s) => s.workspace.campaignId);
  const complianceWarning = useRingside((s) => s.compliance.banner !== null || s.compliance.auditVerification?.ok === false);
  const auditBroken = useRingside((s) => s.compliance.auditVerification?.ok === false);
  // Supervisors (and agents who also supervise) get the live board; a pure supervisor starts there.
  const role = useRingside((s) => s.account?.supervision.role ?? 'agent');
  // The team's results come from the shared database: team mode only.
  const teamMode = useRingside((s) => s.team.mode === 'team');
  const [chosenTab, setTab] = useState<Tab>(() => (role === 'supervisor' ? 'board' : 'lead'));
  const supervising = chosenTab === 'board' || chosenTab === 'results';
  const tab: Tab = supervising && role === 'agent' ? 'lead' : chosenTab === 'results' && !teamMode ? 'board' : chosenTab;
  const supervisorTab = tab === 'board' || tab === 'results';
  // A pure supervisor's board gets the whole width, unless a call of their own needs the call panel.
  // The supervisor's own monitoring call counts (its call panel has Mute and Hang up); the agent side of one never shows.
  const ownCall = useRingside((s) => Object.values(s.calls).some((c) => c.state !== 'ended' && c.monitor?.side !== 'agent'));
  const wideBoard = supervisorTab && role === 'supervisor' && !ownCall;
  const [dialog, setDialog] = useState<Dialog>(null);
  const showSettings = !hasAccount || settingsOpen;
  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">Ringside</h1>
        <AgentStateControl />
        <CampaignPicker />
        <div className="topbar-end">
          <TeamChip />
          <RegistrationBadge />
          <button
            type="button"
            className={complianceWarning ? 'btn btn-quiet compliance-open has-warning' : 'btn btn-quiet compliance-open'}
            aria-label={
              auditBroken
                ? 'Compliance (the audit log does not verify)'
                : complianceWarning
                  ? 'Compliance (calls blocked: registry needs attention)'
                  : undefined
            }
            onClick={() => setDialog({ kind: 'compliance' })}
          >
            {complianceWarning ? <span aria-hidden="true">! </span> : null}
            Compliance
          </button>
          <button type="button" className="btn btn-quiet" aria-pressed={showSettings} disabled={!hasAccount} onClick={() => setSettingsOpen(!settingsOpen)}>
            Settings
          </button>
        </div>
      </header>
      <ComplianceBanner onOpen={() => setDialog({ kind: 'compliance' })} />
      <TeamDownBanner />
      <IncomingCallBanner />
      <MonitorBar />
      <MonitoredIndicator />
      <Notices />
      <div className={showSettings ? 'workspace' : wideBoard ? 'workspace is-list is-board' : tab !== 'lead' ? 'workspace is-list' : 'workspace'}>
        <aside className="sidebar" aria-label="Dial and calls">
          <DialPad />
          <CallPanel />
          <CallList />
          <TodayStats />
        </aside>
        <main className="main">
          {showSettings ? (
            <div className="main-scroll">
              <AccountForm onDone={hasAccount ? () => setSettingsOpen(false) : undefined} />
            </div>
          ) : (
            <>
              <div className="main-tabs">
                <div role="tablist" aria-label="Lead views" className="tabs">
                  <button type="button" role="tab" aria-selected={tab === 'lead'} className="tab" onClick={() => setTab('lead')}>
                    Lead
                  </button>
                  <button type="button" role="tab" aria-selected={tab === 'list'} className="tab" onClick={() => setTab('list')}>
                    Lead list
                  </button>
                  {role !== 'agent' ? (
                    <button type="button" role="tab" aria-selected={tab === 'board'} className="tab" onClick={() => setTab('board')}>
                      Live board
                    </button>
                  ) : null}
                  {role !== 'agent' && teamMode ? (
                    <button type="button" role="tab" aria-selected={tab === 'results'} className="tab" onClick={() => setTab('results')}>
                      Results
                    </button>
                  ) : null}
                </div>
                <Confirmation />
                <div className="tab-tools" hidden={supervisorTab}>
                  <button type="button" className="btn btn-sm" onClick={() => setDialog({ kind: 'import' })}>
                    Import CSV
                  </button>
                  <button type="button" className="btn btn-sm" disabled={campaignId === null} onClick={() => setDialog({ kind: 'campaign', id: campaignId })}>
                    Edit campaign
                  </button>
                  <button type="button" className="btn btn-sm" onClick={() => setDialog({ kind: 'campaign', id: null })}>
                    New campaign
                  </button>
                </div>
              </div>
              <div className="main-pane" role="tabpanel" aria-label={tabLabel[tab]}>
                {tab === 'lead' ? <LeadCard /> : tab === 'list' ? <LeadList onOpened={() => setTab('lead')} /> : tab === 'board' ? <Board /> : <Results />}
              </div>
            </>
          )}
        </main>
        <aside className="script-col" aria-label="Script">
          <ScriptPanel />
        </aside>
      </div>
      {dialog?.kind === 'import' ? <ImportWizard onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'campaign' ? <CampaignEditor campaignId={dialog.id} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'compliance' ? <CompliancePanel onClose={() => setDialog(null)} /> : null}
      <RemoteAudio />
    </div>
  );
}

/** What the last action did ("Saved: Sale"), politely announced. */
function Confirmation() {
  const confirmation = useRingside((s) => s.confirmation);
  return (
    <p className="confirmation" role="status" aria-live="polite">
      {confirmation ? confirmation.message : ''}
    </p>
  );
}
