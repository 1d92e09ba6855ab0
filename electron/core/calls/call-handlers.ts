/** The call requests, and the media engine's replies, for the call manager and the media bridge. */
import { RingsideError } from '../../../shared/result.js';
import type { CallManager } from './call-manager.js';
import type { ChannelsOf, Handlers } from '../ipc/router.js';
import type { Logger } from '../lib/logger.js';
import type { MediaBridge } from '../media/media-bridge.js';

export function callHandlers(calls: CallManager, bridge: MediaBridge, log: Logger): Handlers<ChannelsOf<'call'> | ChannelsOf<'media'>> {
  return {
    // The dial policy refuses a new call while the last one waits for its disposition.
    'call:dial': (p) => calls.dial(p.target, { leadId: null, path: 'manual' }),
    'call:accept': (p) => calls.accept(p.id),
    'call:reject': (p) => calls.reject(p.id),
    'call:hangup': (p) => calls.hangup(p.id),
    'call:hold': (p) => calls.hold(p.id, p.hold),
    'call:mute': (p) => calls.mute(p.id, p.muted),
    'call:dtmf': (p) => calls.dtmf(p.id, p.tones),
    'call:transfer': (p) => calls.transfer(p.id, p.target),
    'call:switch': (p) => calls.switchTo(p.id),
    'call:redial': (p) => {
      const before = calls.list().find((c) => c.id === p.id);
      if (!before) throw new RingsideError('no-such-call', 'That call is no longer in the list.');
      return calls.dial(before.remoteUri, { leadId: before.leadId, path: 'redial' });
    },
    'call:dial-link': (p) => calls.dial(p.url, { leadId: null, path: 'link' }),
    'call:dismiss': (p) => {
      calls.dismiss(p.id);
      return null;
    },
    'media:respond': (reply) => {
      if (!bridge.respond(reply)) log.warn(`media reply for unknown request ${reply.requestId} ignored`);
      return null;
    },
  };
}
