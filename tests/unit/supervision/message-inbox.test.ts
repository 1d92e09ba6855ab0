/**
 * The MESSAGE inbox fed with raw SIP text through sip.js's own parser, as a hostile peer (or a
 * server that passes a caller's P-Asserted-Identity on) could send it: a bad escape in the
 * asserted identity once threw out of the identity check and ended the core. Each request is
 * answered with a status; none throws.
 */
import { describe, expect, it, vi } from 'vitest';
import { Core, type Message } from 'sip.js';
import { BoardService } from '../../../electron/core/supervision/board-service.js';
import { answerSipMessage } from '../../../electron/core/supervision/message-inbox.js';
import { PRESENCE_CONTENT_TYPE, supervisionSchema } from '../../../shared/supervision.js';

const logger = new Core.LoggerFactory().getLogger('test');
logger.level = Core.Levels.error;

function presenceBody(): string {
  const now = Date.now();
  return JSON.stringify({
    v: 1,
    seq: now,
    sentAt: now,
    name: 'Agent One',
    state: 'available',
    pauseReason: null,
    since: now,
    registered: true,
    call: null,
    campaign: null,
    today: { calls: 0, connected: 0, talkSec: 0, successes: 0 },
  });
}

/** A MESSAGE as it comes off the wire, parsed by sip.js, with accept/reject recorded. */
function incoming(headers: string[], body = presenceBody()): { message: Message; answers: Array<{ status: number; phrase?: string }> } {
  const text = [
    'MESSAGE sip:supervisor1@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/WS x.invalid;branch=z9hG4bK1',
    'To: <sip:supervisor1@127.0.0.1>',
    'From: <sip:agent1@127.0.0.1>;tag=1',
    'Call-ID: c1',
    'CSeq: 1 MESSAGE',
    ...headers,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
  const request = Core.Parser.parseMessage(text, logger);
  if (!(request instanceof Core.IncomingRequestMessage)) throw new Error('sip.js did not parse the test message');
  const answers: Array<{ status: number; phrase?: string }> = [];
  const message = {
    request,
    accept: vi.fn(async () => void answers.push({ status: 200 })),
    reject: vi.fn(async (o: { statusCode: number; reasonPhrase?: string }) => void answers.push({ status: o.statusCode, phrase: o.reasonPhrase })),
  } as unknown as Message;
  return { message, answers };
}

function supervisorBoard() {
  const warn = vi.fn();
  const board = new BoardService({
    self: 'sip:supervisor1@127.0.0.1',
    supervision: supervisionSchema.parse({ role: 'supervisor', team: ['sip:agent1@127.0.0.1'] }),
    emit: () => {},
    log: { info: () => {}, warn },
    minEmitMs: 0,
  });
  return { board, log: { info: () => {}, warn } };
}

const ct = `Content-Type: ${PRESENCE_CONTENT_TYPE}`;

describe('answerSipMessage with hostile headers, through sip.js’s parser', () => {
  it('a bad escape in P-Asserted-Identity is a refused sender (403), not an exception', () => {
    const { board, log } = supervisorBoard();
    for (const pai of [
      '<sip:%E0@pbx>',
      '<sip:agent1%E0@127.0.0.1>',
      '<<sip:agent1@127.0.0.1>>',
      `<sip:agent1@127.0.0.1>${';x=1'.repeat(1000)}`,
      '<sip:agent1@127.0.0.1>, <sip:%ZZ@x>',
    ]) {
      const { message, answers } = incoming([ct, `P-Asserted-Identity: ${pai}`]);
      expect(() => answerSipMessage(message, board, log), pai.slice(0, 40)).not.toThrow();
      expect(answers, pai.slice(0, 40)).toEqual([{ status: 403 }]);
    }
    expect(board.view().rejected).toBe(5);
    expect(board.view().agents[0]?.presence).toBeNull();
  });

  it('the same message with a readable asserted identity is accepted', () => {
    const { board, log } = supervisorBoard();
    const { message, answers } = incoming([ct, 'P-Asserted-Identity: "Agent" <sip:agent1@127.0.0.1>']);
    answerSipMessage(message, board, log);
    expect(answers).toEqual([{ status: 200 }]);
    expect(board.view().agents[0]?.presence?.name).toBe('Agent One');
  });

  it('content types, bodies and signatures a peer should not send are answered 415 / 413 / 400', () => {
    const { board, log } = supervisorBoard();
    const cases: Array<[string[], string, number]> = [
      [['Content-Type: text/plain'], 'hi', 415],
      [[`Content-Type: ${PRESENCE_CONTENT_TYPE}; charset=%E0`], '{', 400],
      [[ct], JSON.stringify({ pad: 'x'.repeat(20_000) }), 413],
      [[ct], `{"__proto__":{"x":1},${presenceBody().slice(1)}`, 400],
      [[ct, 'X-Ringside-Auth: %E0'], 'null', 400],
    ];
    for (const [headers, body, status] of cases) {
      const { message, answers } = incoming(headers, body);
      answerSipMessage(message, board, log);
      expect(answers, headers.join()).toEqual([{ status }]);
    }
  });

  it('an app that is not a supervisor refuses agent state (403 Not a supervisor)', () => {
    const { message, answers } = incoming([ct, 'P-Asserted-Identity: <sip:%E0@pbx>']);
    answerSipMessage(message, null, { info: () => {}, warn: () => {} });
    expect(answers).toEqual([{ status: 403, phrase: 'Not a supervisor' }]);
  });

  it('a reader that throws anyway is answered 500 and logged, never thrown to the SIP stack', () => {
    const { message, answers } = incoming([ct]);
    const warn = vi.fn();
    const broken = {
      receive: () => {
        throw new Error('bug');
      },
    } as unknown as BoardService;
    expect(() => answerSipMessage(message, broken, { info: () => {}, warn })).not.toThrow();
    expect(answers).toEqual([{ status: 500, phrase: undefined }]);
    expect(warn).toHaveBeenCalledWith('could not read an incoming MESSAGE; answered 500', expect.any(Error));
  });
});
