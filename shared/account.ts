import { z } from 'zod';
import { supervisionSchema, type Supervision } from './supervision.js';
import { defaultDialPlan, validDialPlanSchema, type DialPlan } from './dial-plan.js';
import { crmEndpointSchema, crmScreenPopSchema, type CrmEndpointView, type CrmScreenPopView } from './crm.js';
import { teamSettingsSchema, type TeamSettingsView } from './team.js';

/** A SIP WebSocket server address: ws:// or wss://, host required. */
export const serverUrlSchema = z
  .string()
  .trim()
  .max(512)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'ws:' || u.protocol === 'wss:') && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'Server must be a ws:// or wss:// address, e.g. wss://pbx.example.com:8089/ws');

export const aorSchema = z
  .string()
  .trim()
  .max(256)
  .regex(/^sips?:[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+@[A-Za-z0-9.-]+(:\d{1,5})?$/, 'Address must look like sip:agent@example.com')
  // A % must start an escape that decodes (%E0 alone does not): the SIP stack could not use the address.
  .refine((aor) => {
    try {
      decodeURIComponent(aor.slice(0, aor.lastIndexOf('@')));
      return true;
    } catch {
      return false;
    }
  }, 'The address has a % that is not a valid escape (write %25 for a % sign)');

/** What a TURN server is told of who we are: a fixed user and password, or time-limited ones made from a shared secret. */
export const iceCredentialTypes = ['password', 'ephemeral'] as const;
export type IceCredentialType = (typeof iceCredentialTypes)[number];

/** How long time-limited TURN credentials stay valid when the account does not say, seconds (coturn's own default). */
export const DEFAULT_EPHEMERAL_TTL_SEC = 86_400;

/** Which candidates WebRTC may use: 'relay' keeps only those relayed by a TURN server. */
export const iceTransportPolicies = ['all', 'relay'] as const;
export type IceTransportPolicy = (typeof iceTransportPolicies)[number];

const iceUrlSchema = z
  .string()
  .trim()
  .max(512)
  .regex(/^(stuns?|turns?):[^\s]+$/i, 'An ICE server address starts with stun:, stuns:, turn: or turns:, e.g. turn:turn.example.com:3478');

const isTurnUrl = (url: string): boolean => /^turns?:/i.test(url);

/** The addresses of an ICE server entry as a list, whichever way it was written. */
export function iceServerUrls(server: { urls: string | readonly string[] }): string[] {
  return typeof server.urls === 'string' ? [server.urls] : [...server.urls];
}

/**
 * One STUN or TURN server. `credential` is secret (kept encrypted, never shown): the TURN
 * password, or with `credentialType: 'ephemeral'` the shared secret of the TURN REST API
 * convention (coturn's `use-auth-secret` / `static-auth-secret`), from which the core makes a
 * user `<expiry>:<SIP user>` and password base64(HMAC-SHA1(secret, user)) for each call, so the
 * secret itself never leaves the main process.
 */
export const iceServerSchema = z
  .object({
    urls: z.union([iceUrlSchema, z.array(iceUrlSchema).min(1).max(8)]),
    username: z.string().max(256).optional(),
    credential: z.string().max(256).optional(),
    /** Absent: 'password'. */
    credentialType: z.enum(iceCredentialTypes).optional(),
    /** How long each time-limited credential is valid, seconds; absent: DEFAULT_EPHEMERAL_TTL_SEC. */
    ephemeralTtlSec: z.number().int().min(60).max(2_592_000).optional(),
  })
  .superRefine((server, ctx) => {
    if (server.credentialType !== 'ephemeral') return;
    if (server.username !== undefined && server.username !== '')
      ctx.addIssue({
        code: 'custom',
        path: ['username'],
        message: 'Time-limited TURN credentials take no user name: Ringside makes one for each call from the SIP user.',
      });
    if (!iceServerUrls(server).some(isTurnUrl))
      ctx.addIssue({ code: 'custom', path: ['credentialType'], message: 'Time-limited credentials are for a TURN server (turn: or turns:).' });
  });
export type IceServer = z.infer<typeof iceServerSchema>;

/** The agent's SIP account. The password is only ever stored encrypted (see SecretStore). */
export const accountSchema = z
  .object({
    server: serverUrlSchema,
    aor: aorSchema,
    /** Digest user name, when it differs from the AOR's user part. */
    authUser: z.string().trim().max(128).optional(),
    password: z.string().max(256),
    displayName: z.string().trim().max(128).optional(),
    /** Registration lifetime asked of the server, seconds. */
    expires: z.number().int().min(30).max(3600).default(300),
    /** STUN/TURN servers for WebRTC; empty on a LAN. */
    iceServers: z.array(iceServerSchema).max(8).default([]),
    /**
     * 'relay': audio goes only through a TURN server of `iceServers` (home agents behind hostile
     * NATs, corporate firewalls that let only the TURN server through); a call that gets no
     * relayed route fails in words instead of going silent. 'all': any route ICE finds.
     */
    iceTransportPolicy: z.enum(iceTransportPolicies).default('all'),
    /**
     * How often the link to the SIP server is checked with a WebSocket ping, seconds; a ping left
     * unanswered for as long (5 s at most) means the link is dead and a new one is opened. 0: off.
     */
    keepAliveSec: z.number().int().min(0).max(300).default(15),
    /** Upper bound on ICE gathering before the SDP is sent anyway, ms. */
    iceGatheringTimeoutMs: z.number().int().min(50).max(10000).default(500),
    /** Agent, supervisor or both; who may see and monitor whom. */
    supervision: supervisionSchema.default(() => supervisionSchema.parse({})),
    /** How the PBX reads dialled digits: prefixes it strips, extensions, internal domains. */
    dialPlan: validDialPlanSchema.default(() => defaultDialPlan('US')),
    /**
     * The SIP server vouches for caller IDs (it verifies them itself, e.g. an SBC doing STIR/SHAKEN
     * without passing `verstat` on). Off: only a `verstat=TN-Validation-Passed` caller counts as an inquiry.
     */
    trustCallerId: z.boolean().default(false),
    /**
     * A tel:/sip: link from another app dials at once (a CRM the call center trusts). Off: the
     * number opens in the dial box with its compliance card, and only the agent's Call dials it.
     */
    autoDialLinks: z.boolean().default(false),
    /** CRM sync: where every result is sent as a signed webhook. Absent: results stay in Ringside. */
    crm: crmEndpointSchema.optional(),
    /** The CRM record of the lead on screen, opened in the system browser. Absent: no screen pop. */
    screenPop: crmScreenPopSchema.optional(),
    /** Team mode: the shared database. Absent: this desktop keeps its own embedded data (solo). */
    team: teamSettingsSchema.optional(),
  })
  .superRefine((account, ctx) => {
    if (account.iceTransportPolicy === 'relay' && !account.iceServers.some((server) => iceServerUrls(server).some(isTurnUrl)))
      ctx.addIssue({ code: 'custom', path: ['iceTransportPolicy'], message: 'Relay only needs a TURN server (turn: or turns:) among the ICE servers.' });
  });
export type Account = z.infer<typeof accountSchema>;
export type AccountInput = z.input<typeof accountSchema>;

/** An ICE server as Settings shows it: never its password or shared secret, only whether one is saved. */
export interface IceServerView {
  urls: string[];
  username: string | null;
  credentialType: IceCredentialType;
  hasCredential: boolean;
  ephemeralTtlSec: number | null;
}

/** What the UI may see of the account: never the password. */
export interface AccountView {
  server: string;
  aor: string;
  authUser: string | null;
  displayName: string | null;
  expires: number;
  keepAliveSec: number;
  iceGatheringTimeoutMs: number;
  hasPassword: boolean;
  /** Where it came from: the settings store, or a provisioning file that the agent cannot edit. */
  source: 'settings' | 'provisioned';
  /** Roles and lists; the team secret itself never leaves main. */
  supervision: Omit<Supervision, 'teamSecret'> & { hasTeamSecret: boolean };
  dialPlan: DialPlan;
  trustCallerId: boolean;
  autoDialLinks: boolean;
  /** STUN/TURN servers without their secrets. */
  iceServers: IceServerView[];
  iceTransportPolicy: IceTransportPolicy;
  /**
   * Where the password and other secrets are kept: encrypted by the operating system's key store,
   * or, where there is none worth the name (Linux's fixed-key `basic_text`), only in memory for this
   * run, to be entered again after a restart.
   */
  secretsStorage: 'encrypted' | 'memory-only';
  /** What went wrong reading the saved account (a secret that no longer decrypts, …), in words for the agent. */
  problems: string[];
  /** CRM sync, without its signing secret. */
  crm: CrmEndpointView | null;
  /** The CRM record address and where it may go; null: no screen pop. */
  screenPop: CrmScreenPopView | null;
  /** Team mode, without the database password. */
  team: TeamSettingsView | null;
}

/** What Settings may show of an ICE server. */
export function iceServerView(server: IceServer): IceServerView {
  return {
    urls: iceServerUrls(server),
    username: server.username ?? null,
    credentialType: server.credentialType ?? 'password',
    hasCredential: Boolean(server.credential),
    ephemeralTtlSec: server.ephemeralTtlSec ?? null,
  };
}

/** The SIP domain (host part) of an AOR, used to turn a dialled number into a URI. */
export function aorDomain(aor: string): string {
  const at = aor.lastIndexOf('@');
  return aor.slice(at + 1).replace(/:\d+$/, '');
}
