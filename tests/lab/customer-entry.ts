/**
 * Browser entry of the lab's customer phone: the test customer phone (tests/support/customer-phone)
 * plus one lab-only behaviour: on an incoming call it answers `180 Ringing` first, so the agent
 * sees "Ringing…" (and hears ringback) before the lab auto-answers.
 *
 * The phone keeps its UserAgent private; every UserAgent of this page is patched at start() to
 * send the provisional response before the phone's own onInvite runs.
 */
import { UserAgent, type Invitation } from 'sip.js';
import '../support/customer-phone/phone.js';

const originalStart = UserAgent.prototype.start;
UserAgent.prototype.start = function patchedStart(this: UserAgent): Promise<void> {
  const delegate = this.delegate;
  const onInvite = delegate?.onInvite;
  if (delegate && onInvite && !(onInvite as { labRinging?: boolean }).labRinging) {
    const wrapped = (invitation: Invitation): void => {
      invitation.progress().catch(() => undefined);
      onInvite.call(delegate, invitation);
    };
    (wrapped as { labRinging?: boolean }).labRinging = true;
    delegate.onInvite = wrapped;
  }
  return originalStart.call(this);
};
