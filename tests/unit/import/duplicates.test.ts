/**
 * Rows whose number a lead already has, imported from real files into the real SQLite store:
 * Merge fills empty fields only and keeps what differs in the lead's history, Skip leaves the
 * lead alone, Replace overwrites only when chosen; the report names each such row, the row or
 * lead it matched, and what happened.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCsv, type ImportCsvOptions } from '../../../electron/core/import/csv-import.js';
import { requestSchemas } from '../../../shared/contract.js';
import { importRig, type ImportRig } from './import-rig.js';

const dir = mkdtempSync(join(tmpdir(), 'ringside-duplicates-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'Imię;Nazwisko;Telefon;Telefon 2;Firma;E-mail;Miasto;Uwagi';
const MAPPING: ImportCsvOptions['mapping'] = ['firstName', 'lastName', 'phone', 'phone2', 'company', 'email', 'city', 'custom:Uwagi'];

function csv(name: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${HEADER}\n${rows.join('\n')}\n`);
  return path;
}

async function run(path: string, rig: ImportRig, extra: Partial<ImportCsvOptions> = {}) {
  return importCsv({
    path,
    campaignId: rig.campaignId,
    mapping: MAPPING,
    duplicates: 'merge',
    source: 'leady.csv',
    defaultCountry: 'PL',
    leads: rig.leads,
    onProgress: () => {},
    ...extra,
  });
}

const leadWith = async (rig: ImportRig, digits: string) => {
  const { rows } = await rig.store.leads.list({ campaignId: rig.campaignId, offset: 0, limit: 2, search: digits });
  expect(rows).toHaveLength(1);
  return (await rig.store.leads.get(rows[0].id))!;
};
const importNotes = async (rig: ImportRig, leadId: number) => (await rig.store.leads.history(leadId)).filter((h) => h.kind === 'import').map((h) => h.note);

// Row 1 has the lead; row 3 only adds an e-mail; row 5 brings a different first name and company.
const SAME_FILE = [
  'Jan;Kowalski;+48 501 234 567;;Łódzkie Okna;;Łódź;',
  'Piotr;Nowak;+48 501 234 580;;;;Poznań;',
  ';;501 234 567;;;jan@okna.pl;;',
  'Anna;Wiśniewska;+48 501 234 590;;;;Kraków;',
  'Janek;;+48 501 234 567;;Okna Łódź;;Łódź;',
];

describe('Merge (the default): empty fields filled, nothing overwritten', () => {
  for (const batchSize of [5000, 2]) {
    it(`a row repeating an earlier row's number${batchSize === 2 ? ', in another batch' : ''}: the first row's name and company stay`, async () => {
      const rig = await importRig();
      const report = await run(csv(`same-${batchSize}.csv`, SAME_FILE), rig, { batchSize });
      expect(report).toMatchObject({ rowsDone: 5, imported: 3, merged: 2, skipped: 0, replaced: 0, failed: 0 });
      const jan = await leadWith(rig, '501234567');
      expect(jan).toMatchObject({ firstName: 'Jan', lastName: 'Kowalski', company: 'Łódzkie Okna', email: 'jan@okna.pl', city: 'Łódź' });
      expect(report.duplicates).toEqual([
        {
          row: 3,
          sameAs: { row: 1 },
          action: 'merge',
          filled: ['e-mail'],
          conflicts: [],
          message: 'row 3: same number as row 1; filled e-mail',
        },
        {
          row: 5,
          sameAs: { row: 1 },
          action: 'merge',
          filled: [],
          conflicts: [
            { field: 'first name', kept: 'Jan', other: 'Janek' },
            { field: 'company', kept: 'Łódzkie Okna', other: 'Okna Łódź' },
          ],
          message: "row 5: same number as row 1; first name differs — kept 'Jan'; company differs — kept 'Łódzkie Okna', the other values are in the history",
        },
      ]);
      expect(report.duplicatesNotListed).toBeUndefined();
      expect(await importNotes(rig, jan.id)).toEqual([
        "Import of leady.csv, row 5 (same number): first name in the file was 'Janek', kept 'Jan'; company in the file was 'Okna Łódź', kept 'Łódzkie Okna'.",
        'Import of leady.csv, row 3 (same number): filled e-mail.',
      ]);
    });
  }

  it('one differing field reads as one sentence', async () => {
    const rig = await importRig();
    const report = await run(csv('one.csv', ['Jan;Kowalski;+48 501 234 567;;Łódzkie Okna;;;', 'Jan;Kowalski;+48 501 234 567;;Okna Łódź;;;']), rig);
    expect(report.duplicates?.map((d) => d.message)).toEqual([
      "row 2: same number as row 1; company differs — kept 'Łódzkie Okna', the other value is in the history",
    ]);
  });

  it('a row matching a lead from before the import names that lead; custom fields and numbers are merged too', async () => {
    const rig = await importRig();
    await run(csv('first.csv', ['Jan;Nowak;+48 601 100 200;;;;Gdańsk;VIP', 'Ewa;Lis;+48 601 100 300;;;;;']), rig);
    const report = await run(
      csv('second.csv', [
        'Adam;Kot;+48 601 100 900;;;;;',
        'Adam;Kot2;+48 601 100 901;;;;;',
        'Adam;Kot3;+48 601 100 902;;;;;',
        'Adam;Kot4;+48 601 100 903;;;;;',
        'Adam;Kot5;+48 601 100 904;;;;;',
        'Adam;Kot6;+48 601 100 905;;;;;',
        // Row 7: Jan Nowak's number, a new second number, another note; a number Ewa Lis has stays hers.
        ';;601 100 200;+48 601 100 201;Nowak Sp. j.;;;stały klient',
        ';;+48 601 100 300;+48 601 100 200;;;;',
      ]),
      rig,
    );
    expect(report).toMatchObject({ imported: 6, merged: 2 });
    const jan = await leadWith(rig, '601100200');
    expect(jan).toMatchObject({ firstName: 'Jan', lastName: 'Nowak', company: 'Nowak Sp. j.', city: 'Gdańsk', customFields: { Uwagi: 'VIP' } });
    expect(jan.phones.map((p) => p.e164)).toEqual(['+48601100200', '+48601100201']);
    expect((await leadWith(rig, '601100300')).phones.map((p) => p.e164)).toEqual(['+48601100300']);
    const [row7, row8] = report.duplicates!;
    expect(row7).toMatchObject({ row: 7, sameAs: { leadId: jan.id, name: 'Jan Nowak' }, filled: ['company', 'number +48601100201'] });
    expect(row7.message).toBe(
      'row 7: same number as an existing lead (Jan Nowak); field "Uwagi" differs — kept \'VIP\', the other value is in the history; filled company and number +48601100201',
    );
    expect(row8.message).toBe('row 8: same number as an existing lead (Ewa Lis); nothing new');
    expect((await importNotes(rig, jan.id))[0]).toBe(
      "Import of leady.csv, row 7 (same number): field \"Uwagi\" in the file was 'stały klient', kept 'VIP'; filled company and number +48601100201.",
    );
  });

  it('a huge file lists the first 1000 duplicates and says how many more there are', async () => {
    const rig = await importRig();
    const rows = ['Jan;Kowalski;+48 501 234 567;;;;;', ...Array.from({ length: 1500 }, (_, i) => `Jan;Kowalski;+48 501 234 567;;;;;${i}`)];
    const report = await run(csv('many.csv', rows), rig, { batchSize: 400 });
    expect(report).toMatchObject({ imported: 1, merged: 1500 });
    expect(report.duplicates).toHaveLength(1000);
    expect(report.duplicates![999]).toMatchObject({ row: 1001, sameAs: { row: 1 } });
    expect(report.duplicatesNotListed).toBe(500);
    // The first note filled the empty field; every later one differs from it and is kept in the history.
    expect((await leadWith(rig, '501234567')).customFields).toEqual({ Uwagi: '0' });
  });
});

describe('Skip and Replace, only when chosen', () => {
  it('Skip leaves the lead exactly as it was, and says so per row', async () => {
    const rig = await importRig();
    const report = await run(csv('skip.csv', SAME_FILE), rig, { duplicates: 'skip' });
    expect(report).toMatchObject({ imported: 3, merged: 0, skipped: 2 });
    const jan = await leadWith(rig, '501234567');
    expect(jan).toMatchObject({ firstName: 'Jan', company: 'Łódzkie Okna', email: '' });
    expect(report.duplicates?.map((d) => d.message)).toEqual(['row 3: same number as row 1; skipped', 'row 5: same number as row 1; skipped']);
    expect(await importNotes(rig, jan.id)).toEqual([]);
  });

  it("Replace writes the row's values over the lead's, keeps the old ones in the history, and never erases with an empty cell", async () => {
    const rig = await importRig();
    const report = await run(csv('replace.csv', SAME_FILE), rig, { duplicates: 'replace' });
    expect(report).toMatchObject({ imported: 3, merged: 0, replaced: 2 });
    const jan = await leadWith(rig, '501234567');
    expect(jan).toMatchObject({ firstName: 'Janek', lastName: 'Kowalski', company: 'Okna Łódź', email: 'jan@okna.pl', city: 'Łódź' });
    expect(report.duplicates![1].message).toBe(
      "row 5: same number as row 1; replaced first name 'Jan' with 'Janek'; replaced company 'Łódzkie Okna' with 'Okna Łódź', the old values are in the history",
    );
    expect((await importNotes(rig, jan.id))[0]).toBe(
      "Import of leady.csv, row 5 (same number): first name was 'Jan', replaced by 'Janek'; company was 'Łódzkie Okna', replaced by 'Okna Łódź'.",
    );
  });

  it('the contract makes Merge the default and knows exactly the three choices', () => {
    const run = { importId: 'abc', campaignId: 1, mapping: ['phone'] };
    expect(requestSchemas['import:run'].parse(run)).toMatchObject({ duplicates: 'merge' });
    for (const duplicates of ['merge', 'skip', 'replace']) expect(requestSchemas['import:run'].parse({ ...run, duplicates })).toMatchObject({ duplicates });
    expect(requestSchemas['import:run'].safeParse({ ...run, duplicates: 'overwrite' }).success).toBe(false);
  });
});
