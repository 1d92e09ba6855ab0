import { drop } from './drop.js';

/**
 * Runs tasks one after another per key, each once the one before it has settled: a read, change
 * and write of one record (a lead's custom fields, a caller's new lead) cannot interleave with
 * another of the same record now that every store call is awaited.
 */
export class KeyedQueue<K> {
  private readonly tails = new Map<K, Promise<unknown>>();

  run<T>(key: K, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    drop(
      tail.then(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      }),
    );
    return result;
  }
}
