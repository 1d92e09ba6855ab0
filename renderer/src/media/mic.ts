/**
 * The microphone: opened once with getUserMedia and shared by every call, each call sending its
 * own clone of the track, so one call's mute never silences another.
 */

/** The microphone is opened once and cloned per call, so dialling does not wait for it. */
const MIC_IDLE_RELEASE_MS = 60_000;

export interface Microphone {
  /** A new track of the microphone for one call, opening the microphone if it is not open. */
  callTrack(): Promise<MediaStreamTrack>;
  /** Closes the microphone a while after the last call, unless a call has started since. */
  releaseWhenIdle(): void;
}

/** `inUse` says whether any call still has media (the microphone stays open while one does). */
export function openMicrophone(inUse: () => boolean): Microphone {
  let mic: Promise<MediaStream> | null = null;
  let micTimer: ReturnType<typeof setTimeout> | null = null;

  function microphone(): Promise<MediaStream> {
    if (micTimer) clearTimeout(micTimer);
    micTimer = null;
    if (!mic) {
      mic = navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true }, video: false });
      mic.catch(() => {
        mic = null;
      });
    }
    return mic;
  }

  return {
    async callTrack() {
      const base = await microphone();
      const source = base.getAudioTracks()[0];
      if (!source) throw new Error('No microphone available');
      return source.clone();
    },
    releaseWhenIdle() {
      if (inUse() || !mic) return;
      micTimer = setTimeout(() => {
        const m = mic;
        mic = null;
        void m?.then((s) => s.getTracks().forEach((t) => t.stop())).catch(() => undefined);
      }, MIC_IDLE_RELEASE_MS);
    },
  };
}

/** Mutes or unmutes a call's track; returns what the track really is, not what was asked. */
export function setMuted(track: MediaStreamTrack, muted: boolean): boolean {
  track.enabled = !muted;
  return !track.enabled;
}
