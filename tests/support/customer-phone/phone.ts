/**
 * Simulated CUSTOMER PHONE: a real SIP user agent (sip.js over WebSocket) with real WebRTC
 * media, running in its own Chromium page. Driven from tests through `page.evaluate`
 * on `window.phone` (see the CustomerPhone interface below).
 *
 * DTMF detection works on the RECEIVED AUDIO: Chromium's NetEq renders incoming RFC 4733
 * telephone-events as dual tones, and a Goertzel detector on the remote stream turns them
 * back into digits. Digits received via SIP INFO (application/dtmf-relay) are recorded
 * separately.
 */
import { Invitation, Inviter, Registerer, RegistererState, SessionState, UserAgent, type Session, type Web } from 'sip.js';

export type CallState = 'idle' | 'ringing-in' | 'calling' | 'established' | 'terminated';

export interface StartOptions {
  /** Kamailio WebSocket URL, e.g. ws://127.0.0.1:8080 */
  wsUrl: string;
  /** Address of record, `sip:customer1@127.0.0.1` or `customer1@127.0.0.1`. */
  aor: string;
  /** Authorization user name. */
  user: string;
  password: string;
  /** Accept incoming calls automatically (default false). */
  autoAnswer?: boolean;
  /** Delay before auto-answering (default 0 ms). */
  answerDelayMs?: number;
  /** Display name in From (default: user). */
  displayName?: string;
  /** ICE gathering timeout in ms (default 500). */
  iceGatheringTimeoutMs?: number;
  /** STUN/TURN servers for this phone's calls (default none). */
  iceServers?: RTCIceServer[];
  /** 'relay': only TURN-relayed candidates, as a customer behind a hostile NAT would have (default 'all'). */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

export interface PhoneState {
  registered: boolean;
  callState: CallState;
  lastStatusCode: number | null;
  /** Number of initial INVITEs received (incoming calls). */
  calls: number;
  /** True once the current/last call was ended by a BYE from the other side. */
  byeReceived: boolean;
  /** Remote identity of the current/last call (user part of the URI), if any. */
  remoteUser: string | null;
  /** True while this phone has put the call on hold. */
  onHold: boolean;
}

export interface RtpStats {
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
  totalAudioEnergy: number;
  audioLevel: number;
  direction: RTCRtpTransceiverDirection | null;
  currentDirection: RTCRtpTransceiverDirection | null;
  /** Addresses of the nominated ICE candidate pair, e.g. "127.0.0.1:50000 host/udp". */
  localCandidate: string | null;
  remoteCandidate: string | null;
}

export interface PhoneEvent {
  t: number;
  /** ms since page load */
  rel: number;
  type: string;
  detail?: string;
}

export interface DtmfDetection {
  digit: string;
  rel: number;
  /** fraction of window energy in the two detected tones (0..1) */
  fraction: number;
  /** RMS level of the window (linear, full scale = 1) */
  rms: number;
  /** number of consecutive analysis windows the tone had been seen when reported */
  blocks: number;
}

export interface CustomerPhone {
  ready: boolean;
  start(opts: StartOptions): Promise<void>;
  stop(): Promise<void>;
  call(target: string): Promise<void>;
  answer(): Promise<void>;
  reject(code?: number): Promise<void>;
  hangup(): Promise<void>;
  hold(on: boolean): Promise<void>;
  sendDtmf(tones: string, durationMs?: number, gapMs?: number): Promise<boolean>;
  sendInfoDtmf(tones: string): Promise<void>;
  state(): PhoneState;
  rtpStats(): Promise<RtpStats>;
  dtmfReceived(): string;
  dtmfDetections(): DtmfDetection[];
  dtmfTrace(): DtmfTraceEntry[];
  infoDtmfReceived(): string;
  clearDtmf(): void;
  events(): PhoneEvent[];
}

// ---------------------------------------------------------------------------------------------
// Event log and text-only rendering

const t0 = performance.now();
const eventLog: PhoneEvent[] = [];

function $(id: string): HTMLElement | null {
  return document.getElementById(id);
}

function log(type: string, detail?: string): void {
  const ev: PhoneEvent = { t: Date.now(), rel: Math.round(performance.now() - t0), type, detail };
  eventLog.push(ev);
  if (eventLog.length > 2000) eventLog.shift();
  const el = $('log');
  if (el)
    el.textContent = eventLog
      .slice(-40)
      .map((e) => `${e.rel} ${e.type}${e.detail ? ' ' + e.detail : ''}`)
      .join('\n');
}

function render(): void {
  const s = $('status');
  if (s) s.textContent = `${registered ? 'registered' : 'unregistered'} / ${callState}${onHold ? ' (hold)' : ''}`;
  const d = $('dtmf');
  if (d) d.textContent = `${dtmfDigits} | INFO: ${infoDigits}`;
}

// ---------------------------------------------------------------------------------------------
// SIP

let ua: UserAgent | undefined;
let registerer: Registerer | undefined;
let opts: StartOptions | undefined;
let session: Session | undefined;
let registered = false;
let callState: CallState = 'idle';
let lastStatusCode: number | null = null;
let incomingCalls = 0;
let byeReceived = false;
let remoteUser: string | null = null;
let onHold = false;
let heldTrack: MediaStreamTrack | null = null;

function setCallState(s: CallState): void {
  if (callState !== s) log('call-state', s);
  callState = s;
  render();
}

function normalizeAor(aor: string): string {
  return aor.startsWith('sip:') || aor.startsWith('sips:') ? aor : `sip:${aor}`;
}

function sdh(): Web.SessionDescriptionHandler | undefined {
  return session?.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
}

function pc(): RTCPeerConnection | undefined {
  return sdh()?.peerConnection;
}

function attachSession(s: Session): void {
  session = s;
  byeReceived = false;
  onHold = false;
  heldTrack = null;
  remoteUser = s.remoteIdentity?.uri?.user ?? null;
  s.delegate = {
    onBye(bye) {
      log('bye-received');
      byeReceived = true;
      bye.accept().catch((e) => log('error', `bye.accept: ${String(e)}`));
    },
    onInfo(info) {
      const ct = info.request.getHeader('Content-Type') ?? '';
      const body = info.request.body ?? '';
      log('info-received', `${ct} ${body.replace(/\s+/g, ' ').trim()}`);
      let digit: string | undefined;
      const m = /Signal\s*=\s*([0-9A-D*#])/i.exec(body);
      if (m) digit = m[1].toUpperCase();
      else if (/application\/dtmf\b/i.test(ct) && /^\s*[0-9A-D*#]\s*$/i.test(body)) digit = body.trim().toUpperCase();
      if (digit) {
        infoDigits += digit;
        render();
      }
      info.accept().catch((e) => log('error', `info.accept: ${String(e)}`));
    },
    onInvite() {
      log('reinvite-received', pc()?.getTransceivers()[0]?.direction ?? '');
    },
  };
  s.stateChange.addListener((st) => {
    if (session !== s) return;
    log('session-state', st);
    if (st === SessionState.Established) {
      setCallState('established');
      attachRemoteAudio();
      const p = pc();
      if (p) {
        p.addEventListener('connectionstatechange', () => log('pc-connection', p.connectionState));
        p.addEventListener('iceconnectionstatechange', () => log('pc-ice', p.iceConnectionState));
        p.addEventListener('icecandidate', (e) => {
          if (e.candidate) log('local-candidate', e.candidate.candidate);
        });
        p.addEventListener('track', () => attachRemoteAudio());
      }
    } else if (st === SessionState.Terminated) {
      setCallState('terminated');
      detachRemoteAudio();
    }
  });
}

async function start(o: StartOptions): Promise<void> {
  if (ua) await stop();
  opts = o;
  const uri = UserAgent.makeURI(normalizeAor(o.aor));
  if (!uri) throw new Error(`invalid aor ${o.aor}`);
  const iceGatheringTimeout = o.iceGatheringTimeoutMs ?? 500;
  ua = new UserAgent({
    uri,
    authorizationUsername: o.user,
    authorizationPassword: o.password,
    displayName: o.displayName ?? o.user,
    transportOptions: { server: o.wsUrl },
    logBuiltinEnabled: false,
    logLevel: 'warn',
    logConnector: (level, category, _label, content) => {
      if (level === 'error' || level === 'warn') log(`sip-${level}`, `${category}: ${content}`);
    },
    sessionDescriptionHandlerFactoryOptions: {
      iceGatheringTimeout,
      peerConnectionConfiguration: { iceServers: o.iceServers ?? [], iceTransportPolicy: o.iceTransportPolicy ?? 'all' },
    },
    delegate: {
      onInvite(invitation: Invitation) {
        incomingCalls++;
        const from = invitation.remoteIdentity.uri.user ?? '';
        log('invite-received', from);
        if (session && (callState === 'ringing-in' || callState === 'calling' || callState === 'established')) {
          log('busy', `rejecting ${from} with 486`);
          invitation.reject({ statusCode: 486 }).catch(() => undefined);
          return;
        }
        attachSession(invitation);
        lastStatusCode = null;
        setCallState('ringing-in');
        if (opts?.autoAnswer) {
          const delay = opts.answerDelayMs ?? 0;
          setTimeout(() => {
            if (session === invitation && callState === 'ringing-in') {
              answer().catch((e) => log('error', `auto-answer: ${String(e)}`));
            }
          }, delay);
        }
      },
      onConnect() {
        log('transport-connected');
      },
      onDisconnect(err) {
        log('transport-disconnected', err ? String(err) : '');
        registered = false;
        render();
      },
    },
  });
  await ua.start();
  registerer = new Registerer(ua, { expires: 300 });
  const registeredPromise = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('registration timed out')), 10000);
    registerer!.stateChange.addListener((st) => {
      log('registerer-state', st);
      registered = st === RegistererState.Registered;
      render();
      if (st === RegistererState.Registered) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await registerer.register({
    requestDelegate: {
      onReject(res) {
        lastStatusCode = res.message.statusCode ?? null;
        log('register-rejected', String(res.message.statusCode));
      },
    },
  });
  await registeredPromise;
}

async function stop(): Promise<void> {
  if (session && callState !== 'terminated' && callState !== 'idle') await hangup().catch(() => undefined);
  if (registerer) await registerer.unregister().catch(() => undefined);
  if (ua) await ua.stop().catch(() => undefined);
  ua = undefined;
  registerer = undefined;
  registered = false;
  render();
}

async function call(target: string): Promise<void> {
  if (!ua) throw new Error('phone not started');
  const uri = UserAgent.makeURI(normalizeAor(target));
  if (!uri) throw new Error(`invalid target ${target}`);
  const inviter = new Inviter(ua, uri, {
    sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
  });
  attachSession(inviter);
  remoteUser = uri.user ?? null;
  lastStatusCode = null;
  setCallState('calling');
  log('call', target);
  await inviter.invite({
    requestDelegate: {
      onProgress(res) {
        lastStatusCode = res.message.statusCode ?? null;
        log('progress', String(res.message.statusCode));
      },
      onAccept(res) {
        lastStatusCode = res.message.statusCode ?? null;
        log('accepted', String(res.message.statusCode));
      },
      onReject(res) {
        lastStatusCode = res.message.statusCode ?? null;
        log('rejected', `${res.message.statusCode} ${res.message.reasonPhrase}`);
      },
    },
  });
}

async function answer(): Promise<void> {
  const s = session;
  if (!(s instanceof Invitation) || s.state !== SessionState.Initial) throw new Error('no pending incoming call');
  log('answer');
  await s.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
  lastStatusCode = 200;
}

async function reject(code = 486): Promise<void> {
  const s = session;
  if (!(s instanceof Invitation) || s.state !== SessionState.Initial) throw new Error('no pending incoming call');
  log('reject', String(code));
  await s.reject({ statusCode: code });
  lastStatusCode = code;
}

async function hangup(): Promise<void> {
  const s = session;
  if (!s) return;
  log('hangup', s.state);
  switch (s.state) {
    case SessionState.Initial:
    case SessionState.Establishing:
      if (s instanceof Inviter) await s.cancel();
      else if (s instanceof Invitation) await s.reject({ statusCode: 486 });
      break;
    case SessionState.Established:
      await s.bye();
      break;
    default:
      break;
  }
}

/**
 * Hold via re-INVITE (sip.js offers a=sendonly; the other side answers a=recvonly).
 * While on hold this phone also detaches its microphone track from the RTP sender, so no RTP
 * flows in either direction (no music on hold). Unhold restores the track and offers sendrecv.
 */
async function hold(on: boolean): Promise<void> {
  const s = session;
  if (!s || s.state !== SessionState.Established) throw new Error('no established call');
  s.sessionDescriptionHandlerOptionsReInvite = { hold: on } as Web.SessionDescriptionHandlerOptions;
  log('hold', String(on));
  await new Promise<void>((resolve, reject) => {
    s.invite({
      requestDelegate: {
        onAccept(res) {
          lastStatusCode = res.message.statusCode ?? null;
          resolve();
        },
        onReject(res) {
          lastStatusCode = res.message.statusCode ?? null;
          reject(new Error(`re-INVITE rejected: ${res.message.statusCode}`));
        },
      },
    }).catch(reject);
  });
  const sender = pc()?.getSenders()[0];
  if (sender) {
    if (on && sender.track) {
      heldTrack = sender.track;
      await sender.replaceTrack(null);
    } else if (!on && heldTrack) {
      await sender.replaceTrack(heldTrack);
      heldTrack = null;
    }
  }
  onHold = on;
  log('hold-done', `${on} direction=${pc()?.getTransceivers()[0]?.currentDirection ?? '?'}`);
  render();
}

async function sendDtmf(tones: string, durationMs = 100, gapMs = 70): Promise<boolean> {
  const h = sdh();
  if (!h) throw new Error('no call');
  log('send-dtmf', tones);
  return h.sendDtmf(tones, { duration: durationMs, interToneGap: gapMs });
}

async function sendInfoDtmf(tones: string): Promise<void> {
  const s = session;
  if (!s || s.state !== SessionState.Established) throw new Error('no established call');
  for (const tone of tones) {
    log('send-info-dtmf', tone);
    await s.info({
      requestOptions: {
        body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${tone}\r\nDuration=100\r\n` },
      },
    });
  }
}

function state(): PhoneState {
  return { registered, callState, lastStatusCode, calls: incomingCalls, byeReceived, remoteUser, onHold };
}

async function rtpStats(): Promise<RtpStats> {
  const out: RtpStats = {
    packetsSent: 0,
    bytesSent: 0,
    packetsReceived: 0,
    bytesReceived: 0,
    totalAudioEnergy: 0,
    audioLevel: 0,
    direction: null,
    currentDirection: null,
    localCandidate: null,
    remoteCandidate: null,
  };
  const p = pc();
  if (!p) return out;
  const tr = p.getTransceivers()[0];
  out.direction = tr?.direction ?? null;
  out.currentDirection = tr?.currentDirection ?? null;
  const report = await p.getStats();
  // getStats entries are loose dictionaries whose fields depend on their type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const byId = new Map<string, any>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  report.forEach((r: any) => byId.set(r.id, r));
  let pairId: string | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  report.forEach((r: any) => {
    if (r.type === 'outbound-rtp' && r.kind === 'audio') {
      out.packetsSent += r.packetsSent ?? 0;
      out.bytesSent += r.bytesSent ?? 0;
    } else if (r.type === 'inbound-rtp' && r.kind === 'audio') {
      out.packetsReceived += r.packetsReceived ?? 0;
      out.bytesReceived += r.bytesReceived ?? 0;
      out.totalAudioEnergy += r.totalAudioEnergy ?? 0;
      out.audioLevel = Math.max(out.audioLevel, r.audioLevel ?? 0);
    } else if (r.type === 'transport' && r.selectedCandidatePairId) {
      pairId = r.selectedCandidatePairId;
    }
  });
  const pair = pairId ? byId.get(pairId) : undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const fmt = (c: any) => (c ? `${c.address ?? c.ip}:${c.port} ${c.candidateType}/${c.protocol}` : null);
  if (pair) {
    out.localCandidate = fmt(byId.get(pair.localCandidateId));
    out.remoteCandidate = fmt(byId.get(pair.remoteCandidateId));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// DTMF detection on received audio (Goertzel in an AudioWorklet)
//
// The detector runs on the audio rendering thread (AudioWorklet): a ScriptProcessorNode on the
// main thread drops/glitches audio whenever the page is busy, which split or swallowed tones.

/** Detection thresholds (see DTMF_WORKLET for how they are used). */
export const DTMF_THRESHOLDS = {
  /**
   * analysis window in seconds: 16 ms (62.5 Hz bins; the closest DTMF frequencies are 73 Hz
   * apart, where a rectangular window leaks < 1 %). NetEq's rendered tones for 100 ms events
   * are sometimes only ~50 ms clean, so longer windows miss digits.
   */
  windowSeconds: 0.016,
  /** a new (overlapping) window is analysed every hopSeconds */
  hopSeconds: 0.004,
  /** minimum RMS of a window (≈ -40 dBFS; NetEq renders tones at ≈ 0.13 RMS) */
  minRms: 0.01,
  /** the two tones must carry at least this fraction of the window energy */
  minFraction: 0.5,
  /** each tone must carry at least this fraction of the window energy (limits twist) */
  minToneFraction: 0.12,
  /**
   * the strongest row/col tone must exceed the next one in its group by this factor (~5 dB).
   * Rows are only 73-89 Hz apart: windows at a tone's edges (tone covering part of the window)
   * leak into the neighbouring row at ratios of 2-5, full windows give 20-500.
   */
  minGroupRatio: 3,
  /**
   * consecutive windows with the same digit needed to report it (16 + 4 = 20 ms of clean tone).
   * NetEq occasionally renders a 100 ms RFC 4733 event as only ~25-30 ms of tone.
   */
  onWindows: 2,
  /**
   * consecutive windows without a digit before the same digit can be reported again
   * (5 → a repeated key needs a gap of ≥ ~36 ms; short glitches inside one tone are bridged)
   */
  offWindows: 5,
  /**
   * the same digit is not reported twice within this time (onset to onset), which bridges
   * dropouts inside one rendered tone; RTCDTMFSender's default cycle is 100 + 70 = 170 ms
   */
  minRepeatMs: 120,
};

const DTMF_WORKLET = `
const ROWS = [697, 770, 852, 941];
const COLS = [1209, 1336, 1477, 1633];
const KEYS = ['123A', '456B', '789C', '*0#D'];
class DtmfDetector extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const c = options.processorOptions;
    this.c = c;
    this.n = Math.round(sampleRate * c.windowSeconds);
    this.hop = Math.max(1, Math.round(sampleRate * c.hopSeconds));
    this.ring = new Float32Array(this.n);
    this.win = new Float32Array(this.n);
    this.pos = 0;
    this.sinceHop = 0;
    this.frames = 0;
    this.coeffs = ROWS.concat(COLS).map((f) => 2 * Math.cos((2 * Math.PI * f) / sampleRate));
    this.candidate = null; this.count = 0; this.best = null; this.reported = null; this.off = 0;
    this.lastDigit = null; this.lastFrame = 0;
    this.trace = [];
    this.port.postMessage({ type: 'info', sampleRate, window: this.n, hop: this.hop });
  }
  classify(x) {
    const c = this.c, n = x.length;
    let energy = 0;
    for (let i = 0; i < n; i++) energy += x[i] * x[i];
    const rms = Math.sqrt(energy / n);
    const t = Math.round((this.frames / sampleRate) * 1000);
    if (rms < c.minRms) {
      this.trace.push({ t, rms: +rms.toFixed(4), fraction: 0, best: '', rowRatio: 0, colRatio: 0, ok: false });
      return { digit: null, fraction: 0, rms };
    }
    const p = this.coeffs.map((k) => {
      let s1 = 0, s2 = 0;
      for (let i = 0; i < n; i++) { const s0 = x[i] + k * s1 - s2; s2 = s1; s1 = s0; }
      return (2 * (s1 * s1 + s2 * s2 - k * s1 * s2)) / n;
    });
    const best = (a) => {
      let i = 0;
      for (let k = 1; k < a.length; k++) if (a[k] > a[i]) i = k;
      let second = 0;
      for (let k = 0; k < a.length; k++) if (k !== i && a[k] > second) second = a[k];
      return { i, v: a[i], second };
    };
    const r = best(p.slice(0, 4)), q = best(p.slice(4));
    const fraction = (r.v + q.v) / energy;
    const ok = fraction >= c.minFraction && r.v >= c.minToneFraction * energy && q.v >= c.minToneFraction * energy &&
      r.v >= c.minGroupRatio * r.second && q.v >= c.minGroupRatio * q.second;
    this.trace.push({ t, rms: +rms.toFixed(4), fraction: +fraction.toFixed(4), best: KEYS[r.i][q.i],
      rowRatio: +(r.v / Math.max(r.second, 1e-12)).toFixed(2), colRatio: +(q.v / Math.max(q.second, 1e-12)).toFixed(2), ok });
    return { digit: ok ? KEYS[r.i][q.i] : null, fraction, rms };
  }
  onWindow(x) {
    const { digit, fraction, rms } = this.classify(x);
    const c = this.c;
    if (digit) {
      this.off = 0;
      if (digit === this.candidate) {
        this.count++;
        if (fraction > this.best.fraction) this.best = { fraction, rms };
      } else {
        this.candidate = digit; this.count = 1; this.best = { fraction, rms };
      }
      const repeatTooSoon = digit === this.lastDigit && (this.frames - this.lastFrame) * 1000 / sampleRate < c.minRepeatMs;
      if (this.count >= c.onWindows && this.reported !== digit && !repeatTooSoon) {
        this.reported = digit;
        this.lastDigit = digit;
        this.lastFrame = this.frames;
        this.port.postMessage({ type: 'digit', digit, fraction: +this.best.fraction.toFixed(3), rms: +this.best.rms.toFixed(4), windows: this.count });
      }
    } else {
      this.candidate = null; this.count = 0;
      if (++this.off >= c.offWindows) this.reported = null;
    }
  }
  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (input) {
      for (let i = 0; i < input.length; i++) {
        this.ring[this.pos] = input[i];
        this.pos = this.pos + 1 === this.n ? 0 : this.pos + 1;
        this.frames++;
        if (++this.sinceHop === this.hop) {
          this.sinceHop = 0;
          this.win.set(this.ring.subarray(this.pos), 0);
          this.win.set(this.ring.subarray(0, this.pos), this.n - this.pos);
          this.onWindow(this.win);
        }
      }
    }
    if (this.trace.length >= 64) { this.port.postMessage({ type: 'trace', entries: this.trace }); this.trace = []; }
    return true;
  }
}
registerProcessor('dtmf-detector', DtmfDetector);
`;

/** One analysed window, for tuning thresholds (best === '' when below minRms). */
export interface DtmfTraceEntry {
  /** ms of audio since the detector started */
  t: number;
  rms: number;
  fraction: number;
  best: string;
  rowRatio: number;
  colRatio: number;
  ok: boolean;
}

/** The received audio's jitter-buffer target (ms): see attachRemoteAudio. */
const RECEIVE_BUFFER_MS = 150;

let dtmfDigits = '';
let infoDigits = '';
const detections: DtmfDetection[] = [];
const trace: DtmfTraceEntry[] = [];
let audioCtx: AudioContext | undefined;
let workletReady: Promise<void> | undefined;
let sourceNode: MediaStreamAudioSourceNode | undefined;
let detectorNode: AudioWorkletNode | undefined;
let attachedTrackId: string | undefined;

function ensureAudio(): { ctx: AudioContext; ready: Promise<void> } {
  if (!audioCtx) {
    // 48 kHz like WebRTC's own audio: no resampling between NetEq and the detector
    audioCtx = new AudioContext({ sampleRate: 48000 });
    const url = URL.createObjectURL(new Blob([DTMF_WORKLET], { type: 'text/javascript' }));
    workletReady = audioCtx.audioWorklet.addModule(url);
  }
  if (audioCtx.state === 'suspended') audioCtx.resume().catch(() => undefined);
  return { ctx: audioCtx, ready: workletReady! };
}

function attachRemoteAudio(): void {
  const p = pc();
  const receiver = p?.getReceivers().find((r) => r.track?.kind === 'audio');
  const track = receiver?.track;
  if (!receiver || !track || track.id === attachedTrackId) return;
  detachRemoteAudio();
  attachedTrackId = track.id;
  // On loopback NetEq keeps a ~20-40 ms buffer, so a busy moment on this 2-core machine (several
  // Chromium processes in the full suite) made RFC 4733 packets arrive after their playout time
  // and a whole DTMF event went unrendered. A test phone needs no low latency: hold 150 ms.
  const r = receiver as RTCRtpReceiver & { jitterBufferTarget?: number | null };
  if ('jitterBufferTarget' in r) r.jitterBufferTarget = RECEIVE_BUFFER_MS;
  const stream = new MediaStream([track]);
  // Chromium only feeds a remote WebRTC stream into Web Audio if it is also consumed by a
  // media element; keep it muted so nothing is played.
  const el = $('remote') as HTMLAudioElement | null;
  if (el) {
    el.muted = true;
    el.srcObject = stream;
    el.play().catch((e) => log('audio-play-error', String(e)));
  }
  const { ctx, ready } = ensureAudio();
  const trackId = track.id;
  ready
    .then(() => {
      if (attachedTrackId !== trackId) return;
      sourceNode = ctx.createMediaStreamSource(stream);
      detectorNode = new AudioWorkletNode(ctx, 'dtmf-detector', {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions: DTMF_THRESHOLDS,
      });
      detectorNode.port.onmessage = (ev: MessageEvent) => {
        const m = ev.data;
        if (m.type === 'digit') {
          dtmfDigits += m.digit;
          const det: DtmfDetection = { digit: m.digit, rel: Math.round(performance.now() - t0), fraction: m.fraction, rms: m.rms, blocks: m.windows };
          detections.push(det);
          log('dtmf-detected', `${m.digit} fraction=${m.fraction} rms=${m.rms}`);
          render();
        } else if (m.type === 'trace') {
          trace.push(...(m.entries as DtmfTraceEntry[]));
          if (trace.length > 2000) trace.splice(0, trace.length - 2000);
        } else if (m.type === 'info') {
          log('dtmf-detector', `sampleRate=${m.sampleRate} window=${m.window} hop=${m.hop}`);
        }
      };
      // the worklet must be pulled by the graph: route it to the destination at zero gain
      const sink = ctx.createGain();
      sink.gain.value = 0;
      sourceNode.connect(detectorNode);
      detectorNode.connect(sink);
      sink.connect(ctx.destination);
      log('remote-audio-attached', `track=${trackId} contextRate=${ctx.sampleRate}`);
    })
    .catch((e) => log('error', `dtmf detector: ${String(e)}`));
}

function detachRemoteAudio(): void {
  if (detectorNode) {
    detectorNode.port.onmessage = null;
    detectorNode.disconnect();
  }
  sourceNode?.disconnect();
  detectorNode = undefined;
  sourceNode = undefined;
  attachedTrackId = undefined;
  const el = $('remote') as HTMLAudioElement | null;
  if (el) el.srcObject = null;
}

// ---------------------------------------------------------------------------------------------

const phone: CustomerPhone = {
  ready: false,
  start,
  stop,
  call,
  answer,
  reject,
  hangup,
  hold,
  sendDtmf,
  sendInfoDtmf,
  state,
  rtpStats,
  dtmfReceived: () => dtmfDigits,
  dtmfDetections: () => detections.map((d) => ({ ...d })),
  dtmfTrace: () => trace.map((d) => ({ ...d })),
  infoDtmfReceived: () => infoDigits,
  clearDtmf: () => {
    dtmfDigits = '';
    infoDigits = '';
    detections.length = 0;
    trace.length = 0;
    render();
  },
  events: () => eventLog.map((e) => ({ ...e })),
};

declare global {
  interface Window {
    phone: CustomerPhone;
  }
}

window.phone = phone;
phone.ready = true;
log('ready');
render();
