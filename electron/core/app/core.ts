/** What the core needs from its host (the shell, the browser-mode server, a test) and what it offers. */
import type { CompliancePolicy } from '../../../shared/compliance.js';
import type { Snapshot } from '../../../shared/contract.js';
import type { RegistrationView } from '../../../shared/registration-state.js';
import type { Result } from '../../../shared/result.js';
import type { CallManager } from '../calls/call-manager.js';
import type { AuditKeyStore } from '../compliance/audit-chain.js';
import type { LinkOutcome } from '../calls/link-offer.js';
import type { Store } from '../data/repositories.js';
import type { RendererHost } from '../ipc/connection.js';
import type { Logger } from '../lib/logger.js';
import type { AccountStore } from '../sip/account-store.js';
import type { BackoffOptions } from '../sip/backoff.js';
import type { WorkspaceService } from '../workspace/workspace-service.js';

export interface CoreDeps {
  accounts: AccountStore;
  /** Domain data (campaigns, leads, calls, dispositions, DNC). */
  store: Store;
  /**
   * The SQLite file behind `store`: the import and scrub workers then open `store.location` for
   * themselves, and the data folder defaults to the file's.
   */
  dbPath?: string;
  log?: Logger;
  backoff?: BackoffOptions;
  mediaTimeoutMs?: number;
  /** Register as soon as an account is known (default true). */
  autoRegister?: boolean;
  /** Folder for registry indexes and the registry inbox; defaults to the database's folder. */
  dataDir?: string | null;
  /** The clock the compliance gate decides by (tests pin it). */
  now?: () => number;
  compliancePolicy?: CompliancePolicy;
  /** Where the audit log's key is kept (default: a 0600 file in the data folder). */
  auditKeys?: AuditKeyStore;
  /**
   * Opens a CRM record in the system browser (the Electron shell's shell.openExternal). Absent
   * (browser mode): the page is sent `crm:open-url` and opens it in a new tab.
   */
  openExternal?: (url: string) => Promise<void>;
}

/** One renderer's connection to the core. */
export type { CoreConnection } from '../ipc/connection.js';

export interface Core extends RendererHost {
  start(): Promise<void>;
  stop(): Promise<void>;
  snapshot(): Promise<Snapshot>;
  /**
   * A tel:/sip: link handed over by the operating system: opened in the dial box with its
   * compliance card for the agent to confirm, or dialled through the gate at once where the
   * account trusts links.
   */
  openLink(url: string): Promise<Result<LinkOutcome>>;
  /** The computer woke up (or its network changed): check the SIP link, replace it if dead, register again. */
  reconnect(): Promise<void>;
  /** For tests and benchmarks in the same process. */
  readonly calls: CallManager;
  readonly workspace: WorkspaceService;
  readonly registration: RegistrationView;
}
