import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { importCsv, previewCsv as previewResult, type ImportCsvOptions } from '../../../electron/core/import/csv-import.js';
import type { ColumnTarget } from '../../../shared/workspace.js';
import { importRig, type ImportRig } from './import-rig.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/csv/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ringside-import-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function previewCsv(path: string) {
  const r = await previewResult(path);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

async function run(path: string, extra: Partial<ImportCsvOptions> & { rig?: ImportRig } = {}) {
  const { rig = await importRig(), ...options } = extra;
  const mapping = options.mapping ?? (await previewCsv(path)).suggested;
  const progress: number[] = [];
  const report = await importCsv({
    path,
    campaignId: rig.campaignId,
    mapping,
    duplicates: 'merge',
    defaultCountry: 'PL',
    leads: rig.leads,
    onProgress: (p) => progress.push(p.rowsDone),
    ...options,
  });
  return { report, leads: await rig.all(), rig, progress };
}

describe('previewCsv', () => {
  it('UTF-8 with BOM, comma: headers without BOM, suggestions', async () => {
    const p = await previewCsv(fixture('utf8-bom-comma.csv'));
    expect(p.encoding).toBe('utf-8');
    expect(p.delimiter).toBe(',');
    expect(p.headers).toEqual(['First name', 'Last name', 'Phone', 'E-mail', 'City', 'Consent date']);
    expect(p.suggested).toEqual(['firstName', 'lastName', 'phone', 'email', 'city', 'consentAt']);
    expect(p.rows).toHaveLength(2);
    expect(p.rows[0][4]).toBe('Kraków');
  });

  it('UTF-8 without BOM, semicolon, Polish headers', async () => {
    const p = await previewCsv(fixture('utf8-semicolon.csv'));
    expect(p.encoding).toBe('utf-8');
    expect(p.delimiter).toBe(';');
    expect(p.suggested).toEqual(['firstName', 'lastName', 'phone', 'company', 'city', 'postalCode', 'source']);
    expect(p.rows[0][0]).toBe('Zażółć');
  });

  it('tab-delimited', async () => {
    const p = await previewCsv(fixture('tab.csv'));
    expect(p.delimiter).toBe('\t');
    expect(p.suggested).toEqual(['fullName', 'phone', 'company', 'score', 'priority']);
  });

  it('Windows-1250 with Polish letters', async () => {
    const text = 'Imię i nazwisko;Telefon;Miasto;Uwagi\nŻaneta Ąćęłńóśźż;501 234 567;Łódź;ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż\n';
    const path = join(dir, 'cp1250.csv');
    writeFileSync(path, iconv.encode(text, 'win1250'));
    const p = await previewCsv(path);
    expect(p.encoding).toBe('windows-1250');
    expect(p.delimiter).toBe(';');
    expect(p.headers[0]).toBe('Imię i nazwisko');
    expect(p.rows[0]).toEqual(['Żaneta Ąćęłńóśźż', '501 234 567', 'Łódź', 'ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż']);
    expect(p.suggested).toEqual(['fullName', 'phone', 'city', 'custom:Uwagi']);
  });

  it('suggestions: synonyms, extra phones, unknown and repeated headers', async () => {
    const path = join(dir, 'headers.csv');
    writeFileSync(
      path,
      'NAZWISKO,imie,Mobile,Telefon,Tel,Phone,Zgoda,Zapytanie,Ostatni zakup,Wynik,Priorytet,ZIP,Ulica,Źródło,Ulubiony kolor!,Company,Firma\n',
    );
    const p = await previewCsv(path);
    expect(p.suggested).toEqual([
      'lastName',
      'firstName',
      'phone',
      'phone2',
      'phone3',
      'custom:Phone',
      'consentAt',
      'inquiryAt',
      'lastPurchaseAt',
      'score',
      'priority',
      'postalCode',
      'street',
      'source',
      'custom:Ulubiony kolor',
      'company',
      'custom:Firma',
    ]);
  });

  it('first 20 rows only, quoted newlines kept', async () => {
    const path = join(dir, 'many.csv');
    writeFileSync(path, 'Name,Phone,Notes\n' + Array.from({ length: 50 }, (_, i) => `N${i},+4850123${String(i).padStart(4, '0')},"a\nb"`).join('\n'));
    const p = await previewCsv(path);
    expect(p.rows).toHaveLength(20);
    expect(p.rows[19]).toEqual(['N19', '+48501230019', 'a\nb']);
  });
});

describe('importCsv', () => {
  it('imports UTF-8 BOM comma file with dates in both formats', async () => {
    const { report, leads } = await run(fixture('utf8-bom-comma.csv'));
    expect(report).toMatchObject({ done: true, cancelled: false, rowsDone: 2, imported: 2, failed: 0, errors: [] });
    expect(leads[0]).toMatchObject({
      firstName: 'Jan',
      lastName: 'Kowalski',
      email: 'jan@example.pl',
      city: 'Kraków',
      consentAt: '2024-03-05',
      country: 'PL',
      timeZone: 'Europe/Warsaw' /* derived from the +48 number */,
    });
    expect(leads[0].phones).toEqual([{ e164: '+48501234567', raw: '+48 501 234 567', label: 'Phone', bad: false }]);
    expect(leads[1]).toMatchObject({ consentAt: '2024-03-05', country: 'US' });
    expect(leads[1].phones[0].e164).toBe('+12125550187');
  });

  it('Polish letters survive (UTF-8 and Windows-1250)', async () => {
    const { leads } = await run(fixture('utf8-semicolon.csv'));
    expect(leads.map((l) => [l.firstName, l.lastName, l.company, l.city])).toEqual([
      ['Zażółć', 'Gęślą-Jaźń', 'Łódzkie Zakłady Sp. z o.o.', 'Łódź'],
      ['Łucja', 'Ćwik', 'Ściółka S.A.', 'Gdańsk'],
    ]);
    const path = join(dir, 'cp1250-run.csv');
    writeFileSync(path, iconv.encode('Imię;Nazwisko;Telefon;Uwagi\nŻaneta;Ąćęłńóśźż;501 234 567;ĄĆĘŁŃÓŚŹŻ\n', 'win1250'));
    const r = await run(path);
    expect(r.report.imported).toBe(1);
    expect(r.leads[0]).toMatchObject({ firstName: 'Żaneta', lastName: 'Ąćęłńóśźż', customFields: { Uwagi: 'ĄĆĘŁŃÓŚŹŻ' } });
  });

  it('tab file: full name split, score and priority', async () => {
    const { leads, report } = await run(fixture('tab.csv'));
    expect(report.failed).toBe(0);
    expect(leads.map((l) => [l.firstName, l.lastName, l.score, l.priority, l.phones[0].e164])).toEqual([
      ['John', 'Doe', 250, 3, '+14155550134'],
      ['Anna', 'Kowalski', 10, 0, '+48600100200'],
    ]);
  });

  it('quoted fields with newlines, delimiters and doubled quotes; empty lines skipped', async () => {
    const mapping: ColumnTarget[] = ['fullName', 'phone', 'custom:Notes', 'company'];
    const { leads, report } = await run(fixture('quoted.csv'), { mapping });
    expect(report).toMatchObject({ rowsDone: 2, imported: 2, failed: 0 });
    expect(leads[0]).toMatchObject({
      firstName: 'John',
      lastName: 'Doe',
      company: 'Acme "Best" Inc',
      customFields: { Notes: 'line one\nline two, with comma; and semicolon' },
    });
    expect(leads[1].customFields.Notes).toBe('she said "call me"\nafter 5pm');
  });

  it('bad rows: row numbers and reasons, the rest imported', async () => {
    const mapping: ColumnTarget[] = ['fullName', 'phone', 'phone2', 'consentAt', 'score', 'email'];
    const { leads, report } = await run(fixture('broken.csv'), { mapping });
    expect(report.rowsDone).toBe(9);
    expect(report.failed).toBe(5);
    expect(report.imported).toBe(4);
    expect(report.errors).toEqual([
      { row: 2, reason: 'row 2: 2 columns instead of 6' },
      { row: 3, reason: 'row 3: no valid phone number ("abc" is not a phone number)' },
      { row: 4, reason: 'row 4: column "Consent date": "31.02.2024" is not a date (use YYYY-MM-DD or DD.MM.YYYY)' },
      { row: 5, reason: 'row 5: column "Score": "abc" is not a whole number from 0 to 1000' },
      { row: 6, reason: 'row 6: imported without a phone: "xyz" is not a phone number' },
      { row: 7, reason: 'row 7: imported without e-mail: "not-an-email" is not an e-mail address' },
      { row: 8, reason: 'row 8: 7 columns instead of 6' },
    ]);
    expect(leads.map((l) => l.firstName)).toEqual(['Good', 'Two', 'Bad', 'Good']);
    expect(leads[3]).toMatchObject({ consentAt: '2023-06-15', score: 1000 });
    expect(leads[2].email).toBe('');
  });

  it('time zone column validated, country column drives phone parsing', async () => {
    const path = join(dir, 'tz.csv');
    writeFileSync(path, 'Name,Phone,Country,Time zone\nA B,(415) 555-0134,us,America/Los_Angeles\nC D,501 234 567,PL,Mars/Olympus\n');
    const { leads, report } = await run(path, { mapping: ['fullName', 'phone', 'country', 'timeZone'] });
    expect(report.imported).toBe(2);
    expect(leads[0]).toMatchObject({ country: 'US', timeZone: 'America/Los_Angeles' });
    expect(leads[0].phones[0].e164).toBe('+14155550134');
    expect(leads[1]).toMatchObject({ country: 'PL', timeZone: 'Europe/Warsaw' /* bad zone dropped, derived from the number */ });
    expect(report.errors).toEqual([{ row: 2, reason: 'row 2: imported without time zone: "Mars/Olympus" is not a known time zone' }]);
  });

  it('batches, progress at most every 100 ms, cancel between batches', async () => {
    const path = join(dir, 'big.csv');
    const n = 12_000;
    writeFileSync(path, 'Name,Phone\n' + Array.from({ length: n }, (_, i) => `Lead ${i},+48 5${String(i).padStart(8, '0')}`).join('\n') + '\n');
    let clock = 0;
    const full = await run(path, { batchSize: 5000, now: () => (clock += 40) });
    expect(full.report).toMatchObject({ rowsDone: n, imported: n, failed: 0, cancelled: false });
    expect(full.report.bytesDone).toBe(full.report.bytesTotal);
    expect(full.rig.batches).toEqual([5000, 5000, 2000]);
    expect(full.progress.length).toBeGreaterThan(1);
    expect(full.progress.at(-1)).toBe(n);

    const silent = await run(path, { now: () => 0 });
    expect(silent.progress).toEqual([n]); // the clock never moved: only the final report

    const ac = new AbortController();
    const rig = await importRig();
    const importRows = rig.leads.importRows;
    rig.leads.importRows = async (...a) => {
      const r = await importRows(...a);
      ac.abort();
      return r;
    };
    const cancelled = await run(path, { rig, signal: ac.signal, batchSize: 5000 });
    expect(cancelled.report.cancelled).toBe(true);
    expect(cancelled.report.imported).toBe(5000);
    expect(cancelled.leads).toHaveLength(5000);
  }, 30_000);

  it('a file of only a header imports nothing', async () => {
    const path = join(dir, 'empty.csv');
    writeFileSync(path, 'Name,Phone\n\n\n');
    const { report } = await run(path);
    expect(report).toMatchObject({ rowsDone: 0, imported: 0, failed: 0 });
  });
});
