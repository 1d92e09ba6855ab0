import type { StateCreator } from 'zustand';
import type { Campaign } from '../../../../shared/campaign';
import type { AgentStats, CampaignSummary, WorkspaceView } from '../../../../shared/workspace';
import type { RingsideState } from '../store';

/** What the UI shows before main has told us anything. */
export const initialWorkspace: WorkspaceView = {
  agent: { state: 'offline', pauseReason: null, since: 0, name: '' },
  campaignId: null,
  current: null,
  dispositionRequired: false,
  notice: null,
};

export const initialStats: AgentStats = { day: '', calls: 0, connected: 0, talkSec: 0, dispositions: {}, successes: 0 };

export interface WorkspaceSlice {
  /** The agent's workspace as main reports it (agent state, campaign, lead on screen). */
  workspace: WorkspaceView;
  setWorkspace(workspace: WorkspaceView): void;
}

export interface StatsSlice {
  /** Today's figures. */
  stats: AgentStats;
  setStats(stats: AgentStats): void;
}

export interface CampaignsSlice {
  campaigns: CampaignSummary[];
  /** Full campaigns (script, dispositions) fetched with `campaign:get`, by id. */
  campaignDetails: Record<number, Campaign>;
  /** `campaigns:changed`: new list; cached details are dropped so they are fetched again. */
  setCampaigns(campaigns: CampaignSummary[]): void;
  setCampaignDetail(campaign: Campaign): void;
}

export const createWorkspaceSlice: StateCreator<RingsideState, [], [], WorkspaceSlice> = (set) => ({
  workspace: initialWorkspace,
  setWorkspace: (workspace) => set({ workspace }),
});

export const createStatsSlice: StateCreator<RingsideState, [], [], StatsSlice> = (set) => ({
  stats: initialStats,
  setStats: (stats) => set({ stats }),
});

export const createCampaignsSlice: StateCreator<RingsideState, [], [], CampaignsSlice> = (set) => ({
  campaigns: [],
  campaignDetails: {},
  setCampaigns: (campaigns) => set({ campaigns, campaignDetails: {} }),
  setCampaignDetail: (campaign) => set((s) => ({ campaignDetails: { ...s.campaignDetails, [campaign.id]: campaign } })),
});
