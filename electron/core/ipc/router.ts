/**
 * The request router: every renderer request is validated against its channel's schema, handed
 * to the one handler its domain registered, and answered as a Result — never a throw. Domains
 * register typed handlers (they receive the parsed payload), the way VS Code's channel server
 * registers channels; a channel without a handler is found at start-up, not by a user.
 */
import { isRequestChannel, requestSchemas, type RequestChannel, type RequestData, type RequestResults } from '../../../shared/contract.js';
import { fail, ok, RingsideError, type Result } from '../../../shared/result.js';
import type { Logger } from '../lib/logger.js';

export type Handler<C extends RequestChannel> = (payload: RequestData<C>, peer: number) => Promise<RequestResults[C]> | RequestResults[C];
/** The handlers of some channels, one each. */
export type Handlers<C extends RequestChannel> = { [K in C]: Handler<K> };
/** The channels of one domain: `ChannelsOf<'import'>` is every `import:…` channel. */
export type ChannelsOf<D extends string> = Extract<RequestChannel, `${D}:${string}`>;

export class RequestRouter {
  private readonly handlers = new Map<RequestChannel, (payload: unknown, peer: number) => unknown>();

  constructor(private readonly log: Logger) {}

  register<C extends RequestChannel>(handlers: Handlers<C>): this {
    for (const channel of Object.keys(handlers) as C[]) {
      if (this.handlers.has(channel)) throw new Error(`${channel} already has a handler`);
      this.handlers.set(channel, handlers[channel] as (payload: unknown, peer: number) => unknown);
    }
    return this;
  }

  /** Every channel of the contract has its handler (called once everything is registered). */
  assertComplete(): void {
    const missing = (Object.keys(requestSchemas) as RequestChannel[]).filter((c) => !this.handlers.has(c));
    if (missing.length) throw new Error(`no handler for ${missing.join(', ')}`);
  }

  /** Validates and runs one request; never throws. */
  async handle(channel: unknown, payload: unknown, peer: number): Promise<Result<unknown>> {
    if (!isRequestChannel(channel)) return fail('unknown-channel', `Unknown request ${String(channel).slice(0, 64)}`);
    const parsed = requestSchemas[channel].safeParse(payload);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
      return fail('bad-request', `Invalid ${channel} request: ${why}`);
    }
    const handler = this.handlers.get(channel);
    if (!handler) return fail('internal', `${channel} has no handler`);
    try {
      return ok(await handler(parsed.data, peer));
    } catch (error) {
      if (error instanceof RingsideError) return fail(error.code, error.message);
      this.log.warn(`${channel} failed`, error);
      return fail('internal', error instanceof Error ? error.message : String(error));
    }
  }
}
