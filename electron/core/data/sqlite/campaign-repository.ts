/** Campaigns: each one's settings as JSON (parsed with its schema on the way out), its leads counted for the list. */
import type { Campaign, CampaignInput } from '../../../../shared/campaign.js';
import type { CampaignSummary } from '../../../../shared/workspace.js';
import type { CampaignRepository } from '../repositories.js';
import { campaignOf, campaignWrite, countryCodes } from '../shared/campaign-rows.js';
import { NotFoundError } from '../shared/not-found-error.js';
import type { Prepare } from './statements.js';

/** Statuses the dialler may pick (callbacks only once due). */
const DUE_WHERE = `((status IN ('new', 'active') AND (due_at IS NULL OR due_at <= @now)) OR (status = 'callback' AND due_at <= @now))`;

export function campaignRepository(q: Prepare): CampaignRepository {
  function listCampaigns(now: number): CampaignSummary[] {
    const rows = q(
      `SELECT c.id, c.name, c.kind, c.dial_mode AS dialMode,
              (SELECT COUNT(*) FROM leads l WHERE l.campaign_id = c.id) AS leads,
              (SELECT COUNT(*) FROM leads l WHERE l.campaign_id = c.id AND ${DUE_WHERE}) AS due
         FROM campaigns c ORDER BY c.name COLLATE NOCASE, c.id`,
    ).all({ now }) as CampaignSummary[];
    return rows;
  }

  function getCampaign(id: number): Campaign | null {
    const row = q('SELECT config FROM campaigns WHERE id = ?').get(id) as { config: string } | undefined;
    return row ? campaignOf(JSON.parse(row.config), id) : null;
  }

  function saveCampaign(input: CampaignInput & { id?: number }): Campaign {
    const { id, config, ...w } = campaignWrite(input);
    const params = { name: w.name, kind: w.kind, dialMode: w.dialMode, maxAttempts: w.maxAttempts, config: w.json, now: Date.now() };
    if (id === undefined) {
      const r = q(
        `INSERT INTO campaigns (name, kind, dial_mode, max_attempts, config, created_at, updated_at)
         VALUES (@name, @kind, @dialMode, @maxAttempts, @config, @now, @now)`,
      ).run(params);
      return { ...config, id: Number(r.lastInsertRowid) };
    }
    const r = q(
      `UPDATE campaigns SET name = @name, kind = @kind, dial_mode = @dialMode, max_attempts = @maxAttempts, config = @config, updated_at = @now
        WHERE id = @id`,
    ).run({ ...params, id });
    if (r.changes === 0) throw new NotFoundError(`campaign ${id}`);
    return { ...config, id };
  }

  return {
    list: async (now) => listCampaigns(now),
    get: async (id) => getCampaign(id),
    save: async (c) => saveCampaign(c),
    countries: async () =>
      countryCodes((q(`SELECT DISTINCT json_extract(config, '$.defaultCountry') AS c FROM campaigns`).all() as Array<{ c: unknown }>).map((r) => r.c)),
  };
}
