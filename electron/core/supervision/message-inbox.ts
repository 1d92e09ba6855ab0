/**
 * Answers out-of-dialog SIP MESSAGEs: agent state goes to the board (200 accepted, 403 refused
 * sender or secret, 400 invalid body); a non-supervisor refuses agent state (403); any other
 * content type is 415. Every header read here is untrusted.
 */
import type { Message } from 'sip.js';
import { PRESENCE_AUTH_HEADER, PRESENCE_CONTENT_TYPE } from '../../../shared/supervision.js';
import { drop } from '../lib/drop.js';
import type { Logger } from '../lib/logger.js';
import type { BoardService } from './board-service.js';

export function answerSipMessage(message: Message, board: BoardService | null, log: Logger): void {
  const request = message.request;
  const type = (request.getHeader('Content-Type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== PRESENCE_CONTENT_TYPE) {
    drop(message.reject({ statusCode: 415, extraHeaders: [`Accept: ${PRESENCE_CONTENT_TYPE}`] }), log.warn, 'answer MESSAGE');
    return;
  }
  if (!board) {
    drop(message.reject({ statusCode: 403, reasonPhrase: 'Not a supervisor' }), log.warn, 'answer MESSAGE');
    return;
  }
  const verdict = board.receive({
    from: request.from.uri.toString(),
    asserted: request.getHeader('P-Asserted-Identity') ?? null,
    body: typeof request.body === 'string' ? request.body : '',
    auth: request.getHeader(PRESENCE_AUTH_HEADER) ?? null,
  });
  if (verdict.status === 200) drop(message.accept(), log.warn, 'answer MESSAGE');
  else drop(message.reject({ statusCode: verdict.status }), log.warn, 'answer MESSAGE');
}
