/**
 * The hooks every integration file against Kamailio needs: one server for the file (started
 * before, stopped after) and per-test cleanups run newest first, each bounded to 5 s so one stuck
 * cleanup cannot time out the hook.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startKamailio, type KamailioServer } from './kamailio.js';

export type Cleanups = Array<() => Promise<unknown> | unknown>;

export function kamailioHooks(started: (server: KamailioServer) => void): Cleanups {
  let server: KamailioServer | undefined;
  const cleanups: Cleanups = [];
  beforeAll(async () => {
    server = await startKamailio();
    started(server);
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await Promise.race([Promise.resolve(c()).catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
  });
  return cleanups;
}
