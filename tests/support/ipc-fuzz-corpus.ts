/**
 * The IPC fuzz corpus: one valid payload per request channel of the contract (so mutations start
 * from something a handler would run, and the valid ones reach the handlers with hostile text in
 * them), the channel families (each `domain:` prefix), and a seeded stream of hostile messages
 * per family built from them with hostile-input.ts. Ids that must exist for a handler to go
 * deeper (a campaign, a lead, an upload) come from the harness.
 */
import { requestSchemas, type RequestChannel, type RequestPayload } from '../../shared/contract.js';
import { defaultDispositions } from '../../shared/campaign.js';
import { mulberry32 } from './prng.js';
import { chance, hostileChannel, mutate, pick, type Hostile, type Wire } from './hostile-input.js';

/** Ids the harness made real before fuzzing, so valid payloads reach past "not found". */
export interface LiveIds {
  campaignId: number;
  leadId: number;
  /** An upload begun and filled with a small CSV. */
  importId: string;
  /** A file in the registry inbox. */
  registryFile: string;
}

type Seeds = { [C in RequestChannel]: (ids: LiveIds) => RequestPayload<C> };

const callId = 'c0ffee-1';
/** The account points at the discard port on loopback: registering is refused at once, nothing leaves the machine. */
const account = {
  server: 'ws://127.0.0.1:9',
  aor: 'sip:1001@127.0.0.1',
  password: 'secret',
  displayName: 'Fuzz Agent',
  supervision: { role: 'both' as const, team: ['sip:1002@127.0.0.1'], supervisors: ['sip:1003@127.0.0.1'] },
  // Hostile text in a saved template or allow-list reaches the screen pop's address builder.
  screenPop: { template: 'https://crm.example.com/leads/{externalId}?phone={phone}', allowedHosts: ['crm.example.com'], open: 'button' as const },
};
const campaign = {
  name: 'Fuzz campaign',
  kind: 'outbound' as const,
  script: { steps: [{ id: 'intro', title: 'Intro', text: 'Hello {{lead.firstName}}' }], coldStart: 'intro', warmStart: 'intro' },
  dispositions: defaultDispositions,
};

/** One valid payload per channel: a compile error here means a new channel needs its seed. */
export const seeds: Seeds = {
  'app:ready': () => ({ media: false }),
  'account:get': () => ({}),
  'account:save': () => account,
  'sip:register': () => ({}),
  'sip:unregister': () => ({}),
  'sip:check-link': () => ({ why: 'wake' }),
  'call:dial': () => ({ target: '+1 212 555 0100' }),
  'call:accept': () => ({ id: callId }),
  'call:reject': () => ({ id: callId }),
  'call:hangup': () => ({ id: callId }),
  'call:hold': () => ({ id: callId, hold: true }),
  'call:mute': () => ({ id: callId, muted: true }),
  'call:dtmf': () => ({ id: callId, tones: '123#' }),
  'call:transfer': () => ({ id: callId, target: 'sip:1002@127.0.0.1' }),
  'call:switch': () => ({ id: callId }),
  'call:redial': () => ({ id: callId }),
  'call:dial-link': () => ({ url: 'tel:+1-212-555-0100' }),
  'call:dismiss': () => ({ id: callId }),
  'media:respond': () => ({ requestId: 'm-1', ok: true, value: { sdp: 'v=0' } }),
  'campaign:list': () => ({}),
  'campaign:get': (ids) => ({ id: ids.campaignId }),
  'campaign:save': (ids) => ({ ...campaign, id: ids.campaignId }),
  'campaign:export': (ids) => ({ id: ids.campaignId }),
  'campaign:import': () => ({ json: JSON.stringify(campaign) }),
  'lead:list': (ids) => ({ campaignId: ids.campaignId, offset: 0, limit: 50, search: 'Jan' }),
  'lead:get': (ids) => ({ id: ids.leadId }),
  'lead:update': (ids) => ({ id: ids.leadId, patch: { firstName: 'Jan', phones: ['+1 212 555 0101'], customFields: { note: 'x' } } }),
  'workspace:select-campaign': (ids) => ({ id: ids.campaignId }),
  'workspace:next': () => ({}),
  'workspace:open-lead': (ids) => ({ leadId: ids.leadId }),
  'workspace:dial': () => ({ phoneIndex: 0 }),
  'workspace:skip': () => ({}),
  'workspace:dispose': () => ({ code: 'callback', note: 'call back', callback: { at: '2030-01-02T10:00', timeZone: 'America/New_York' } }),
  'workspace:capture': (ids) => ({ leadId: ids.leadId, field: 'custom.answer', value: 'yes' }),
  'agent:set-state': () => ({ state: 'paused', reason: 'break' }),
  'agent:stats': () => ({}),
  'import:begin': () => ({ fileName: 'leads.csv', size: 64 }),
  'import:chunk': (ids) => ({ importId: ids.importId, seq: 1, data: Buffer.from('Jan,+48 500 000 001\n').toString('base64') }),
  'import:preview': (ids) => ({ importId: ids.importId }),
  'import:run': (ids) => ({ importId: ids.importId, campaignId: ids.campaignId, mapping: ['fullName', 'phone'], duplicates: 'merge' }),
  'import:cancel': (ids) => ({ importId: ids.importId }),
  'compliance:status': () => ({}),
  'compliance:check': () => ({ target: '+1 212 555 0100' }),
  'compliance:import-registry': (ids) => ({ registry: 'US', mode: 'full', files: [{ name: ids.registryFile, kind: 'full' }], snapshotDate: '2026-11-20' }),
  'compliance:cancel-import': () => ({}),
  'compliance:dnc-add': () => ({ numbers: ['+1 212 555 0199'], source: 'manual' }),
  'compliance:scrub': (ids) => ({ campaignId: ids.campaignId }),
  'compliance:audit': () => ({ offset: 0, limit: 10 }),
  'compliance:audit-export': () => ({ from: 0 }),
  'compliance:audit-verify': () => ({}),
  'board:get': () => ({}),
  'monitor:start': () => ({ agent: 'sip:1002@127.0.0.1', mode: 'listen' }),
  'monitor:set-mode': () => ({ mode: 'whisper' }),
  'monitor:stop': () => ({}),
  'team:status': () => ({}),
  'team:test': () => ({ database: { url: 'postgres://agent@127.0.0.1:5432/ringside', ssl: 'disable' } }),
  'team:results': () => ({ from: 1_764_633_600_000, to: 1_764_720_000_000 }),
  'team:local-data': () => ({}),
  'team:upload': () => ({}),
  'crm:status': () => ({}),
  'crm:dead-letters': () => ({ offset: 0, limit: 20 }),
  'crm:retry': () => ({ id: 'evt_1' }),
  'crm:enable': () => ({}),
  'crm:screen-pop': (ids) => ({ leadId: ids.leadId }),
};

/** Every channel whose seed does not pass its own schema (should be none). */
export function invalidSeeds(ids: LiveIds): string[] {
  return (Object.keys(seeds) as RequestChannel[]).filter((c) => !requestSchemas[c].safeParse((seeds[c] as (i: LiveIds) => unknown)(ids)).success);
}

/**
 * The channel families: each `domain:` prefix of the contract; the supervisor's `board:` and
 * `monitor:` are one family, and so are the workspace and its `agent:` state.
 */
export function channelFamilies(): Map<string, RequestChannel[]> {
  const families = new Map<string, RequestChannel[]>();
  const familyOf = (prefix: string) => (prefix === 'monitor' ? 'board' : prefix === 'agent' ? 'workspace' : prefix);
  for (const channel of Object.keys(requestSchemas) as RequestChannel[]) {
    const family = familyOf(channel.slice(0, channel.indexOf(':')));
    families.set(family, [...(families.get(family) ?? []), channel]);
  }
  return families;
}

export interface FuzzMessage {
  /** Its number within the family's stream: with the seed, enough to rebuild it. */
  index: number;
  channel: unknown;
  payload: unknown;
  /** What was done to it, for a failure message. */
  what: string;
}

/**
 * `n` hostile messages for one family from `seed`: mostly the family's channels with mutated
 * payloads, some unknown or non-string channels. The same seed, family and ids give the same
 * messages.
 */
export function* fuzzMessages(seed: number, family: string, channels: readonly RequestChannel[], n: number, ids: LiveIds, wire: Wire): Generator<FuzzMessage> {
  let familyHash = 0;
  for (const c of family) familyHash = (Math.imul(familyHash, 31) + c.charCodeAt(0)) >>> 0;
  const rng = mulberry32((seed ^ familyHash) >>> 0);
  for (let index = 0; index < n; index++) {
    if (chance(rng, 0.08)) {
      const channel = hostileChannel(rng, family, wire);
      const payload: Hostile = chance(rng, 0.5) ? { value: {}, what: '{}' } : mutate(rng, (seeds[channels[0]] as (i: LiveIds) => unknown)(ids), wire);
      yield { index, channel: channel.value, payload: payload.value, what: `${channel.what}, ${payload.what}` };
      continue;
    }
    const channel = pick(rng, channels);
    const valid = (seeds[channel] as (i: LiveIds) => unknown)(ids);
    const m = mutate(rng, valid, wire);
    yield { index, channel, payload: m.value, what: `${channel}: ${m.what}` };
  }
}
