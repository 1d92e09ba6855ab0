// The wait for candidates before an SDP goes out, with a stand-in RTCPeerConnection whose
// candidates and TURN errors the test fires: relay only sends no SDP without a relayed candidate.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gathered, gatheredSdp, gatherMode, hasRelayCandidate, NO_RELAYED_ROUTE } from '../../../renderer/src/media/ice';

const HOST = 'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0';
const RELAY = 'a=candidate:2 1 udp 41885439 127.0.0.2 49160 typ relay raddr 0.0.0.0 rport 0 generation 0';

class FakePc extends EventTarget {
  iceGatheringState: RTCIceGatheringState = 'gathering';
  localDescription: { sdp: string } | null = { sdp: 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n' };
  candidate(line: string | null): void {
    if (line) this.localDescription!.sdp += `${line}\r\n`;
    const type = line ? (/ typ (\w+)/.exec(line)?.[1] ?? null) : null;
    const protocol = line ? line.split(' ')[2] : null;
    this.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: line ? { candidate: line, type, protocol } : null }));
  }
  turnError(): void {
    this.dispatchEvent(Object.assign(new Event('icecandidateerror'), { errorCode: 401, errorText: 'Unauthorized' }));
  }
}

const pcOf = (pc: FakePc) => pc as unknown as RTCPeerConnection;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function settled(p: Promise<unknown>): () => boolean {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  return () => done;
}

describe('ICE gathering', () => {
  it('picks the wait from the servers and the policy', () => {
    expect(gatherMode([], 'all')).toBe('host');
    expect(gatherMode([{ urls: 'stun:s' }], 'all')).toBe('servers');
    expect(gatherMode([{ urls: 'turn:t', username: 'u', credential: 'c' }], 'relay')).toBe('relay');
    expect(hasRelayCandidate(`v=0\r\n${HOST}\r\n`)).toBe(false);
    expect(hasRelayCandidate(`v=0\r\n${HOST}\r\n${RELAY}\r\n`)).toBe(true);
  });

  it('any route: stops at the account bound with what it has', async () => {
    const pc = new FakePc();
    const done = settled(gathered(pcOf(pc), 500, 'servers'));
    await vi.advanceTimersByTimeAsync(499);
    expect(done()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done()).toBe(true);
  });

  it('relay only: a relayed candidate within the bound goes out with the SDP', async () => {
    const pc = new FakePc();
    const sdp = gatheredSdp(pcOf(pc), 500, 'relay');
    pc.candidate(RELAY);
    await vi.advanceTimersByTimeAsync(500);
    await expect(sdp).resolves.toContain('typ relay');
  });

  it('relay only: a TURN server slower than the bound is waited for', async () => {
    const pc = new FakePc();
    const sdp = gatheredSdp(pcOf(pc), 500, 'relay');
    const done = settled(sdp);
    await vi.advanceTimersByTimeAsync(1500);
    expect(done()).toBe(false);
    pc.candidate(RELAY);
    await vi.advanceTimersByTimeAsync(0);
    await expect(sdp).resolves.toContain('typ relay');
  });

  it('relay only: refused credentials fail at the bound with the sentence for the agent', async () => {
    const pc = new FakePc();
    pc.candidate(HOST);
    const sdp = gatheredSdp(pcOf(pc), 500, 'relay');
    const failed = expect(sdp).rejects.toThrow(NO_RELAYED_ROUTE);
    pc.turnError();
    await vi.advanceTimersByTimeAsync(500);
    await failed;
  });

  it('relay only: a TURN server that never answers fails after the longer wait', async () => {
    const pc = new FakePc();
    const sdp = gatheredSdp(pcOf(pc), 500, 'relay');
    const failed = expect(sdp).rejects.toThrow(/^No relayed route for the audio: .* check the TURN address, user and password in Settings$/);
    await vi.advanceTimersByTimeAsync(5000);
    await failed;
  });

  it('relay only: a later offer (hold) with its relayed candidates does not wait longer than the bound', async () => {
    const pc = new FakePc();
    pc.candidate(RELAY);
    const done = settled(gatheredSdp(pcOf(pc), 500, 'relay'));
    await vi.advanceTimersByTimeAsync(500);
    expect(done()).toBe(true);
  });
});
