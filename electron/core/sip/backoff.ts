/**
 * Capped exponential backoff with full jitter (AWS architecture blog's "full jitter"): the n-th
 * retry waits a random time in [base/2, min(cap, base * 2^n)], so a call center's agents do not
 * all reconnect in the same second after the PBX comes back.
 */
export interface BackoffOptions {
  baseMs: number;
  /** The longest wait after a server that answered and refused (5xx, 408, …). */
  capMs: number;
  /**
   * The longest wait while the server cannot be reached at all (default 2 s): a connection
   * attempt costs a dead server one SYN, and a returning one must have its agents back within
   * seconds, not at the end of a 30 s wait; the jitter still spreads them.
   */
  linkCapMs?: number;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

export function backoffDelay(attempt: number, { baseMs, capMs, random = Math.random }: BackoffOptions): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  const floor = Math.min(baseMs / 2, ceiling);
  return Math.round(floor + random() * (ceiling - floor));
}
