/** The workspace and agent-state requests, straight to the workspace service. */
import type { ChannelsOf, Handlers } from '../ipc/router.js';
import type { WorkspaceService } from './workspace-service.js';

export function workspaceHandlers(workspace: WorkspaceService): Handlers<ChannelsOf<'workspace'> | ChannelsOf<'agent'>> {
  return {
    'workspace:select-campaign': (p) => workspace.selectCampaign(p.id),
    'workspace:next': () => workspace.next(),
    'workspace:open-lead': (p) => workspace.openLead(p.leadId),
    'workspace:dial': (p) => workspace.dial(p.phoneIndex),
    'workspace:skip': () => workspace.skip(),
    'workspace:dispose': (p) => workspace.dispose(p),
    'workspace:capture': (p) => workspace.capture(p.leadId, p.field, p.value),
    'agent:set-state': (p) => workspace.setAgentState(p.state, p.reason),
    'agent:stats': () => workspace.stats(),
  };
}
