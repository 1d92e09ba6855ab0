import { useId, useState } from 'react';
import { pauseReasons, type AgentState } from '../../../../shared/agent-state';
import { useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { formatDuration } from '../softphone/call-format';
import { useNow } from '../../ui/use-now';
import { useRequest } from '../../ui/use-request';

const LABEL: Record<AgentState, string> = {
  available: 'Available',
  'on-call': 'On call',
  'wrap-up': 'After-call work',
  paused: 'Paused',
  offline: 'Offline',
};

/** Set by the app itself, not by the agent. */
const AUTOMATIC = 'Not registered';

/** The agent's state and time in it; Available / Pause (with a reason) / Offline. */
export function AgentStateControl() {
  const api = useApi();
  const send = useRequest();
  const id = useId();
  const agent = useRingside((s) => s.workspace.agent);
  const now = useNow();
  const [reason, setReason] = useState<string>(pauseReasons[0]);
  const automatic = agent.state === 'paused' && agent.pauseReason === AUTOMATIC;
  const since = agent.since > 0 ? formatDuration(now - agent.since) : '';
  return (
    <div className="agent-state" role="group" aria-label="Agent state">
      <div className={`agent-badge agent-${agent.state}`} role="status" aria-live="polite">
        <span className="agent-dot" aria-hidden="true" />
        <span className="agent-label">{LABEL[agent.state]}</span>
        {agent.state === 'paused' && agent.pauseReason ? (
          <span className="agent-reason">{automatic ? `${agent.pauseReason} (automatic)` : agent.pauseReason}</span>
        ) : null}
        {since ? (
          <span className="agent-since">
            <span className="sr-only">for </span>
            {since}
          </span>
        ) : null}
      </div>
      <button type="button" className="btn btn-quiet" aria-pressed={agent.state === 'available'} onClick={() => send(api.agent.setState('available'))}>
        Available
      </button>
      <label htmlFor={`${id}-reason`} className="sr-only">
        Pause reason
      </label>
      <select id={`${id}-reason`} className="topbar-select" value={reason} onChange={(e) => setReason(e.target.value)}>
        {pauseReasons
          .filter((r) => r !== AUTOMATIC)
          .map((r) => (
            <option key={r}>{r}</option>
          ))}
      </select>
      <button
        type="button"
        className="btn btn-quiet"
        aria-pressed={agent.state === 'paused' && !automatic}
        onClick={() => send(api.agent.setState('paused', reason))}
      >
        Pause
      </button>
      <button type="button" className="btn btn-quiet" aria-pressed={agent.state === 'offline'} onClick={() => send(api.agent.setState('offline'))}>
        Offline
      </button>
    </div>
  );
}
