/** The registry snapshots imported on this desktop (a team's are in its database: postgres/). */
import type { RegistryRepository, RegistrySnapshotRecord } from '../repositories.js';
import type { Prepare } from './statements.js';

export function registryRepository(q: Prepare): RegistryRepository {
  return {
    record: async (s) => {
      q('INSERT INTO registry_snapshots (registry, snapshot_at, count, imported_by, imported_at) VALUES (?, ?, ?, ?, ?)').run(
        s.registry,
        s.snapshotAt,
        s.count,
        s.importedBy,
        s.importedAt,
      );
    },
    newest: async () =>
      q(
        `SELECT registry, snapshot_at AS snapshotAt, count, imported_by AS importedBy, imported_at AS importedAt FROM registry_snapshots r
          WHERE NOT EXISTS (SELECT 1 FROM registry_snapshots n WHERE n.registry = r.registry
                             AND (n.snapshot_at > r.snapshot_at OR (n.snapshot_at = r.snapshot_at AND n.id > r.id)))
          ORDER BY registry`,
      ).all() as RegistrySnapshotRecord[],
  };
}
