// The Electron transport's sender check: a request reaches the core only from our own page's top
// frame, whatever folder the app is installed in; everything else is answered 'forbidden'.
import { describe, expect, it } from 'vitest';
import type { IpcMain } from 'electron';
import { requestSchemas } from '../../../shared/contract';
import type { CoreConnection } from '../../../electron/core/app/create-core';
import { isTrustedSender, registerRequestHandlers } from '../../../electron/shell/ipc';
import { rendererEntry } from '../../../electron/shell/own-page';
import { FakeIpcMain, FakeWebContents } from './fake-electron';

const top = (url: string) => ({ url, parent: null });
const child = (url: string) => ({ url, parent: top(url) });

describe('isTrustedSender', () => {
  const entries = {
    'Windows, Program Files': rendererEntry('C:\\Program Files\\Ringside\\resources\\app.asar', true),
    'Linux, a space in the home folder': rendererEntry('/home/Jan Kowalski/Ringside/resources/app.asar', false),
    'Linux, non-ASCII letters': rendererEntry('/opt/Łódź/Ringside', false),
  };

  for (const [where, entry] of Object.entries(entries)) {
    it(`accepts our own top frame (${where})`, () => {
      expect(isTrustedSender(top(entry), entry)).toBe(true);
      // Chromium's spelling of the same URL (lower-case escapes) is still ours.
      expect(isTrustedSender(top(entry.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())), entry)).toBe(true);
    });

    it(`refuses everything else (${where})`, () => {
      const folder = entry.slice(0, entry.lastIndexOf('/'));
      expect(isTrustedSender(top(`${folder}/other.html`), entry)).toBe(false);
      expect(isTrustedSender(top(`${folder}/../../../../index.html`), entry)).toBe(false);
      expect(isTrustedSender(top(`${folder}/../renderer/../../index.html`), entry)).toBe(false);
      expect(isTrustedSender(top('http://evil.example/index.html'), entry)).toBe(false);
      expect(isTrustedSender(top(`${entry}#x`), entry)).toBe(false);
      expect(isTrustedSender(top(''), entry)).toBe(false);
      expect(isTrustedSender(top('file://%%%'), entry)).toBe(false);
      // Our URL, but in a sub-frame.
      expect(isTrustedSender(child(entry), entry)).toBe(false);
      // The frame is gone (navigated or destroyed) by the time the request is handled.
      expect(isTrustedSender(null, entry)).toBe(false);
      expect(isTrustedSender(undefined, entry)).toBe(false);
    });
  }
});

describe('registerRequestHandlers', () => {
  const entry = rendererEntry('/home/Jan Kowalski/Ringside', false);

  function wired() {
    const ipcMain = new FakeIpcMain();
    const handled: Array<[unknown, unknown]> = [];
    const closed: number[] = [];
    let connects = 0;
    const core = {
      connect: (): CoreConnection => {
        const n = ++connects;
        return {
          handle: async (channel, payload) => {
            handled.push([channel, payload]);
            return { ok: true, value: `answer ${n}` };
          },
          close: () => closed.push(n),
        };
      },
    };
    registerRequestHandlers(ipcMain as unknown as IpcMain, core, entry);
    return { ipcMain, handled, closed, connects: () => connects };
  }

  it('registers one handler per request channel of the contract', () => {
    const { ipcMain } = wired();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.keys(requestSchemas).sort());
  });

  it('passes a request from our page to the core, one connection per window', async () => {
    const { ipcMain, handled, closed, connects } = wired();
    const contents = new FakeWebContents();
    const event = { sender: contents, senderFrame: top(entry) };
    expect(await ipcMain.invoke('account:get', event, {})).toEqual({ ok: true, value: 'answer 1' });
    expect(await ipcMain.invoke('sip:register', event, {})).toEqual({ ok: true, value: 'answer 1' });
    expect(handled).toEqual([
      ['account:get', {}],
      ['sip:register', {}],
    ]);
    expect(connects()).toBe(1);
    contents.destroy();
    expect(closed).toEqual([1]);
    // A new window gets a new connection.
    expect(await ipcMain.invoke('account:get', { sender: new FakeWebContents(), senderFrame: top(entry) }, {})).toEqual({ ok: true, value: 'answer 2' });
  });

  it('answers forbidden, without reaching the core, for any other sender', async () => {
    const { ipcMain, handled, connects } = wired();
    for (const senderFrame of [top('http://evil.example/'), top('file:///home/Jan%20Kowalski/Downloads/index.html'), child(entry), null]) {
      expect(await ipcMain.invoke('call:dial', { sender: new FakeWebContents(), senderFrame }, { target: '+12025550123' })).toEqual({
        ok: false,
        code: 'forbidden',
        message: 'Request from an unexpected frame',
      });
    }
    expect(handled).toEqual([]);
    expect(connects()).toBe(0);
  });
});
