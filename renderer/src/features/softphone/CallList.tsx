import { useId } from 'react';
import type { CallSessionView } from '../../../../shared/call-session';
import { useRingside } from '../../store/store';
import { outcomeText, stateLabel } from './call-format';
import { CallTimer } from './CallTimer';
import { HeadsetIcon, modeLabel } from '../supervision/MonitorBar';
import { TemperatureChip } from './TemperatureChip';

function CallRow({ call, selected, onSelect }: { call: CallSessionView; selected: boolean; onSelect: () => void }) {
  return (
    <li>
      <div
        role="button"
        tabIndex={0}
        aria-pressed={selected}
        className={`call-row state-${call.state}${selected ? ' is-selected' : ''}`}
        onClick={onSelect}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            onSelect();
          }
        }}
      >
        <div className="call-row-top">
          <span className="call-row-name">{call.remoteName || call.remoteUri}</span>
          {call.monitor ? (
            <span className="monitor-pill" title="Monitoring call">
              <HeadsetIcon size={14} />
              <span className="sr-only">Monitoring, </span>
              {modeLabel[call.monitor.mode]}
            </span>
          ) : (
            <TemperatureChip temperature={call.temperature} compact />
          )}
        </div>
        <div className="call-row-uri">{call.remoteUri}</div>
        <div className="call-row-bottom">
          <span className={`state-pill state-${call.state}`}>
            <span aria-hidden="true">{call.direction === 'inbound' ? '↙ ' : '↗ '}</span>
            <span className="sr-only">{call.direction === 'inbound' ? 'Inbound, ' : 'Outbound, '}</span>
            {stateLabel[call.state]}
            {call.muted && call.state !== 'ended' ? ' · Muted' : ''}
          </span>
          <CallTimer call={call} />
        </div>
        {call.state === 'ended' ? <div className="call-row-outcome">{outcomeText(call)}</div> : null}
      </div>
    </li>
  );
}

/** Every call session, each with its own timer; click or Enter selects it for the call panel. */
export function CallList() {
  const id = useId();
  const order = useRingside((s) => s.order);
  const calls = useRingside((s) => s.calls);
  const selectedId = useRingside((s) => s.selectedId);
  const selectCall = useRingside((s) => s.selectCall);
  return (
    <section className="call-list" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="section-title">
        Calls <span className="count">{order.length}</span>
      </h2>
      {order.length === 0 ? (
        <p className="empty-note">No calls yet.</p>
      ) : (
        <ul>
          {order.map((callId) => (
            <CallRow key={callId} call={calls[callId]} selected={callId === selectedId} onSelect={() => selectCall(callId)} />
          ))}
        </ul>
      )}
    </section>
  );
}
