// The gate in main: facts gathered from the store and the registry index, decisions logged
// append-only, scrubs marking leads the queue then skips, the audit CSV, registry imports.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { ComplianceService } from '../../../electron/core/compliance/compliance-service';
import { callerIdVerified, phoneOfUri } from '../../../electron/core/calls/caller-id';
import { DialPolicy } from '../../../electron/core/compliance/dial-policy';
import type { DialPath } from '../../../shared/compliance';
import { defaultDialPlan } from '../../../shared/dial-plan';
import type { Store } from '../../../electron/core/data/repositories';
import type { ComplianceStatus } from '../../../shared/compliance';
import { tempStore } from '../../support/temp-store';
import { auditSeal } from '../../../electron/core/compliance/audit-chain';
import { campaignInput, newLead, phone } from '../data/store-fixtures';

const at = (iso: string, zone: string): number => DateTime.fromISO(iso, { zone }).toMillis();
const NOON_NY = at('2026-11-25T12:00', 'America/New_York');
const DAY = 86_400_000;

interface Rig {
  svc: ComplianceService;
  /** One attempt through the dial policy (decided and logged), as every dialling path makes it. */
  gate(q: { uri: string; path: DialPath; leadId: number | null }): Promise<Awaited<ReturnType<DialPolicy['decide']>>['decision']>;
  store: Store;
  dataDir: string;
  events: ComplianceStatus[];
  clock: { now: number };
}

const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function rig(
  now = NOON_NY,
  kind: 'outbound' | 'charity' = 'outbound',
  scrubWorkers?: number,
  workerHeapMb?: { registry?: number; scrub?: number },
): Promise<Rig & { campaignId: number; dbPath: string }> {
  const { store, dbPath } = tempStore();
  open.push(store);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringside-compliance-'));
  const campaign = await store.campaigns.save(campaignInput('C', { kind }));
  const clock = { now };
  const events: ComplianceStatus[] = [];
  const svc = new ComplianceService({
    store,
    dataDir,
    currentCampaignId: () => campaign.id,
    defaultCountry: async () => 'US',
    emit: (s) => events.push(s),
    log: { info: () => undefined, warn: () => undefined },
    now: () => clock.now,
    ...(scrubWorkers ? { workerLocation: store.location, scrubWorkers } : {}),
    workerHeapMb,
  });
  svc.init();
  const policy = policyOver(svc, store, campaign.id);
  return {
    svc,
    gate: async (q) => (await policy.decide({ target: q.uri, path: q.path, leadId: q.leadId })).decision,
    store,
    dataDir,
    events,
    clock,
    campaignId: campaign.id,
    dbPath,
  };
}

function policyOver(svc: ComplianceService, store: Store, campaignId: number): DialPolicy {
  return new DialPolicy({
    compliance: svc,
    store,
    account: () => ({ dialPlan: defaultDialPlan('US'), domain: 'pbx', team: [], monitorCodes: [] }),
    currentCampaignId: () => campaignId,
    dispositionRequired: () => false,
  });
}

/** Imports a full registry list (the real importer and index) and waits for the end. */
async function importRegistry(
  r: Rig,
  registry: 'US' | 'CA',
  numbers: string[],
  snapshotDate: string,
  mode: 'full' | 'changes' = 'full',
  name = `${registry}-${mode}.txt`,
): Promise<ComplianceStatus> {
  const inbox = path.join(r.dataDir, 'registry-inbox');
  writeFileSync(path.join(inbox, name), numbers.join('\r\n') + '\r\n');
  await r.svc.startImport({ registry, mode, files: [{ name, kind: mode === 'full' ? 'full' : 'changes' }], snapshotDate });
  // The import runs in a worker thread (started from source through tsx: up to seconds on a busy machine).
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    const s = await r.svc.status();
    if (s.import && ['done', 'failed', 'cancelled'].includes(s.import.phase)) return s;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('registry import did not finish');
}

describe('phoneOfUri', () => {
  it('reads the number behind a SIP URI in any usual spelling', () => {
    expect(phoneOfUri('sip:+12125550100@pbx', 'US')).toEqual({ e164: '+12125550100', country: 'US' });
    expect(phoneOfUri('sip:(212)%20555-0100@pbx', 'US')).toEqual({ e164: '+12125550100', country: 'US' });
    expect(phoneOfUri('sip:4165550100@pbx', 'US')?.country).toBe('CA');
    expect(phoneOfUri('sip:customer1@pbx', 'US')).toBeNull();
    expect(phoneOfUri('sip:%E0%A4%A@pbx', 'US')).toBeNull();
  });

  it('takes a caller ID as verified only when the server asserted it with verstat=TN-Validation-Passed', () => {
    expect(callerIdVerified('<sip:+12125550100;verstat=TN-Validation-Passed@pbx;user=phone>')).toBe(true);
    expect(callerIdVerified('<tel:+12125550100;verstat=TN-Validation-Passed>')).toBe(true);
    expect(callerIdVerified('<sip:+12125550100;verstat=TN-Validation-Failed@pbx;user=phone>')).toBe(false);
    expect(callerIdVerified('<sip:+12125550100;verstat=No-TN-Validation@pbx>')).toBe(false);
    expect(callerIdVerified('<sip:+12125550100@pbx>;x=verstat=TN-Validation-Passedx')).toBe(false);
    expect(callerIdVerified(undefined)).toBe(false);
    expect(callerIdVerified('<sip:%E0@pbx>')).toBe(false);
  });
});

describe('compliance gate in main', () => {
  it('blocks US numbers until the registry is imported, then only the listed ones; every decision is logged', async () => {
    const r = await rig();
    const before = await r.gate({ uri: 'sip:+12125550100@pbx', path: 'manual', leadId: null });
    expect(before?.allowed).toBe(false);
    expect(before?.summary).toContain('has not been imported');
    expect((await r.svc.status()).banner).toContain('US National DNC Registry has not been imported');

    const s = await importRegistry(r, 'US', ['2125550100', '212,5550101', 'garbage', '2125550102'], '2026-11-20');
    expect(s.import?.phase).toBe('done');
    expect(s.import?.badLines).toBe(1);
    expect(s.registries.find((x) => x.name === 'US')).toMatchObject({ loaded: true, count: 3, ageDays: 5, stale: false });
    expect(s.banner).toContain("Canada's National DNCL has not been imported");
    expect(s.banner).not.toContain('US National');

    const listed = await r.gate({ uri: 'sip:+12125550101@pbx', path: 'preview', leadId: null });
    expect(listed?.allowed).toBe(false);
    expect(listed?.summary).toContain('is on the US National DNC Registry');
    const free = await r.gate({ uri: 'sip:+12125550199@pbx', path: 'progressive', leadId: null });
    expect(free?.allowed).toBe(true);

    const log = await r.svc.auditPage(0, 10);
    expect(log.total).toBe(3);
    expect(log.rows.map((x) => [x.path, x.allowed])).toEqual([
      ['progressive', true],
      ['preview', false],
      ['manual', false],
    ]);
  });

  it("an import tells the store which snapshot this desktop has; another desktop's newer one is shown beside the registry", async () => {
    const r = await rig();
    await importRegistry(r, 'US', ['2125550100'], '2026-11-20');
    const newest = await r.store.registries.newest();
    expect(newest).toEqual([expect.objectContaining({ registry: 'US', snapshotAt: Date.parse('2026-11-20T00:00:00Z'), count: 1 })]);
    expect((await r.svc.status()).registries.find((x) => x.name === 'US')?.teamNewest).toBeNull();
    // A supervisor's desktop imported the 28 November download into the team database.
    await r.store.registries.record({
      registry: 'US',
      snapshotAt: Date.parse('2026-11-28T00:00:00Z'),
      count: 250_000_000,
      importedBy: 'sue',
      importedAt: NOON_NY,
    });
    const s = await r.svc.status();
    expect(s.registries.find((x) => x.name === 'US')?.teamNewest).toEqual({ snapshotAt: Date.parse('2026-11-28T00:00:00Z'), importedBy: 'sue' });
    // Not imported here at all: any snapshot of the team's is news.
    await r.store.registries.record({
      registry: 'CA',
      snapshotAt: Date.parse('2026-11-02T00:00:00Z'),
      count: 14_000_000,
      importedBy: 'sue',
      importedAt: NOON_NY,
    });
    expect((await r.svc.status()).registries.find((x) => x.name === 'CA')?.teamNewest).toMatchObject({ importedBy: 'sue' });
  });

  it('a registry snapshot older than 31 days blocks again, with the age in words', async () => {
    const r = await rig();
    await importRegistry(r, 'US', ['2125550100'], '2026-10-26');
    expect((await r.gate({ uri: 'sip:+12125550199@pbx', path: 'manual', leadId: null }))?.allowed).toBe(true); // 30 days 17 h
    expect((await r.svc.status()).banner).not.toContain('US National');
    r.clock.now += DAY; // 31 days 17 h: older than 31 days
    const d = await r.gate({ uri: 'sip:+12125550199@pbx', path: 'manual', leadId: null });
    expect(d?.allowed).toBe(false);
    expect(d?.summary).toMatch(/31 days old \(limit 31\): refresh it/);
    expect((await r.svc.status()).banner).toMatch(/US National DNC Registry snapshot is 31 days old/);
  });

  it('the lead’s evidence exempts it from the registry, but never from the internal list', async () => {
    const r = await rig();
    await importRegistry(r, 'US', ['2125550100'], '2026-11-20');
    const lead = await r.store.leads.create(r.campaignId, newLead({ phones: [phone('+12125550100')], inquiryAt: '2026-10-01' }), NOON_NY);
    const d = await r.gate({ uri: 'sip:+12125550100@pbx', path: 'preview', leadId: lead.id });
    expect(d?.allowed).toBe(true);
    expect(d?.exemption).toMatchObject({ basis: 'ebr-inquiry', validUntil: '2026-12-31' });
    // A manual dial of the same number finds the lead by its number and its evidence.
    expect((await r.gate({ uri: 'sip:2125550100@pbx', path: 'manual', leadId: null }))?.allowed).toBe(true);

    expect(await r.svc.addToInternalDnc(['(212) 555-0100', 'not a number'], 'manual')).toMatchObject({ added: 1, already: 0 });
    const blocked = await r.gate({ uri: 'sip:+12125550100@pbx', path: 'preview', leadId: lead.id });
    expect(blocked?.allowed).toBe(false);
    expect(blocked?.summary).toContain('internal Do-Not-Call list (no exemption applies)');
  });

  it('calling hours use the lead’s zone, else the number’s, and the state from the area code', async () => {
    const r = await rig(at('2026-11-25T20:30', 'America/New_York'), 'charity'); // charity: registry exempt
    const florida = { uri: 'sip:+13055550100@pbx', path: 'manual' as const, leadId: null };
    expect((await r.gate(florida))?.allowed).toBe(true);
    // Florida ends at 20:00 (a state override); the area code 305 says Florida.
    const policy = { regions: { 'US-FL': { weekday: { start: '08:00', end: '20:00' } } } };
    const strict = new ComplianceService({
      store: r.store,
      dataDir: r.dataDir,
      currentCampaignId: () => r.campaignId,
      defaultCountry: async () => 'US',
      emit: () => undefined,
      log: { info: () => undefined, warn: () => undefined },
      now: () => r.clock.now,
      policy: {
        ...(await import('../../../shared/compliance')).defaultCompliancePolicy,
        callingHours: { ...(await import('../../../shared/calling-hours')).defaultCallingHours, ...policy },
      },
    });
    const d = (await policyOver(strict, r.store, r.campaignId).preview({ target: florida.uri, path: 'manual', leadId: null })).permit.decision;
    expect(d?.allowed).toBe(false);
    expect(d?.summary).toContain('20:30 Wed in America/New_York, outside 08:00–20:00');
    // A lead whose own zone is Los Angeles: 17:30 there.
    const lead = await r.store.leads.create(r.campaignId, newLead({ phones: [phone('+12125550177')], timeZone: 'America/Los_Angeles' }), r.clock.now);
    r.clock.now = at('2026-11-25T21:30', 'America/New_York');
    expect((await r.gate({ uri: 'sip:+12125550177@pbx', path: 'callback', leadId: lead.id }))?.allowed).toBe(true);
    expect((await r.gate({ uri: 'sip:+12125550188@pbx', path: 'manual', leadId: null }))?.allowed).toBe(false);
  });

  it('a change list adds and removes numbers; the audit log refuses edits and its keyed seals verify', async () => {
    const r = await rig();
    await importRegistry(r, 'US', ['2125550100', '2125550101'], '2026-11-20');
    const s = await importRegistry(r, 'US', ['2125550100,D', '2125550177,A', '2125550101,2026-11-24,DEL'], '2026-11-24', 'changes');
    expect(s.import?.message).toMatch(/1 added, 2 removed/);
    expect(s.registries.find((x) => x.name === 'US')).toMatchObject({ count: 1, ageDays: 1 });
    expect((await r.gate({ uri: 'sip:+12125550100@pbx', path: 'manual', leadId: null }))?.allowed).toBe(true);
    expect((await r.gate({ uri: 'sip:+12125550177@pbx', path: 'manual', leadId: null }))?.allowed).toBe(false);

    const rows = (await r.svc.auditPage(0, 10)).rows;
    expect(rows).toHaveLength(2);
    // Append-only: even another connection cannot change or delete a decision.
    const db = new Database(r.dbPath);
    expect(() => db.prepare('UPDATE compliance_audit SET allowed = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM compliance_audit').run()).toThrow(/append-only/);
    db.close();
    const { csv, rows: n } = await r.svc.exportAudit({});
    expect(n).toBe(2);
    const parsed = Papa.parse<string[]>(csv.trim()).data;
    expect(parsed[0]).toEqual(['id', 'time_utc', 'path', 'target', 'e164', 'lead_id', 'campaign_id', 'decision', 'summary', 'checks', 'seal', 'seal_kind']);
    expect(parsed[1]?.[7]).toBe('allowed');
    expect(parsed[2]?.[7]).toBe('blocked');
    expect(parsed[1]?.[11]).toBe('hmac-sha256');
    expect(await r.svc.verifyAudit()).toMatchObject({ ok: true, rows: 2, keyed: 2, firstBadId: null });
    expect(r.events.at(-1)?.auditVerification?.message).toBe('All 2 audit records verify.');
  });

  describe('the audit log cannot be edited unnoticed', () => {
    /** Three decisions in the log, then the file opened as anyone with an SQLite tool would. */
    async function logged(): Promise<{ r: Awaited<ReturnType<typeof rig>>; db: Database.Database }> {
      const r = await rig();
      for (const n of ['0100', '0101', '0102']) await r.gate({ uri: `sip:+1212555${n}@pbx`, path: 'manual', leadId: null });
      const db = new Database(r.dbPath);
      db.exec('DROP TRIGGER compliance_audit_no_update; DROP TRIGGER compliance_audit_no_delete;');
      return { r, db };
    }

    it('an edited row re-chained with plain SHA-256 (no key) is found, with its record number', async () => {
      const { r, db } = await logged();
      db.prepare("UPDATE compliance_audit SET summary = 'Allowed: consent on file', allowed = 1 WHERE id = 2").run();
      // The tamperer re-computes every later seal, as the unkeyed chain would have let them.
      let prev = '';
      for (const row of db.prepare('SELECT * FROM compliance_audit ORDER BY id').all() as Array<Record<string, unknown>>) {
        const record = {
          at: row.at,
          path: row.path,
          target: row.target,
          e164: row.e164,
          leadId: row.lead_id,
          campaignId: row.campaign_id,
          allowed: row.allowed === 1,
          summary: row.summary,
          checks: row.checks,
        };
        const seal = auditSeal('sha256', Buffer.alloc(0), prev, record as never);
        db.prepare("UPDATE compliance_audit SET hash = ?, seal = 'sha256' WHERE id = ?").run(seal, row.id);
        prev = seal;
      }
      db.close();
      const v = await r.svc.verifyAudit();
      expect(v).toMatchObject({ ok: false, firstBadId: 1 });
      // Keeping the keyed seal on the edited row does not help either.
      const { r: r2, db: db2 } = await logged();
      db2.prepare("UPDATE compliance_audit SET summary = 'Allowed: consent on file' WHERE id = 2").run();
      db2.close();
      expect(await r2.svc.verifyAudit()).toMatchObject({
        ok: false,
        firstBadId: 2,
        message: expect.stringContaining('record 2 was changed after it was written'),
      });
    });

    it('records cut off the end are found from the head kept outside the database', async () => {
      const { r, db } = await logged();
      db.prepare('DELETE FROM compliance_audit WHERE id = 3').run();
      db.close();
      const v = await r.svc.verifyAudit();
      expect(v).toMatchObject({ ok: false, firstBadId: 3 });
      expect(v.message).toContain('ends at record 2, but it reached record 3');
    });

    it('a restart verifies the log at once, with the same key', async () => {
      const { r, db } = await logged();
      db.close();
      const again = new ComplianceService({
        store: r.store,
        dataDir: r.dataDir,
        currentCampaignId: () => r.campaignId,
        defaultCountry: async () => 'US',
        emit: (s) => r.events.push(s),
        log: { info: () => undefined, warn: () => undefined },
      });
      again.init();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await again.status()).auditVerification).toMatchObject({ ok: true, rows: 3, keyed: 3 });
    });
  });

  it.each([
    ['in the main thread', undefined],
    ['split between 3 worker threads (a lead’s two phones in two of them)', 3],
  ])('scrubs a campaign %s: marks registry and internal-DNC hits, counts exempt ones, and the queue skips the blocked', async (_how, workers) => {
    const r = await rig(NOON_NY, 'outbound', workers);
    await importRegistry(r, 'US', ['2125550100', '2125550101'], '2026-11-20');
    const listed = await r.store.leads.create(r.campaignId, newLead({ phones: [phone('+12125550100')] }), NOON_NY);
    const exempt = await r.store.leads.create(r.campaignId, newLead({ phones: [phone('+12125550101')], consentAt: '2026-01-02' }), NOON_NY);
    const internal = await r.store.leads.create(r.campaignId, newLead({ phones: [phone('+12125550102')] }), NOON_NY);
    const fine = await r.store.leads.create(r.campaignId, newLead({ phones: [phone('+12125550103'), phone('+12125550104')], priority: 0 }), NOON_NY);
    const abroad = await r.store.leads.create(r.campaignId, newLead({ phones: [phone('+48225550123')] }), NOON_NY);
    const abroadDnc = await r.store.leads.create(r.campaignId, newLead({ phones: [phone('+442079460123')] }), NOON_NY);
    await r.store.dnc.add('+12125550102', 'manual', NOON_NY);
    await r.store.dnc.add('+442079460123', 'manual', NOON_NY);
    const report = await r.svc.scrub(r.campaignId);
    expect(report).toMatchObject({ leads: 6, phones: 7, allowed: 3, exempt: 1, blocked: { internalDnc: 2, registry: 1, noRegistry: 0, total: 3 } });
    const picked: number[] = [];
    for (let i = 0; i < 6; i++) {
      const next = await r.store.leads.next(r.campaignId, NOON_NY, picked);
      if (!next) break;
      picked.push(next.id);
    }
    expect(picked.sort()).toEqual([exempt.id, fine.id, abroad.id].sort());
    expect(picked).not.toContain(listed.id);
    expect(picked).not.toContain(internal.id);
    expect(picked).not.toContain(abroadDnc.id);

    // The registry drops the number: a re-scrub lifts that mark, keeps the others.
    await importRegistry(r, 'US', ['2125550100,D'], '2026-11-24', 'changes');
    expect(await r.svc.scrub(r.campaignId)).toMatchObject({ leads: 6, phones: 7, allowed: 4, exempt: 1, blocked: { internalDnc: 2, registry: 0, total: 2 } });
    const again: number[] = [];
    for (let i = 0; i < 6; i++) {
      const next = await r.store.leads.next(r.campaignId, NOON_NY, again);
      if (!next) break;
      again.push(next.id);
    }
    expect(again.sort()).toEqual([listed.id, exempt.id, fine.id, abroad.id].sort());
  });

  it('a cancelled import (it runs in a worker) leaves the registry in use as it was, and says how to resume', async () => {
    const r = await rig();
    await importRegistry(r, 'US', ['2125550100'], '2026-11-20');
    const big = Array.from({ length: 200_000 }, (_, i) => String(3125550000 + i * 7));
    writeFileSync(path.join(r.dataDir, 'registry-inbox', 'big.txt'), big.join('\n') + '\n');
    await r.svc.startImport({ registry: 'US', mode: 'full', files: [{ name: 'big.txt', kind: 'full' }], snapshotDate: '2026-11-24' });
    await expect(r.svc.startImport({ registry: 'US', mode: 'full', files: [{ name: 'big.txt', kind: 'full' }], snapshotDate: '2026-11-24' })).rejects.toThrow(
      /already running/,
    );
    await r.svc.cancelImport();
    let s = await r.svc.status();
    for (const deadline = Date.now() + 20_000; Date.now() < deadline && !['done', 'failed', 'cancelled'].includes(s.import?.phase ?? '');) {
      await new Promise((res) => setTimeout(res, 10));
      s = await r.svc.status();
    }
    expect(s.import?.phase).toBe('cancelled');
    expect(s.import?.message).toMatch(/resume/);
    expect(s.registries.find((x) => x.name === 'US')).toMatchObject({ count: 1, ageDays: 5 });
    expect((await r.gate({ uri: 'sip:+12125550100@pbx', path: 'manual', leadId: null }))?.allowed).toBe(false);
    expect((await r.gate({ uri: 'sip:+13125550007@pbx', path: 'manual', leadId: null }))?.allowed).toBe(true);
  });

  it('a registry import worker past its heap limit is stopped with that said; the gate still blocks what it blocked', async () => {
    const r = await rig(NOON_NY, 'outbound', undefined, { registry: 4 });
    let s = await importRegistry(r, 'US', ['2125550100'], '2026-11-20');
    expect(s.import?.phase).toBe('failed');
    expect(s.import?.message).toMatch(/registry import ran out of memory \(its limit is 4 MB\) and was stopped/);
    // Nothing half-written took the place of the registry: never imported, so every US number stays blocked.
    expect(s.registries.find((x) => x.name === 'US')).toMatchObject({ loaded: false });
    expect((await r.gate({ uri: 'sip:+13125550007@pbx', path: 'manual', leadId: null }))?.allowed).toBe(false);
    s = await r.svc.status();
    expect(s.import?.phase).toBe('failed');
  });

  it('refuses file names outside the inbox and a change list before any full list', async () => {
    const r = await rig();
    await expect(r.svc.startImport({ registry: 'US', mode: 'full', files: [{ name: 'missing.txt', kind: 'full' }] })).rejects.toThrow(
      /not in the registry inbox/,
    );
    writeFileSync(path.join(r.dataDir, 'registry-inbox', 'c.txt'), '2125550100,A\n');
    await expect(r.svc.startImport({ registry: 'US', mode: 'changes', files: [{ name: 'c.txt', kind: 'changes' }] })).rejects.toThrow(
      /full US National DNC Registry list before/,
    );
  });
});
