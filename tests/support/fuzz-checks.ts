/**
 * What a fuzz run checks besides its own asserts: that an answer is a Result with a clear error
 * (a known code, a message in words — not a stack trace, not `[object Object]`), that nothing
 * escaped as an unhandled rejection or uncaught exception, that Object.prototype and friends
 * were not polluted, and how much heap is left after a full collection.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ErrorCode } from '../../shared/result.js';
import { POLLUTION_CANARY } from './hostile-input.js';

/** Every error code of the contract: `satisfies` fails to compile when shared/result.ts gains or loses one. */
const errorCodes = {
  'bad-request': true,
  'unknown-channel': true,
  forbidden: true,
  'invalid-target': true,
  'not-registered': true,
  'no-such-call': true,
  'illegal-state': true,
  'media-failed': true,
  'not-configured': true,
  'invalid-account': true,
  blocked: true,
  'disposition-required': true,
  'not-found': true,
  'invalid-data': true,
  'rate-limited': true,
  internal: true,
} satisfies Record<ErrorCode, true>;

/** Longest message that is still an error a person reads (a dump of every issue is not). */
export const MAX_MESSAGE_CHARS = 2000;

/** Why `message` is not a clear error message, or null when it is one. */
export function messageProblem(message: unknown): string | null {
  if (typeof message !== 'string') return `message is ${typeof message}, not a string`;
  const m = message.trim();
  if (m.length === 0) return 'message is empty';
  if (message.length > MAX_MESSAGE_CHARS) return `message is ${message.length.toLocaleString('en-US')} characters long`;
  if (/\n\s+at [^\n]*(:\d+:\d+|<anonymous>|native)/.test(message)) return 'message is a stack trace';
  if (/\[object \w+\]/.test(message)) return 'message shows [object …]';
  if (/^(Type|Range|Syntax|Reference|Eval|URI|Aggregate)?Error\b/.test(m)) return 'message is a raw JavaScript error';
  if (/\b(Cannot read propert|is not a function|is not iterable|Maximum call stack|undefined is not)/.test(message))
    return 'message is a JavaScript failure, not an explanation';
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(message)) return 'message carries control or bidi characters (from the input?)';
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(message)) return 'message carries a lone surrogate';
  // A sentence may start with a name ("%E0@pbx is not on your team."), not with a dump of data.
  if (/^[{[<)\]},;:]/.test(m)) return 'message starts like data, not a sentence';
  if (!/\p{L}+[^\p{L}]+\p{L}+/u.test(m)) return 'message is not a sentence (fewer than two words)';
  return null;
}

/** Why `answer` is not a Result with a clear error, or null when it is a good answer. */
export function answerProblem(answer: unknown): string | null {
  if (answer === null || typeof answer !== 'object') return `answer is ${answer === null ? 'null' : typeof answer}, not a Result`;
  const r = answer as { ok?: unknown; code?: unknown; message?: unknown };
  if (typeof r.ok !== 'boolean') return 'answer has no boolean ok';
  if (r.ok) return 'value' in r ? null : 'ok answer without value';
  if (typeof r.code !== 'string' || !Object.prototype.hasOwnProperty.call(errorCodes, r.code)) return `unknown error code ${JSON.stringify(r.code)}`;
  const why = messageProblem(r.message);
  return why ? `${r.code}: ${why}` : null;
}

/** What Object.prototype and the other shared prototypes look like now. */
export function prototypeSnapshot(): string {
  const protos: Array<[string, object]> = [
    ['Object', Object.prototype],
    ['Array', Array.prototype],
    ['Function', Function.prototype],
    ['String', String.prototype],
    ['Number', Number.prototype],
    ['Promise', Promise.prototype],
  ];
  return protos.map(([name, p]) => `${name}: ${Reflect.ownKeys(p).map(String).sort().join(',')}`).join('\n');
}

/** Why the prototypes differ from `before` (or the canary shows through a plain object), or null. */
export function pollutionProblem(before: string): string | null {
  if (({} as Record<string, unknown>)[POLLUTION_CANARY] !== undefined) return `({}).${POLLUTION_CANARY} is set`;
  const after = prototypeSnapshot();
  return after === before ? null : `prototypes changed:\nbefore ${before}\nafter  ${after}`;
}

/** Collects unhandled rejections and uncaught exceptions while installed. */
export function trapEscapes(): { escaped: string[]; remove(): void } {
  const escaped: string[] = [];
  const onRejection = (reason: unknown) => escaped.push(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  const onException = (error: Error) => escaped.push(`uncaught exception: ${error.stack ?? error.message}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    escaped,
    remove() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

let gcFn: (() => void) | null | undefined;
/** A full collection: `global.gc` when Node was started with --expose-gc, else V8's flag set now; null if neither works. */
function collector(): (() => void) | null {
  if (gcFn !== undefined) return gcFn;
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return (gcFn = g);
  try {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  } catch {
    gcFn = null;
  }
  return gcFn;
}

/** Heap in use after letting pending work settle and collecting twice; `collected` says whether a real GC ran. */
export async function settledHeap(): Promise<{ bytes: number; collected: boolean }> {
  const gc = collector();
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc?.();
  }
  return { bytes: process.memoryUsage().heapUsed, collected: gc !== null };
}

export const mib = (bytes: number): string => `${(bytes / (1 << 20)).toFixed(1)} MiB`;
