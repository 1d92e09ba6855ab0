/**
 * Campaigns as both stores keep them: the columns the list and the dialler read, and the whole
 * settings as JSON, parsed with the campaign schema on the way in and on the way out.
 */
import { campaignSchema, type Campaign, type CampaignInput } from '../../../../shared/campaign.js';

/** What a save writes: the columns, the settings without the id (`config`) and as JSON (`json`). */
export interface CampaignWrite {
  id: number | undefined;
  name: string;
  kind: string;
  dialMode: string;
  maxAttempts: number;
  config: Omit<Campaign, 'id'>;
  json: string;
}

/** Throws the schema's error for settings that do not parse. */
export function campaignWrite(input: CampaignInput & { id?: number }): CampaignWrite {
  const { id, ...rest } = input;
  const parsed = campaignSchema.parse(rest);
  const { id: _ignored, ...config } = parsed;
  return { id, name: parsed.name, kind: parsed.kind, dialMode: parsed.dialMode, maxAttempts: parsed.maxAttempts, config, json: JSON.stringify(config) };
}

/** The campaign its stored settings (decoded JSON) describe; parsing fills defaults added by later versions of the schema. */
export function campaignOf(config: unknown, id: number): Campaign {
  return { ...campaignSchema.parse(config), id };
}

/** Of the campaigns' default countries as stored, those that are country codes. */
export function countryCodes(values: readonly unknown[]): string[] {
  return values.filter((c): c is string => typeof c === 'string' && /^[A-Z]{2}$/.test(c));
}
