/**
 * What the page may ask Chromium for: the microphone, and only from our own page in the top
 * frame. No camera, no screen, no notifications, nothing else. Both handlers are installed
 * because Chromium asks in two ways: a check (may it already?) and a request (prompt).
 */
import type { Session } from 'electron';
import { isOwnPage } from './own-page';

/** The parts of a permission request's details that the decision reads. */
export interface PermissionRequestFacts {
  /** For `media`: the devices wanted; an empty or missing list does not say "audio only". */
  mediaTypes?: readonly string[];
  requestingUrl?: string;
  isMainFrame?: boolean;
}

/** The parts of a permission check's details that the decision reads. */
export interface PermissionCheckFacts {
  mediaType?: string;
  requestingUrl?: string;
  isMainFrame?: boolean;
}

/**
 * A `media` request is granted when it asks for the microphone alone, from the top frame of our
 * own page (both the frame that asks and the window it is in).
 */
export function allowPermissionRequest(permission: string, facts: PermissionRequestFacts, contentsUrl: string, entry: string): boolean {
  if (permission !== 'media') return false;
  const types = facts.mediaTypes;
  if (!Array.isArray(types) || types.length === 0 || !types.every((t) => t === 'audio')) return false;
  return facts.isMainFrame === true && isOwnPage(facts.requestingUrl, entry) && isOwnPage(contentsUrl, entry);
}

/**
 * A `media` check passes for the microphone on our own page. The requesting origin of a file://
 * page is the `file://` origin every local file shares, so it can only rule a caller out (a web
 * origin); which page asks is read from the requesting URL, or the window's URL when absent.
 */
export function allowPermissionCheck(
  permission: string,
  requestingOrigin: string,
  facts: PermissionCheckFacts,
  contentsUrl: string | null,
  entry: string,
): boolean {
  if (permission !== 'media' || facts.mediaType !== 'audio' || contentsUrl === null) return false;
  if (URL.canParse(requestingOrigin) && new URL(requestingOrigin).protocol !== 'file:') return false;
  const requestingUrl = facts.requestingUrl ?? contentsUrl;
  return facts.isMainFrame === true && isOwnPage(requestingUrl, entry) && isOwnPage(contentsUrl, entry);
}

/** Installs both handlers on the session our window uses. */
export function installPermissionHandlers(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>, entry: string): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    callback(
      allowPermissionRequest(permission, { mediaTypes, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame }, contents.getURL(), entry),
    );
  });
  session.setPermissionCheckHandler((contents, permission, requestingOrigin, details) =>
    allowPermissionCheck(permission, requestingOrigin, details, contents?.getURL() ?? null, entry),
  );
}
