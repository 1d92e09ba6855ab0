/** Campaigns: each one's settings as JSON (parsed with its schema on the way out), its leads counted for the list. */
import type { Campaign, CampaignInput } from '../../../../shared/campaign.js';
import type { CampaignSummary } from '../../../../shared/workspace.js';
import type { CampaignRepository } from '../repositories.js';
import { campaignOf, campaignWrite, countryCodes } from '../shared/campaign-rows.js';
import { NotFoundError } from '../shared/not-found-error.js';
import type { Sql } from './connection.js';
import { foldAscii } from './rows.js';

/** Statuses the dialler may pick (callbacks only once due); $1 is now. */
const DUE_WHERE = `((status IN ('new', 'active') AND (due_at IS NULL OR due_at <= $1)) OR (status = 'callback' AND due_at <= $1))`;

export function campaignRepository(sql: Sql): CampaignRepository {
  async function saveCampaign(input: CampaignInput & { id?: number }): Promise<Campaign> {
    const { id, config, ...w } = campaignWrite(input);
    const values = [w.name, w.kind, w.dialMode, w.maxAttempts, w.json, Date.now()];
    if (id === undefined) {
      const row = await sql.one<{ id: number }>(
        `INSERT INTO campaigns (name, kind, dial_mode, max_attempts, config, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
        values,
      );
      return { ...config, id: row!.id };
    }
    const changed = await sql.run(`UPDATE campaigns SET name = $1, kind = $2, dial_mode = $3, max_attempts = $4, config = $5, updated_at = $6 WHERE id = $7`, [
      ...values,
      id,
    ]);
    if (changed === 0) throw new NotFoundError(`campaign ${id}`);
    return { ...config, id };
  }

  return {
    list: (now) =>
      sql.rows<CampaignSummary>(
        // Ordered as SQLite's NOCASE orders: A–Z folded, then by code point.
        `SELECT c.id, c.name, c.kind, c.dial_mode AS "dialMode",
                (SELECT COUNT(*) FROM leads l WHERE l.campaign_id = c.id) AS leads,
                (SELECT COUNT(*) FROM leads l WHERE l.campaign_id = c.id AND ${DUE_WHERE}) AS due
           FROM campaigns c ORDER BY ${foldAscii('c.name')} COLLATE "C", c.id`,
        [now],
      ),
    get: async (id) => {
      const row = await sql.one<{ config: unknown }>('SELECT config FROM campaigns WHERE id = $1', [id]);
      return row ? campaignOf(row.config, id) : null;
    },
    save: (c) => saveCampaign(c),
    countries: async () =>
      countryCodes((await sql.rows<{ c: string | null }>(`SELECT DISTINCT config->>'defaultCountry' AS c FROM campaigns ORDER BY 1`)).map((r) => r.c)),
  };
}
