import { describe, expect, it } from 'vitest';
import { CreatedRows } from '../../../electron/core/import/created-rows.js';
import { blankLead } from '../../../electron/core/data/repositories.js';
import { duplicateMessage, planMerge, type MergeData } from '../../../shared/import-merge.js';

/** The empty lead the importer builds on, cut to the fields a merge looks at. */
const { phones: _phones, ...blank }: MergeData & { phones: unknown } = blankLead();

describe('planMerge', () => {
  it('fills empty fields, keeps differing ones, ignores empty cells and equal values', () => {
    const lead = { ...blank, firstName: 'Jan', email: 'Jan@Okna.pl', score: 40, consentAt: '2024-01-05', customFields: { a: '1' } };
    const row = {
      ...blank,
      firstName: 'Jan',
      email: 'jan@okna.pl',
      city: 'Łódź',
      score: 70,
      priority: 3,
      consentAt: '2025-02-01',
      customFields: { a: '2', b: 'x' },
    };
    const plan = planMerge(lead, row, 'merge');
    expect(plan.set).toEqual({ city: 'Łódź', priority: 3 });
    expect(plan.customFields).toEqual({ a: '1', b: 'x' });
    expect(plan.filled).toEqual(['city', 'priority', 'field "b"']);
    expect(plan.conflicts).toEqual([
      { field: 'consent date', kept: '2024-01-05', other: '2025-02-01' },
      { field: 'score', kept: '40', other: '70' },
      { field: 'field "a"', kept: '1', other: '2' },
    ]);
  });

  it('replace overwrites what differs, and still never erases with an empty cell', () => {
    const plan = planMerge({ ...blank, firstName: 'Jan', lastName: 'Kowalski' }, { ...blank, firstName: 'Janek' }, 'replace');
    expect(plan.set).toEqual({ firstName: 'Janek' });
    expect(plan.conflicts).toEqual([{ field: 'first name', kept: 'Janek', other: 'Jan' }]);
  });

  it('nothing to do: no changes at all', () => {
    expect(planMerge({ ...blank, city: 'Łódź' }, { ...blank, city: 'Łódź' }, 'merge')).toEqual({ set: {}, customFields: null, filled: [], conflicts: [] });
  });
});

describe('duplicateMessage', () => {
  it('spells out three differing fields, counts the rest, clips long values', () => {
    const conflicts = ['first name', 'last name', 'company', 'city', 'street'].map((field) => ({ field, kept: 'x'.repeat(80), other: 'y' }));
    const message = duplicateMessage({ row: 9, sameAs: { row: 2 }, action: 'merge', filled: ['e-mail'], conflicts });
    expect(message).toBe(
      `row 9: same number as row 2; first name differs — kept '${'x'.repeat(59)}…'; last name differs — kept '${'x'.repeat(59)}…'; company differs — kept '${'x'.repeat(59)}…'; 2 more fields differ, the other values are in the history; filled e-mail`,
    );
  });
});

describe('CreatedRows', () => {
  it('finds the row of every lead the import created, across gaps in rows and ids', () => {
    const rows = new CreatedRows();
    const created: Array<[number, number]> = [
      [100, 1],
      [101, 2],
      [102, 4],
      [103, 5],
      [110, 6],
      [111, 9],
    ];
    for (const [id, row] of created) rows.add(id, row);
    for (const [id, row] of created) expect(rows.rowOf(id)).toBe(row);
    for (const id of [1, 99, 104, 109, 112]) expect(rows.rowOf(id)).toBeNull();
    rows.add(50, 12); // out of order: still found
    expect(rows.rowOf(50)).toBe(12);
  });
});
