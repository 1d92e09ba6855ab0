/**
 * What every test of the whole App needs: jsdom media stubs, the store bound to a fake
 * `window.ringside` API, the App rendered, and everything unmounted, unbound and reset after
 * each test. Call appHarness() at the top of a test file.
 */
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeAll, vi } from 'vitest';
import type { RingsideApi, Snapshot } from '../../../shared/contract';
import { App } from '../../../renderer/src/app/App';
import { bindStore } from '../../../renderer/src/ipc/store-sync';
import { resetStore, store } from '../../../renderer/src/store/store';
import { fakeMedia, fakeRingside } from './fake-ringside';

type Fake = ReturnType<typeof fakeRingside>;

export function appHarness(opts: { beforeAll?: () => void; restoreMocksAfterEach?: boolean } = {}) {
  let unbind: (() => void) | null = null;
  // jsdom has no media playback; the ringtone only needs play/pause to exist.
  const stubMedia = () => {
    vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(() => Promise.resolve());
    vi.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(() => undefined);
  };
  beforeAll(() => {
    stubMedia();
    opts.beforeAll?.();
  });
  afterEach(() => {
    cleanup();
    unbind?.();
    unbind = null;
    resetStore();
    if (opts.restoreMocksAfterEach) {
      vi.restoreAllMocks();
      stubMedia();
    }
  });
  /** Binds the store to the API (unbound after the test). */
  const bind = (api: RingsideApi | Fake['api']): void => {
    unbind = bindStore(api as RingsideApi, store);
  };
  return {
    bind,
    /** A fake API answering with this snapshot: bound, the snapshot loaded, the App rendered. */
    mount: (snapshot: Snapshot, options?: Parameters<typeof fakeRingside>[1]): Fake => {
      const fake = fakeRingside(snapshot, options);
      bind(fake.api);
      store.getState().loadSnapshot(snapshot);
      render(<App api={fake.api} media={fakeMedia()} />);
      return fake;
    },
    /** Lets resolved request promises settle inside act. */
    settle: () => act(async () => {}),
  };
}
