/**
 * Which URL is our own page. The renderer is loaded from one file:// URL, and every trust decision
 * of the shell (IPC sender, permissions, navigation) asks whether a URL is that page. No Electron
 * here, so it is tested in plain Node with Windows, spaced and non-ASCII install folders.
 */
import { posix, win32 } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The renderer's index.html under the app's folder, as a canonical file:// URL. Built with
 * pathToFileURL, never by gluing 'file://' to a path: on Windows that gives `file://C:\…`, and a
 * space or a non-ASCII letter stays unescaped, while the frame reports the escaped form.
 */
export function rendererEntry(appRoot: string, windows = process.platform === 'win32'): string {
  const path = (windows ? win32 : posix).join(appRoot, 'dist', 'renderer', 'index.html');
  return pathToFileURL(path, { windows }).href;
}

/**
 * Whether `url` is the page at `entry` (both file:// URLs). Compared after parsing: host, and the
 * path segment by segment once percent-escapes are decoded, so that escaping differences between
 * Chromium and Node (hex case, which characters get escaped) and a Windows drive letter's case do
 * not matter, while `..` tricks are resolved by the parser before the comparison. The app never
 * uses a query or a fragment in the desktop window (only browser mode reads its token from the
 * fragment), so a URL with either is not our page. Never throws: anything unparseable is false.
 */
export function isOwnPage(url: unknown, entry: string): boolean {
  const page = fileUrlKey(url);
  const own = fileUrlKey(entry);
  return page !== null && own !== null && page === own;
}

/** A comparable form of a file:// URL with no query or fragment, or null. */
function fileUrlKey(url: unknown): string | null {
  if (typeof url !== 'string' || url === '' || !URL.canParse(url)) return null;
  const parsed = new URL(url);
  if (parsed.protocol !== 'file:' || parsed.search !== '' || parsed.hash !== '' || url.includes('#') || url.includes('?')) return null;
  const segments: string[] = [];
  for (const raw of parsed.pathname.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    // The parser already resolved dot segments; one that survives (an escape it did not read) is refused.
    if (segment === '.' || segment === '..') return null;
    segments.push(segment);
  }
  if (segments.length > 0 && /^[a-z]:$/i.test(segments[0])) segments[0] = segments[0].toUpperCase();
  // JSON keeps a '/' inside a decoded segment apart from the separator between two segments.
  return JSON.stringify([parsed.host.toLowerCase(), ...segments]);
}
