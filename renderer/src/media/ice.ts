/**
 * The wait between setLocalDescription and sending the SDP: candidates gathered are written into
 * the local description, so sending earlier would leave the far side nothing to reach us on.
 */

/** How long UDP host candidates must be quiet before the SDP goes out (no STUN/TURN). */
const HOST_CANDIDATE_QUIET_MS = 8;

/**
 * Waits until the SDP is worth sending. With no STUN/TURN configured only host candidates can
 * come, and Chromium finds the UDP ones within a few ms but reports "complete" only ~100 ms
 * later, after its TCP candidates (useless to a PBX): so we stop once UDP host candidates have
 * been quiet for a moment. With STUN/TURN we wait for gathering to complete. Either way the
 * account's bound caps the wait.
 */
export function gathered(pc: RTCPeerConnection, timeoutMs: number, hostOnly: boolean): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    let quiet: ReturnType<typeof setTimeout> | null = null;
    const done = (): void => {
      clearTimeout(timer);
      if (quiet) clearTimeout(quiet);
      pc.removeEventListener('icegatheringstatechange', check);
      pc.removeEventListener('icecandidate', onCandidate);
      resolve();
    };
    const check = (): void => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const onCandidate = (e: RTCPeerConnectionIceEvent): void => {
      if (!e.candidate) return done();
      if (hostOnly && e.candidate.type === 'host' && e.candidate.protocol === 'udp') {
        if (quiet) clearTimeout(quiet);
        quiet = setTimeout(done, HOST_CANDIDATE_QUIET_MS);
      }
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
    pc.addEventListener('icecandidate', onCandidate);
  });
}
