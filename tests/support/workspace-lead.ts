/** The lead on the agent's screen, as the workspace shows it: a warm preview unless told otherwise. Shared by the renderer tests and the screenshot scripts (no Vitest here). */
import type { WorkspaceLead } from '../../shared/workspace.js';

export function workspaceLead(overrides: Partial<WorkspaceLead> = {}): WorkspaceLead {
  return {
    leadId: 7,
    callId: null,
    phoneIndex: 0,
    stage: 'preview',
    countdownEndsAt: null,
    wrapUpStartedAt: null,
    temperature: { kind: 'warm', reason: 'inquiry 2026-11-20' },
    scriptStart: 'intro',
    compliance: null,
    ...overrides,
  };
}
