/**
 * The account in use and its line to the SIP server: loading and saving the account (secrets
 * kept when the form leaves them blank), one SipClient per account, and the registration state
 * everybody else reads. Switching accounts hands over in order: the old line is told to go
 * (calls ended, supervisors told), stopped, then the new one is built and registered.
 */
import type { Invitation, Message, SessionDescriptionHandlerFactory } from 'sip.js';
import { iceServerView, type Account, type AccountView } from '../../../shared/account.js';
import type { EventPayloads } from '../../../shared/contract.js';
import type { RegistrationView } from '../../../shared/registration-state.js';
import { RingsideError } from '../../../shared/result.js';
import type { ChannelsOf, Handlers } from '../ipc/router.js';
import type { CoreEvents } from '../lib/core-events.js';
import { drop } from '../lib/drop.js';
import type { Emitter } from '../lib/emitter.js';
import type { Logger } from '../lib/logger.js';
import { defaultAgentId, type TeamSettings, type TeamSettingsView } from '../../../shared/team.js';
import { withSavedSecrets, type AccountStore, type StoredAccount } from './account-store.js';
import type { BackoffOptions } from './backoff.js';
import { watchHost, type HostWatchOptions } from './host-watch.js';
import { SipClient } from './sip-client.js';

export interface SipLineDeps {
  accounts: AccountStore;
  events: Emitter<CoreEvents>;
  emit<C extends 'account:changed' | 'registration:changed'>(channel: C, payload: EventPayloads[C]): void;
  /** Register as soon as an account is known. */
  autoRegister: boolean;
  backoff?: BackoffOptions;
  onInvite(invitation: Invitation): void;
  onMessage(message: Message): void;
  onConnection(connected: boolean): void;
  /** The media of each session on this account's line. */
  sdhFactory(account: Account): SessionDescriptionHandlerFactory;
  /** The old line is about to go: end what runs on it while it still stands. */
  leaving(): Promise<void>;
  /** The new account and its line (or none) are in place. */
  joined(account: Account | null, client: SipClient | null): void;
  log: Logger;
  /** How wakes and network changes are noticed (tests speed it up); null: not watched. */
  hostWatch?: Omit<HostWatchOptions, 'onEvent'> | null;
}

const unregistered: RegistrationView = { state: 'unregistered', aor: null, error: null, retryAt: null, attempt: 0, connected: false };

/** Team settings without the database password; the agent's name in the team defaults to its SIP user. */
export function teamSettingsView(team: TeamSettings, aor: string): TeamSettingsView {
  const { password, ...database } = team.database;
  return { name: team.name, agentId: teamAgentId(team, aor), database: { ...database, hasPassword: Boolean(password) } };
}

/** Who the agent is in the team's shared data: as configured, else the SIP user of its address. */
export function teamAgentId(team: Pick<TeamSettings, 'agentId'>, aor: string): string {
  return team.agentId || defaultAgentId(aor);
}

export class SipLine {
  private stored: StoredAccount | null = null;
  private client: SipClient | null = null;
  private current: RegistrationView = unregistered;
  private stopWatch: (() => void) | null = null;
  private checking: Promise<void> | null = null;

  constructor(private readonly deps: SipLineDeps) {}

  get account(): Account | null {
    return this.stored?.account ?? null;
  }

  get sip(): SipClient | null {
    return this.client;
  }

  get registration(): RegistrationView {
    return this.current;
  }

  /** What Settings shows: no secret leaves the core (password, team secret, TURN password or shared secret), only whether one is set. */
  view(): AccountView | null {
    if (!this.stored) return null;
    const a = this.stored.account;
    const { teamSecret, ...supervision } = a.supervision;
    return {
      server: a.server,
      aor: a.aor,
      authUser: a.authUser ?? null,
      displayName: a.displayName ?? null,
      expires: a.expires,
      keepAliveSec: a.keepAliveSec,
      iceGatheringTimeoutMs: a.iceGatheringTimeoutMs,
      hasPassword: a.password.length > 0,
      source: this.stored.source,
      supervision: { ...supervision, hasTeamSecret: Boolean(teamSecret) },
      dialPlan: a.dialPlan,
      trustCallerId: a.trustCallerId,
      autoDialLinks: a.autoDialLinks,
      iceServers: a.iceServers.map(iceServerView),
      iceTransportPolicy: a.iceTransportPolicy,
      secretsStorage: this.stored.secretsStorage ?? 'encrypted',
      problems: [...(this.stored.problems ?? [])],
      crm: a.crm ? { url: a.crm.url, events: [...a.crm.events], timeoutMs: a.crm.timeoutMs, hasSecret: Boolean(a.crm.secret) } : null,
      screenPop: a.screenPop ? { template: a.screenPop.template, allowedHosts: [...a.screenPop.allowedHosts], open: a.screenPop.open } : null,
      team: a.team ? teamSettingsView(a.team, a.aor) : null,
    };
  }

  /** Throws the "no SIP account yet" error when there is none. */
  require(): SipClient {
    if (!this.client) throw new RingsideError('not-configured', 'No SIP account yet: open Settings and enter your server and password.');
    return this.client;
  }

  async load(): Promise<void> {
    if (this.deps.hostWatch !== null && !this.stopWatch) {
      this.stopWatch = watchHost({
        ...this.deps.hostWatch,
        onEvent: (event) => {
          this.deps.log.info(
            event === 'wake' ? 'the computer woke up: checking the link to the SIP server' : 'the network changed: checking the link to the SIP server',
          );
          drop(this.checkLink(), this.deps.log.warn, 'check the SIP link');
        },
      });
    }
    await this.use(await this.deps.accounts.load());
  }

  async close(): Promise<void> {
    this.stopWatch?.();
    this.stopWatch = null;
    await this.use(null);
  }

  /**
   * After a wake or a network change: make sure the link is alive (or replace it) and register
   * again. The desktop shell and the page may both report one wake: they share one check.
   */
  checkLink(): Promise<void> {
    this.checking ??= (async () => {
      try {
        await this.client?.checkLink();
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }

  handlers(): Handlers<ChannelsOf<'account'> | ChannelsOf<'sip'>> {
    return {
      'account:get': () => this.view(),
      'account:save': async (p) => {
        if (this.stored?.source === 'provisioned')
          throw new RingsideError('invalid-account', 'This account is provisioned by your call center and cannot be changed here.');
        const merged = withSavedSecrets(p, this.account);
        await this.deps.accounts.save(merged);
        await this.use({ account: merged, source: 'settings', secretsStorage: this.deps.accounts.secretsStorage?.() });
        return this.view() as AccountView;
      },
      'sip:register': async () => {
        const client = this.require();
        await client.register();
        return client.registration;
      },
      'sip:unregister': async () => {
        const client = this.require();
        await client.unregister();
        return client.registration;
      },
      'sip:check-link': async ({ why }) => {
        this.deps.log.info(`the page reports ${why === 'wake' ? 'a wake from sleep' : `the network ${why}`}: checking the SIP link`);
        await this.checkLink();
        return null;
      },
    };
  }

  private async use(next: StoredAccount | null): Promise<void> {
    const old = this.client;
    this.client = null;
    if (old) {
      await this.deps.leaving();
      await old.stop();
    }
    this.stored = next;
    const account = next?.account ?? null;
    this.deps.events.emit('account', account);
    this.deps.emit('account:changed', this.view());
    if (account) {
      try {
        this.client = this.build(account);
        this.setRegistration(this.client.registration);
      } catch (error) {
        // An account the SIP stack cannot use (saved by an older version, hand-edited) must not
        // stop the app from starting: say so where registration is shown, and let Settings fix it.
        this.deps.log.warn('the SIP account cannot be used', error);
        this.setRegistration({
          ...unregistered,
          state: 'failed',
          aor: account.aor,
          error: `This SIP account cannot be used (${error instanceof Error ? error.message : String(error)}): correct it in Settings.`,
        });
      }
    }
    this.deps.joined(account, this.client);
    if (this.client && this.deps.autoRegister) drop(this.client.register(), this.deps.log.warn, 'register');
  }

  private setRegistration(view: RegistrationView): void {
    this.current = view;
    this.deps.emit('registration:changed', view);
    this.deps.events.emit('registration', view);
  }

  private build(account: Account): SipClient {
    const { deps } = this;
    return new SipClient({
      account,
      log: deps.log,
      backoff: deps.backoff,
      onInvite: (invitation) => deps.onInvite(invitation),
      onMessage: (message) => deps.onMessage(message),
      onRegistration: (view) => this.setRegistration(view),
      onConnection: (connected) => deps.onConnection(connected),
      sdhFactory: deps.sdhFactory(account),
    });
  }
}
