/**
 * Renderer entry: connect to the core, start the media engine, bind IPC events into the store,
 * tell main we are ready (it flushes queued events and answers with a snapshot), then render.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectRingside } from './ipc/connect';
import { App } from './app/App';
import { ErrorScreen } from './app/ErrorScreen';
import { startMediaEngine } from './media/engine';
import { bindStore } from './ipc/store-sync';
import { watchNetwork } from './ipc/network-watch';
import { openCrmRecords } from './ipc/open-url';
import { store } from './store/store';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('#root missing from index.html');
const root = createRoot(container);

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function boot(): Promise<void> {
  let api;
  try {
    api = await connectRingside();
  } catch (error) {
    root.render(<ErrorScreen title="Cannot connect to the Ringside core" message={message(error)} />);
    return;
  }
  let media;
  try {
    media = startMediaEngine(api);
  } catch (error) {
    root.render(<ErrorScreen title="Audio could not be started" message={message(error)} />);
    return;
  }
  const unbind = bindStore(api, store);
  const unwatch = watchNetwork(api, window);
  // Before app:ready, like the store: a record main sent while the page loaded is not lost.
  const unopen = openCrmRecords(api, window);
  window.addEventListener('pagehide', () => {
    unbind();
    unwatch();
    unopen();
    media.dispose();
  });
  let ready;
  try {
    ready = await api.app.ready(true);
  } catch (error) {
    ready = { ok: false as const, message: message(error) };
  }
  if (!ready.ok) {
    root.render(<ErrorScreen title="The Ringside core did not answer" message={ready.message} />);
    return;
  }
  store.getState().loadSnapshot(ready.value);
  root.render(
    <StrictMode>
      <App api={api} media={media} />
    </StrictMode>,
  );
}

boot().catch((error: unknown) => root.render(<ErrorScreen title="Ringside failed to start" message={message(error)} />));
