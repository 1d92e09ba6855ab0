// What the page may ask Chromium for: the microphone alone, from our own page's top frame.
// Tested through the handlers as Electron calls them, on a stand-in session.
import { describe, expect, it } from 'vitest';
import type { Session } from 'electron';
import { rendererEntry } from '../../../electron/shell/own-page';
import { allowPermissionCheck, allowPermissionRequest, installPermissionHandlers } from '../../../electron/shell/permissions';
import { FakeSession, FakeWebContents } from './fake-electron';

const entry = rendererEntry('/home/Jan Kowalski/Ringside', false);
const other = 'file:///home/Jan%20Kowalski/Downloads/index.html';

function installed() {
  const session = new FakeSession();
  installPermissionHandlers(session as unknown as Session, entry);
  const contents = new FakeWebContents();
  contents.url = entry;
  const request = (permission: string, details: Record<string, unknown>, from = contents): boolean => {
    let granted: boolean | undefined;
    session.requestHandler!(from, permission, (g) => (granted = g), { isMainFrame: true, requestingUrl: entry, ...details });
    if (granted === undefined) throw new Error('the request handler never answered');
    return granted;
  };
  const check = (permission: string, details: Record<string, unknown>, from: FakeWebContents | null = contents, origin = 'file:///'): boolean =>
    session.checkHandler!(from, permission, origin, { isMainFrame: true, requestingUrl: entry, ...details });
  return { contents, request, check };
}

describe('permission requests', () => {
  it('grants the microphone to our own page', () => {
    const { request } = installed();
    expect(request('media', { mediaTypes: ['audio'] })).toBe(true);
  });

  it('refuses the camera, alone or with the microphone, and a request that names no device', () => {
    const { request } = installed();
    expect(request('media', { mediaTypes: ['video'] })).toBe(false);
    expect(request('media', { mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(request('media', { mediaTypes: [] })).toBe(false);
    expect(request('media', {})).toBe(false);
  });

  it('refuses the microphone to any other page or frame', () => {
    const { request, contents } = installed();
    expect(request('media', { mediaTypes: ['audio'], requestingUrl: other })).toBe(false);
    expect(request('media', { mediaTypes: ['audio'], requestingUrl: 'http://evil.example/' })).toBe(false);
    expect(request('media', { mediaTypes: ['audio'], requestingUrl: '' })).toBe(false);
    expect(request('media', { mediaTypes: ['audio'], requestingUrl: undefined })).toBe(false);
    expect(request('media', { mediaTypes: ['audio'], isMainFrame: false })).toBe(false);
    // Our page's URL in the request, but the window shows something else.
    contents.url = 'https://evil.example/';
    expect(request('media', { mediaTypes: ['audio'] })).toBe(false);
  });

  it('refuses every other permission, even to our own page', () => {
    const { request } = installed();
    for (const permission of ['display-capture', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'midiSysex', 'unknown'])
      expect(request(permission, { mediaTypes: ['audio'] })).toBe(false);
  });
});

describe('permission checks', () => {
  it('pass for the microphone on our own page', () => {
    const { check } = installed();
    expect(check('media', { mediaType: 'audio' })).toBe(true);
    // Without a requesting URL the window's URL says which page asks.
    expect(check('media', { mediaType: 'audio', requestingUrl: undefined })).toBe(true);
  });

  it('fail for the camera or an unknown device', () => {
    const { check } = installed();
    expect(check('media', { mediaType: 'video' })).toBe(false);
    expect(check('media', { mediaType: 'unknown' })).toBe(false);
    expect(check('media', {})).toBe(false);
  });

  it('fail for another page, a web origin, a sub-frame or no window', () => {
    const { check, contents } = installed();
    expect(check('media', { mediaType: 'audio', requestingUrl: other })).toBe(false);
    expect(check('media', { mediaType: 'audio' }, contents, 'https://evil.example')).toBe(false);
    expect(check('media', { mediaType: 'audio', isMainFrame: false })).toBe(false);
    expect(check('media', { mediaType: 'audio' }, null)).toBe(false);
    contents.url = other;
    expect(check('media', { mediaType: 'audio' })).toBe(false);
  });

  it('fail for every other permission', () => {
    const { check } = installed();
    for (const permission of ['notifications', 'clipboard-sanitized-write', 'display-capture', 'hid', 'serial', 'usb', 'storage-access'])
      expect(check(permission, { mediaType: 'audio' })).toBe(false);
  });
});

describe('the decisions as functions', () => {
  it('never throw on odd input', () => {
    expect(allowPermissionRequest('media', { mediaTypes: ['audio'], requestingUrl: '::', isMainFrame: true }, '', entry)).toBe(false);
    expect(allowPermissionCheck('media', '', { mediaType: 'audio', requestingUrl: '%%', isMainFrame: true }, entry, entry)).toBe(false);
    expect(allowPermissionCheck('media', 'null', { mediaType: 'audio', requestingUrl: entry, isMainFrame: true }, entry, entry)).toBe(true);
  });
});
