// Which URL is our own page: built with pathToFileURL for real install folders (Windows, a space,
// non-ASCII letters) and compared as parsed URLs, so every genuine request passes and look-alikes do not.
import { win32 } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOwnPage, rendererEntry } from '../../../electron/shell/own-page';

const windowsEntry = rendererEntry('C:\\Program Files\\Ringside\\resources\\app.asar', true);
const spacedEntry = rendererEntry('/home/Jan Kowalski/Ringside/resources/app.asar', false);
const polishEntry = rendererEntry('/opt/Łódź/Ringside', false);

describe('rendererEntry', () => {
  it('builds a canonical file URL on Windows', () => {
    expect(windowsEntry).toBe('file:///C:/Program%20Files/Ringside/resources/app.asar/dist/renderer/index.html');
  });

  it('escapes a space and non-ASCII letters on Linux', () => {
    expect(spacedEntry).toBe('file:///home/Jan%20Kowalski/Ringside/resources/app.asar/dist/renderer/index.html');
    expect(polishEntry).toBe('file:///opt/%C5%81%C3%B3d%C5%BA/Ringside/dist/renderer/index.html');
  });

  it('escapes characters that would start a query or a fragment', () => {
    expect(rendererEntry('/opt/a#b?c%d', false)).toBe('file:///opt/a%23b%3Fc%25d/dist/renderer/index.html');
  });
});

describe('isOwnPage', () => {
  it('accepts the entry itself', () => {
    for (const entry of [windowsEntry, spacedEntry, polishEntry]) expect(isOwnPage(entry, entry)).toBe(true);
  });

  it('accepts the forms Chromium may report for the same file', () => {
    // Lower-case drive letter, lower-case escapes, letters left unescaped, backslashes, localhost.
    expect(isOwnPage('file:///c:/Program%20Files/Ringside/resources/app.asar/dist/renderer/index.html', windowsEntry)).toBe(true);
    expect(isOwnPage('file:///C:\\Program Files\\Ringside\\resources\\app.asar\\dist\\renderer\\index.html', windowsEntry)).toBe(true);
    expect(isOwnPage('file:///opt/%c5%81%c3%b3d%c5%ba/Ringside/dist/renderer/index.html', polishEntry)).toBe(true);
    expect(isOwnPage('file:///opt/Łódź/Ringside/dist/renderer/index.html', polishEntry)).toBe(true);
    expect(isOwnPage('file://localhost/home/Jan%20Kowalski/Ringside/resources/app.asar/dist/renderer/index.html', spacedEntry)).toBe(true);
    // A dot segment that resolves to the same file is the same file.
    expect(isOwnPage('file:///opt/%C5%81%C3%B3d%C5%BA/Ringside/dist/assets/../renderer/index.html', polishEntry)).toBe(true);
  });

  it('matches what Chromium reports where gluing file:// to the path did not', () => {
    const glued = 'file://' + win32.join('C:\\Program Files\\Ringside\\resources\\app.asar', 'dist', 'renderer', 'index.html');
    const reported = new URL(glued).href;
    expect(reported).toBe('file:///C:/Program%20Files/Ringside/resources/app.asar/dist/renderer/index.html');
    expect(reported.startsWith(glued)).toBe(false);
    expect(isOwnPage(reported, windowsEntry)).toBe(true);
    // The glued text itself names the same file once parsed.
    expect(isOwnPage(glued, windowsEntry)).toBe(true);
  });

  it('refuses another file, even beside ours', () => {
    expect(isOwnPage('file:///home/Jan%20Kowalski/Ringside/resources/app.asar/dist/renderer/other.html', spacedEntry)).toBe(false);
    expect(isOwnPage('file:///home/Jan%20Kowalski/Ringside/resources/app.asar/dist/renderer/index.html.evil', spacedEntry)).toBe(false);
    expect(isOwnPage('file:///home/Jan%20Kowalski/Ringside/resources/app.asar/dist/renderer/index.html/x', spacedEntry)).toBe(false);
    expect(isOwnPage('file:///home/Jan%20Kowalski/Ringside/resources/app.asar/dist/renderer', spacedEntry)).toBe(false);
    expect(isOwnPage('file:///home/jan%20kowalski/Ringside/resources/app.asar/dist/renderer/index.html', spacedEntry)).toBe(false);
  });

  it('refuses a file URL whose .. leads out of our folder', () => {
    expect(isOwnPage('file:///home/Jan%20Kowalski/Ringside/resources/app.asar/dist/renderer/../../../../Downloads/index.html', spacedEntry)).toBe(false);
    expect(isOwnPage('file:///home/Jan%20Kowalski/Downloads/x/%2e%2e/index.html', spacedEntry)).toBe(false);
    // A separator hidden in an escape is part of a name, not a separator.
    expect(isOwnPage('file:///home/Jan%20Kowalski/Ringside/resources/app.asar/dist%2Frenderer/index.html', spacedEntry)).toBe(false);
    expect(isOwnPage('file:///C:/Program%20Files/Ringside/resources/app.asar/dist%5Crenderer/index.html', windowsEntry)).toBe(false);
  });

  it('refuses web pages and other schemes, whatever their path', () => {
    expect(isOwnPage('http://evil.example/home/Jan%20Kowalski/Ringside/resources/app.asar/dist/renderer/index.html', spacedEntry)).toBe(false);
    expect(isOwnPage('https://evil.example/', spacedEntry)).toBe(false);
    expect(isOwnPage('devtools://devtools/bundled/index.html', spacedEntry)).toBe(false);
    expect(isOwnPage('about:blank', spacedEntry)).toBe(false);
    expect(isOwnPage('file://evil.example/home/Jan%20Kowalski/Ringside/resources/app.asar/dist/renderer/index.html', spacedEntry)).toBe(false);
  });

  it('refuses our page with a query or a fragment, which the desktop window never uses', () => {
    expect(isOwnPage(`${spacedEntry}?x=1`, spacedEntry)).toBe(false);
    expect(isOwnPage(`${spacedEntry}#token=abc`, spacedEntry)).toBe(false);
    expect(isOwnPage(`${spacedEntry}#`, spacedEntry)).toBe(false);
  });

  it('never throws: empty, unparseable or malformed input is refused', () => {
    for (const url of ['', ' ', 'not a url', 'file:', 'file:///%', 'file:///opt/%E0%A4%A/x', '::::', '\u0000'])
      expect(() => isOwnPage(url, spacedEntry)).not.toThrow();
    for (const url of ['', ' ', 'not a url', 'file:///%', 'file:///opt/%E0%A4%A/x', '::::']) expect(isOwnPage(url, spacedEntry)).toBe(false);
    for (const url of [undefined, null, 42, {}]) expect(isOwnPage(url, spacedEntry)).toBe(false);
    // A broken entry trusts nothing.
    expect(isOwnPage(spacedEntry, '')).toBe(false);
    expect(isOwnPage('', '')).toBe(false);
  });
});
