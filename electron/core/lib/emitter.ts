import type { Logger } from './logger.js';

/**
 * A small typed emitter for events between services inside the core. IPC channels are for the
 * renderer; services tell each other what happened through one of these, so a listener's name
 * and payload are checked by the compiler and a renderer-facing rename cannot silently cut a
 * main-side subscriber off.
 */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  constructor(private readonly log?: Logger) {}

  /** Returns the remover. */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch (error) {
        // One subscriber's failure must not keep the others (or the emitter's caller) from going on.
        this.log?.warn(`a listener of "${String(event)}" failed`, error);
      }
    }
  }
}
