import { useEffect, useReducer, useRef } from 'react';
import { useRingside } from '../../store/store';
import { useMedia } from '../../ui/api-context';

function SessionAudio({ sessionId, version }: { sessionId: string; version: number }) {
  const media = useMedia();
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    const stream = media.remoteStream(sessionId);
    if (audio.srcObject !== stream) audio.srcObject = stream;
  }, [media, sessionId, version]);
  useEffect(() => {
    const audio = ref.current;
    return () => {
      if (audio) audio.srcObject = null;
    };
  }, []);
  return <audio ref={ref} autoPlay data-session={sessionId} />;
}

/** One playing <audio> per call session, fed the media engine's remote stream. */
export function RemoteAudio() {
  const media = useMedia();
  const order = useRingside((s) => s.order);
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => media.onStreamsChanged(bump), [media]);
  return (
    <div className="remote-audio" aria-hidden="true">
      {order.map((id) => (
        <SessionAudio key={id} sessionId={id} version={version} />
      ))}
    </div>
  );
}
