/**
 * A store whose every answer arrives later, and in no fixed order, as a networked store's does:
 * between a call and its answer anything else may run. Code that reads, decides and writes across
 * its awaits shows on it whether its rules still hold. `fail` makes chosen calls reject, as a
 * lost connection or a statement timeout would.
 */
import type { Store } from '../../electron/core/data/repositories.js';
import { mulberry32 } from './prng.js';

type Repositories = Pick<Store, 'campaigns' | 'leads' | 'activity' | 'dnc' | 'audit' | 'scrub' | 'outbox' | 'registries'>;

export interface SlowStoreOptions {
  /** Longest wait before a call reaches the real store, ms (each waits a seeded random part of it). */
  maxDelayMs?: number;
  seed?: number;
  /** Calls for which this says true reject instead of answering. */
  fail?: (repository: keyof Repositories, method: string) => boolean;
}

export function slowStore(store: Store, opts: SlowStoreOptions = {}): Store {
  const rand = mulberry32(opts.seed ?? 1);
  const maxDelayMs = opts.maxDelayMs ?? 3;
  const wrap = <K extends keyof Repositories>(name: K): Repositories[K] =>
    new Proxy(store[name], {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]): Promise<unknown> => {
          await new Promise((resolve) => setTimeout(resolve, Math.floor(rand() * (maxDelayMs + 1))));
          if (opts.fail?.(name, String(prop))) throw new Error(`${name}.${String(prop)}: the connection to the database was lost`);
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    });
  return {
    location: store.location,
    campaigns: wrap('campaigns'),
    leads: wrap('leads'),
    activity: wrap('activity'),
    dnc: wrap('dnc'),
    audit: wrap('audit'),
    scrub: wrap('scrub'),
    outbox: wrap('outbox'),
    registries: wrap('registries'),
    close: () => store.close(),
  };
}
