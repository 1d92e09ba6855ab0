// The UK's TPS / CTPS as a registry: the GB key (exact, injective, invertible, only for numbers
// libphonenumber holds valid for GB), the file grammar (every accepted spelling, bad lines counted
// with examples, change lists), an import through the registry job then lookups, and a list scrub
// that marks a listed +44 phone with the UK's exemptions. Fake numbers come from Ofcom's drama
// ranges that libphonenumber accepts (020 7946 0xxx, 0113/0161 496 0xxx, 029 2018 0xxx); its
// metadata rejects the 01632 960xxx and 07700 900xxx ones, which therefore make bad lines.
import { tempDirPerTest } from '../../support/temp-dir';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCompliancePolicy, registryNames, type RegistryName } from '../../../shared/compliance';
import type { CampaignKind } from '../../../shared/campaign';
import { importRegistryFiles, parseRegistryLine, sniffRegistryKind, type ChangeSink } from '../../../electron/core/compliance/registry-import';
import { RegistryIndex, RegistryIndexBuilder } from '../../../electron/core/compliance/registry-index';
import { gbNsnKey, gbNsnOfKey, isValidGbNsnByParse, registryKey } from '../../../electron/core/compliance/registry-key';
import { runRegistryJob, type RegistryJob } from '../../../electron/core/compliance/registry-job';
import { npaRegistryCache, scrubRows, type ScrubContext } from '../../../electron/core/compliance/scrub';
import { ComplianceService } from '../../../electron/core/compliance/compliance-service';
import type { Store } from '../../../electron/core/data/repositories';
import { mulberry32 } from '../../support/prng';
import { tempStore } from '../../support/temp-store';
import { campaignInput, newLead, phone } from '../data/store-fixtures';

const key = (e164: string): number => {
  const k = registryKey('GB', e164);
  if (k === null) throw new Error(`${e164} has no GB key`);
  return k;
};

class MemorySink implements ChangeSink {
  set = new Set<number>();
  ops: Array<['add' | 'remove', number]> = [];
  add(n: number): void {
    this.ops.push(['add', n]);
    this.set.add(n);
  }
  remove(n: number): void {
    this.ops.push(['remove', n]);
    this.set.delete(n);
  }
  async checkpoint(): Promise<void> {}
}

const tmp = tempDirPerTest('ringside-tps-test-');
const file = tmp.file;

describe('the GB key', () => {
  it('maps 10-digit NSNs by first digit and shorter ones above 9e9', () => {
    expect(key('+442079460123')).toBe(3_079_460_123); // 2 → slot 1
    expect(key('+441134960123')).toBe(2_134_960_123); // 1 → slot 0
    expect(key('+447400123456')).toBe(6_400_123_456); // 7 → slot 4
    expect(key('+448001111')).toBe(9_008_001_111); // Childline, 7 digits
    expect(key('+44800123456')).toBe(9_800_123_456); // a 9-digit freephone number
  });

  it('gives no key to numbers that are not valid GB numbers', () => {
    for (const e164 of [
      '+441632960123', // drama range: invalid in libphonenumber's metadata
      '+447700900123', // drama mobile range: invalid too
      '+441534123456', // Jersey: +44, not the UK's registry
      '+441481123456', // Guernsey
      '+441624123456', // Isle of Man
      '+4402079460123', // a trunk 0 is no part of E.164
      '+44207946012', // one digit short
      '+4420794601234', // one too many
      '+12125550100',
      '2079460123',
      '',
    ]) {
      expect(registryKey('GB', e164), e164).toBeNull();
    }
    // ...and a UK number has no NANP key, nor a NANP number a GB one
    expect(registryKey('US', '+442079460123')).toBeNull();
    expect(registryKey('GB', '+12079460123')).toBeNull();
  });

  it('is exact for random numbers: the fast validity check agrees with a full parse; keys in [2e9, 1e10), distinct, invertible', () => {
    const next = mulberry32(44);
    const rnd = (k: number) => Math.floor(next() * k);
    const keys = new Map<number, string>();
    let valid = 0;
    for (let i = 0; i < 20_000; i++) {
      // Mostly plausible shapes (lengths 6–10, any first digit), some common UK prefixes.
      const prefixes = ['20', '113', '161', '121', '7', '74', '79', '800', '845', '3', '5', '8', '9', '1', '2', '4', '6'];
      const len = [6, 7, 8, 9, 10, 10, 10, 10][rnd(8)]!;
      let nsn = prefixes[rnd(prefixes.length)]!;
      while (nsn.length < len) nsn += String(rnd(10));
      nsn = nsn.slice(0, len);
      const k = gbNsnKey(nsn);
      expect(k !== null, nsn).toBe(isValidGbNsnByParse(nsn));
      expect(registryKey('GB', `+44${nsn}`)).toBe(k);
      if (k === null) continue;
      valid++;
      expect(k).toBeGreaterThanOrEqual(2e9);
      expect(k).toBeLessThan(1e10);
      expect(Number.isInteger(k)).toBe(true);
      expect(gbNsnOfKey(k)).toBe(nsn);
      const other = keys.get(k);
      if (other !== undefined) expect(other, `${nsn} and ${other} share key ${k}`).toBe(nsn);
      keys.set(k, nsn);
    }
    expect(valid).toBeGreaterThan(3000);
  });

  it('covers [2e9, 1e10) without overlap: the extreme NSNs of each length and slot', () => {
    const extremes = ['1000000000', '1999999999', '2000000000', '9999999999', '100000', '999999999'];
    const seen = new Set<number>();
    for (const nsn of extremes) {
      // The mapping itself, validity aside: what the key would be.
      const k = nsn.length === 10 ? 2e9 + [0, 0, 1, 2, -1, 3, -1, 4, 5, 6][Number(nsn[0])]! * 1e9 + Number(nsn.slice(1)) : 9e9 + Number(nsn);
      expect(k).toBeGreaterThanOrEqual(2e9);
      expect(k).toBeLessThan(1e10);
      expect(gbNsnOfKey(k)).toBe(nsn);
      seen.add(k);
    }
    expect(seen.size).toBe(extremes.length);
  });
});

describe('TPS lines', () => {
  const london = key('+442079460123');
  const leeds = key('+441134960123');

  it('reads every accepted spelling of a number', () => {
    const spellings = [
      '020 7946 0123',
      '02079460123',
      '+44 20 7946 0123',
      '+442079460123',
      '442079460123',
      '00442079460123',
      '+44 (0)20 7946 0123',
      '(020) 7946 0123',
      '020-7946-0123',
      '020.7946.0123',
      '0207 9460123', // the TPS's "with spaces" layout splits at the old dialling code
      '02079460123 ', // its "without spaces" layout pads to 12 characters
      ' 020 7946 0123',
      '"020 7946 0123"',
      '02079460123\r',
      '\uFEFF02079460123',
      '02079460123,2026-03-01,TPS',
      '"02079460123";"Registered";"2026-03-01"',
      'x,02079460123', // the first valid number on the line, wherever it is
    ];
    for (const line of spellings) expect(parseRegistryLine(line, 'full', 'GB'), JSON.stringify(line)).toEqual({ n: london, action: 'add' });
    for (const line of ['01134960123', '(0113) 496 0123', '0113 496 0123', '+44 113 496 0123', '441134960123', '01134 960123']) {
      expect(parseRegistryLine(line, 'full', 'GB'), line).toEqual({ n: leeds, action: 'add' });
    }
  });

  it('rejects lines without a valid UK number, and NANP lines; a NANP import rejects UK lines', () => {
    for (const line of [
      '01632 960123', // Ofcom drama range: not valid for libphonenumber
      '07700 900123',
      '2079460123', // a bare NSN reads as a NANP number as well
      '2015550123',
      '1 201 555 0123',
      '+1 201 555 0123',
      '0020 7946 0123',
      '020 7946 012',
      '020 7946 01234',
      '+33 1 23 45 67 89',
      '02079460123x',
      'Telephone Number',
      '',
    ]) {
      expect(parseRegistryLine(line, 'full', 'GB'), JSON.stringify(line)).toBeNull();
    }
    for (const line of ['02079460123', '442079460123', '+44 20 7946 0123', '020 7946 0123']) expect(parseRegistryLine(line, 'full', 'US'), line).toBeNull();
  });

  it('reads the add/delete flag of a change list as for the other registries', () => {
    expect(parseRegistryLine('02079460123,A', 'changes', 'GB')).toEqual({ n: london, action: 'add' });
    expect(parseRegistryLine('"D","020 7946 0123","2026-03-02"', 'changes', 'GB')).toEqual({ n: london, action: 'remove' });
    expect(parseRegistryLine('02079460123|deleted', 'changes', 'GB')).toEqual({ n: london, action: 'remove' });
    expect(parseRegistryLine('02079460123', 'changes', 'GB')).toBeNull();
    expect(parseRegistryLine('02079460123', 'deletions', 'GB')).toEqual({ n: london, action: 'remove' });
    expect(parseRegistryLine('02079460123,A', 'deletions', 'GB')).toBeNull();
  });
});

describe('TPS files', () => {
  it('imports a full file (BOM, header, CRLF, both TPS layouts, CSV) and counts bad lines with sanitised examples', async () => {
    const lines = [
      '\uFEFFTelephone Number,Date Registered',
      '0207 9460100,2026-01-01',
      '02079460101 ',
      '+44 20 7946 0102',
      '442079460103',
      '(0161) 496 0104',
      '',
      '01632 960123', // bad: not a valid UK number
      'not a number',
      '2015550123', // bad: a NANP line in a GB file
      `02079460105${'\u0007'}`,
      '02079460106',
    ];
    const path = file('tps-full.txt', lines.join('\r\n') + '\r\n');
    const sink = new MemorySink();
    const report = await importRegistryFiles({ registry: 'GB', files: [{ path, kind: 'full' }], sink, chunkBytes: 16 });
    const expected = ['+442079460100', '+442079460101', '+442079460102', '+442079460103', '+441614960104', '+442079460106'].map(key);
    expect([...sink.set].sort()).toEqual(expected.sort());
    expect(report).toMatchObject({ numbers: 6, additions: 6, deletions: 0, badLines: 4 });
    expect(report.badExamples.map((e) => [e.line, e.text])).toEqual([
      [8, '01632 960123'],
      [9, 'not a number'],
      [10, '2015550123'],
      [11, '02079460105?'],
    ]);
  });

  it('keeps at most 20 examples and never throws on garbage', async () => {
    const garbage = Array.from({ length: 50 }, (_, i) => `bad ${i} \u202e${'x'.repeat(i * 10)}`);
    const path = file('garbage.csv', ['02079460100', ...garbage, '02079460101'].join('\n'));
    const report = await importRegistryFiles({ registry: 'GB', files: [{ path, kind: 'full' }], sink: new MemorySink() });
    expect(report.numbers).toBe(2);
    expect(report.badLines).toBe(50);
    expect(report.badExamples).toHaveLength(20);
    for (const e of report.badExamples) {
      expect(e.text.length).toBeLessThanOrEqual(80);
      expect(e.text).not.toMatch(/\u202e/);
    }
  });

  it('applies change lists: a flag file and split additions/deletions files', async () => {
    const flags = file('tps-changes.csv', 'Number,Action\r\n02079460100,D\r\n02079460200,A\r\n"0113 496 0300","ADD"\r\n02079460400\r\n');
    const adds = file('tps-additions.txt', '02079460500\n0161 496 0600\n');
    const dels = file('tps-deletions.txt', '02079460101\n');
    const sink = new MemorySink();
    const report = await importRegistryFiles({
      registry: 'GB',
      files: [
        { path: flags, kind: 'changes' },
        { path: adds, kind: 'additions' },
        { path: dels, kind: 'deletions' },
      ],
      sink,
    });
    expect(sink.ops).toEqual([
      ['remove', key('+442079460100')],
      ['add', key('+442079460200')],
      ['add', key('+441134960300')],
      ['add', key('+442079460500')],
      ['add', key('+441614960600')],
      ['remove', key('+442079460101')],
    ]);
    expect(report).toMatchObject({ additions: 4, deletions: 2, badLines: 1 }); // the line without a flag
    expect(await sniffRegistryKind(flags, 'GB')).toBe('changes');
    expect(await sniffRegistryKind(adds, 'GB')).toBe('full');
  });

  it('does not resume a GB import from a NANP import’s checkpoint', async () => {
    const path = file('tps.txt', '02079460100\n');
    const checkpointPath = join(tmp.dir(), 'cp.json');
    // A checkpoint of the same file written by a US import that stopped after it.
    const st = statSync(path);
    writeFileSync(
      checkpointPath,
      JSON.stringify({
        version: 1,
        registry: 'US',
        files: [{ path, kind: 'full', size: st.size, mtimeMs: st.mtimeMs }],
        filesDone: 1,
        partial: null,
        counts: { numbers: 0, additions: 0, deletions: 0, badLines: 0, badExamples: [] },
      }),
    );
    const sink = new MemorySink();
    const report = await importRegistryFiles({ registry: 'GB', files: [{ path, kind: 'full' }], sink, checkpointPath });
    expect(report).toMatchObject({ resumed: false, checkpointIgnored: true, numbers: 1 });
    expect([...sink.set]).toEqual([key('+442079460100')]);
  });
});

describe('a GB import through the registry job', () => {
  function job(over: Partial<RegistryJob>): RegistryJob {
    return {
      registry: 'GB',
      mode: 'full',
      files: [],
      snapshotAt: Date.UTC(2026, 2, 1),
      target: join(tmp.dir(), 'registry', 'GB.rsdnc'),
      checkpointPath: join(tmp.dir(), 'registry', 'GB.full.checkpoint.json'),
      workDir: join(tmp.dir(), 'registry', 'GB.work'),
      resume: false,
      ...over,
    };
  }
  const hooks = { onProgress: () => undefined, onBuilding: () => undefined };

  it('builds GB.rsdnc from TPS and CTPS files, then patches it with change lists; lookups go through registryKey', async () => {
    mkdirSync(join(tmp.dir(), 'registry'));
    const tps = file('tps.txt', ['0207 9460100', '0207 9460101', '0113 4960102', '0800 1111'].map((l) => l.padEnd(12, ' ')).join('\r\n') + '\r\n');
    const ctps = file('ctps.csv', 'Telephone\n+44 29 2018 0103\n01632 960104\n');
    const message = await runRegistryJob(
      job({
        files: [
          { path: tps, kind: 'full' },
          { path: ctps, kind: 'full' },
        ],
      }),
      hooks,
    );
    expect(message).toMatch(/TPS\/CTPS.*5 numbers from 2 file\(s\); 1 bad line/);
    const index = RegistryIndex.load(job({}).target);
    expect(index.meta.registry).toBe('GB');
    const listed = (e164: string) => index.has(key(e164));
    for (const e164 of ['+442079460100', '+442079460101', '+441134960102', '+448001111', '+442920180103']) expect(listed(e164), e164).toBe(true);
    for (const e164 of ['+442079460199', '+441134960100', '+442920180100']) expect(listed(e164), e164).toBe(false);
    // The key of a listed UK number spelt as a NANP number is no GB key.
    expect(registryKey('GB', `+1${key('+442079460100')}`)).toBeNull();

    const adds = file('add.txt', '020 7946 0200\n');
    const flags = file('chg.txt', '02079460100,D\n');
    const changed = await runRegistryJob(
      job({
        mode: 'changes',
        files: [
          { path: adds, kind: 'additions' },
          { path: flags, kind: 'changes' },
        ],
      }),
      hooks,
    );
    expect(changed).toMatch(/1 added, 1 removed.*now 5 numbers/);
    const after = RegistryIndex.load(job({}).target);
    expect(after.has(key('+442079460200'))).toBe(true);
    expect(after.has(key('+442079460100'))).toBe(false);
    expect(after.has(key('+442079460101'))).toBe(true);
  });

  it('is cancelled like any other import', async () => {
    mkdirSync(join(tmp.dir(), 'registry'));
    const tps = file('tps.txt', '02079460100\n'.repeat(1000));
    await expect(runRegistryJob(job({ files: [{ path: tps, kind: 'full' }] }), { ...hooks, signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('a list scrub of +44 phones', () => {
  const NOW = Date.UTC(2026, 2, 10, 12);
  const open: Store[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  async function gbIndex(numbers: string[]): Promise<RegistryIndex> {
    const builder = await RegistryIndexBuilder.open(join(tmp.dir(), 'work'));
    for (const n of numbers) builder.add(key(n));
    const target = join(tmp.dir(), 'GB.rsdnc');
    await builder.finish(target, { registry: 'GB', snapshotAt: NOW - 86_400_000 });
    return RegistryIndex.load(target);
  }

  function context(kind: CampaignKind, indexes: ScrubContext['indexes'], stale: Partial<Record<RegistryName, boolean>> = {}): ScrubContext {
    return {
      campaignKind: kind,
      kindExempt: defaultCompliancePolicy.exemptKinds.includes(kind),
      now: NOW,
      policy: defaultCompliancePolicy,
      stale: { ...(Object.fromEntries(registryNames.map((n) => [n, false])) as Record<RegistryName, boolean>), ...stale },
      indexes,
      registryOfNpa: npaRegistryCache(),
    };
  }

  it('marks a listed +44 phone; consent exempts it, an inquiry or purchase does not; only survey campaigns are exempt by kind', async () => {
    const index = await gbIndex(['+442079460100', '+442079460101', '+442079460102', '+442079460103']);
    const { store } = tempStore();
    open.push(store);
    const scrub = async (kind: CampaignKind) => {
      const campaign = await store.campaigns.save(campaignInput(`C ${kind}`, { kind }));
      const ids = {
        listed: (await store.leads.create(campaign.id, newLead({ phones: [phone('+442079460100')] }), NOW)).id,
        consent: (await store.leads.create(campaign.id, newLead({ phones: [phone('+442079460101')], consentAt: '2026-01-02' }), NOW)).id,
        inquiry: (await store.leads.create(campaign.id, newLead({ phones: [phone('+442079460102')], inquiryAt: '2026-03-01' }), NOW)).id,
        purchase: (await store.leads.create(campaign.id, newLead({ phones: [phone('+442079460103')], lastPurchaseAt: '2026-03-01' }), NOW)).id,
        unlisted: (await store.leads.create(campaign.id, newLead({ phones: [phone('+442079460199')] }), NOW)).id,
        jersey: (await store.leads.create(campaign.id, newLead({ phones: [phone('+441534123456')] }), NOW)).id,
      };
      const phones = await store.scrub.phones(campaign.id);
      const outcome = scrubRows(phones, context(kind, { GB: index }));
      const blocked = new Set(
        await Promise.all(
          outcome.verdicts.filter((v) => v.blocked).map(async (v) => (await store.leads.get(phones.leadId[phones.phoneId.indexOf(v.phoneId)]!))!.id),
        ),
      );
      return { outcome, blocked, ids };
    };
    const sales = await scrub('sales');
    expect(sales.outcome).toMatchObject({ phones: 6, registry: 3, exempt: 1, allowed: 2, noRegistry: 0 });
    expect([...sales.blocked].sort()).toEqual([sales.ids.listed, sales.ids.inquiry, sales.ids.purchase].sort());
    expect(sales.outcome.verdicts.every((v) => v.blocked === null || v.blocked === 'registry')).toBe(true);
    // Charities and political parties screen against the TPS like anyone else.
    expect((await scrub('charity')).outcome).toMatchObject({ registry: 3, exempt: 1 });
    expect((await scrub('political')).outcome).toMatchObject({ registry: 3, exempt: 1 });
    expect((await scrub('survey')).outcome).toMatchObject({ registry: 0, exempt: 5 });
  });

  it('without a GB index (or with a stale one) counts +44 phones as having no registry, and leaves +1 phones to the NANP indexes', async () => {
    const { store } = tempStore();
    open.push(store);
    const campaign = await store.campaigns.save(campaignInput('C', { kind: 'sales' }));
    await store.leads.create(campaign.id, newLead({ phones: [phone('+442079460100'), phone('+12125550100')] }), NOW);
    const phones = await store.scrub.phones(campaign.id);
    expect(Array.from(phones.gb).sort()).toEqual([0, 2079460100]);
    expect(scrubRows(phones, context('sales', {}, { GB: true }))).toMatchObject({ noRegistry: 1, allowed: 1 });
    const index = await gbIndex(['+442079460100']);
    expect(scrubRows(phones, context('sales', { GB: index }, { GB: true }))).toMatchObject({ noRegistry: 1, registry: 0 });
    expect(scrubRows(phones, context('sales', { GB: index }))).toMatchObject({ registry: 1, allowed: 1 });
  });
});

describe('GB.rsdnc next to US.rsdnc and CA.rsdnc', () => {
  it('is loaded by the compliance service, and its scrub marks a listed +44 phone', async () => {
    const NOW = Date.UTC(2026, 2, 10, 12);
    const dataDir = mkdtempSync(join(tmpdir(), 'ringside-tps-svc-'));
    const { store } = tempStore();
    try {
      mkdirSync(join(dataDir, 'registry'));
      const builder = await RegistryIndexBuilder.open(join(dataDir, 'work'));
      builder.add(key('+442079460100'));
      await builder.finish(join(dataDir, 'registry', 'GB.rsdnc'), { registry: 'GB', snapshotAt: NOW - 86_400_000 });
      const campaign = await store.campaigns.save(campaignInput('UK', { kind: 'sales', defaultCountry: 'GB' }));
      const listed = await store.leads.create(campaign.id, newLead({ phones: [phone('+442079460100')] }), NOW);
      await store.leads.create(campaign.id, newLead({ phones: [phone('+442079460101')] }), NOW);
      const svc = new ComplianceService({
        store,
        dataDir,
        currentCampaignId: () => campaign.id,
        defaultCountry: async () => 'GB',
        emit: () => undefined,
        log: { info: () => undefined, warn: () => undefined },
        now: () => NOW,
      });
      svc.init();
      expect((await svc.status()).registries.find((r) => r.name === 'GB')).toMatchObject({ loaded: true, count: 1, stale: false });
      const report = await svc.scrub(campaign.id);
      expect(report).toMatchObject({ phones: 2, allowed: 1, blocked: { registry: 1, noRegistry: 0 } });
      expect((await store.leads.next(campaign.id, NOW, []))?.id).not.toBe(listed.id);
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
