/**
 * The renderer's WebRTC media engine: one RTCPeerConnection per call session, driven by
 * main's media requests. (Being written by the core owner; signature is stable.)
 */
import type { RingsideApi } from '../../../shared/contract';

export interface MediaEngine {
  /** The remote audio stream of a session, for an <audio> element; null if none yet. */
  remoteStream(sessionId: string): MediaStream | null;
  /** Subscribe to changes of the set of remote streams. Returns unsubscribe. */
  onStreamsChanged(listener: () => void): () => void;
  dispose(): void;
}

export function startMediaEngine(_api: RingsideApi): MediaEngine {
  throw new Error('not written yet');
}
