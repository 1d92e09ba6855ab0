/**
 * The renderer's WebRTC media engine: one RTCPeerConnection per call session, driven by the
 * main process's media requests (the far side of its proxy-sdh.ts). It never talks SIP; it only
 * makes and applies SDP, plays remote audio, mutes, holds and sends DTMF. The microphone, the
 * spare offer, the ICE wait and the diagnostics hooks are the modules next to this one.
 */
import type { MediaReplies, MediaRequest, RingsideApi } from '../../../shared/contract';
import { gatheredSdp, gatherMode, type GatherMode } from './ice';
import { openMicrophone, setMuted } from './mic';
import { createMonitorMixer, type MixableSession } from './monitor-mix';
import { createSpareOffer, type SpareIce } from './spare-offer';

export interface MediaEngine {
  /** The remote audio stream of a session, for an <audio> element; null if none yet. */
  remoteStream(sessionId: string): MediaStream | null;
  /** Subscribe to changes of the set of remote streams. Returns unsubscribe. */
  onStreamsChanged(listener: () => void): () => void;
  /** RTP counters of a session's audio (for diagnostics and tests). */
  rtpStats(sessionId: string): Promise<RtpStats | null>;
  dispose(): void;
}

export interface RtpStats {
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Energy of what we sent (local mic after mute) and received, cumulative. */
  sentAudioEnergy: number | null;
  receivedAudioEnergy: number | null;
  direction: string | null;
  currentDirection: string | null;
  connectionState: string;
}

interface SessionMedia {
  pc: RTCPeerConnection;
  track: MediaStreamTrack;
  remote: MediaStream;
  transceiver: RTCRtpTransceiver | null;
  /** The answer made in set-description, handed out by the next get-description. */
  answered: { sdp: string; hold: boolean } | null;
}

export function startMediaEngine(api: RingsideApi): MediaEngine {
  const sessions = new Map<string, SessionMedia>();
  const streamListeners = new Set<() => void>();
  /** Listen / whisper / barge on the agent's side. */
  const mixer = createMonitorMixer();
  const mic = openMicrophone(() => sessions.size > 0);
  const spares = createSpareOffer();

  const notify = (): void => streamListeners.forEach((l) => l());

  /** Makes media the call's, playing whatever the far side sends on it. */
  function keep(sessionId: string, media: SessionMedia): SessionMedia {
    media.pc.ontrack = (event) => {
      if (!media.remote.getTracks().includes(event.track)) media.remote.addTrack(event.track);
      notify();
    };
    sessions.set(sessionId, media);
    return media;
  }

  async function session(sessionId: string, ice: SpareIce): Promise<SessionMedia> {
    const existing = sessions.get(sessionId);
    if (existing) return existing;
    const track = await mic.callTrack();
    const pc = new RTCPeerConnection({
      iceServers: ice.iceServers,
      iceTransportPolicy: ice.iceTransportPolicy,
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
    });
    return keep(sessionId, { pc, track, remote: new MediaStream(), transceiver: null, answered: null });
  }

  /** Takes the spare for a new outgoing call, if one is ready and fresh. */
  async function takeSpare(sessionId: string, ice: SpareIce): Promise<SessionMedia | null> {
    const ready = await spares.take(ice);
    if (!ready) return null;
    // No track until the microphone is attached below.
    const media: SessionMedia = {
      pc: ready.pc,
      track: null as unknown as MediaStreamTrack,
      remote: new MediaStream(),
      transceiver: ready.transceiver,
      answered: null,
    };
    keep(sessionId, media);
    // Attach the microphone while the INVITE is on its way.
    media.track = await mic.callTrack();
    await media.transceiver?.sender.replaceTrack(media.track);
    return media;
  }

  function audioTransceiver(media: SessionMedia): RTCRtpTransceiver {
    if (media.transceiver) return media.transceiver;
    const found = media.pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio');
    media.transceiver = found ?? media.pc.addTransceiver(media.track, { direction: 'sendrecv' });
    if (found && found.sender.track !== media.track) void found.sender.replaceTrack(media.track);
    return media.transceiver;
  }

  /** Hold = we neither send nor receive (RTP stops both ways), per RFC 3264 `inactive`. */
  function applyDirection(media: SessionMedia, hold: boolean): void {
    audioTransceiver(media).direction = hold ? 'inactive' : 'sendrecv';
  }

  /** Makes our answer to the remote offer just applied; kept for the getDescription that follows. */
  async function answer(media: SessionMedia, iceTimeoutMs: number, mode: GatherMode): Promise<string> {
    const { pc } = media;
    await pc.setLocalDescription(await pc.createAnswer());
    return gatheredSdp(pc, iceTimeoutMs, mode);
  }

  /** What a request's connection is made with. */
  const iceOf = (r: SpareIce): SpareIce => ({ iceServers: r.iceServers, iceTransportPolicy: r.iceTransportPolicy });

  function dtmfInBand(media: SessionMedia): boolean {
    const remote = media.pc.remoteDescription?.sdp ?? '';
    return Boolean(media.transceiver?.sender.dtmf) && /a=rtpmap:\d+ telephone-event\/8000/i.test(remote);
  }

  const handlers: { [K in MediaRequest['op']]: (r: Extract<MediaRequest, { op: K }>) => Promise<MediaReplies[K]> } = {
    'monitor-mix': async (r) => {
      const monitor = sessions.get(r.sessionId);
      const target = sessions.get(r.target);
      if (!monitor) throw new Error('No media for the monitoring call');
      if (!target) throw new Error('No media for the call to monitor');
      await mixer.apply(r.sessionId, mixable(monitor), r.target, mixable(target), r.mode);
      // The supervisor's raw audio is never played as an ordinary call's: only through the mix.
      notify();
      return { mode: r.mode };
    },
    'get-description': async (r) => {
      const ice = iceOf(r);
      if (!sessions.has(r.sessionId) && !r.hold) {
        const ready = await takeSpare(r.sessionId, ice);
        spares.prepare(ice);
        const sdp = ready?.pc.localDescription?.sdp;
        if (ready && sdp) return { sdp, dtmfInBand: false, direction: null };
      }
      const media = await session(r.sessionId, ice);
      const { pc } = media;
      applyDirection(media, r.hold);
      const mode = gatherMode(r.iceServers, r.iceTransportPolicy);
      let sdp: string;
      if (pc.signalingState === 'have-remote-offer') sdp = await answer(media, r.iceTimeoutMs, mode);
      else if (pc.signalingState === 'stable' && media.answered && media.answered.hold === r.hold && !r.iceRestart) sdp = media.answered.sdp;
      else {
        // A restart gathers anew: with the servers of this request (time-limited TURN credentials made now), not the call's first.
        if (r.iceRestart) pc.setConfiguration({ ...pc.getConfiguration(), iceServers: r.iceServers, iceTransportPolicy: r.iceTransportPolicy });
        await pc.setLocalDescription(await pc.createOffer(r.iceRestart ? { iceRestart: true } : undefined));
        sdp = await gatheredSdp(pc, r.iceTimeoutMs, mode);
      }
      media.answered = null;
      return { sdp, dtmfInBand: dtmfInBand(media), direction: audioTransceiver(media).currentDirection ?? null };
    },
    'set-description': async (r) => {
      const ice = iceOf(r);
      if (!sessions.has(r.sessionId)) spares.prepare(ice);
      const media = await session(r.sessionId, ice);
      const { pc } = media;
      const type = pc.signalingState === 'have-local-offer' ? 'answer' : 'offer';
      await pc.setRemoteDescription({ type, sdp: r.sdp });
      let answerSdp: string | null = null;
      if (type === 'offer') {
        applyDirection(media, r.hold);
        // sip.js asks for our answer right after this: make it now and save an IPC round trip.
        answerSdp = await answer(media, r.iceTimeoutMs, gatherMode(r.iceServers, r.iceTransportPolicy));
        media.answered = { sdp: answerSdp, hold: r.hold };
      }
      return { dtmfInBand: dtmfInBand(media), direction: audioTransceiver(media).currentDirection ?? null, answer: answerSdp };
    },
    'send-dtmf': async (r) => {
      const media = sessions.get(r.sessionId);
      const dtmf = media?.transceiver?.sender.dtmf;
      if (!dtmf || !dtmf.canInsertDTMF) return { sent: false };
      dtmf.insertDTMF(r.tones, Math.max(40, Math.min(6000, r.durationMs)), Math.max(30, r.gapMs));
      return { sent: true };
    },
    'set-mute': async (r) => {
      const media = sessions.get(r.sessionId);
      if (!media) throw new Error('No media for this call');
      return { muted: setMuted(media.track, r.muted) };
    },
    rollback: async (r) => {
      const media = sessions.get(r.sessionId);
      if (media && media.pc.signalingState !== 'stable') await media.pc.setLocalDescription({ type: 'rollback' });
      return {};
    },
    close: async (r) => {
      const media = sessions.get(r.sessionId);
      if (media) {
        mixer.release(r.sessionId);
        sessions.delete(r.sessionId);
        media.pc.close();
        media.track?.stop();
        notify();
        mic.releaseWhenIdle();
        // A call just ended: the next one (progressive, redial) is likely soon.
        spares.prepareAfterCall();
      }
      return {};
    },
  };

  const unsubscribe = api.media.onRequest((request) => {
    const handler = handlers[request.op] as (r: MediaRequest) => Promise<object>;
    handler(request)
      .then(
        (value) => api.media.respond({ requestId: request.requestId, ok: true, value: value as Record<string, unknown> }),
        (error: unknown) => api.media.respond({ requestId: request.requestId, ok: false, message: error instanceof Error ? error.message : String(error) }),
      )
      .catch((error: unknown) => console.error('[ringside] media reply failed', error));
  });

  function mixable(media: SessionMedia): MixableSession {
    return { pc: media.pc, track: media.track, remote: media.remote, sender: media.transceiver?.sender ?? null };
  }

  const engine: MediaEngine = {
    remoteStream: (id) => (mixer.isMonitor(id) ? null : (sessions.get(id)?.remote ?? null)),
    onStreamsChanged(listener) {
      streamListeners.add(listener);
      return () => streamListeners.delete(listener);
    },
    async rtpStats(id) {
      const media = sessions.get(id);
      if (!media) return null;
      const stats = await media.pc.getStats();
      const out: RtpStats = {
        packetsSent: 0,
        packetsReceived: 0,
        bytesSent: 0,
        bytesReceived: 0,
        sentAudioEnergy: null,
        receivedAudioEnergy: null,
        direction: media.transceiver?.direction ?? null,
        currentDirection: media.transceiver?.currentDirection ?? null,
        connectionState: media.pc.connectionState,
      };
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type === 'outbound-rtp' && s.kind === 'audio') {
          out.packetsSent += Number(s.packetsSent ?? 0);
          out.bytesSent += Number(s.bytesSent ?? 0);
        } else if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          out.packetsReceived += Number(s.packetsReceived ?? 0);
          out.bytesReceived += Number(s.bytesReceived ?? 0);
          if (typeof s.totalAudioEnergy === 'number') out.receivedAudioEnergy = s.totalAudioEnergy;
        } else if (s.type === 'media-source' && s.kind === 'audio' && typeof s.totalAudioEnergy === 'number') {
          out.sentAudioEnergy = s.totalAudioEnergy;
        }
      });
      return out;
    },
    dispose() {
      unsubscribe();
      spares.dispose();
      for (const id of [...sessions.keys()]) void handlers.close({ op: 'close', requestId: 'dispose', sessionId: id });
      mixer.dispose();
    },
  };
  // Vite replaces MODE at build time, so a user's build drops this branch and the module with it.
  if (import.meta.env.MODE === 'e2e') void import('./diagnostics').then((d) => d.installDiagnostics(engine, sessions, () => spares.used(), mixer));
  return engine;
}
