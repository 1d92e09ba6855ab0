import { drop } from './drop.js';

/**
 * Delivers values that are computed asynchronously (a view read from the store) in the order they
 * were asked for: an event about an earlier change never arrives after one about a later change.
 * A value that fails is logged and skipped; the ones after it still arrive.
 */
export function inOrder<T>(deliver: (value: T) => void, log: (message: string, error: unknown) => void, what: string): (value: Promise<T>) => void {
  let last: Promise<unknown> = Promise.resolve();
  return (value) => {
    const delivered = Promise.all([last, value]).then(([, v]) => deliver(v));
    last = delivered.catch(() => undefined);
    drop(delivered, log, what);
  };
}
