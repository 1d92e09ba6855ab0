import { DateTime } from 'luxon';
import { useId } from 'react';
import { registryNames, type RegistryView } from '../../../../shared/compliance';
import { useRingside } from '../../store/store';
import { formatCount, registryLabel } from './compliance-format';

const day = (ms: number, zone?: string) => DateTime.fromMillis(ms, zone ? { zone } : {}).toISODate() ?? '';

function registryStatus(r: RegistryView | null, maxAge: number): { cls: string; icon: string; text: string } {
  if (!r || !r.loaded || r.snapshotAt === null) return { cls: 'is-stale', icon: '✕', text: 'Not imported: calls blocked' };
  if (r.stale) return { cls: 'is-stale', icon: '!', text: `Older than ${maxAge} days: calls blocked` };
  return { cls: 'is-current', icon: '✓', text: 'Current' };
}

/** Each national registry's snapshot: loaded or not, its size and age, and whether it still lets calls through. */
export function RegistriesPanel() {
  const id = useId();
  const status = useRingside((s) => s.compliance);
  return (
    <section className="cx-block" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="section-title">
        National registries
      </h3>
      <div className="table-wrap">
        <table className="cx-table" aria-labelledby={`${id}-title`}>
          <thead>
            <tr>
              <th scope="col">Registry</th>
              <th scope="col">Loaded</th>
              <th scope="col" className="num">
                Numbers
              </th>
              <th scope="col">Snapshot</th>
              <th scope="col" className="num">
                Age
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {registryNames.map((name) => {
              const r = status.registries.find((x) => x.name === name) ?? null;
              const st = registryStatus(r, status.maxSnapshotAgeDays);
              return (
                <tr key={name}>
                  <th scope="row">{registryLabel[name]}</th>
                  <td>{r?.loaded ? 'Yes' : 'No'}</td>
                  <td className="num">{r?.loaded ? formatCount(r.count) : '—'}</td>
                  <td>{r?.snapshotAt != null ? day(r.snapshotAt, 'utc') : '—'}</td>
                  <td className="num">{r?.ageDays != null ? `${r.ageDays} d` : '—'}</td>
                  <td>
                    <span className={`cx-status ${st.cls}`}>
                      <span aria-hidden="true">{st.icon}</span> {st.text}
                    </span>
                    {r?.teamNewest ? (
                      <div className="cx-team-newer">
                        Your team has the snapshot of {day(r.teamNewest.snapshotAt, 'utc')} (imported by {r.teamNewest.importedBy}): import the same files here.
                      </div>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="field-hint">
        A snapshot older than {status.maxSnapshotAgeDays} days, or none, blocks calls to that country's numbers unless an exemption applies.
      </p>
    </section>
  );
}
