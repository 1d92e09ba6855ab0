import { useState } from 'react';
import type { RingsideApi } from '../../../shared/contract';
import type { MediaEngine } from '../media/media-engine';
import { useRingside } from '../store/store';
import { AccountForm } from './AccountForm';
import { AgentStateControl } from './AgentStateControl';
import { ApiContext, MediaContext } from './api-context';
import { CallList } from './CallList';
import { CallPanel } from './CallPanel';
import { CampaignEditor } from './CampaignEditor';
import { CampaignPicker } from './CampaignPicker';
import { ComplianceBanner } from './ComplianceBanner';
import { CompliancePanel } from './CompliancePanel';
import { DialPad } from './DialPad';
import { ImportWizard } from './ImportWizard';
import { IncomingCallBanner } from './IncomingCallBanner';
import { LeadCard } from './LeadCard';
import { LeadList } from './LeadList';
import { MonitorBar } from './MonitorBar';
import { MonitoredIndicator } from './MonitoredIndicator';
import { Notices } from './Notices';
import { RegistrationBadge } from './RegistrationBadge';
import { RemoteAudio } from './RemoteAudio';
import { ScriptPanel } from './ScriptPanel';
import { TodayStats } from './TodayStats';

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

type Tab = 'lead' | 'list';
type Dialog = { kind: 'import' } | { kind: 'campaign'; id: number | null } | { kind: 'compliance' } | null;

function Shell() {
  const hasAccount = useRingside((s) => s.account !== null);
  const settingsOpen = useRingside((s) => s.settingsOpen);
  const setSettingsOpen = useRingside((s) => s.setSettingsOpen);
  const campaignId = useRingside((s) => s.workspace.campaignId);
  const complianceWarning = useRingside((s) => s.compliance.banner !== null);
  const [tab, setTab] = useState<Tab>('lead');
  const [dialog, setDialog] = useState<Dialog>(null);
  const showSettings = !hasAccount || settingsOpen;
  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">Ringside</h1>
        <AgentStateControl />
        <CampaignPicker />
        <div className="topbar-end">
          <RegistrationBadge />
          <button
            type="button"
            className={complianceWarning ? 'btn btn-quiet compliance-open has-warning' : 'btn btn-quiet compliance-open'}
            aria-label={complianceWarning ? 'Compliance (calls blocked: registry needs attention)' : undefined}
            onClick={() => setDialog({ kind: 'compliance' })}
          >
            {complianceWarning ? <span aria-hidden="true">! </span> : null}
            Compliance
          </button>
          <button
            type="button"
            className="btn btn-quiet"
            aria-pressed={showSettings}
            disabled={!hasAccount}
            onClick={() => setSettingsOpen(!settingsOpen)}
          >
            Settings
          </button>
        </div>
      </header>
      <ComplianceBanner onOpen={() => setDialog({ kind: 'compliance' })} />
      <IncomingCallBanner />
      <MonitorBar />
      <MonitoredIndicator />
      <Notices />
      <div className={tab === 'list' && !showSettings ? 'workspace is-list' : 'workspace'}>
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
                </div>
                <Confirmation />
                <div className="tab-tools">
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
              <div className="main-pane" role="tabpanel" aria-label={tab === 'lead' ? 'Lead' : 'Lead list'}>
                {tab === 'lead' ? <LeadCard /> : <LeadList onOpened={() => setTab('lead')} />}
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
