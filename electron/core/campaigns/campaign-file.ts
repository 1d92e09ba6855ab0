/**
 * The campaign file team leads pass around (`*.ringside-campaign.json`): what is written on
 * export, and how an imported file is read — untrusted JSON, every problem named in words.
 */
import { campaignSchema, type Campaign, type CampaignInput } from '../../../shared/campaign.js';
import { RingsideError } from '../../../shared/result.js';

const FORMAT = 'ringside-campaign';

export function campaignFile(c: Campaign): { json: string; fileName: string } {
  const { id: _id, ...portable } = c;
  const fileName = `${
    c.name
      .replace(/[^\p{L}\p{N} _-]+/gu, '')
      .trim()
      .replace(/\s+/g, '-') || 'campaign'
  }.${FORMAT}.json`;
  return { json: JSON.stringify({ format: FORMAT, version: 1, campaign: portable }, null, 2), fileName };
}

/** A campaign from a file (or a bare campaign object), without its id: importing never overwrites. */
export function readCampaignFile(json: string): CampaignInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new RingsideError('invalid-data', `The file is not JSON: ${(error as Error).message}`);
  }
  const body = parsed && typeof parsed === 'object' && 'campaign' in parsed ? (parsed as { campaign: unknown }).campaign : parsed;
  const result = campaignSchema.safeParse(body);
  if (!result.success)
    throw new RingsideError(
      'invalid-data',
      `Not a valid campaign: ${result.error.issues.map((i) => `${i.path.join('.') || 'campaign'}: ${i.message}`).join('; ')}`,
    );
  const { id: _ignored, ...fresh } = result.data;
  return fresh;
}
