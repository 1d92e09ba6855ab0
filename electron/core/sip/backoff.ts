/**
 * Capped exponential backoff with full jitter (AWS architecture blog's "full jitter"): the n-th
 * retry waits a random time in [base/2, min(cap, base * 2^n)], so a call center's agents do not
 * all reconnect in the same second after the PBX comes back.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

export function backoffDelay(attempt: number, { baseMs, capMs, random = Math.random }: BackoffOptions): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  const floor = Math.min(baseMs / 2, ceiling);
  return Math.round(floor + random() * (ceiling - floor));
}
