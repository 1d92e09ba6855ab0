// DNC registry import: the line grammar, the streaming import (plain and zipped files), progress,
// cancellation, resume from a checkpoint, and the byte loop agreeing with parseRegistryLine on
// random garbage. Fixtures are generated into a temp dir.
import { tempDirPerTest } from '../../support/temp-dir';
import { mulberry32 } from '../../support/prng';
import { createWriteStream, existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import {
  importRegistryFiles,
  MAX_LINE_BYTES,
  parseRegistryLine,
  sniffRegistryKind,
  type ChangeSink,
  type RegistryFileKind,
  type RegistryImportProgress,
  type RegistryImportReport,
} from '../../../electron/core/compliance/registry-import.js';

type Op = ['add' | 'remove', number];

/** An in-memory sink recording every call in order. */
class MemorySink implements ChangeSink {
  ops: Op[] = [];
  set = new Set<number>();
  checkpoints: number[] = []; // ops.length at each checkpoint()
  onAdd?: (n: number) => void;
  add(n: number): void {
    this.ops.push(['add', n]);
    this.set.add(n);
    this.onAdd?.(n);
  }
  remove(n: number): void {
    this.ops.push(['remove', n]);
    this.set.delete(n);
  }
  async checkpoint(): Promise<void> {
    this.checkpoints.push(this.ops.length);
  }
}

const tmp = tempDirPerTest('ringside-registry-test-');
const file = tmp.file;

async function zip(name: string, entries: Array<{ name: string; content: string | Buffer; compress?: boolean } | { dir: string }>): Promise<string> {
  const path = join(tmp.dir(), name);
  const z = new yazl.ZipFile();
  for (const e of entries) {
    if ('dir' in e) z.addEmptyDirectory(e.dir);
    else z.addBuffer(Buffer.from(e.content), e.name, { compress: e.compress ?? true });
  }
  z.end();
  const out = createWriteStream(path);
  z.outputStream.pipe(out);
  await once(out, 'finish');
  return path;
}

// ---- the reference expectation: parseRegistryLine plus the blank/header rules ----

function contentOf(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
function isBlank(line: string): boolean {
  const c = contentOf(line);
  return Buffer.byteLength(c) <= MAX_LINE_BYTES && /^[ ",;\t|]*$/.test(c.startsWith('\uFEFF') ? c.slice(1) : c);
}
/** What the import must do with `text` of the given kind, line by line, per parseRegistryLine. */
function expected(text: string, kind: RegistryFileKind): { ops: Op[]; badLines: number[] } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const ops: Op[] = [];
  const badLines: number[] = [];
  let firstSeen = false;
  lines.forEach((line, k) => {
    if (isBlank(line)) return;
    const r = parseRegistryLine(line, kind, 'US');
    if (!firstSeen) {
      firstSeen = true;
      const c = contentOf(line);
      if (parseRegistryLine(line, 'full', 'US') === null && Buffer.byteLength(c) <= MAX_LINE_BYTES && /[A-Za-z]/.test(c)) return;
    }
    if (r) ops.push([r.action, r.n]);
    else badLines.push(k + 1);
  });
  return { ops, badLines };
}

describe('parseRegistryLine', () => {
  it('reads the FTC full-list forms', () => {
    expect(parseRegistryLine('2015550123', 'full', 'US')).toEqual({ n: 2015550123, action: 'add' });
    expect(parseRegistryLine('201,5550123', 'full', 'US')).toEqual({ n: 2015550123, action: 'add' });
    expect(parseRegistryLine('2015550123\r', 'full', 'US')).toEqual({ n: 2015550123, action: 'add' });
    expect(parseRegistryLine('\uFEFF2015550123', 'full', 'US')).toEqual({ n: 2015550123, action: 'add' });
    expect(parseRegistryLine(' 2015550123 ', 'full', 'US')?.n).toBe(2015550123);
  });

  it('reads the DNCL forms: separators, +1 / 1 prefix, quoted CSV with extra columns', () => {
    for (const line of [
      '(613) 555-0123',
      '613-555-0123',
      '613 555 0123',
      '613.555.0123',
      '+1 613 555 0123',
      '16135550123',
      '1-613-555-0123',
      '"6135550123"',
      '"(613) 555-0123","Ottawa","ON"',
      'Smith;"613-555-0123";x',
      'ref 12,6135550123',
      '613,555-0123',
    ])
      expect(parseRegistryLine(line, 'full', 'US'), line).toEqual({ n: 6135550123, action: 'add' });
    // the first field that is a valid number wins
    expect(parseRegistryLine('1015550123,6135550123', 'full', 'US')?.n).toBe(6135550123);
    expect(parseRegistryLine('6135550123,2015550123', 'full', 'US')?.n).toBe(6135550123);
  });

  it('is strict about what a number is', () => {
    for (const line of [
      '1015550123', // NPA starts with 1
      '0015550123',
      '2011550123', // NXX starts with 1
      '2010550123',
      '201555012', // 9 digits
      '201555012345',
      '26135550123', // 11 digits not starting with 1
      '+2015550123', // +20 is Egypt
      '+613,5550123',
      '2015550123x',
      '201555O123',
      '201 555 0123 ext 5',
      '201/555/0123',
      '201,,5550123',
      '20,15550123',
      '2015550123'.padEnd(MAX_LINE_BYTES + 1, ' '),
      '',
      ' , ;',
      'Phone Number',
      '２０１５５５０１２３', // full-width digits
    ])
      expect(parseRegistryLine(line, 'full', 'US'), JSON.stringify(line)).toBeNull();
    expect(parseRegistryLine('2015550123'.padEnd(MAX_LINE_BYTES, ' '), 'full', 'US')?.n).toBe(2015550123);
  });

  it('reads change flags in any case, ignoring a date; the split files accept agreeing flags only', () => {
    const cases: Array<[string, 'add' | 'remove']> = [
      ['2015550123,A,2024-01-15', 'add'],
      ['201,5550123,add', 'add'],
      ['"2015550123","Added","01/15/2024"', 'add'],
      ['I,2015550123', 'add'],
      ['2015550123;insert', 'add'],
      ['2015550123,D', 'remove'],
      ['2015550123,del', 'remove'],
      ['2015550123\tDELETE', 'remove'],
      ['2015550123,Deleted,2024-01-15', 'remove'],
      ['2015550123,r', 'remove'],
      ['2015550123|REMOVE', 'remove'],
    ];
    for (const [line, action] of cases) expect(parseRegistryLine(line, 'changes', 'US'), line).toEqual({ n: 2015550123, action });
    expect(parseRegistryLine('2015550123', 'changes', 'US')).toBeNull();
    expect(parseRegistryLine('2015550123,X', 'changes', 'US')).toBeNull();
    expect(parseRegistryLine('2015550123,ı', 'changes', 'US')).toBeNull(); // dotless i upper-cases to I
    expect(parseRegistryLine('A,1015550123', 'changes', 'US')).toBeNull();
    expect(parseRegistryLine('2015550123', 'additions', 'US')).toEqual({ n: 2015550123, action: 'add' });
    expect(parseRegistryLine('2015550123,A', 'additions', 'US')).toEqual({ n: 2015550123, action: 'add' });
    expect(parseRegistryLine('2015550123,D', 'additions', 'US')).toBeNull();
    expect(parseRegistryLine('2015550123', 'deletions', 'US')).toEqual({ n: 2015550123, action: 'remove' });
    expect(parseRegistryLine('2015550123,A', 'deletions', 'US')).toBeNull();
    expect(parseRegistryLine('2015550123,A', 'full', 'US')).toEqual({ n: 2015550123, action: 'add' });
  });
});

describe('importRegistryFiles', () => {
  it('imports an FTC full list: LF and CRLF, pair form, header skipped, bad lines counted with examples', async () => {
    const path = file('201.txt', 'Telephone Number\r\n2015550123\r\n201,5550124\n\n2025550125\nbad line\x1b[31m\n1015550123\n2035550126');
    const sink = new MemorySink();
    const report = await importRegistryFiles({ registry: 'US', files: [{ path, kind: 'full' }], sink });
    expect([...sink.set]).toEqual([2015550123, 2015550124, 2025550125, 2035550126]);
    expect(report).toEqual({
      files: 1,
      numbers: 4,
      additions: 4,
      deletions: 0,
      badLines: 2,
      badExamples: [
        { file: path, line: 6, text: 'bad line?[31m' },
        { file: path, line: 7, text: '1015550123' },
      ],
      resumed: false,
      checkpointIgnored: false,
    } satisfies RegistryImportReport);
  });

  it('counts only a first line as a header, and never one holding a valid number', async () => {
    const a = file('a.txt', '2015550123\nPhone\n');
    const b = file('b.txt', '2015550123,X\n2015550124,A\n');
    const ra = await importRegistryFiles({ registry: 'US', files: [{ path: a, kind: 'full' }], sink: new MemorySink() });
    expect(ra.badLines).toBe(1);
    const rb = await importRegistryFiles({ registry: 'US', files: [{ path: b, kind: 'changes' }], sink: new MemorySink() });
    expect(rb).toMatchObject({ numbers: 1, badLines: 1, badExamples: [{ line: 1, text: '2015550123,X' }] });
  });

  it('keeps the first 20 bad lines, excerpts sanitized and at most 80 characters', async () => {
    const lines = [];
    for (let k = 0; k < 25; k++) lines.push(k === 0 ? `${'x'.repeat(200)}\u202e😀` : `junk ${k}\u0007`);
    lines.push('😀'.repeat(100));
    const path = file('junk.txt', `2015550123\n${lines.join('\n')}\n`);
    const report = await importRegistryFiles({ registry: 'US', files: [{ path, kind: 'full' }], sink: new MemorySink() });
    expect(report.badLines).toBe(26);
    expect(report.badExamples).toHaveLength(20);
    expect(report.badExamples[0]).toEqual({ file: path, line: 2, text: `${'x'.repeat(79)}…` });
    expect(report.badExamples[1]).toEqual({ file: path, line: 3, text: 'junk 1?' });
    expect(report.badExamples.at(-1)?.line).toBe(21);
  });

  it('imports a Canadian DNCL CSV with formatted numbers and extra columns', async () => {
    const path = file(
      'dncl.csv',
      '"Phone","Registered","Province"\r\n"(613) 555-0123","2024-01-15","ON"\r\n"416-555-0199","2024-01-16","ON"\r\n"+1 604 555 0100",,BC\r\n"",,\r\n"555-0100","x","QC"\r\n',
    );
    const sink = new MemorySink();
    const report = await importRegistryFiles({ registry: 'US', files: [{ path, kind: 'full' }], sink });
    expect([...sink.set]).toEqual([6135550123, 4165550199, 6045550100]);
    expect(report).toMatchObject({ numbers: 3, badLines: 1, badExamples: [{ line: 6 }] });
  });

  it('applies change lists in order: flagged changes, and split additions / deletions files', async () => {
    const changes = file(
      'changes.txt',
      'Phone,Action,Date\n2015550123,A,2024-01-15\n201,5550124,add,2024-01-15\n2015550123,D,2024-01-16\n2025550125,x,2024-01-16\n2035550126,Deleted\n',
    );
    const additions = file('additions.txt', '2045550127\n2045550128,A\n2045550129,D\n');
    const deletions = file('deletions.txt', '2045550127\n2045550128,A\n');
    const sink = new MemorySink();
    const report = await importRegistryFiles({
      registry: 'US',
      files: [
        { path: changes, kind: 'changes' },
        { path: additions, kind: 'additions' },
        { path: deletions, kind: 'deletions' },
      ],
      sink,
    });
    expect(sink.ops).toEqual([
      ['add', 2015550123],
      ['add', 2015550124],
      ['remove', 2015550123],
      ['remove', 2035550126],
      ['add', 2045550127],
      ['add', 2045550128],
      ['remove', 2045550127],
    ]);
    expect(report).toMatchObject({ files: 3, numbers: 7, additions: 4, deletions: 3, badLines: 3 });
    expect(report.badExamples.map((e) => [e.file, e.line])).toEqual([
      [changes, 5],
      [additions, 3],
      [deletions, 2],
    ]);
  });

  it('handles an empty file, a file without a final newline, and a line far longer than any chunk', async () => {
    const empty = file('empty.txt', '');
    const long = file('long.txt', `2015550123\n${'7'.repeat(50_000)}\r\n2025550124\n${'9'.repeat(3000)}`);
    const sink = new MemorySink();
    const report = await importRegistryFiles({
      registry: 'US',
      files: [
        { path: empty, kind: 'full' },
        { path: long, kind: 'full' },
      ],
      sink,
      chunkBytes: 100,
    });
    expect(sink.ops).toEqual([
      ['add', 2015550123],
      ['add', 2025550124],
    ]);
    expect(report.badLines).toBe(2);
    expect(report.badExamples.map((e) => [e.line, e.text.length])).toEqual([
      [2, 80],
      [4, 80],
    ]);
  });

  it('needs a ChangeSink for change kinds, and rejects a missing file by name before touching the sink', async () => {
    const path = file('c.txt', '2015550123,A\n');
    const addOnly = { add: () => {}, checkpoint: async () => {} };
    await expect(importRegistryFiles({ registry: 'US', files: [{ path, kind: 'changes' }], sink: addOnly })).rejects.toThrow(/remove\(\)/);
    const sink = new MemorySink();
    const missing = join(tmp.dir(), 'nope.txt');
    await expect(
      importRegistryFiles({
        registry: 'US',
        files: [
          { path, kind: 'full' },
          { path: missing, kind: 'full' },
        ],
        sink,
      }),
    ).rejects.toThrow(missing);
    expect(sink.ops).toEqual([]);
    await expect(importRegistryFiles({ registry: 'US', files: [{ path: tmp.dir(), kind: 'full' }], sink })).rejects.toThrow(tmp.dir());
  });

  it('reads zip archives entry by entry (stored and deflated), skipping folders and macOS metadata', async () => {
    const path = await zip('ftc.zip', [
      { dir: 'lists/' },
      { name: 'lists/201.txt', content: 'Phone\n2015550123\n2015550124\n' },
      { name: '__MACOSX/lists/._201.txt', content: Buffer.from([0, 5, 22, 7, 0xff]) },
      { name: 'lists/._202.txt', content: 'junk' },
      { name: 'lists/202.txt', content: '202,5550125\r\nnot a number\r\n', compress: false },
    ]);
    const sink = new MemorySink();
    const seen: RegistryImportProgress[] = [];
    const report = await importRegistryFiles({ registry: 'US', files: [{ path, kind: 'full' }], sink, onProgress: (p) => seen.push(p) });
    expect([...sink.set]).toEqual([2015550123, 2015550124, 2025550125]);
    expect(report).toMatchObject({ numbers: 3, badLines: 1, badExamples: [{ file: `${path}!/lists/202.txt`, line: 2, text: 'not a number' }] });
    const size = readFileSync(path).length;
    expect(seen.at(-1)).toEqual({ bytesDone: size, bytesTotal: size, numbers: 3, badLines: 1, file: path });
  });

  it('rejects a corrupt zip naming the file; numbers already handed over stay in the sink', async () => {
    const garbage = file('garbage.zip', 'this is not a zip at all');
    await expect(importRegistryFiles({ registry: 'US', files: [{ path: garbage, kind: 'full' }], sink: new MemorySink() })).rejects.toThrow(
      new RegExp(`zip.*${garbage}`),
    );
    const good = await zip('good.zip', [
      { name: 'a.txt', content: '2015550123\n', compress: false },
      { name: 'b.txt', content: '2025550124\n'.repeat(5000) },
    ]);
    const bytes = readFileSync(good);
    // Damage the deflated data of the second entry (its local header follows the first entry).
    const second = bytes.indexOf(Buffer.from('b.txt')) + 5 + 20;
    for (let k = second; k < second + 16; k++) bytes[k] ^= 0x5a;
    const broken = file('broken.zip', bytes);
    const sink = new MemorySink();
    await expect(importRegistryFiles({ registry: 'US', files: [{ path: broken, kind: 'full' }], sink })).rejects.toThrow(broken);
    expect(sink.set.has(2015550123)).toBe(true);
    const truncated = file('truncated.zip', readFileSync(good).subarray(0, 40));
    await expect(importRegistryFiles({ registry: 'US', files: [{ path: truncated, kind: 'full' }], sink: new MemorySink() })).rejects.toThrow(truncated);
  });

  it('reports progress at most every ~100 ms, and once at the end with everything counted', async () => {
    const path = file('big.txt', '2015550123\n'.repeat(40_000));
    const sink = new MemorySink();
    sink.onAdd = () => {
      if (sink.ops.length % 4000 === 0) {
        const until = Date.now() + 30;
        while (Date.now() < until); // a slow sink, so the import spans several progress periods
      }
    };
    const calls: Array<{ at: number; p: RegistryImportProgress }> = [];
    await importRegistryFiles({
      registry: 'US',
      files: [{ path, kind: 'full' }],
      sink,
      chunkBytes: 4096,
      onProgress: (p) => calls.push({ at: Date.now(), p }),
    });
    expect(calls.length).toBeGreaterThan(2);
    for (let k = 1; k < calls.length - 1; k++) {
      expect(calls[k].at - calls[k - 1].at).toBeGreaterThanOrEqual(95);
      expect(calls[k].p.bytesDone).toBeGreaterThanOrEqual(calls[k - 1].p.bytesDone);
    }
    expect(calls.at(-1)?.p).toEqual({ bytesDone: 440_000, bytesTotal: 440_000, numbers: 40_000, badLines: 0, file: path });
  });

  it('stops when the signal aborts, with the signal’s reason', async () => {
    const path = file('big.txt', '2015550123\n'.repeat(10_000));
    const controller = new AbortController();
    const sink = new MemorySink();
    sink.onAdd = () => {
      if (sink.ops.length === 100) controller.abort();
    };
    await expect(
      importRegistryFiles({ registry: 'US', files: [{ path, kind: 'full' }], sink, signal: controller.signal, chunkBytes: 1100 }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(sink.ops.length).toBe(100);
    await expect(importRegistryFiles({ registry: 'US', files: [{ path, kind: 'full' }], sink, signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('resume from a checkpoint', () => {
  /** A file of `n` numbers with a bad line every 97 lines, starting at a given NPA. */
  function numbers(npa: number, n: number): string {
    let s = '';
    for (let k = 0; k < n; k++) s += k % 97 === 50 ? `bad ${k}\n` : `${npa}${5_550_000 + k}\n`;
    return s;
  }

  it('continues a plain file from the last line boundary checkpointed, after the sink’s checkpoint', async () => {
    const a = file('a.txt', numbers(201, 3000));
    const b = file('b.txt', numbers(202, 3000));
    const files = [
      { path: a, kind: 'full' as const },
      { path: b, kind: 'full' as const },
    ];
    const reference = await importRegistryFiles({ registry: 'US', files, sink: new MemorySink() });
    const checkpointPath = join(tmp.dir(), 'state', 'import.json');

    const controller = new AbortController();
    const first = new MemorySink();
    first.onAdd = (n) => {
      if (n === 2025551234) controller.abort();
    };
    await expect(
      importRegistryFiles({ registry: 'US', files, sink: first, checkpointPath, signal: controller.signal, chunkBytes: 333, checkpointEveryBytes: 5000 }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    const cp = JSON.parse(readFileSync(checkpointPath, 'utf8'));
    expect(cp.filesDone).toBe(1);
    expect(cp.partial.offset).toBeGreaterThan(0);
    expect(cp.counts.numbers).toBe(first.checkpoints.at(-1)); // recorded what the sink had at its checkpoint
    expect(readFileSync(b, 'utf8')[cp.partial.offset - 1]).toBe('\n');

    const second = new MemorySink();
    const report = await importRegistryFiles({ registry: 'US', files, sink: second, checkpointPath, chunkBytes: 333, checkpointEveryBytes: 5000 });
    expect(report).toEqual({ ...reference, resumed: true });
    expect(second.set.has(2015550000)).toBe(false); // file a was done
    // the first number after the checkpointed line boundary comes first
    const rest = readFileSync(b, 'utf8').slice(cp.partial.offset).split('\n');
    expect(second.ops[0]).toEqual(['add', rest.map((l) => parseRegistryLine(l, 'full', 'US')).find((r) => r)?.n]);
    expect(new Set([...first.set, ...second.set])).toEqual(new Set(await all(files)));
    expect(existsSync(checkpointPath)).toBe(false); // done: the next import starts afresh
    expect(readdirSync(join(tmp.dir(), 'state'))).toEqual([]);
  });

  it('does not flush the sink after every small file (800 area-code files cost 800 fsyncs), yet resumes exactly across files', async () => {
    // 6 files of 300 numbers (3.3 kB each); a checkpoint every 8 kB read, counted across files
    const files = [201, 202, 203, 204, 205, 206].map((npa) => ({ path: file(`${npa}.txt`, numbers(npa, 300)), kind: 'full' as const }));
    const reference = await importRegistryFiles({ registry: 'US', files, sink: new MemorySink() });
    const checkpointPath = join(tmp.dir(), 'import.json');
    const counted = new MemorySink();
    await importRegistryFiles({ registry: 'US', files, sink: counted, checkpointPath: join(tmp.dir(), 'count.json'), checkpointEveryBytes: 8000 });
    expect(counted.checkpoints.length).toBe(3); // in files 3 and 6 (each after 9.9 kB), and the final flush — not 5 + 1

    const controller = new AbortController();
    const first = new MemorySink();
    first.onAdd = (n) => {
      if (n === 2055550123) controller.abort(); // in the fifth file, after the checkpoint in the third
    };
    await expect(
      importRegistryFiles({ registry: 'US', files, sink: first, checkpointPath, signal: controller.signal, checkpointEveryBytes: 8000 }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    const cp = JSON.parse(readFileSync(checkpointPath, 'utf8'));
    expect(cp.filesDone).toBe(2);
    expect(cp.counts.numbers).toBe(first.checkpoints.at(-1));
    const second = new MemorySink();
    expect(await importRegistryFiles({ registry: 'US', files, sink: second, checkpointPath, checkpointEveryBytes: 8000 })).toEqual({
      ...reference,
      resumed: true,
    });
    expect(second.set.has(2035550000)).toBe(false); // the third file was checkpointed whole
    expect(second.set.has(2045550000)).toBe(true); // the fourth is read again
    expect(new Set([...first.set, ...second.set])).toEqual(new Set(await all(files)));
  });

  async function all(files: Array<{ path: string; kind: RegistryFileKind }>): Promise<number[]> {
    const sink = new MemorySink();
    await importRegistryFiles({ registry: 'US', files, sink });
    return [...sink.set];
  }

  it('restarts the unfinished zip entry and skips the finished ones', async () => {
    const path = await zip('parts.zip', [
      { name: '201.txt', content: numbers(201, 2000) },
      { name: '202.txt', content: numbers(202, 2000) },
      { name: '203.txt', content: numbers(203, 2000), compress: false },
    ]);
    const files = [{ path, kind: 'full' as const }];
    const reference = await importRegistryFiles({ registry: 'US', files, sink: new MemorySink() });
    const small = new MemorySink();
    await importRegistryFiles({ registry: 'US', files, sink: small, checkpointPath: join(tmp.dir(), 'other.json') });
    expect(small.checkpoints).toEqual([6000 - 3 * 21]); // small entries: only the final flush
    const checkpointPath = join(tmp.dir(), 'import.json');
    const controller = new AbortController();
    const first = new MemorySink();
    first.onAdd = (n) => {
      if (n === 2025551000) controller.abort();
    };
    await expect(
      importRegistryFiles({ registry: 'US', files, sink: first, checkpointPath, signal: controller.signal, checkpointEveryBytes: 1000 }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(JSON.parse(readFileSync(checkpointPath, 'utf8'))).toMatchObject({ filesDone: 0, partial: { entry: 1 } });
    const second = new MemorySink();
    const report = await importRegistryFiles({ registry: 'US', files, sink: second, checkpointPath, checkpointEveryBytes: 1000 });
    expect(report).toEqual({ ...reference, resumed: true });
    expect(second.ops[0]).toEqual(['add', 2025550000]);
    expect(second.set.has(2015550000)).toBe(false);
    expect(second.set.has(2035551999)).toBe(true);
  });

  it('ignores a checkpoint of other files or a damaged one, and says so', async () => {
    const path = file('a.txt', numbers(201, 3000));
    const files = [{ path, kind: 'full' as const }];
    const checkpointPath = join(tmp.dir(), 'import.json');
    const controller = new AbortController();
    const first = new MemorySink();
    first.onAdd = (n) => {
      if (n === 2015552000) controller.abort();
    };
    await expect(
      importRegistryFiles({ registry: 'US', files, sink: first, checkpointPath, signal: controller.signal, chunkBytes: 500, checkpointEveryBytes: 1000 }),
    ).rejects.toThrow();
    expect(existsSync(checkpointPath)).toBe(true);
    utimesSync(path, new Date(), new Date(Date.now() + 5000)); // same name and size, another mtime
    const second = new MemorySink();
    const report = await importRegistryFiles({ registry: 'US', files, sink: second, checkpointPath });
    expect(report).toMatchObject({ resumed: false, checkpointIgnored: true, numbers: 3000 - 31 });
    expect(second.set.has(2015550000)).toBe(true);

    writeFileSync(checkpointPath, '{"version":1,"files":[');
    expect(await importRegistryFiles({ registry: 'US', files, sink: new MemorySink(), checkpointPath })).toMatchObject({
      resumed: false,
      checkpointIgnored: true,
    });
    writeFileSync(checkpointPath, JSON.stringify({ version: 1, files: [], filesDone: -1 }));
    expect(await importRegistryFiles({ registry: 'US', files, sink: new MemorySink(), checkpointPath })).toMatchObject({
      resumed: false,
      checkpointIgnored: true,
    });
    expect(await importRegistryFiles({ registry: 'US', files, sink: new MemorySink(), checkpointPath })).toMatchObject({
      resumed: false,
      checkpointIgnored: false,
    });
  });
});

describe('sniffRegistryKind', () => {
  it('tells full lists from change lists, also inside a zip', async () => {
    expect(await sniffRegistryKind(file('a.txt', 'Phone\n2015550123\n201,5550124\n'), 'US')).toBe('full');
    expect(await sniffRegistryKind(file('b.csv', '"(613) 555-0123","ON"\n'), 'US')).toBe('full');
    expect(await sniffRegistryKind(file('c.txt', 'Phone,Action,Date\r\n2015550123,A,2024-01-15\r\n2015550124,D,2024-01-15\r\n'), 'US')).toBe('changes');
    expect(await sniffRegistryKind(file('d.txt', ''), 'US')).toBe('full');
    expect(
      await sniffRegistryKind(await zip('e.zip', [{ dir: 'x/' }, { name: 'x/changes.txt', content: `${'2015550123,deleted\n'.repeat(10_000)}` }]), 'US'),
    ).toBe('changes');
    expect(await sniffRegistryKind(await zip('f.zip', [{ name: 'full.txt', content: '2015550123\n'.repeat(10_000) }]), 'US')).toBe('full');
  });

  it('rejects a missing file or a corrupt zip by name', async () => {
    const missing = join(tmp.dir(), 'missing.txt');
    await expect(sniffRegistryKind(missing, 'US')).rejects.toThrow(missing);
    const bad = file('bad.zip', 'PK\x03\x04 nothing');
    await expect(sniffRegistryKind(bad, 'US')).rejects.toThrow(bad);
  });
});

describe('the byte loop agrees with parseRegistryLine', () => {
  /** Integers in [0, k) from a seeded PRNG, so a failure reproduces. */
  function rng(seed: number): (k: number) => number {
    const next = mulberry32(seed);
    return (k) => Math.floor(next() * k);
  }
  const tokens = [
    '2015550123',
    '6135550123',
    '201',
    '5550123',
    '555-0123',
    '(613)',
    '613',
    '1',
    '+1',
    '+',
    '0',
    '9',
    '12',
    '2',
    ' ',
    ' ',
    '-',
    '.',
    '(',
    ')',
    '"',
    '"',
    ',',
    ',',
    ';',
    '\t',
    '|',
    'A',
    'a',
    'add',
    'ADDED',
    'Addition',
    'i',
    'INSERT',
    'd',
    'Del',
    'deleted',
    'R',
    'remove',
    'removed',
    'x',
    'ON',
    'Phone',
    'é',
    'ı',
    'ſ',
    '\uFEFF',
    '😀',
    '\r',
    '\u0000',
    '\u202e',
    '2024-01-15',
    '01/15/2024',
    '１',
    '@',
    '`',
    '[',
    '{',
    '@A',
    'd`',
  ];

  function randomLine(r: (k: number) => number): string {
    const shape = r(10);
    if (shape < 4) {
      // something number-like in a random format, maybe with a flag and a date
      const npa = `${r(10)}${r(10)}${r(10)}`;
      const nxx = `${r(10) < 8 ? 2 + r(8) : r(2)}${r(10)}${r(10)}`;
      const sub = `${r(10)}${r(10)}${r(10)}${r(10)}`;
      const forms = [
        `${npa}${nxx}${sub}`,
        `${npa},${nxx}${sub}`,
        `(${npa}) ${nxx}-${sub}`,
        `+1 ${npa} ${nxx} ${sub}`,
        `1${npa}${nxx}${sub}`,
        `"${npa}-${nxx}-${sub}"`,
        `${npa}.${nxx}.${sub}`,
        `${npa}${nxx}${sub}${r(10)}`,
        `+${npa},${nxx}${sub}`,
        `${npa}, +${nxx}${sub}`,
      ];
      let line = forms[r(forms.length)];
      if (r(3) === 0) line += `,${tokens[26 + r(15)]}`;
      if (r(4) === 0) line = `${tokens[26 + r(15)]},${line}`;
      if (r(4) === 0) line += ',2024-01-15';
      return line;
    }
    if (shape === 4) return ' '.repeat(r(3)) + (r(2) ? '' : ',;|"');
    if (shape === 5) {
      // around the length limit
      const len = MAX_LINE_BYTES - 3 + r(6);
      // a CR just inside or outside the limit must not make an overlong line look short
      return `2015550123${r(2) ? ',A' : ''}`.padEnd(len, r(2) ? ' ' : ',') + (r(2) ? '\rx' : '');
    }
    let line = '';
    const n = 1 + r(12);
    for (let k = 0; k < n; k++) line += tokens[r(tokens.length)];
    return line;
  }

  function randomFile(seed: number, lines: number): string {
    const r = rng(seed);
    let text = '';
    for (let k = 0; k < lines; k++) text += randomLine(r) + (r(3) === 0 ? '\r\n' : '\n');
    return r(2) ? text : text.slice(0, -1); // sometimes no final newline
  }

  for (const kind of ['full', 'changes', 'additions', 'deletions'] as const) {
    it(`on random lines of a ${kind} file, at any chunk size`, async () => {
      for (let seed = 1; seed <= 5; seed++) {
        const text = randomFile(seed * 31 + kind.length, 1200);
        const path = file(`fuzz-${seed}.txt`, text);
        const want = expected(text, kind);
        for (const chunkBytes of [16, 37, 1 << 20]) {
          const sink = new MemorySink();
          const report = await importRegistryFiles({ registry: 'US', files: [{ path, kind }], sink, chunkBytes });
          expect(sink.ops, `seed ${seed} chunk ${chunkBytes}`).toEqual(want.ops);
          expect(report.badLines).toBe(want.badLines.length);
          expect(report.badExamples.map((e) => e.line)).toEqual(want.badLines.slice(0, 20));
          for (const e of report.badExamples) expect(e.text.length).toBeLessThanOrEqual(80);
        }
      }
    });
  }

  it('on random lines inside a zip', async () => {
    const text = randomFile(4242, 3000);
    const path = await zip('fuzz.zip', [{ name: 'fuzz.txt', content: text }]);
    const sink = new MemorySink();
    const report = await importRegistryFiles({ registry: 'US', files: [{ path, kind: 'changes' }], sink });
    const want = expected(text, 'changes');
    expect(sink.ops).toEqual(want.ops);
    expect(report.badLines).toBe(want.badLines.length);
  });

  it('on the fast path’s near misses', async () => {
    // Lines that start like a plain number but are not one, cut at every chunk boundary.
    const lines = [
      '2015550123',
      '201,5550123',
      '2015550123\r',
      '201555012',
      '20155501234',
      '201,555012',
      '2015550123 ',
      '201,55501234',
      '2011550123',
      '1015550123',
      '201.5550123',
      '201,5550123,',
      '2015550123\r\r',
      '201555a123',
      '2015550123;D',
      '201;5550123',
      '2015550:23',
      ':015550123',
      '201,:550123',
      '201555/123',
      '2019550123',
      '9999999999',
      '2002000000',
    ];
    let text = 'x\n';
    for (let k = 0; k < 400; k++) text += `${lines[k % lines.length]}\n`;
    const path = file('near.txt', text);
    for (let chunkBytes = 16; chunkBytes <= 40; chunkBytes++) {
      const sink = new MemorySink();
      const report = await importRegistryFiles({ registry: 'US', files: [{ path, kind: 'full' }], sink, chunkBytes });
      const want = expected(text, 'full');
      expect(sink.ops).toEqual(want.ops);
      expect(report.badLines).toBe(want.badLines.length);
    }
  });
});
