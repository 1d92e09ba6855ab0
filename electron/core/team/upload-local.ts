/**
 * Switching a desktop from solo to team: what its own file holds, and sending that to the team's
 * database. Campaigns go by name (one the team already has takes the leads), open leads go
 * through the same merge as an import (a number the team has already is merged into that lead,
 * empty fields filled, nothing overwritten), and the internal Do-Not-Call list goes whole: a
 * "do not call me" taken on this desktop must stop every agent's dial. Finished leads (sold,
 * closed, on the list, out of attempts) stay on this desktop: uploaded as new they would be
 * called again. The local file is only read, never changed.
 */
import type { Lead, LeadStatus } from '../../../shared/lead.js';
import type { LocalDataView as LocalData, UploadReport } from '../../../shared/team.js';
import type { ImportRow, NewLead, Store } from '../data/repositories.js';

const OPEN: ReadonlySet<LeadStatus> = new Set(['new', 'active', 'callback']);
const PAGE = 500;

export async function localData(local: Store, now: number): Promise<LocalData> {
  const campaigns = await local.campaigns.list(now);
  let openLeads = 0;
  let finishedLeads = 0;
  for (const c of campaigns) {
    for (let offset = 0; ; offset += PAGE) {
      const { rows } = await local.leads.list({ campaignId: c.id, offset, limit: PAGE });
      for (const r of rows) {
        if (OPEN.has(r.status)) openLeads++;
        else finishedLeads++;
      }
      if (rows.length < PAGE) break;
    }
  }
  return { campaigns: campaigns.length, openLeads, finishedLeads, dnc: await local.dnc.count() };
}

export async function uploadLocal(local: Store, team: Store, now: number, source: string): Promise<UploadReport> {
  const report: UploadReport = { campaignsCreated: 0, campaignsJoined: 0, leadsImported: 0, leadsMerged: 0, leadsKeptHere: 0, dncAdded: 0 };
  // The list first: whatever else fails, nobody on it gets called.
  for (let after: string | null = null; ;) {
    const page = await local.dnc.list(after, 5000);
    if (page.length === 0) break;
    report.dncAdded += await team.dnc.addMany(page, source, now);
    after = page[page.length - 1];
  }
  const theirs = new Map((await team.campaigns.list(now)).map((c) => [c.name, c.id]));
  for (const summary of await local.campaigns.list(now)) {
    const campaign = await local.campaigns.get(summary.id);
    if (!campaign) continue;
    let target = theirs.get(campaign.name);
    if (target === undefined) {
      const { id: _id, ...input } = campaign;
      target = (await team.campaigns.save(input)).id;
      theirs.set(campaign.name, target);
      report.campaignsCreated++;
    } else report.campaignsJoined++;
    for (let offset = 0; ; offset += PAGE) {
      const { rows } = await local.leads.list({ campaignId: campaign.id, offset, limit: PAGE });
      const batch: ImportRow[] = [];
      for (const r of rows) {
        if (!OPEN.has(r.status)) {
          report.leadsKeptHere++;
          continue;
        }
        const lead = await local.leads.get(r.id);
        if (lead) batch.push({ row: offset + batch.length + 1, lead: asNewLead(lead) });
      }
      if (batch.length) {
        for (const result of await team.leads.importRows(target, batch, 'merge', now, source)) {
          if (result.outcome === 'imported') report.leadsImported++;
          else report.leadsMerged++;
        }
      }
      if (rows.length < PAGE) break;
    }
  }
  return report;
}

/** A lead as an import would bring it: its own data and good numbers, not this desktop's bookkeeping. */
function asNewLead(lead: Lead): NewLead {
  const { id: _id, campaignId: _c, status: _s, attempts: _a, lastAttemptAt: _l, dueAt: _d, createdAt: _cr, updatedAt: _u, phones, ...own } = lead;
  return { ...own, phones: phones.filter((p) => !p.bad).map(({ bad: _bad, ...p }) => p) };
}
