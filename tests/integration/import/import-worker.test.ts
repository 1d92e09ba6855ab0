import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../electron/core/data/sqlite/store.js';
import { runImportInWorker } from '../../../electron/core/import/import-runner.js';
import { importCsv, previewCsv } from '../../../electron/core/import/csv-import.js';
import { campaignInput } from '../../unit/data/store-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ringside-import-it-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/csv/${name}`, import.meta.url));

async function freshDb(name: string) {
  const dbPath = join(dir, `${name}.db`);
  const store = openSqliteStore(dbPath);
  const campaignId = (await store.campaigns.save(campaignInput())).id;
  return { store, campaignId };
}

describe('CSV import into the real SQLite store', () => {
  it('runs in a worker with its own connection; Polish letters and duplicates survive', async () => {
    const { store, campaignId } = await freshDb('worker');
    const path = join(dir, 'cp1250.csv');
    const rows = Array.from({ length: 3000 }, (_, i) => `Żaneta${i};Źdźbło-Łęcka;+48 5${String(i).padStart(8, '0')};Gdańsk`);
    writeFileSync(path, iconv.encode(`Imię;Nazwisko;Telefon;Miasto\n${rows.join('\n')}\n;;abc;\nDup;;+48 500000001;\n`, 'win1250'));
    const preview = await previewCsv(path);
    if (!preview.ok) throw new Error(preview.message);
    const { suggested } = preview.value;
    const progress: number[] = [];
    const report = await runImportInWorker({
      location: store.location,
      path,
      campaignId,
      mapping: suggested,
      duplicates: 'skip',
      defaultCountry: 'PL',
      batchSize: 1000,
      onProgress: (p) => progress.push(p.rowsDone),
    });
    expect(report).toMatchObject({ done: true, cancelled: false, rowsDone: 3002, imported: 3000, skipped: 1, failed: 1 });
    expect(report.errors).toEqual([{ row: 3001, reason: 'row 3001: no valid phone number ("abc" is not a phone number)' }]);
    expect(progress.at(-1)).toBe(3002);
    const list = await store.leads.list({ campaignId, offset: 0, limit: 5, search: '500000001' });
    expect(list.total).toBe(1);
    const lead = (await store.leads.get(list.rows[0].id))!;
    expect([lead.firstName, lead.lastName, lead.city]).toEqual(['Żaneta1', 'Źdźbło-Łęcka', 'Gdańsk']);
    await store.close();
  });

  it('merges duplicates in the worker: empty fields filled, differing values kept in the history, reported by row', async () => {
    const { store, campaignId } = await freshDb('merge');
    const first = await runImportInWorker({
      location: store.location,
      path: fixture('duplicates.csv'),
      campaignId,
      mapping: ['firstName', 'lastName', 'phone', 'city'],
      duplicates: 'merge',
      source: 'duplicates.csv',
      defaultCountry: 'PL',
      onProgress: () => {},
    });
    expect(first).toMatchObject({ imported: 2, merged: 1 });
    expect(first.duplicates?.map((d) => d.message)).toEqual([
      "row 2: same number as row 1; first name differs — kept 'Jan'; city differs — kept 'Warszawa', the other values are in the history",
    ]);
    const { rows } = await store.leads.list({ campaignId, offset: 0, limit: 10, search: '501234567' });
    const lead = (await store.leads.get(rows[0].id))!;
    expect(lead).toMatchObject({ firstName: 'Jan', lastName: 'Kowalski', city: 'Warszawa' });
    expect((await store.leads.history(lead.id))[0]).toMatchObject({
      kind: 'import',
      note: "Import of duplicates.csv, row 2 (same number): first name in the file was 'Janek', kept 'Jan'; city in the file was 'Kraków', kept 'Warszawa'.",
    });

    const again = await importCsv({
      path: fixture('duplicates.csv'),
      campaignId,
      mapping: ['firstName', 'lastName', 'phone', 'city'],
      duplicates: 'skip',
      defaultCountry: 'PL',
      leads: store.leads,
      onProgress: () => {},
    });
    expect(again).toMatchObject({ imported: 0, merged: 0, skipped: 3 });
    expect(again.duplicates?.map((d) => d.message)).toEqual([
      'row 1: same number as an existing lead (Jan Kowalski); skipped',
      'row 2: same number as an existing lead (Jan Kowalski); skipped',
      'row 3: same number as an existing lead (Piotr Nowak); skipped',
    ]);
    await store.close();
  });

  it('cancel from the main thread stops the worker between batches, imported rows stay', async () => {
    const { store, campaignId } = await freshDb('cancel');
    const path = join(dir, 'big.csv');
    writeFileSync(
      path,
      'Name,Phone\n' + Array.from({ length: 20_000 }, (_, i) => `Lead ${i},+1 212 555 ${String(i % 10000).padStart(4, '0')}`).join('\n') + '\n',
    );
    const ac = new AbortController();
    const report = await runImportInWorker({
      location: store.location,
      path,
      campaignId,
      mapping: ['fullName', 'phone'],
      duplicates: 'merge',
      defaultCountry: 'US',
      batchSize: 500,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.rowsDone > 0) ac.abort();
      },
    });
    expect(report.cancelled).toBe(true);
    expect(report.rowsDone).toBeLessThan(20_000);
    expect((await store.leads.list({ campaignId, offset: 0, limit: 1 })).total).toBe(report.imported);
    await store.close();
  }, 60_000);

  it('a worker failure (unknown campaign) rejects', async () => {
    const { store } = await freshDb('fail');
    await store.close();
    await expect(
      runImportInWorker({
        location: store.location,
        path: fixture('tab.csv'),
        campaignId: 999,
        mapping: ['fullName', 'phone'],
        duplicates: 'merge',
        defaultCountry: 'PL',
        onProgress: () => {},
      }),
    ).rejects.toThrow(/999/);
  });
});
