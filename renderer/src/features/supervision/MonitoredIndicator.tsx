import type { MonitorMode } from '../../../../shared/supervision';
import { useRingside } from '../../store/store';
import { HeadsetIcon, userOf } from './MonitorBar';

const agentHint: Record<MonitorMode, string> = {
  listen: 'They hear you and the customer.',
  whisper: 'They hear you and the customer; you hear them, the customer does not.',
  barge: 'They are talking to you and the customer.',
};

/**
 * On the agent's screen while a supervisor listens in, when the agent may know (the
 * `showMonitoring` setting; main sends nothing otherwise). Text and icon, not colour alone.
 */
export function MonitoredIndicator() {
  const monitored = useRingside((s) => s.monitored);
  if (!monitored) return null;
  return (
    <div className={`monitored-indicator mode-${monitored.mode}`} role="status">
      <span className="mi-icon">
        <HeadsetIcon />
      </span>
      <p className="mi-text">
        Being monitored by <strong title={monitored.supervisor}>{userOf(monitored.supervisor)}</strong> ({monitored.mode})
        <span className="mi-hint"> — {agentHint[monitored.mode]}</span>
      </p>
    </div>
  );
}
