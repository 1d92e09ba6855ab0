import { useEffect, useId, useState } from 'react';
import { store } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { Modal } from '../../ui/Modal';
import { alertOnFailure } from '../../ui/use-request';
import { AuditPanel } from './AuditPanel';
import { InternalDncPanel } from './InternalDncPanel';
import { RegistriesPanel } from './RegistriesPanel';
import { RegistryImportPanel } from './RegistryImportPanel';
import { ScrubPanel } from './ScrubPanel';

type Section = 'registries' | 'dnc' | 'scrub' | 'audit';
const SECTIONS: Array<[Section, string]> = [
  ['registries', 'Registries'],
  ['dnc', 'Internal DNC'],
  ['scrub', 'List scrub'],
  ['audit', 'Audit log'],
];

/**
 * Supervisor tools for the dial gate: registry snapshots and their import from the inbox
 * folder, scrubbing a campaign's list, and the decision audit log with its CSV export. Errors
 * are shown inside the dialog (the app's alert region is behind it).
 */
export function CompliancePanel({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const id = useId();
  const [section, setSection] = useState<Section>('registries');
  // Files copied into the inbox since the last event show up when the panel opens.
  useEffect(() => {
    alertOnFailure(
      api.compliance.status().then((r) => {
        if (r.ok) store.getState().setCompliance(r.value);
      }),
      'Compliance status',
    );
  }, [api]);
  return (
    <Modal title="Compliance" onClose={onClose} wide>
      <div className="compliance-panel">
        <div role="tablist" aria-label="Compliance sections" className="tabs">
          {SECTIONS.map(([key, label]) => (
            <button
              key={key}
              type="button"
              role="tab"
              id={`${id}-tab-${key}`}
              aria-selected={section === key}
              aria-controls={`${id}-panel`}
              className="tab"
              onClick={() => setSection(key)}
            >
              {label}
            </button>
          ))}
        </div>
        <div id={`${id}-panel`} role="tabpanel" aria-labelledby={`${id}-tab-${section}`} className="compliance-section">
          {section === 'registries' ? (
            <>
              <RegistriesPanel />
              <RegistryImportPanel />
            </>
          ) : section === 'dnc' ? (
            <InternalDncPanel />
          ) : section === 'scrub' ? (
            <ScrubPanel />
          ) : (
            <AuditPanel />
          )}
        </div>
      </div>
    </Modal>
  );
}
