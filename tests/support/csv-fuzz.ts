/**
 * Seeded structured CSV files for fuzzing the import: a header of known and hostile column names,
 * rows of plausible and hostile cells (names with Polish letters, numbers in many spellings,
 * dates, nasty text, long cells), quoting done right and wrong, every delimiter, every line end,
 * blank lines, ragged rows — then encoded as UTF-8, UTF-8 with a BOM, Windows-1250 or UTF-16, with
 * garbage bytes spliced in, cut mid-character, or another format's magic bytes in front. Each
 * file comes with a few words saying what was done to it, for the failure message.
 */
import iconv from 'iconv-lite';
import { chance, intIn, nastyStrings, pick, type Rng } from './hostile-input.js';

export interface FuzzCsv {
  bytes: Buffer;
  /** What it is, in a few words. */
  what: string;
}

const headerNames = [
  'Name',
  'Imię',
  'Nazwisko',
  'Imię i nazwisko',
  'Telefon',
  'Phone',
  'Mobile',
  'Tel. komórkowy',
  'E-mail',
  'Firma',
  'Company',
  'Miasto',
  'City',
  'Kod pocztowy',
  'Zgoda',
  'Consent date',
  'Data zapytania',
  'Score',
  'Priorytet',
  'Time zone',
  'Country',
  'Notes',
];
const firstNames = ['Jan', 'Żaneta', 'Łukasz', 'Ewa', 'Grzegorz', 'Zoë', 'José', 'Мария', 'محمد', '李'];
const lastNames = ['Kowalski', 'Źdźbło-Łęcka', 'Nowak', "O'Brien", 'Wiśniewska', 'van der Berg', 'Müller'];

function phone(rng: Rng): string {
  const n = String(intIn(rng, 0, 99_999_999)).padStart(8, '0');
  return pick(rng, [
    `+48 5${n.slice(0, 2)} ${n.slice(2, 5)} ${n.slice(5)}`,
    `5${n}`,
    `0048${n}1`,
    `(212) 555-${n.slice(0, 4)}`,
    `+1 212 555 ${n.slice(4)}`,
    `+48 22 ${n.slice(0, 3)} ${n.slice(3, 5)} ${n.slice(5, 7)} w. 12`,
    `${n}`,
    'abc',
    '+',
    '00000000000000000000000000000000000000000000',
    `+48 5${n}; +48 6${n}`,
  ]);
}

/** Nasty text without NUL: one NUL anywhere in the first 64 KiB makes the whole file "binary", which a few files are enough to test. */
const cellNasties = nastyStrings.map(([s]) => s).filter((s) => !s.includes('\0'));

/** A file's long cells: how often, and how long at most. */
interface LongCells {
  odds: number;
  max: number;
}

/** One cell's text (before quoting): plausible most of the time, hostile some of the time. */
function cellText(rng: Rng, column: string, long: LongCells): string {
  const r = rng();
  if (r < long.odds) return pick(rng, ['x', 'ą', '😀', ' ', ',']).repeat(intIn(rng, 10_000, long.max));
  if (r < 0.15) return pick(rng, cellNasties);
  if (r < 0.2) return '';
  if (/tel|phone|mobile/i.test(column)) return phone(rng);
  if (/date|data|zgoda/i.test(column)) return pick(rng, ['2026-01-02', '02.01.2026', '2026-02-30', '31.13.2026', 'yesterday', '2026-1-2T10:00:00Z']);
  if (/score|prior/i.test(column)) return pick(rng, ['0', '7', '1000', '1001', '-1', '3.5', '1e3', '99999999']);
  if (/mail/i.test(column)) return pick(rng, ['jan@example.com', 'not an e-mail', 'a@b', 'ż@ł.pl']);
  if (/zone/i.test(column)) return pick(rng, ['Europe/Warsaw', 'America/New_York', 'Mars/Olympus']);
  if (/country/i.test(column)) return pick(rng, ['PL', 'US', 'pl', 'POL', '']);
  return `${pick(rng, firstNames)} ${pick(rng, lastNames)}`;
}

/** The cell as it appears in the file: bare, quoted properly, or (in a file of `chaos`) quoted wrongly. */
function quoted(rng: Rng, text: string, delimiter: string, chaos: boolean): string {
  const r = chaos ? rng() : 0.08 + rng() * 0.92;
  const needs = text.includes(delimiter) || text.includes('"') || /[\r\n]/.test(text);
  if (r < 0.02) return `"${text}`; // never closed
  if (r < 0.04) return `${text.slice(0, 2)}"${text.slice(2)}`; // a stray quote inside a bare value
  if (r < 0.06) return `"${text}"x`; // text after the closing quote
  if (r < 0.08) return `"${text.replace(/"/g, '"')}"`; // inner quotes not doubled
  if (needs || r < 0.3) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

function encode(rng: Rng, text: string): { bytes: Buffer; what: string } {
  const r = rng();
  if (r < 0.45) return { bytes: Buffer.from(text, 'utf8'), what: 'UTF-8' };
  if (r < 0.6) return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]), what: 'UTF-8 with BOM' };
  if (r < 0.75) return { bytes: iconv.encode(text, 'win1250'), what: 'Windows-1250' };
  if (r < 0.8) return { bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]), what: 'UTF-16LE with BOM' };
  if (r < 0.83) return { bytes: iconv.encode(text, 'utf16be'), what: 'UTF-16BE without BOM' };
  if (r < 0.86) return { bytes: iconv.encode(text, 'utf16le'), what: 'UTF-16LE without BOM' };
  const bytes = Buffer.from(text, 'utf8');
  if (r < 0.95) {
    // Bytes no encoding makes: invalid UTF-8 sequences, NUL, 0xFF, a lone continuation byte.
    const junk = [
      Buffer.from([0xc3, 0x28]),
      Buffer.from([0xff]),
      Buffer.from([0x80]),
      Buffer.from([0xe2, 0x82]),
      Buffer.from([0xf4, 0x90, 0x80, 0x80]),
      Buffer.from([0xed, 0xa0, 0x80]),
    ];
    if (chance(rng, 0.1)) junk.push(Buffer.from([0x00]));
    const parts: Buffer[] = [];
    let at = 0;
    for (let k = intIn(rng, 1, 20); k > 0 && at < bytes.length; k--) {
      const next = Math.min(bytes.length, at + intIn(rng, 1, Math.max(1, Math.floor(bytes.length / 5))));
      parts.push(bytes.subarray(at, next), pick(rng, junk));
      at = next;
    }
    parts.push(bytes.subarray(at));
    return { bytes: Buffer.concat(parts), what: 'UTF-8 with garbage bytes' };
  }
  if (r < 0.98) return { bytes: bytes.subarray(0, Math.max(1, bytes.length - intIn(rng, 1, 3))), what: 'UTF-8 cut mid-character' };
  const magic = pick(rng, [
    Buffer.from('PK\x03\x04'),
    Buffer.from('%PDF-1.7\n'),
    Buffer.from([0x1f, 0x8b, 8, 0]),
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  ]);
  return { bytes: Buffer.concat([magic, bytes]), what: "another format's magic bytes, then CSV" };
}

/**
 * A hostile CSV file. One file in five has a few long cells (up to 100 KB; `long`: up to 400 KB,
 * and more rows); files stay small enough to import in well under a second.
 */
export function fuzzCsv(rng: Rng, long = false): FuzzCsv {
  const longCells: LongCells = chance(rng, 0.2) ? { odds: 0.002, max: long ? 400_000 : 100_000 } : { odds: 0, max: 0 };
  const delimiter = pick(rng, [',', ',', ';', ';', '\t', '|']);
  const eol = pick(rng, ['\n', '\n', '\r\n', '\r\n', '\r', 'mixed']);
  const wide = chance(rng, 0.03);
  const columns = wide ? intIn(rng, 199, 205) : intIn(rng, 1, 8);
  const header = Array.from({ length: columns }, () =>
    chance(rng, 0.85) ? pick(rng, headerNames) : pick(rng, chance(rng, 0.05) ? nastyStrings.map(([t]) => t) : cellNasties),
  );
  // Most lead lists have a phone column: without one every row fails the same way.
  if (!header.some((h) => /tel|phone|mobile/i.test(h)) && chance(rng, 0.8)) header[intIn(rng, 0, columns - 1)] = pick(rng, ['Telefon', 'Phone', 'Mobile']);
  if (long && chance(rng, 0.05)) header[0] = 'H'.repeat(intIn(rng, 100_000, 300_000));
  const chaos = chance(rng, 0.3);
  const rows = chance(rng, 0.05) ? 0 : intIn(rng, 1, long ? 2000 : 300);
  const lines: string[] = [header.map((h) => quoted(rng, h, delimiter, chaos)).join(delimiter)];
  for (let i = 0; i < rows; i++) {
    if (chance(rng, 0.03)) {
      lines.push(pick(rng, ['', ' ', '\t', delimiter.repeat(columns - 1)]));
      continue;
    }
    const n = chance(rng, 0.05) ? Math.max(1, columns + pick(rng, [-1, 1, 5])) : columns;
    const d = chance(rng, 0.02) ? pick(rng, [',', ';', '\t']) : delimiter;
    lines.push(Array.from({ length: n }, (_, c) => quoted(rng, cellText(rng, header[c % columns] ?? '', longCells), d, chaos)).join(d));
  }
  const end = () => (eol === 'mixed' ? pick(rng, ['\n', '\r\n', '\r']) : eol);
  let text = lines.map((l) => l + end()).join('');
  if (chance(rng, 0.1)) text = text.slice(0, -1); // no line end after the last row
  const encoded = encode(rng, text);
  const eolName = { '\n': 'LF', '\r\n': 'CRLF', '\r': 'CR', mixed: 'mixed line ends' }[eol];
  return {
    bytes: encoded.bytes,
    what: `${rows} rows × ${columns} columns, ${JSON.stringify(delimiter)}, ${eolName}${chaos ? ', quotes gone wrong' : ''}, ${encoded.what}, ${encoded.bytes.length.toLocaleString('en-US')} bytes`,
  };
}
