/**
 * The registry snapshots the team's desktops imported. The indexes themselves stay on each
 * desktop (a national registry is hundreds of megabytes); what is shared is which snapshot
 * anyone has, so a desktop behind the team's newest is told.
 */
import type { RegistryRepository, RegistrySnapshotRecord } from '../repositories.js';
import type { Db } from './connection.js';

export function registryRepository(db: Db): RegistryRepository {
  return {
    record: async (s) => {
      await db.run('INSERT INTO registry_snapshots (registry, snapshot_at, count, imported_by, imported_at) VALUES ($1, $2, $3, $4, $5)', [
        s.registry,
        s.snapshotAt,
        s.count,
        s.importedBy,
        s.importedAt,
      ]);
    },
    newest: async () =>
      (
        await db.rows<{ registry: string; snapshotAt: string; count: string; importedBy: string; importedAt: string }>(
          `SELECT DISTINCT ON (registry) registry, snapshot_at AS "snapshotAt", count, imported_by AS "importedBy", imported_at AS "importedAt"
             FROM registry_snapshots ORDER BY registry, snapshot_at DESC, id DESC`,
        )
      ).map((r) => ({ ...r, snapshotAt: Number(r.snapshotAt), count: Number(r.count), importedAt: Number(r.importedAt) }) as RegistrySnapshotRecord),
  };
}
