/**
 * What the IPC fuzz found in the router, pinned: a channel that is not a string (one whose
 * `toString` is not a function used to make `handle` throw), an object channel (answered
 * "[object Object]"), a 10,000-character key or 100,000 bad items (answered with all of it), and
 * text from the payload carrying bidi overrides, NUL and lone surrogates into the message.
 */
import { describe, expect, it } from 'vitest';
import { RequestRouter } from '../../../electron/core/ipc/router.js';
import { messageProblem } from '../../support/fuzz-checks.js';

const router = new RequestRouter({ info: () => undefined, warn: () => undefined });

describe('the router answers hostile requests with a short, clear error', () => {
  it('a channel that is not a name', async () => {
    for (const channel of [{ toString: 'call:dial' }, {}, ['call:dial'], null, 42, undefined, Symbol('x')]) {
      const answer = await router.handle(channel, {}, 1);
      expect(answer).toMatchObject({
        ok: false,
        code: 'unknown-channel',
        message: expect.stringMatching(/^Unknown request with (an? \w+|null|nothing) for its channel instead of a name such as "call:dial"\.$/),
      });
      if (!answer.ok) expect(messageProblem(answer.message)).toBeNull();
    }
    expect(await router.handle({ toString: 'call:dial' }, {}, 1)).toEqual({
      ok: false,
      code: 'unknown-channel',
      message: 'Unknown request with an object for its channel instead of a name such as "call:dial".',
    });
  });

  it('an unknown name, shown safely and briefly', async () => {
    expect(await router.handle('call:\u202etsil\0', {}, 1)).toEqual({ ok: false, code: 'unknown-channel', message: 'Unknown request "call:?tsil?".' });
    const long = await router.handle('x'.repeat(100_000), {}, 1);
    expect(long.ok || long.message.length).toBeLessThan(100);
  });

  it('a huge key, many bad items, hostile text: the first issues, counted, cut and cleaned', async () => {
    const key = await router.handle('call:dial', { target: '1', ['x'.repeat(10_000)]: 1 }, 1);
    expect(key.ok || key.message.length).toBeLessThanOrEqual(1000);
    const many = await router.handle('compliance:dnc-add', { numbers: Array.from({ length: 100_000 }, () => 5), source: 'manual' }, 1);
    expect(many).toMatchObject({
      ok: false,
      code: 'bad-request',
      message: expect.stringMatching(/^Invalid compliance:dnc-add request: numbers\.0: .*; and 99997 more$/),
    });
    const bidi = await router.handle('app:ready', { media: true, '\u202e\ud800\0': 1 }, 1);
    expect(bidi.ok || messageProblem(bidi.message)).toBeNull();
  });
});
