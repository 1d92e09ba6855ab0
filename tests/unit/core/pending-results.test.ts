// Results kept on the desktop while the team database is away: durable, in order, once, and
// never dropped — a refused one is set aside with its "do not call me" still put on the list.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DispositionRecord, Store } from '../../../electron/core/data/repositories';
import { PendingResults } from '../../../electron/core/team/pending-results';

const quiet = { info: () => undefined, warn: () => undefined };
const lost = Object.assign(new Error('The team database at db:5432 cannot be reached (ECONNREFUSED).'), { name: 'TeamDatabaseError', problem: 'unreachable' });

function record(leadId: number, over: Partial<DispositionRecord> = {}): DispositionRecord {
  return {
    leadId,
    callId: null,
    code: 'not-interested',
    label: 'Not interested',
    effect: 'closed',
    success: false,
    note: '',
    at: 1_000 + leadId,
    phone: null,
    retryAt: null,
    callback: null,
    maxAttempts: 3,
    agent: 'anna',
    ...over,
  };
}

function fakeStore(behaviour: (r: DispositionRecord) => Error | null, history: Array<{ leadId: number; at: number; code: string }> = []) {
  const written: number[] = [];
  const dnc: string[] = [];
  const store = {
    activity: {
      recordDisposition: async (r: DispositionRecord) => {
        const e = behaviour(r);
        if (e) throw e;
        written.push(r.leadId);
      },
    },
    leads: {
      history: async (leadId: number) => history.filter((h) => h.leadId === leadId).map((h) => ({ kind: 'disposition', at: h.at, outcome: h.code })),
    },
    dnc: { add: async (e164: string) => void dnc.push(e164) },
  } as unknown as Store;
  return { store, written, dnc };
}

describe('results kept while the team database is away', () => {
  it('survive a restart and are written in the order they were taken, each once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringside-pending-'));
    const first = new PendingResults(dir, quiet);
    first.keep(record(1));
    first.keep(record(2));
    first.keep(record(3));
    // The app restarts: the file is all there is.
    const again = new PendingResults(dir, quiet);
    expect(again.count).toBe(3);
    // Lead 2's write was committed before the connection went (its answer was lost): not twice.
    const { store, written } = fakeStore(() => null, [{ leadId: 2, at: 1_002, code: 'not-interested' }]);
    expect(await again.flush(store)).toBe(3);
    expect(written).toEqual([1, 3]);
    expect(new PendingResults(dir, quiet).count).toBe(0);
  });

  it('stop at the first that meets the database away again, keeping it and the ones after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringside-pending-'));
    const p = new PendingResults(dir, quiet);
    for (const id of [1, 2, 3]) p.keep(record(id));
    const { store, written } = fakeStore((r) => (r.leadId === 2 ? lost : null));
    expect(await p.flush(store)).toBe(1);
    expect(written).toEqual([1]);
    expect(p.count).toBe(2);
  });

  it('a refused one (another agent took the lead) is set aside, not dropped, and its do-not-call number still goes on the list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringside-pending-'));
    const p = new PendingResults(dir, quiet);
    p.keep(record(1, { code: 'dnc', label: 'Do not call', effect: 'dnc', phone: '+48225550100' }));
    p.keep(record(2));
    const { store, written, dnc } = fakeStore((r) => (r.leadId === 1 ? new Error('lead 1 not found') : null));
    expect(await p.flush(store)).toBe(1);
    expect(written).toEqual([2]);
    expect(dnc).toEqual(['+48225550100']);
    const aside = readFileSync(p.refusedFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { leadId: number; refused: string });
    expect(aside).toEqual([expect.objectContaining({ leadId: 1, refused: 'lead 1 not found' })]);
    expect(p.count).toBe(0);
  });

  it('a line cut short by a crash is skipped; the whole ones before it load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringside-pending-'));
    writeFileSync(join(dir, 'results-waiting.jsonl'), `${JSON.stringify(record(1))}\n${JSON.stringify(record(2)).slice(0, 30)}`);
    expect(new PendingResults(dir, quiet).count).toBe(1);
  });
});
