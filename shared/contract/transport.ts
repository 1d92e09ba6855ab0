/** Transport-neutral calls; both the preload and the browser-mode connection (renderer/src/ipc/connect.ts) build the API from these. */
import type { EventChannel, EventPayloads, RequestChannel, RequestPayload, RequestResults } from '../contract.js';
import type { Result } from '../result.js';

export type Invoke = <C extends RequestChannel>(channel: C, payload: RequestPayload<C>) => Promise<Result<RequestResults[C]>>;
export type Subscribe = <E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void) => () => void;
