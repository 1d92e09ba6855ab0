import { z } from 'zod';
import { supervisionSchema, type Supervision } from './supervision.js';
import { defaultDialPlan, validDialPlanSchema, type DialPlan } from './dial-plan.js';

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
  .regex(/^sips?:[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+@[A-Za-z0-9.-]+(:\d{1,5})?$/, 'Address must look like sip:agent@example.com');

/** The agent's SIP account. The password is only ever stored encrypted (see SecretStore). */
export const accountSchema = z.object({
  server: serverUrlSchema,
  aor: aorSchema,
  /** Digest user name, when it differs from the AOR's user part. */
  authUser: z.string().trim().max(128).optional(),
  password: z.string().max(256),
  displayName: z.string().trim().max(128).optional(),
  /** Registration lifetime asked of the server, seconds. */
  expires: z.number().int().min(30).max(3600).default(300),
  /** STUN/TURN servers for WebRTC; empty on a LAN. */
  iceServers: z
    .array(
      z.object({
        urls: z.union([z.string().max(512), z.array(z.string().max(512)).max(8)]),
        username: z.string().max(256).optional(),
        credential: z.string().max(256).optional(),
      }),
    )
    .max(8)
    .default([]),
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
});
export type Account = z.infer<typeof accountSchema>;
export type AccountInput = z.input<typeof accountSchema>;

/** What the UI may see of the account: never the password. */
export interface AccountView {
  server: string;
  aor: string;
  authUser: string | null;
  displayName: string | null;
  expires: number;
  keepAliveSec: number;
  hasPassword: boolean;
  /** Where it came from: the settings store, or a provisioning file that the agent cannot edit. */
  source: 'settings' | 'provisioned';
  /** Roles and lists; the team secret itself never leaves main. */
  supervision: Omit<Supervision, 'teamSecret'> & { hasTeamSecret: boolean };
  dialPlan: DialPlan;
  trustCallerId: boolean;
  autoDialLinks: boolean;
  /**
   * Where the password and other secrets are kept: encrypted by the operating system's key store,
   * or, where there is none worth the name (Linux's fixed-key `basic_text`), only in memory for this
   * run, to be entered again after a restart.
   */
  secretsStorage: 'encrypted' | 'memory-only';
  /** What went wrong reading the saved account (a secret that no longer decrypts, …), in words for the agent. */
  problems: string[];
}

/** The SIP domain (host part) of an AOR, used to turn a dialled number into a URI. */
export function aorDomain(aor: string): string {
  const at = aor.lastIndexOf('@');
  return aor.slice(at + 1).replace(/:\d+$/, '');
}
