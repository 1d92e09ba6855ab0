/**
 * The wait between setLocalDescription and sending the SDP: candidates gathered are written into
 * the local description, so sending earlier would leave the far side nothing to reach us on.
 */
import type { IceTransportPolicy } from '../../../shared/account';
import type { RTCIceServerLike } from '../../../shared/contract';

/** How long UDP host candidates must be quiet before the SDP goes out (no STUN/TURN). */
const HOST_CANDIDATE_QUIET_MS = 8;

/**
 * Relay only: how long past the account's bound we still wait for a first relayed candidate (a
 * TURN server far away), since an SDP without one cannot carry audio at all.
 */
const RELAY_WAIT_MS = 5000;

/** Relay only, past the account's bound: how long after a TURN error another server may still answer. */
const RELAY_ERROR_GRACE_MS = 200;

/** Said when relay-only media found no relayed candidate: the call fails in these words instead of going out silent. */
export const NO_RELAYED_ROUTE =
  'No relayed route for the audio: the TURN server did not answer or refused the credentials — check the TURN address, user and password in Settings';

/**
 * What the SDP waits for: UDP host candidates (no STUN/TURN), gathering with STUN/TURN, or a
 * relayed candidate (relay-only policy).
 */
export type GatherMode = 'host' | 'servers' | 'relay';

export function gatherMode(iceServers: readonly RTCIceServerLike[], policy: IceTransportPolicy): GatherMode {
  if (policy === 'relay') return 'relay';
  return iceServers.length === 0 ? 'host' : 'servers';
}

/** Whether an SDP offers a TURN-relayed candidate. */
export function hasRelayCandidate(sdp: string): boolean {
  return /^a=candidate:\S+ \d+ \S+ \d+ \S+ \d+ typ relay(\s|$)/im.test(sdp);
}

/**
 * Waits until the SDP is worth sending. With no STUN/TURN configured only host candidates can
 * come, and Chromium finds the UDP ones within a few ms but reports "complete" only ~100 ms
 * later, after its TCP candidates (useless to a PBX): so we stop once UDP host candidates have
 * been quiet for a moment. With STUN/TURN we wait for gathering to complete. Either way the
 * account's bound caps the wait — except that relay-only waits on for a first relayed candidate
 * (up to RELAY_WAIT_MS) unless a TURN server already said no.
 */
export function gathered(pc: RTCPeerConnection, timeoutMs: number, mode: GatherMode): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    let quiet: ReturnType<typeof setTimeout> | null = null;
    // A later offer (hold, resume) gathers nothing new: the relayed candidates it has count.
    let relayed = mode === 'relay' && hasRelayCandidate(pc.localDescription?.sdp ?? '');
    let refused = false;
    let overdue = false;
    const done = (): void => {
      clearTimeout(timer);
      clearTimeout(cap);
      if (quiet) clearTimeout(quiet);
      pc.removeEventListener('icegatheringstatechange', check);
      pc.removeEventListener('icecandidate', onCandidate);
      pc.removeEventListener('icecandidateerror', onError);
      resolve();
    };
    const check = (): void => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const onCandidate = (e: RTCPeerConnectionIceEvent): void => {
      if (!e.candidate) return done();
      if (mode === 'host' && e.candidate.type === 'host' && e.candidate.protocol === 'udp') {
        if (quiet) clearTimeout(quiet);
        quiet = setTimeout(done, HOST_CANDIDATE_QUIET_MS);
      }
      if (e.candidate.type === 'relay') {
        relayed = true;
        if (overdue) done();
      }
    };
    const onError = (): void => {
      refused = true;
      if (overdue && !relayed && !quiet) quiet = setTimeout(done, RELAY_ERROR_GRACE_MS);
    };
    const timer = setTimeout(() => {
      if (mode !== 'relay' || relayed || refused) return done();
      overdue = true;
    }, timeoutMs);
    const cap = setTimeout(done, mode === 'relay' ? Math.max(timeoutMs, RELAY_WAIT_MS) : timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
    pc.addEventListener('icecandidate', onCandidate);
    pc.addEventListener('icecandidateerror', onError);
  });
}

/**
 * The local SDP once it is worth sending. Relay only: without a relayed candidate in it the far
 * side could not reach us at all, so this throws NO_RELAYED_ROUTE rather than start a silent call.
 */
export async function gatheredSdp(pc: RTCPeerConnection, timeoutMs: number, mode: GatherMode): Promise<string> {
  await gathered(pc, timeoutMs, mode);
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('No local description');
  if (mode === 'relay' && !hasRelayCandidate(sdp)) throw new Error(NO_RELAYED_ROUTE);
  return sdp;
}
