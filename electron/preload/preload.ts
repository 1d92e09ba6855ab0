/**
 * Preload (sandboxed): exposes one grouped, typed API as `window.ringside`, built from the IPC
 * contract. The renderer never sees ipcRenderer, and can only reach the channels named there.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createRingsideApi, eventChannels, type Invoke, type Subscribe } from '../../shared/contract';

const invoke: Invoke = (channel, payload) => ipcRenderer.invoke(channel, payload);

const subscribe: Subscribe = (channel, listener) => {
  if (!eventChannels.includes(channel)) throw new Error(`Unknown event ${String(channel)}`);
  const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload as never);
  ipcRenderer.on(channel, handler);
  return () => {
    ipcRenderer.removeListener(channel, handler);
  };
};

contextBridge.exposeInMainWorld('ringside', createRingsideApi(invoke, subscribe));
