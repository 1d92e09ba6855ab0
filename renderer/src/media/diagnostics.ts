/**
 * `window.ringsideDiagnostics`: read-only counters and tone analysis for the end-to-end tests
 * and the benchmark, no control. Only a build made for them (`vite build --mode e2e`) loads this
 * module; what users install has neither it nor the global. The tests read it through
 * page.evaluate, so its name and shape are their contract:
 * softphone.test.ts reads `sessions`, `rtpStats` (RTP both ways, hold) and `sparesUsed` (a call
 * went out on the spare offer); supervision-monitor.test.ts reads `heardTones`, `sessions`,
 * `monitorMixes` and `senderTrack`; turn-relay.test.ts reads `selectedCandidates` (the audio goes
 * through the TURN server); tests/support/agent-ui.ts and the bench read `sessions` and `rtpStats`.
 */
import type { MediaEngine } from './engine';
import type { MonitorMixer } from './monitor-mix';

/** What this window plays, by frequency (diagnostics and the monitoring tests). */
export interface HeardTones {
  sampleRate: number;
  /** Samples analysed. */
  samples: number;
  rms: number;
  /** Frequency (Hz) → amplitude, linear full scale. */
  tones: Record<string, number>;
}

/** One end of the candidate pair ICE selected, as getStats reports it. */
export interface SelectedCandidate {
  /** host, srflx, prflx or relay. */
  candidateType: string;
  protocol: string;
  address: string | null;
  port: number | null;
  /** For a relayed candidate: how we reach the TURN server (udp, tcp, tls). */
  relayProtocol: string | null;
}

/** The part of a call's media the diagnostics look at. */
interface DiagnosedCall {
  pc: RTCPeerConnection;
  track: MediaStreamTrack;
  remote: MediaStream;
  transceiver: RTCRtpTransceiver | null;
}

export function installDiagnostics(engine: MediaEngine, sessions: ReadonlyMap<string, DiagnosedCall>, sparesUsed: () => number, mixer: MonitorMixer): void {
  /**
   * Frequency analysis of what this window plays: every call's remote audio (as the <audio>
   * elements play it) plus, on an agent being monitored, the supervisor as mixed for the agent.
   */
  async function heardTones(freqs: number[], ms = 700): Promise<HeardTones> {
    const c = mixer.context();
    let size = 2048;
    while (size < 32768 && size < (ms / 1000) * c.sampleRate) size *= 2;
    const analyser = c.createAnalyser();
    analyser.fftSize = size;
    const sources: AudioNode[] = [];
    for (const [id, media] of sessions) {
      if (mixer.isMonitor(id) || media.remote.getAudioTracks().length === 0) continue;
      const source = c.createMediaStreamSource(media.remote);
      source.connect(analyser);
      sources.push(source);
    }
    const feeds = mixer.agentFeeds();
    for (const feed of feeds) feed.connect(analyser);
    await new Promise((resolve) => setTimeout(resolve, (size / c.sampleRate) * 1000 + 100));
    const samples = new Float32Array(size);
    analyser.getFloatTimeDomainData(samples);
    for (const source of sources) source.disconnect();
    for (const feed of feeds) feed.disconnect(analyser);
    let energy = 0;
    for (const x of samples) energy += x * x;
    const amplitudes = toneAmplitudes(samples, c.sampleRate, freqs);
    return {
      sampleRate: c.sampleRate,
      samples: size,
      rms: Math.sqrt(energy / size),
      tones: Object.fromEntries(freqs.map((f, i) => [String(f), amplitudes[i]])),
    };
  }

  /** The candidate pair a call's audio goes over now; null before ICE has selected one. */
  async function selectedCandidates(id: string): Promise<{ local: SelectedCandidate; remote: SelectedCandidate } | null> {
    const media = sessions.get(id);
    if (!media) return null;
    const stats = await media.pc.getStats();
    let pairId: string | null = null;
    stats.forEach((s: Record<string, unknown>) => {
      if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') pairId = s.selectedCandidatePairId;
    });
    const pair = pairId ? (stats.get(pairId) as Record<string, unknown> | undefined) : undefined;
    if (!pair) return null;
    const candidate = (key: unknown): SelectedCandidate | null => {
      const c = typeof key === 'string' ? (stats.get(key) as Record<string, unknown> | undefined) : undefined;
      if (!c) return null;
      return {
        candidateType: String(c.candidateType),
        protocol: String(c.protocol),
        address: typeof c.address === 'string' ? c.address : null,
        port: typeof c.port === 'number' ? c.port : null,
        relayProtocol: typeof c.relayProtocol === 'string' ? c.relayProtocol : null,
      };
    };
    const local = candidate(pair.localCandidateId);
    const remote = candidate(pair.remoteCandidateId);
    return local && remote ? { local, remote } : null;
  }

  (window as unknown as { ringsideDiagnostics?: unknown }).ringsideDiagnostics = {
    rtpStats: engine.rtpStats,
    sessions: () => [...sessions.keys()],
    sparesUsed,
    selectedCandidates,
    heardTones,
    monitorMixes: () => mixer.mixes(),
    /** Whether a call still sends its own microphone track (barge swaps in a mix). */
    senderTrack: (id: string) => {
      const media = sessions.get(id);
      const track = media?.transceiver?.sender.track ?? null;
      return media ? { trackId: track?.id ?? null, isCallMicrophone: track === media.track } : null;
    },
  };
}

/**
 * Amplitude (linear, full scale 1) of each frequency in `samples`, by Goertzel with a Hann
 * window: a sine of amplitude A at f reads ≈ A.
 */
export function toneAmplitudes(samples: Float32Array, sampleRate: number, freqs: readonly number[]): number[] {
  const n = samples.length;
  const windowed = new Float32Array(n);
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    windowed[i] = samples[i] * w;
    wsum += w;
  }
  return freqs.map((f) => {
    const k = 2 * Math.cos((2 * Math.PI * f) / sampleRate);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const s0 = windowed[i] + k * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const power = Math.max(0, s1 * s1 + s2 * s2 - k * s1 * s2);
    return (2 * Math.sqrt(power)) / wsum;
  });
}
