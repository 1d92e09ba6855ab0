/**
 * The agent's side of listen / whisper / barge: mixes a supervisor's monitoring call
 * with the customer call it listens to, in one Web Audio context.
 *
 *   supervisor hears   agent mic + customer                 (always)
 *   agent hears        customer (as before) + supervisor    (supervisor at gain 0 in listen)
 *   customer hears     agent mic (untouched sender)         listen, whisper
 *                      agent mic + supervisor (a mix)       barge only
 *
 * The monitoring call's sender gets the supervisor mix by replaceTrack; the customer call's
 * sender is replaced only in barge, and given its plain microphone track back on leaving barge:
 * replaceTrack needs no renegotiation, so the customer sees no re-INVITE, ever.
 */
import type { MonitorMode } from '../../../shared/supervision';

/** What the mixer needs of a call's media (the engine's per-session record). */
export interface MixableSession {
  pc: RTCPeerConnection;
  /** This call's microphone track (a clone of the one microphone). */
  track: MediaStreamTrack;
  /** What the far end sends us. */
  remote: MediaStream;
  /** The audio sender (set once the call has negotiated). */
  sender: RTCRtpSender | null;
}

interface Mix {
  monitorId: string;
  targetId: string;
  mode: MonitorMode;
  monitor: MixableSession;
  target: MixableSession;
  nodes: AudioNode[];
  /** Supervisor → agent's ears (0 in listen). */
  toAgent: GainNode;
  /** Supervisor → customer (1 only in barge). */
  toCustomerGain: GainNode;
  toCustomer: MediaStreamAudioDestinationNode;
  /** What the monitoring call sends: agent mic + customer. */
  toSupervisorTrack: MediaStreamTrack;
  /** Muted media elements: Chromium feeds a remote WebRTC stream to Web Audio only while one plays it. */
  keepAlive: HTMLAudioElement[];
}

/** Short ramps, so a gain change is not a click. */
const RAMP_S = 0.01;

export interface MonitorMixer {
  /** Creates or updates the mix of monitoring session `monitorId` with customer session `targetId`. */
  apply(monitorId: string, monitor: MixableSession, targetId: string, target: MixableSession, mode: MonitorMode): Promise<void>;
  /** A session closed: undo the mix it belongs to (monitoring call), or stop feeding it (customer call). */
  release(sessionId: string): void;
  isMonitor(sessionId: string): boolean;
  /** The supervisor's audio as the agent hears it (for the diagnostics tap), per monitoring session. */
  agentFeeds(): AudioNode[];
  mixes(): Array<{ sessionId: string; target: string; mode: MonitorMode }>;
  context(): AudioContext;
  dispose(): void;
}

export function createMonitorMixer(): MonitorMixer {
  let ctx: AudioContext | null = null;
  const mixes = new Map<string, Mix>();

  function context(): AudioContext {
    if (!ctx || ctx.state === 'closed') ctx = new AudioContext({ latencyHint: 'interactive', sampleRate: 48_000 });
    // Browser mode without a user gesture starts suspended; Electron allows autoplay.
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    return ctx;
  }

  function keepAlive(stream: MediaStream): HTMLAudioElement {
    const el = new Audio();
    el.muted = true;
    el.srcObject = stream;
    void el.play().catch(() => undefined);
    return el;
  }

  function source(c: AudioContext, stream: MediaStream, what: string): MediaStreamAudioSourceNode {
    if (stream.getAudioTracks().length === 0) throw new Error(`No audio from ${what} yet`);
    return c.createMediaStreamSource(stream);
  }

  function setGain(node: GainNode, value: number): void {
    const c = node.context;
    node.gain.cancelScheduledValues(c.currentTime);
    node.gain.setTargetAtTime(value, c.currentTime, RAMP_S);
  }

  function build(monitorId: string, monitor: MixableSession, targetId: string, target: MixableSession, mode: MonitorMode): Mix {
    const c = context();
    const agentMic = source(c, new MediaStream([monitor.track]), 'the microphone');
    const customer = source(c, target.remote, 'the customer');
    const supervisor = source(c, monitor.remote, 'the supervisor');
    // The supervisor hears the agent and the customer.
    const toSupervisor = c.createMediaStreamDestination();
    agentMic.connect(toSupervisor);
    customer.connect(toSupervisor);
    // The agent hears the supervisor unless listening.
    const toAgent = c.createGain();
    toAgent.gain.value = 0;
    supervisor.connect(toAgent).connect(c.destination);
    // The customer's barge mix: the customer call's own microphone track (its mute still
    // applies) plus the supervisor. Built now, used only in barge.
    const customerMic = source(c, new MediaStream([target.track]), 'the microphone');
    const toCustomerGain = c.createGain();
    toCustomerGain.gain.value = 0;
    const toCustomer = c.createMediaStreamDestination();
    customerMic.connect(toCustomer);
    supervisor.connect(toCustomerGain).connect(toCustomer);
    const toSupervisorTrack = toSupervisor.stream.getAudioTracks()[0];
    if (!toSupervisorTrack) throw new Error('Web Audio made no track for the supervisor');
    return {
      monitorId,
      targetId,
      mode,
      monitor,
      target,
      nodes: [agentMic, customer, supervisor, toSupervisor, toAgent, customerMic, toCustomerGain, toCustomer],
      toAgent,
      toCustomerGain,
      toCustomer,
      toSupervisorTrack,
      keepAlive: [keepAlive(monitor.remote), keepAlive(target.remote)],
    };
  }

  async function setMode(mix: Mix, mode: MonitorMode): Promise<void> {
    const monitorSender = mix.monitor.sender;
    const customerSender = mix.target.sender;
    if (!monitorSender || !customerSender) throw new Error('The calls have not negotiated audio yet');
    if (monitorSender.track !== mix.toSupervisorTrack) await monitorSender.replaceTrack(mix.toSupervisorTrack);
    // Order matters for "nobody hears what the mode forbids": take away before giving.
    if (mode !== 'barge' && customerSender.track !== mix.target.track) await customerSender.replaceTrack(mix.target.track);
    setGain(mix.toAgent, mode === 'listen' ? 0 : 1);
    setGain(mix.toCustomerGain, mode === 'barge' ? 1 : 0);
    const bargeTrack = mix.toCustomer.stream.getAudioTracks()[0];
    if (mode === 'barge' && bargeTrack && customerSender.track !== bargeTrack) await customerSender.replaceTrack(bargeTrack);
    mix.mode = mode;
  }

  function undo(mix: Mix): void {
    mixes.delete(mix.monitorId);
    mix.toAgent.gain.value = 0;
    mix.toCustomerGain.gain.value = 0;
    // The customer gets the plain microphone back (if that call is still up).
    const sender = mix.target.sender;
    if (sender && mix.target.pc.signalingState !== 'closed' && sender.track !== mix.target.track)
      void sender.replaceTrack(mix.target.track).catch(() => undefined);
    for (const node of mix.nodes) node.disconnect();
    mix.toCustomer.stream.getTracks().forEach((t) => t.stop());
    for (const el of mix.keepAlive) {
      el.pause();
      el.srcObject = null;
    }
    if (mixes.size === 0 && ctx && ctx.state === 'running') void ctx.suspend().catch(() => undefined);
  }

  return {
    async apply(monitorId, monitor, targetId, target, mode) {
      let mix = mixes.get(monitorId);
      if (mix && mix.targetId !== targetId) {
        undo(mix);
        mix = undefined;
      }
      if (!mix) {
        for (const other of mixes.values()) if (other.targetId === targetId) throw new Error('That call is already being monitored');
        mix = build(monitorId, monitor, targetId, target, mode);
        mixes.set(monitorId, mix);
      }
      context();
      try {
        await setMode(mix, mode);
      } catch (error) {
        undo(mix);
        throw error;
      }
    },
    release(sessionId) {
      const own = mixes.get(sessionId);
      if (own) undo(own);
      // A customer call that ends first: its monitoring call is hung up by main; meanwhile
      // nothing more is sent from the dead call's sources.
      for (const mix of [...mixes.values()]) if (mix.targetId === sessionId) undo(mix);
    },
    isMonitor: (id) => mixes.has(id),
    agentFeeds: () => [...mixes.values()].map((m) => m.toAgent),
    mixes: () => [...mixes.values()].map((m) => ({ sessionId: m.monitorId, target: m.targetId, mode: m.mode })),
    context,
    dispose() {
      for (const mix of [...mixes.values()]) undo(mix);
      void ctx?.close().catch(() => undefined);
      ctx = null;
    },
  };
}
