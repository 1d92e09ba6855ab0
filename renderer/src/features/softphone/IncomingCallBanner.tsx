import { useEffect, useRef } from 'react';
import ringUrl from '../../../../assets/ringtone.wav?url';
import type { CallSessionView } from '../../../../shared/call-session';
import { leadName } from '../../../../shared/lead';
import { useRingside } from '../../store/store';
import { useLeadDetail } from '../leads/use-lead-detail';
import { useApi } from '../../ui/api-context';
import { useRequest } from '../../ui/use-request';

/** Loops the ringtone while mounted; unmounting (no call is incoming any more) stops it. */
function Ringtone() {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    try {
      // Autoplay may be refused before any user gesture (browser mode): the banner still shows.
      const playing = audio.play() as Promise<void> | undefined;
      playing?.catch(() => undefined);
    } catch {
      /* no media support (tests) */
    }
    return () => {
      try {
        audio.pause();
      } catch {
        /* no media support (tests) */
      }
    };
  }, []);
  return <audio ref={ref} src={ringUrl} loop autoPlay className="ringtone" data-testid="ringtone" />;
}

function IncomingRow({ call }: { call: CallSessionView }) {
  const api = useApi();
  const send = useRequest();
  const selectCall = useRingside((s) => s.selectCall);
  // A known caller: show who it is before answering (the lead card pops with it).
  const lead = useLeadDetail(call.leadId)?.lead ?? null;
  const name = lead ? leadName(lead) : call.remoteName || call.remoteUri;
  return (
    <div className="incoming-call">
      <div className="incoming-who">
        <span className="incoming-label">Incoming call</span>
        <span className="incoming-name">{name}</span>
        {lead?.company && lead.company !== name ? <span className="incoming-company">{lead.company}</span> : null}
        {lead ? <span className="incoming-uri">{call.remoteName || call.remoteUri}</span> : null}
        {!lead && call.remoteName && call.remoteName !== call.remoteUri ? <span className="incoming-uri">{call.remoteUri}</span> : null}
      </div>
      <div className="incoming-actions">
        <button
          type="button"
          className="btn btn-accept btn-lg"
          aria-label={`Accept call from ${name}`}
          onClick={() => {
            selectCall(call.id);
            send(api.call.accept(call.id));
          }}
        >
          Accept
        </button>
        <button type="button" className="btn btn-danger btn-lg" aria-label={`Reject call from ${name}`} onClick={() => send(api.call.reject(call.id))}>
          Reject
        </button>
      </div>
    </div>
  );
}

/** A prominent banner (and the ringtone) while any call is ringing at our end. */
export function IncomingCallBanner() {
  const order = useRingside((s) => s.order);
  const calls = useRingside((s) => s.calls);
  const incoming = order.map((id) => calls[id]).filter((c) => c.state === 'incoming');
  if (incoming.length === 0) return null;
  return (
    <section className="incoming-banner" aria-label="Incoming calls">
      {incoming.map((call) => (
        <IncomingRow key={call.id} call={call} />
      ))}
      <Ringtone />
    </section>
  );
}
