/**
 * Answers out-of-dialog SIP MESSAGEs: agent state goes to the board (200 accepted, 403 refused
 * sender or secret, 400 invalid or stale body, 413 oversized body); a non-supervisor refuses
 * agent state (403); any other content type is 415. Every header read here is untrusted, and
 * nothing a peer sends may end the core: a reader that fails anyway is answered 500 and logged.
 */
import type { Message } from 'sip.js';
import { PRESENCE_AUTH_HEADER, PRESENCE_CONTENT_TYPE } from '../../../shared/supervision.js';
import { drop } from '../lib/drop.js';
import type { Logger } from '../lib/logger.js';
import { headerText, mediaType } from '../sip/untrusted-input.js';
import type { BoardService } from './board-service.js';

export function answerSipMessage(message: Message, board: BoardService | null, log: Logger): void {
  let answer: Answer;
  try {
    answer = decide(message, board);
  } catch (error) {
    log.warn('could not read an incoming MESSAGE; answered 500', error);
    answer = { statusCode: 500 };
  }
  if (answer.statusCode === 200) drop(message.accept(), log.warn, 'answer MESSAGE');
  else drop(message.reject(answer), log.warn, 'answer MESSAGE');
}

type Answer = { statusCode: number; reasonPhrase?: string; extraHeaders?: string[] };

function decide(message: Message, board: BoardService | null): Answer {
  const request = message.request;
  if (mediaType(request.getHeader('Content-Type')) !== PRESENCE_CONTENT_TYPE) return { statusCode: 415, extraHeaders: [`Accept: ${PRESENCE_CONTENT_TYPE}`] };
  if (!board) return { statusCode: 403, reasonPhrase: 'Not a supervisor' };
  const verdict = board.receive({
    from: request.from.uri.toString(),
    // Raw: the board's reader bounds it, and an unreadable one is refused, never taken as absent.
    asserted: request.getHeader('P-Asserted-Identity') ?? null,
    body: typeof request.body === 'string' ? request.body : '',
    auth: headerText(request.getHeader(PRESENCE_AUTH_HEADER), 256),
  });
  return { statusCode: verdict.status };
}
