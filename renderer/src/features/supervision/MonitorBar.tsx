import { useState } from 'react';
import { monitorModes, type MonitorMode, type MonitorView } from '../../../../shared/supervision';
import { useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { alertOnFailure, request } from '../../ui/use-request';

export const modeLabel: Record<MonitorMode, string> = { listen: 'Listen', whisper: 'Whisper', barge: 'Barge' };

/** Who hears whom, in words (never colour alone). */
export const supervisorHint: Record<MonitorMode, string> = {
  listen: 'You hear the agent and the customer. Nobody hears you.',
  whisper: 'The agent hears you. The customer does not.',
  barge: 'The agent and the customer both hear you.',
};

/** `sip:agent1@pbx.example.com` → `agent1`. */
export function userOf(aor: string): string {
  return aor.replace(/^sips?:/i, '').split('@')[0] || aor;
}

/** Headphones: the monitoring icon on both sides. */
export function HeadsetIcon({ size = 20 }: { size?: number }) {
  return (
    <svg className="headset-icon" viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" focusable="false">
      <path d="M4 14v-2a8 8 0 0 1 16 0v2" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
      <rect x="3" y="13" width="5" height="8" rx="1.5" fill="currentColor" />
      <rect x="16" y="13" width="5" height="8" rx="1.5" fill="currentColor" />
    </svg>
  );
}

function stateText(m: MonitorView): string {
  if (m.state === 'connecting') return m.via === 'pbx' ? 'Dialling the PBX…' : 'Connecting…';
  if (m.state === 'active') return 'Live';
  return m.detail ?? (m.state === 'failed' ? 'Monitoring failed.' : 'Monitoring ended.');
}

/**
 * The supervisor's current monitoring session: agent, mode (Listen / Whisper / Barge, switched
 * within the same session), state, and Stop. Started from the board.
 */
export function MonitorBar() {
  const monitor = useRingside((s) => s.monitor);
  const api = useApi();
  const [busy, setBusy] = useState(false);
  if (!monitor) return null;
  const live = monitor.state === 'connecting' || monitor.state === 'active';
  const run = (promise: Promise<unknown>) => {
    setBusy(true);
    alertOnFailure(promise.finally(() => setBusy(false)));
  };
  return (
    <section className={`monitor-bar is-${monitor.state}`} aria-label="Monitoring">
      <span className="mb-icon">
        <HeadsetIcon />
      </span>
      <div className="mb-who">
        <span className="mb-label">{live ? 'Monitoring' : monitor.state === 'failed' ? 'Could not monitor' : 'Monitoring ended:'}</span>
        <strong className="mb-agent" title={monitor.agent}>
          {userOf(monitor.agent)}
        </strong>
        <span className="mb-via">{monitor.via === 'pbx' ? 'via the PBX' : null}</span>
      </div>
      {live ? (
        <div className="mb-modes" role="radiogroup" aria-label="Monitoring mode">
          {monitorModes.map((mode) => (
            <button
              key={mode}
              type="button"
              role="radio"
              aria-checked={monitor.mode === mode}
              className="btn btn-sm mb-mode"
              disabled={busy}
              onClick={() => monitor.mode !== mode && run(request(api.monitor.setMode(mode)))}
            >
              {monitor.mode === mode ? <span aria-hidden="true">● </span> : null}
              {modeLabel[mode]}
            </button>
          ))}
        </div>
      ) : null}
      <p className="mb-status" role="status" aria-live="polite">
        <span className={`mb-state state-${monitor.state}`}>{stateText(monitor)}</span>
        {live ? <span className="mb-hint">{supervisorHint[monitor.mode]}</span> : null}
      </p>
      <button
        type="button"
        className={live ? 'btn btn-danger btn-sm mb-stop' : 'btn btn-sm mb-stop'}
        disabled={busy}
        onClick={() => run(request(api.monitor.stop()))}
      >
        {live ? 'Stop monitoring' : 'Close'}
      </button>
    </section>
  );
}
