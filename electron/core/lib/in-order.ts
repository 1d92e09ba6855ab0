/**
 * Delivers values that are computed asynchronously (a view read from the store) in the order they
 * were asked for: an event about an earlier change never arrives after one about a later change.
 * A value that fails is logged and skipped; the ones after it still arrive. The promise returned
 * for each value settles (never rejects) once it has been delivered, for a caller that must not
 * answer before its event is out.
 */
export function inOrder<T>(deliver: (value: T) => void, log: (message: string, error: unknown) => void, what: string): (value: Promise<T>) => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return (value) => {
    last = Promise.all([last, value])
      .then(([, v]) => deliver(v))
      .catch((error: unknown) => log(`${what} failed`, error));
    return last;
  };
}
