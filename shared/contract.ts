/**
 * The one IPC contract between the main process and renderers. Each domain declares its
 * requests (channel `domain:verb`, payload schema, result type), its events (`domain:event`,
 * payload type) and its part of the renderer's API once, in shared/contract/<domain>.ts; this
 * file joins them and derives the rest — the channel lists, the result and payload maps, the
 * grouped API — so a channel is written in one place. Main validates every payload against its
 * schema, whatever the transport.
 */
import type { z } from 'zod';
import type { Result } from './result.js';
import { accountApi, accountEvents, accountRequests, sipApi } from './contract/account.js';
import { appApi, appEvents, appRequests } from './contract/app.js';
import { callApi, callEvents, callRequests, mediaApi } from './contract/call.js';
import { campaignApi, campaignEvents, campaignRequests } from './contract/campaign.js';
import { complianceApi, complianceEvents, complianceRequests } from './contract/compliance.js';
import type { PayloadOf, ResultOf } from './contract/define.js';
import { importApi, importEvents, importRequests } from './contract/import.js';
import { leadApi, leadEvents, leadRequests } from './contract/lead.js';
import { boardApi, monitorApi, supervisionEvents, supervisionRequests } from './contract/supervision.js';
import { crmApi, teamApi, teamEvents, teamRequests } from './contract/team.js';
import type { Invoke, Subscribe } from './contract/transport.js';
import { agentApi, workspaceApi, workspaceEvents, workspaceRequests } from './contract/workspace.js';

export type { Snapshot } from './contract/app.js';
export { mediaRespondSchema, type MediaOp, type MediaReplies, type MediaRequest, type OfferedLink, type RTCIceServerLike } from './contract/call.js';
export type { Invoke, Subscribe } from './contract/transport.js';

const requests = {
  ...appRequests,
  ...accountRequests,
  ...callRequests,
  ...campaignRequests,
  ...leadRequests,
  ...workspaceRequests,
  ...importRequests,
  ...complianceRequests,
  ...supervisionRequests,
  ...teamRequests,
} as const;

const events = {
  ...appEvents,
  ...accountEvents,
  ...callEvents,
  ...campaignEvents,
  ...leadEvents,
  ...workspaceEvents,
  ...importEvents,
  ...complianceEvents,
  ...supervisionEvents,
  ...teamEvents,
} as const;

type Requests = typeof requests;
export type RequestChannel = keyof Requests;

/** Every request channel's payload schema: what main validates before a handler runs. */
export const requestSchemas = Object.fromEntries(Object.entries(requests).map(([channel, def]) => [channel, def.schema])) as {
  [C in RequestChannel]: Requests[C]['schema'];
};

export type RequestPayload<C extends RequestChannel> = z.input<Requests[C]['schema']>;
/** A request's payload as main's handlers receive it: validated and parsed by its schema. */
export type RequestData<C extends RequestChannel> = z.output<Requests[C]['schema']>;
export type RequestResults = { [C in RequestChannel]: ResultOf<Requests[C]> };

export type EventChannel = keyof typeof events;
export type EventPayloads = { [E in EventChannel]: PayloadOf<(typeof events)[E]> };
export const eventChannels = Object.keys(events) as EventChannel[];

export function isRequestChannel(channel: unknown): channel is RequestChannel {
  return typeof channel === 'string' && Object.prototype.hasOwnProperty.call(requests, channel);
}

/** Builds the named API over any transport: what a renderer sees as `window.ringside` (never raw IPC). */
export function createRingsideApi(invoke: Invoke, subscribe: Subscribe) {
  return {
    app: appApi(invoke),
    account: accountApi(invoke, subscribe),
    sip: sipApi(invoke, subscribe),
    call: callApi(invoke, subscribe),
    media: mediaApi(invoke, subscribe),
    campaign: campaignApi(invoke, subscribe),
    lead: leadApi(invoke, subscribe),
    workspace: workspaceApi(invoke, subscribe),
    agent: agentApi(invoke, subscribe),
    importer: importApi(invoke, subscribe),
    compliance: complianceApi(invoke, subscribe),
    board: boardApi(invoke, subscribe),
    monitor: monitorApi(invoke, subscribe),
    team: teamApi(invoke, subscribe),
    crm: crmApi(invoke, subscribe),
  };
}

/** The grouped, typed API a renderer sees as `window.ringside`. */
export type RingsideApi = ReturnType<typeof createRingsideApi>;

/** Browser transport frames (loopback WebSocket), same contract. */
export type WireFrame =
  | { kind: 'request'; id: number; channel: string; payload: unknown }
  | { kind: 'response'; id: number; result: Result<unknown> }
  | { kind: 'event'; channel: EventChannel; payload: unknown };
