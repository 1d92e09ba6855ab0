// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { bindStore } from '../../../renderer/src/ipc/store-sync';
import { resetStore, store } from '../../../renderer/src/store/store';
import { account, call, fakeRingside, idleWorkspace, registered, snapshotOf } from './fake-ringside';

afterEach(() => resetStore());

describe('renderer store + ipc bridge', () => {
  it('writes IPC events into the slices', () => {
    const { api, emit } = fakeRingside();
    bindStore(api, store);

    emit('registration:changed', { ...registered, state: 'failed', error: 'Wrong password', retryAt: Date.now() + 5000, attempt: 2 });
    expect(store.getState().registration.state).toBe('failed');
    expect(store.getState().registration.error).toBe('Wrong password');

    emit('account:changed', account);
    expect(store.getState().account?.aor).toBe('sip:agent1@example.com');

    emit('call:state-changed', call({ id: 'a', state: 'incoming', answeredAt: null }));
    expect(store.getState().order).toEqual(['a']);
    expect(store.getState().selectedId).toBe('a');

    emit('call:state-changed', call({ id: 'a', state: 'active' }));
    expect(store.getState().calls.a.state).toBe('active');

    emit('call:removed', { id: 'a' });
    expect(store.getState().calls).toEqual({});
    expect(store.getState().selectedId).toBeNull();
  });

  it('returns one function that removes every subscription', () => {
    const { api, emit, listenerCount } = fakeRingside();
    const unbind = bindStore(api, store);
    // One per event channel the store follows (media:request is the media engine's).
    expect(listenerCount()).toBeGreaterThanOrEqual(13);
    unbind();
    expect(listenerCount()).toBe(0);
    emit('call:state-changed', call());
    expect(store.getState().order).toEqual([]);
  });

  it('keeps calls ordered by creation and follows the call the agent acts on', () => {
    const s = () => store.getState();
    s().upsertCall(call({ id: 'b', createdAt: 2000 }));
    s().upsertCall(call({ id: 'a', createdAt: 1000, state: 'held' }));
    expect(s().order).toEqual(['a', 'b']);
    expect(s().selectedId).toBe('b');
    // A new incoming call while talking does not steal the panel...
    s().upsertCall(call({ id: 'c', createdAt: 3000, state: 'incoming', answeredAt: null }));
    expect(s().selectedId).toBe('b');
    // ...but answering it does.
    s().upsertCall(call({ id: 'c', createdAt: 3000, state: 'answering', answeredAt: null }));
    expect(s().selectedId).toBe('c');
    // Removing the selected call falls back to the live call we talk on.
    s().removeCall('c');
    expect(s().selectedId).toBe('b');
  });

  it('loads a snapshot and resets', () => {
    store.getState().loadSnapshot(snapshotOf({ calls: [call({ id: 'x' })], workspace: { ...idleWorkspace, campaignId: 4 } }));
    expect(store.getState().workspace.campaignId).toBe(4);
    expect(store.getState().selectedId).toBe('x');
    expect(store.getState().account).toEqual(account);
    store.getState().pushError('boom');
    resetStore();
    expect(store.getState().calls).toEqual({});
    expect(store.getState().account).toBeNull();
    expect(store.getState().notices).toEqual([]);
    expect(store.getState().registration.state).toBe('unregistered');
  });
});
