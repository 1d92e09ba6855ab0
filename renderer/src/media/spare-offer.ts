/**
 * A spare connection with its offer already made and its candidates gathered, so dialling
 * does not wait for createOffer + ICE: the INVITE can leave at once. It has no microphone
 * track (the mic is not opened for it); the call's track is attached with replaceTrack, which
 * needs no renegotiation. Replaced after use and when it gets old.
 */
import type { IceTransportPolicy } from '../../../shared/account';
import type { RTCIceServerLike } from '../../../shared/contract';
import { gathered, gatherMode, hasRelayCandidate } from './ice';

/** A spare offer older than this is remade (addresses may have changed). */
const SPARE_MAX_AGE_MS = 5 * 60_000;
/** The spare is made this long after a call starts, out of that call's set-up path. */
const SPARE_DELAY_MS = 400;

/** What a spare is made with, and so which calls it fits. */
export interface SpareIce {
  iceServers: RTCIceServerLike[];
  iceTransportPolicy: IceTransportPolicy;
}

/** A connection in have-local-offer, its one audio transceiver sending nothing yet. */
export interface SpareConnection {
  pc: RTCPeerConnection;
  transceiver: RTCRtpTransceiver;
}

export interface SpareOffer {
  /** A call is starting: have a spare for these ICE servers and this policy ready for the next one. */
  prepare(ice: SpareIce): void;
  /** A call has ended: have a spare ready at once, for the ICE servers and policy of the last call. */
  prepareAfterCall(): void;
  /**
   * Takes the spare for a new outgoing call, if one is ready, fresh and made with the same ICE
   * servers and policy; a relay-only spare that got no relayed candidate is never handed out.
   */
  take(ice: SpareIce): Promise<SpareConnection | null>;
  /** How many calls went out on a spare. */
  used(): number;
  dispose(): void;
}

export function createSpareOffer(): SpareOffer {
  let spare: { media: Promise<SpareConnection>; key: string; createdAt: number } | null = null;
  let spareTimer: ReturnType<typeof setTimeout> | null = null;
  let sparesUsed = 0;
  /** The ICE servers and policy of the last call, for a spare made when no call asks. */
  let lastIce: SpareIce | null = null;
  // The policy is part of the key: a spare gathered for any route must not go out on a relay-only call, nor the reverse.
  const keyOf = (ice: SpareIce): string => JSON.stringify([ice.iceTransportPolicy, ice.iceServers]);

  function prepareSpare(ice: SpareIce, delayMs: number): void {
    lastIce = ice;
    const key = keyOf(ice);
    // Already on its way, or one is ready and fresh: keep it.
    if (spareTimer) return;
    if (spare && spare.key === key && Date.now() - spare.createdAt < SPARE_MAX_AGE_MS) return;
    spareTimer = setTimeout(() => {
      spareTimer = null;
      const old = spare;
      spare = null;
      void old?.media.then((m) => m.pc.close()).catch(() => undefined);
      const media = (async (): Promise<SpareConnection> => {
        const pc = new RTCPeerConnection({
          iceServers: ice.iceServers,
          iceTransportPolicy: ice.iceTransportPolicy,
          bundlePolicy: 'max-bundle',
          rtcpMuxPolicy: 'require',
        });
        const transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
        await pc.setLocalDescription(await pc.createOffer());
        await gathered(pc, 2000, gatherMode(ice.iceServers, ice.iceTransportPolicy));
        return { pc, transceiver };
      })();
      media.catch(() => undefined);
      spare = { media, key, createdAt: Date.now() };
    }, delayMs);
  }

  return {
    prepare: (ice) => prepareSpare(ice, SPARE_DELAY_MS),
    prepareAfterCall() {
      if (lastIce) prepareSpare(lastIce, 0);
    },
    async take(ice) {
      const s = spare;
      if (!s || s.key !== keyOf(ice) || Date.now() - s.createdAt > SPARE_MAX_AGE_MS) return null;
      spare = null;
      const media = await s.media.catch(() => null);
      // Relay only: a spare whose TURN allocation failed is dropped, so the call's own offer says why.
      const unrelayed = ice.iceTransportPolicy === 'relay' && !hasRelayCandidate(media?.pc.localDescription?.sdp ?? '');
      if (!media || media.pc.signalingState !== 'have-local-offer' || media.pc.iceGatheringState === 'new' || unrelayed) {
        media?.pc.close();
        return null;
      }
      sparesUsed += 1;
      return media;
    },
    used: () => sparesUsed,
    dispose() {
      if (spareTimer) clearTimeout(spareTimer);
      void spare?.media.then((m) => m.pc.close()).catch(() => undefined);
    },
  };
}
