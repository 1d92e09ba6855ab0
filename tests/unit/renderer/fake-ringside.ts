/** A fake RingsideApi for renderer tests: vi.fn requests, events emitted through captured listeners. */
import { vi } from 'vitest';
import type { AccountView } from '../../../shared/account';
import type { CallSessionView } from '../../../shared/call-session';
import { temperatureForDirection } from '../../../shared/call-session';
import type { EventPayloads, RingsideApi, Snapshot } from '../../../shared/contract';
import type { RegistrationView } from '../../../shared/registration-state';
import type { Result } from '../../../shared/result';
import type { MediaEngine } from '../../../renderer/src/media/media-engine';

type Listeners = { [E in keyof EventPayloads]: Set<(p: EventPayloads[E]) => void> };

export const account: AccountView = {
  server: 'wss://pbx.example.com/ws',
  aor: 'sip:agent1@example.com',
  authUser: null,
  displayName: 'Agent One',
  expires: 300,
  hasPassword: true,
  source: 'settings',
};

export const registered: RegistrationView = { state: 'registered', aor: account.aor, error: null, retryAt: null, attempt: 0, connected: true };

export function call(overrides: Partial<CallSessionView> = {}): CallSessionView {
  const direction = overrides.direction ?? 'inbound';
  return {
    id: 'c1',
    direction,
    state: 'active',
    temperature: temperatureForDirection(direction),
    remoteUri: 'sip:alice@example.com',
    remoteName: 'Alice',
    muted: false,
    pending: null,
    createdAt: Date.now() - 30_000,
    answeredAt: Date.now() - 20_000,
    endedAt: null,
    outcome: null,
    statusCode: null,
    detail: null,
    dtmfInBand: true,
    ...overrides,
  };
}

const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });

export function fakeRingside(snapshot: Snapshot = { registration: registered, account, calls: [] }) {
  const listeners: Listeners = {
    'registration:changed': new Set(),
    'call:state-changed': new Set(),
    'call:removed': new Set(),
    'account:changed': new Set(),
    'media:request': new Set(),
  };
  const on =
    <E extends keyof EventPayloads>(event: E) =>
    (l: (p: EventPayloads[E]) => void) => {
      listeners[event].add(l);
      return () => {
        listeners[event].delete(l);
      };
    };
  const current = (id: string) => snapshot.calls.find((c) => c.id === id) ?? call({ id });
  const api = {
    app: { ready: vi.fn(() => ok(snapshot)) },
    account: { get: vi.fn(() => ok(snapshot.account)), save: vi.fn(() => ok(account)), onChanged: vi.fn(on('account:changed')) },
    sip: { register: vi.fn(() => ok(registered)), unregister: vi.fn(() => ok(registered)), onRegistrationChanged: vi.fn(on('registration:changed')) },
    call: {
      dial: vi.fn((target: string) => ok(call({ id: 'new', direction: 'outbound', state: 'dialing', remoteUri: target, remoteName: target, answeredAt: null }))),
      accept: vi.fn((id: string) => ok(current(id))),
      reject: vi.fn((id: string) => ok(current(id))),
      hangup: vi.fn((id: string) => ok(current(id))),
      hold: vi.fn((id: string) => ok(current(id))),
      mute: vi.fn((id: string) => ok(current(id))),
      dtmf: vi.fn(() => ok({ via: 'rfc4733' as const })),
      transfer: vi.fn((id: string) => ok(current(id))),
      switchTo: vi.fn((id: string) => ok(current(id))),
      dismiss: vi.fn(() => ok(null)),
      onStateChanged: vi.fn(on('call:state-changed')),
      onRemoved: vi.fn(on('call:removed')),
    },
    media: { respond: vi.fn(() => ok(null)), onRequest: vi.fn(on('media:request')) },
  } satisfies RingsideApi;
  const emit = <E extends keyof EventPayloads>(event: E, payload: EventPayloads[E]) => {
    for (const l of listeners[event]) l(payload);
  };
  const listenerCount = () => Object.values(listeners).reduce((n, s) => n + s.size, 0);
  return { api, emit, listenerCount };
}

export function fakeMedia(): MediaEngine {
  const media = {
    remoteStream: () => null,
    onStreamsChanged: () => () => undefined,
    rtpStats: () => Promise.resolve(null),
    dispose: () => undefined,
  };
  return media;
}
