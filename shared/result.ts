/** Error codes that cross the IPC boundary. Stable strings: the UI maps them to text. */
export type ErrorCode =
  | 'bad-request' // the message failed schema validation
  | 'unknown-channel'
  | 'forbidden' // sender is not an allowed frame / token
  | 'invalid-target' // not a dialable number or SIP URI
  | 'not-registered'
  | 'no-such-call'
  | 'illegal-state' // the call cannot do that in its current state
  | 'media-failed' // the renderer's media engine could not do it
  | 'not-configured' // no SIP account yet
  | 'invalid-account'
  | 'blocked' // the dial gate refused the number (Do-Not-Call, calling hours…)
  | 'disposition-required' // the last call needs a disposition before the next one
  | 'not-found' // no such campaign / lead
  | 'invalid-data' // a lead edit, campaign or import that does not validate
  | 'rate-limited' // a window sent far more requests than a person could (browser mode)
  | 'internal';

/**
 * What every IPC request resolves to. A thrown error would lose everything but its message
 * when it crosses Electron's IPC, so failures are values.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, message: string): Result<T> => ({ ok: false, code, message });

/** An error that carries its IPC code from deep inside the core up to the boundary. */
export class RingsideError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RingsideError';
  }
}
