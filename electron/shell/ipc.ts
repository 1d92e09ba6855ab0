/**
 * The Electron transport of the contract: one ipcMain handler per request channel, each refusing
 * a request that does not come from our own page's top frame before the core (which validates
 * the payload) ever sees it. One core connection per window, closed with it.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { requestSchemas, type RequestChannel } from '../../shared/contract';
import { fail } from '../../shared/result';
import type { Core, CoreConnection } from '../core/app/create-core';
import { isOwnPage } from './own-page';

/** The parts of Electron's WebFrameMain the check reads. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * Whether a request may be served: it comes from a frame that still exists, that is a top frame
 * (no parent), and whose URL is our own page.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, entry: string): boolean {
  return frame !== null && frame !== undefined && frame.parent === null && isOwnPage(frame.url, entry);
}

type Connector = Pick<Core, 'connect'>;

export function registerRequestHandlers(ipcMain: Pick<IpcMain, 'handle'>, core: Connector, entry: string): void {
  const connections = new Map<number, CoreConnection>();
  const connectionFor = (contents: WebContents): CoreConnection => {
    let c = connections.get(contents.id);
    if (!c) {
      c = core.connect({ send: (channel, payload) => !contents.isDestroyed() && contents.send(channel, payload) });
      connections.set(contents.id, c);
      contents.once('destroyed', () => {
        c?.close();
        connections.delete(contents.id);
      });
    }
    return c;
  };

  for (const channel of Object.keys(requestSchemas) as RequestChannel[]) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => {
      if (!isTrustedSender(event.senderFrame, entry)) return fail('forbidden', 'Request from an unexpected frame');
      return connectionFor(event.sender).handle(channel, payload);
    });
  }
}
