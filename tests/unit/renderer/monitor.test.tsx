// @vitest-environment jsdom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../shared/contract';
import type { MonitorView } from '../../../shared/supervision';
import { toneAmplitudes } from '../../../renderer/src/media/diagnostics';
import { store } from '../../../renderer/src/store/store';
import { call, snapshotOf } from './fake-ringside';
import { appHarness } from './app-harness';

const { mount, settle } = appHarness();

function setup(overrides: Partial<Snapshot> = {}) {
  const snapshot = snapshotOf(overrides);
  return mount(snapshot);
}

const session: MonitorView = { agent: 'sip:agent1@example.com', mode: 'listen', via: 'proxy', state: 'active', callId: 'm1', detail: null };
const agentSide = { side: 'agent' as const, mode: 'listen' as const, peer: 'sip:supervisor1@example.com', target: 'c1' };

describe('supervisor: the monitor bar', () => {
  it('shows the agent, the mode as a checked radio with words, and who hears whom', () => {
    setup({ monitor: session });
    const bar = screen.getByRole('region', { name: 'Monitoring' });
    expect(within(bar).getByText('agent1')).toBeTruthy();
    expect(
      within(bar)
        .getByRole('radio', { name: /Listen/ })
        .getAttribute('aria-checked'),
    ).toBe('true');
    expect(
      within(bar)
        .getByRole('radio', { name: /Whisper/ })
        .getAttribute('aria-checked'),
    ).toBe('false');
    expect(within(bar).getByRole('status').textContent).toMatch(/Live.*Nobody hears you/);
  });

  it('switches mode in the same session and stops', async () => {
    const { api, emit } = setup({ monitor: session });
    fireEvent.click(screen.getByRole('radio', { name: /Whisper/ }));
    await settle();
    expect(api.monitor.setMode).toHaveBeenCalledWith('whisper');
    act(() => emit('monitor:changed', { ...session, mode: 'whisper' }));
    expect(screen.getByRole('radio', { name: /Whisper/ }).getAttribute('aria-checked')).toBe('true');
    expect(screen.getByText('The agent hears you. The customer does not.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Stop monitoring' }));
    await settle();
    expect(api.monitor.stop).toHaveBeenCalled();
    act(() => emit('monitor:changed', null));
    expect(screen.queryByRole('region', { name: 'Monitoring' })).toBeNull();
  });

  it('says why a request was refused, with Close instead of Stop and no mode switch', () => {
    setup({
      monitor: { ...session, state: 'failed', callId: null, detail: "agent1@example.com's app refused: you are not one of this agent's supervisors (403)." },
    });
    expect(screen.getByText(/refused: you are not one of this agent's supervisors/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Close' })).toBeTruthy();
    expect(screen.getByText('Could not monitor')).toBeTruthy();
    expect(screen.queryByRole('radio', { name: /Barge/ })).toBeNull();
  });

  it('marks the monitoring call in the call list', () => {
    setup({
      calls: [
        call({
          id: 'm1',
          direction: 'outbound',
          remoteName: 'agent1',
          monitor: { side: 'supervisor', mode: 'whisper', peer: 'sip:agent1@example.com', target: null },
        }),
      ],
    });
    const pill = document.querySelector('.call-list .monitor-pill') as HTMLElement;
    expect(pill.textContent).toBe('Monitoring, Whisper');
    expect(pill.querySelector('svg')).toBeTruthy();
    // Not a customer call: no warm/cold chip, no transfer or hold.
    expect(screen.getByText('Monitoring call · whisper')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Transfer/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Hold$/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Hang up' })).toBeTruthy();
  });
});

describe('agent: being monitored', () => {
  it('shows who and how, in text with an icon', () => {
    const { emit } = setup({ calls: [call({ id: 'c1' })] });
    expect(screen.queryByText(/Being monitored/)).toBeNull();
    act(() => emit('monitored:changed', { supervisor: 'sip:supervisor1@example.com', mode: 'listen', since: Date.now() }));
    const indicator = screen.getByText(/Being monitored by/).closest('[role="status"]') as HTMLElement;
    expect(indicator.textContent).toMatch(/Being monitored by supervisor1 \(listen\)/);
    expect(indicator.querySelector('svg')).toBeTruthy();
    act(() => emit('monitored:changed', { supervisor: 'sip:supervisor1@example.com', mode: 'whisper', since: Date.now() }));
    expect(indicator.textContent).toMatch(/\(whisper\)/);
    act(() => emit('monitored:changed', null));
    expect(screen.queryByText(/Being monitored/)).toBeNull();
  });

  it('never lists, selects or rings for the monitoring call itself', () => {
    const { emit } = setup({ calls: [call({ id: 'c1', remoteName: 'Alice' })] });
    act(() => emit('call:state-changed', call({ id: 'm1', remoteName: 'supervisor1', state: 'answering', createdAt: Date.now(), monitor: agentSide })));
    act(() => emit('call:state-changed', call({ id: 'm1', remoteName: 'supervisor1', state: 'active', createdAt: Date.now(), monitor: agentSide })));
    expect(screen.queryByText('supervisor1')).toBeNull();
    expect(store.getState().order).toEqual(['c1']);
    expect(store.getState().selectedId).toBe('c1');
    expect(screen.getByRole('heading', { name: 'Alice' })).toBeTruthy();
    expect(screen.queryByTestId('ringtone')).toBeNull();
  });

  it('a snapshot with a monitoring call keeps it out too', () => {
    setup({
      calls: [call({ id: 'c1' }), call({ id: 'm1', monitor: agentSide })],
      monitored: { supervisor: 'sip:supervisor1@example.com', mode: 'barge', since: Date.now() },
    });
    expect(store.getState().order).toEqual(['c1']);
    expect(screen.getByText(/Being monitored by/).textContent).toMatch(/\(barge\)/);
  });
});

describe('tone analysis', () => {
  it('reads the amplitude of each tone and little elsewhere', () => {
    const rate = 48_000;
    const x = new Float32Array(16384);
    for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate) + 0.1 * Math.sin((2 * Math.PI * 1800 * i) / rate + 1);
    const [a440, a1000, a1800] = toneAmplitudes(x, rate, [440, 1000, 1800]);
    expect(a440).toBeCloseTo(0.3, 2);
    expect(a1800).toBeCloseTo(0.1, 2);
    expect(a1000).toBeLessThan(1e-4);
  });
});
