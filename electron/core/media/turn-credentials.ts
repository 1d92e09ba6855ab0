/**
 * The ICE servers a media request carries, made from the account's: a time-limited TURN entry
 * (`credentialType: 'ephemeral'`) holds the TURN server's shared secret, and the renderer gets
 * only what the TURN REST API convention derives from it — user `<unix expiry>:<SIP user>`,
 * password base64(HMAC-SHA1(secret, user)), the scheme coturn checks with `use-auth-secret` /
 * `static-auth-secret` — so the secret itself never leaves the main process.
 */
import { createHmac } from 'node:crypto';
import { DEFAULT_EPHEMERAL_TTL_SEC, type IceServer } from '../../../shared/account.js';
import type { RTCIceServerLike } from '../../../shared/contract.js';

/** A user and password a TURN server with a shared secret accepts until `expiresAt` (unix seconds). */
export interface EphemeralCredentials {
  username: string;
  credential: string;
  expiresAt: number;
}

/**
 * The TURN REST API credentials for `user`, valid until `expiresAt` (unix seconds). The user
 * name's first ':' separates the expiry, which is what the TURN server reads back.
 */
export function turnRestCredentials(secret: string, expiresAt: number, user: string): EphemeralCredentials {
  const username = `${expiresAt}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64'), expiresAt };
}

/**
 * When credentials made now for `ttlSec` expire. The expiry is rounded down to a step (a tenth of
 * the lifetime, five minutes at most), so requests close together carry the same credentials and
 * the renderer's pre-made offer, keyed on its ICE servers, still fits the next call; a credential
 * is thus valid for at least `ttlSec` minus that step.
 */
export function ephemeralExpiry(nowMs: number, ttlSec: number): number {
  const step = Math.max(1, Math.min(300, Math.floor(ttlSec / 10)));
  return Math.floor((Math.floor(nowMs / 1000) + ttlSec) / step) * step;
}

/**
 * The account's ICE servers as one media request sends them to the renderer: fixed credentials
 * as they are, time-limited ones made for `sipUser` at `nowMs`, and none of our own fields.
 */
export function iceServersForRequest(servers: readonly IceServer[], sipUser: string, nowMs: number): RTCIceServerLike[] {
  return servers.map((server) => {
    const urls = typeof server.urls === 'string' ? server.urls : [...server.urls];
    if (server.credentialType === 'ephemeral') {
      // Without a secret there is nothing to sign with: the renderer then says the TURN server needs credentials.
      if (!server.credential) return { urls };
      const { username, credential } = turnRestCredentials(
        server.credential,
        ephemeralExpiry(nowMs, server.ephemeralTtlSec ?? DEFAULT_EPHEMERAL_TTL_SEC),
        sipUser,
      );
      return { urls, username, credential };
    }
    return {
      urls,
      ...(server.username !== undefined ? { username: server.username } : {}),
      ...(server.credential !== undefined ? { credential: server.credential } : {}),
    };
  });
}

/** The user id of time-limited TURN credentials: the digest user, else the AOR's user part. */
export function turnUserOf(account: { aor: string; authUser?: string }): string {
  if (account.authUser) return account.authUser;
  const user = account.aor.replace(/^sips?:/i, '');
  return user.slice(0, user.lastIndexOf('@'));
}
