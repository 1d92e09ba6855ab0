/**
 * Files that are not what an import expects, from real bytes on disk: the preview answers with an
 * error in words (what the file is, what to do), the import stops with the same words or fails
 * only the bad row, and nothing throws.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { importCsv, previewCsv } from '../../../electron/core/import/csv-import.js';
import { importRig } from './import-rig.js';

const dir = mkdtempSync(join(tmpdir(), 'ringside-malformed-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A real zip, as an .xlsx is. */
function xlsx(): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('<?xml version="1.0"?><Types/>'), '[Content_Types].xml');
  zip.addBuffer(Buffer.from('<worksheet/>'), 'xl/worksheets/sheet1.xml');
  zip.end();
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (b: Buffer) => parts.push(b));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    zip.outputStream.on('error', reject);
  });
}

async function importFile(path: string, mapping = ['fullName', 'phone'] as const) {
  const rig = await importRig();
  const report = await importCsv({
    path,
    campaignId: rig.campaignId,
    mapping: [...mapping],
    duplicates: 'merge',
    defaultCountry: 'PL',
    leads: rig.leads,
    onProgress: () => {},
  });
  return { report, leads: await rig.all() };
}

const SAVE_AS = 'In Excel choose File › Save As › "CSV UTF-8 (Comma delimited)" and import that file.';

describe('a file that is not a CSV is named for what it is', () => {
  const cases: Array<[string, () => Promise<Buffer> | Buffer | string, string]> = [
    ['an empty file', () => '', 'The file is empty.'],
    ['only empty lines', () => '\n\r\n\n', 'The file has no header row, only empty lines.'],
    ['an Excel workbook', xlsx, `This is an Excel workbook (.xlsx) or another zipped document, not a CSV file. ${SAVE_AS}`],
    [
      'an old Excel workbook',
      () => Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]),
      `This is an Excel 97–2003 workbook (.xls), not a CSV file. ${SAVE_AS}`,
    ],
    ['UTF-16 with a BOM', () => Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('Imię;Telefon\nJan;501 234 567\n', 'utf16le')]), 'UTF-16'],
    ['UTF-16 without a BOM', () => iconv.encode('Name;Phone\nJan Kowalski;501 234 567\n', 'utf16le'), 'UTF-16'],
    ['a PDF', () => '%PDF-1.7\n%âãÏÓ\n1 0 obj\n', 'This is a PDF document'],
    [
      'binary data',
      () => Buffer.from([0x4e, 0x61, 0x6d, 0x65, 0x0a, 0x00, 0x01, 0x02, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c]),
      'it contains binary data',
    ],
  ];
  for (const [what, content, message] of cases) {
    it(`${what}: preview and import say so`, async () => {
      const path = file(`${what.replace(/\W+/g, '-')}.csv`, await content());
      const preview = await previewCsv(path);
      expect(preview).toMatchObject({ ok: false, code: 'invalid-data' });
      if (!preview.ok) expect(preview.message).toContain(message);
      if (what === 'only empty lines') return; // nothing to import, nothing to stop
      const { report } = await importFile(path);
      expect(report).toMatchObject({ done: true, rowsDone: 0, imported: 0 });
      expect(report.stopped).toContain(message);
    });
  }

  it('a file that is gone, or a folder, is an answer too', async () => {
    expect(await previewCsv(join(dir, 'missing.csv'))).toEqual({
      ok: false,
      code: 'invalid-data',
      message: 'The uploaded file is gone (it was removed or expired): pick the file again.',
    });
    const folder = join(dir, 'a-folder.csv');
    mkdirSync(folder);
    expect(await previewCsv(folder)).toMatchObject({ ok: false, message: expect.stringContaining('could not be read') });
    expect((await importFile(join(dir, 'missing.csv'))).report.stopped).toContain('is gone');
  });
});

describe('quotes and columns', () => {
  it('a header quote never closed: the columns cannot be told apart', async () => {
    const path = file('header-quote.csv', 'Name,"Phone\nJan,501 234 567\n');
    expect(await previewCsv(path)).toMatchObject({ ok: false, message: expect.stringContaining('The header row has a quote (") that is never closed') });
    expect((await importFile(path)).report.stopped).toContain('The header row has a quote');
  });

  it('a row whose quote is never closed: the preview says which row; the import fails only it', async () => {
    const path = file('row-quote.csv', 'Name,Phone\nJan Nowak,501 234 567\nEwa Lis,501 234 568\n"Adam Kot,501 234 569\nOla Wróbel,501 234 570\n');
    expect(await previewCsv(path)).toMatchObject({
      ok: false,
      message: 'Row 3 has a quote (") that is never closed, so nothing after it can be read. Close the quote in the file and import it again.',
    });
    const { report, leads } = await importFile(path);
    expect(report).toMatchObject({ rowsDone: 3, imported: 2, failed: 1 });
    expect(report.errors).toEqual([{ row: 3, reason: 'row 3: a quote (") opened in this row is never closed, so the lines after it were read into this row' }]);
    expect(leads.map((l) => l.lastName)).toEqual(['Nowak', 'Lis']);
  });

  it('a quote inside a quoted value that is not doubled fails that row only', async () => {
    const path = file('inner-quote.csv', 'Name,Phone\n"Jan "Janek" Nowak",501 234 567\nEwa Lis,501 234 568\n');
    const { report } = await importFile(path);
    expect(report).toMatchObject({ imported: 1, failed: 1 });
    expect(report.errors[0]).toEqual({ row: 1, reason: 'row 1: a quote (") inside a quoted value is not doubled (write "" for a quote inside quotes)' });
  });

  it('a quote never closed early in a large file stops the import in time, in words, with the rows before it imported', async () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => `Lead ${i},+48 5${String(i).padStart(8, '0')}`);
    rows.splice(1000, 0, '"Broken,+48 600 000 000');
    const path = file('big-quote.csv', `Name,Phone\n${rows.join('\n')}\n`);
    const started = Date.now();
    const { report } = await importFile(path);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(report.stopped).toBe(
      'Row 1001 has a quote (") that is never closed, so nothing after it can be read; the rows before it were imported. Close the quote in the file and import it again.',
    );
    expect(report).toMatchObject({ imported: 1000, cancelled: false });
    expect(report.bytesDone).toBeLessThan(report.bytesTotal);
    expect(report.errors.at(-1)).toEqual({ row: 1001, reason: report.stopped });
  }, 30_000);

  it('more than 200 columns: the preview and the import say how many and what to do', async () => {
    const path = file('wide.csv', `${Array.from({ length: 250 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(249)}1\n`);
    const message = 'The file has 250 columns; Ringside imports at most 200. Delete the columns you do not need and import it again.';
    expect(await previewCsv(path)).toEqual({ ok: false, code: 'invalid-data', message });
    expect((await importFile(path)).report).toMatchObject({ stopped: message, rowsDone: 0, errors: [{ row: 0, reason: message }] });
  });
});
