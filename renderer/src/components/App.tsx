import type { RingsideApi } from '../../../shared/contract';
import type { MediaEngine } from '../media/media-engine';
import { useRingside } from '../store/store';
import { AccountForm } from './AccountForm';
import { ApiContext, MediaContext } from './api-context';
import { CallList } from './CallList';
import { CallPanel } from './CallPanel';
import { DialPad } from './DialPad';
import { IncomingCallBanner } from './IncomingCallBanner';
import { Notices } from './Notices';
import { RegistrationBadge } from './RegistrationBadge';
import { RemoteAudio } from './RemoteAudio';

/**
 * The softphone window. Reads everything from the store (fill it with `bindStore` and the
 * `app:ready` snapshot first) and sends requests through `api`.
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

function Shell() {
  const hasAccount = useRingside((s) => s.account !== null);
  const settingsOpen = useRingside((s) => s.settingsOpen);
  const setSettingsOpen = useRingside((s) => s.setSettingsOpen);
  const showSettings = !hasAccount || settingsOpen;
  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">Ringside</h1>
        <RegistrationBadge />
        <button
          type="button"
          className="btn btn-quiet"
          aria-pressed={showSettings}
          disabled={!hasAccount}
          onClick={() => setSettingsOpen(!settingsOpen)}
        >
          Settings
        </button>
      </header>
      <IncomingCallBanner />
      <Notices />
      <div className="workspace">
        <aside className="sidebar" aria-label="Dial and calls">
          <DialPad />
          <CallList />
        </aside>
        <main className="main">
          {showSettings ? <AccountForm onDone={hasAccount ? () => setSettingsOpen(false) : undefined} /> : <CallPanel />}
        </main>
      </div>
      <RemoteAudio />
    </div>
  );
}
