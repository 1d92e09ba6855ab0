import { useId, useState } from 'react';
import type { CallTemperature } from '../../../../shared/call-session';

/**
 * Warm / cold, as text and colour (never colour alone). The reason is a tooltip shown on hover
 * and on keyboard focus, tied to the chip with aria-describedby; Escape hides it.
 */
export function TemperatureChip({ temperature, compact = false }: { temperature: CallTemperature; compact?: boolean }) {
  const tipId = useId();
  const [open, setOpen] = useState(false);
  const label = temperature.kind === 'warm' ? 'Warm' : 'Cold';
  if (compact) {
    return (
      <span className={`temp-chip temp-${temperature.kind} temp-compact`} title={temperature.reason}>
        {label}
      </span>
    );
  }
  return (
    <span className="temp-wrap">
      <span
        className={`temp-chip temp-${temperature.kind}`}
        tabIndex={0}
        aria-describedby={tipId}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onMouseEnter={() => setOpen(true)}
        onMouseLeave={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
      >
        {label}
      </span>
      <span id={tipId} role="tooltip" className={open ? 'temp-tip is-open' : 'temp-tip'}>
        {temperature.reason}
      </span>
    </span>
  );
}
