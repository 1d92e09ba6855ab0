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

/** Longest error message a window gets; a payload's own text (a key of 1 MB) is never echoed whole. */
const MAX_MESSAGE_CHARS = 1000;
/** Validation issues named in one answer: the first few say what is wrong, a list of 100,000 does not. */
const ISSUES_SHOWN = 3;
/**
 * Control, bidi and zero-width characters and lone surrogates, which a hostile payload's keys or
 * values would carry into the message and which would garble or disguise it where the UI shows it.
 */
const UNSAFE_CHARS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text safe to show as (part of) an error message: unsafe characters as '?', at most `max` characters. */
function shown(text: string, max = MAX_MESSAGE_CHARS): string {
  const safe = text.replace(UNSAFE_CHARS, '?');
  if (safe.length <= max) return safe;
  const cut = /[\ud800-\udbff]/.test(safe[max - 2] ?? '') ? max - 2 : max - 1;
  return `${safe.slice(0, cut)}…`;
}

/** How an unknown channel is named in the answer: a name in quotes, or what kind of value came instead of one. */
function channelName(channel: unknown): string {
  if (typeof channel === 'string') return `"${shown(channel, 64)}"`;
  const kind =
    channel === undefined
      ? 'nothing'
      : channel === null
        ? 'null'
        : Array.isArray(channel)
          ? 'an array'
          : typeof channel === 'object'
            ? 'an object'
            : `a ${typeof channel}`;
  return `with ${kind} for its channel instead of a name such as "call:dial"`;
}

/** A thrown value's message, whatever was thrown (an object whose toString throws included). */
function thrownMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'An unexpected error occurred.';
}

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
    if (!isRequestChannel(channel)) return fail('unknown-channel', `Unknown request ${channelName(channel)}.`);
    let parsed;
    try {
      parsed = requestSchemas[channel].safeParse(payload);
    } catch {
      // A payload no schema can walk (nested past the stack): as invalid as any other.
      return fail('bad-request', `Invalid ${channel} request: the payload cannot be read (nested too deep).`);
    }
    if (!parsed.success) {
      const { issues } = parsed.error;
      const named = issues.slice(0, ISSUES_SHOWN).map((i) => shown(`${i.path.map(String).join('.') || 'payload'}: ${i.message}`, 200));
      const more = issues.length > ISSUES_SHOWN ? `; and ${issues.length - ISSUES_SHOWN} more` : '';
      return fail('bad-request', shown(`Invalid ${channel} request: ${named.join('; ')}${more}`));
    }
    const handler = this.handlers.get(channel);
    if (!handler) return fail('internal', `${channel} has no handler`);
    try {
      return ok(await handler(parsed.data, peer));
    } catch (error) {
      if (error instanceof RingsideError) return fail(error.code, shown(error.message));
      this.log.warn(`${channel} failed`, error);
      return fail('internal', shown(thrownMessage(error)));
    }
  }
}
