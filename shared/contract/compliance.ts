/** The compliance gate's state, checks, registries, the internal DNC list, scrubs and the audit log. */
import { z } from 'zod';
import {
  registryNames,
  type AuditEntry,
  type AuditVerification,
  type ComplianceDecision,
  type ComplianceStatus,
  type RegistryName,
  type ScrubReport,
} from '../compliance.js';
import { empty, rowId } from './common.js';
import { event, request } from './define.js';
import type { Invoke, Subscribe } from './transport.js';

const status = request<ComplianceStatus>();
const check = z.union([
  z.object({ target: z.string().min(1).max(512) }).strict(),
  z.object({ leadId: rowId, phoneIndex: z.number().int().min(0).max(9) }).strict(),
]);
const importRegistry = z
  .object({
    registry: z.enum(registryNames as [RegistryName, ...RegistryName[]]),
    mode: z.enum(['full', 'changes']),
    files: z
      .array(
        z
          .object({
            name: z
              .string()
              .min(1)
              .max(255)
              .regex(/^[^/\\\0]+$/, 'a file name, not a path')
              .refine((n) => n !== '.' && n !== '..', 'a file name'),
            kind: z.enum(['full', 'changes', 'additions', 'deletions']),
          })
          .strict(),
      )
      .min(1)
      .max(2000),
    /** The day the files were downloaded from the registry (YYYY-MM-DD); defaults to the files' dates. */
    snapshotDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
  })
  .strict();

export const complianceRequests = {
  /** Registries, snapshot ages, the banner, the import in progress. */
  'compliance:status': status(empty),
  /** What the dial policy would decide for a target now (the "why allowed/blocked" card); not dialled, not logged. */
  'compliance:check': request<ComplianceDecision>()(check),
  /** Import registry files from the inbox folder (names only, no paths). */
  'compliance:import-registry': status(importRegistry),
  'compliance:cancel-import': status(empty),
  /** Add numbers to the internal Do-Not-Call list by hand or from a pasted list. */
  'compliance:dnc-add': request<{ added: number; already: number; invalid: string[] }>()(
    z.object({ numbers: z.array(z.string().trim().min(1).max(40)).min(1).max(100_000), source: z.enum(['manual', 'import']) }).strict(),
  ),
  /** Scrub a campaign's leads against the internal list and the registries; marks blocked leads. */
  'compliance:scrub': request<ScrubReport>()(z.object({ campaignId: rowId }).strict()),
  /** The audit log, newest first. */
  'compliance:audit': request<{ total: number; rows: AuditEntry[] }>()(
    z.object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(500) }).strict(),
  ),
  /** The whole audit log (or a period) as CSV. */
  'compliance:audit-export': request<{ csv: string; fileName: string; rows: number }>()(
    z.object({ from: z.number().int().min(0).optional(), to: z.number().int().min(0).optional() }).strict(),
  ),
  /** Re-compute the audit log's keyed seals and check its end: was anything edited or cut off? */
  'compliance:audit-verify': request<AuditVerification>()(z.object({}).strict()),
} as const;

export const complianceEvents = {
  'compliance:changed': event<ComplianceStatus>(),
} as const;

export const complianceApi = (invoke: Invoke, subscribe: Subscribe) => ({
  status: () => invoke('compliance:status', {}),
  check: (q: z.input<typeof check>) => invoke('compliance:check', q),
  importRegistry: (r: z.input<typeof importRegistry>) => invoke('compliance:import-registry', r),
  cancelImport: () => invoke('compliance:cancel-import', {}),
  addToDnc: (numbers: string[], source: 'manual' | 'import') => invoke('compliance:dnc-add', { numbers, source }),
  scrub: (campaignId: number) => invoke('compliance:scrub', { campaignId }),
  audit: (offset: number, limit: number) => invoke('compliance:audit', { offset, limit }),
  exportAudit: (range?: { from?: number; to?: number }) => invoke('compliance:audit-export', range ?? {}),
  verifyAudit: () => invoke('compliance:audit-verify', {}),
  onChanged: (l: (s: ComplianceStatus) => void) => subscribe('compliance:changed', l),
});
