// @vitest-environment jsdom
/** The import wizard: the three duplicate choices (Merge first), the report of duplicates, and uploads it releases. */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportWizard } from '../../../renderer/src/features/import/ImportWizard';
import { resetStore, store } from '../../../renderer/src/store/store';
import { ApiContext } from '../../../renderer/src/ui/api-context';
import type { RingsideApi } from '../../../shared/contract';
import { fail } from '../../../shared/result';
import { fakeRingside } from '../renderer/fake-ringside';

afterEach(() => {
  cleanup();
  resetStore();
});

const settle = () => act(() => new Promise<void>((r) => setTimeout(r, 0)));

async function openWizard() {
  const fake = fakeRingside();
  store.getState().setCampaigns([{ id: 1, name: 'Okna', kind: 'outbound', dialMode: 'manual', leads: 0, due: 0 }]);
  const view = render(
    <ApiContext.Provider value={fake.api as unknown as RingsideApi}>
      <ImportWizard onClose={() => {}} />
    </ApiContext.Provider>,
  );
  const dialog = screen.getByRole('dialog', { name: 'Import leads from CSV' });
  const pick = async (text = 'Name;Phone;Roof\nMaria;512 555 0101;tile\n') => {
    fireEvent.change(within(dialog).getByLabelText('CSV file'), { target: { files: [new File([text], 'leads.csv', { type: 'text/csv' })] } });
    await settle();
    await settle();
  };
  return { ...fake, view, dialog, pick };
}

describe('ImportWizard', () => {
  it('offers Merge (the default), Skip and Replace, each explained, and runs the one chosen', async () => {
    const { api, dialog, pick } = await openWizard();
    await pick();
    const merge = within(dialog).getByLabelText('Merge') as HTMLInputElement;
    expect(merge.checked).toBe(true);
    const choices = within(dialog).getByRole('group', { name: /number a lead already has/ });
    expect(within(choices).getAllByRole('radio')).toHaveLength(3);
    expect(choices.textContent).toContain('Nothing the lead has is overwritten');
    fireEvent.click(within(dialog).getByLabelText('Replace'));
    expect(choices.textContent).toContain("Write the row's values over the lead's");
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    await settle();
    expect(api.importer.run).toHaveBeenCalledWith(expect.objectContaining({ importId: 'imp1', duplicates: 'replace' }));
  });

  it('lists the rows that matched a lead with what happened, and how many more there were', async () => {
    const { dialog, pick } = await openWizard();
    await pick();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    await settle();
    const message = "row 5: same number as row 1; company differs — kept 'Łódzkie Okna', the other value is in the history";
    act(() =>
      store.getState().setImportReport({
        importId: 'imp1',
        done: true,
        cancelled: false,
        rowsDone: 1505,
        bytesDone: 100,
        bytesTotal: 100,
        imported: 4,
        merged: 1501,
        skipped: 0,
        failed: 0,
        errors: [],
        ms: 50,
        duplicates: [
          { row: 5, sameAs: { row: 1 }, action: 'merge', filled: [], conflicts: [{ field: 'company', kept: 'Łódzkie Okna', other: 'Okna Łódź' }], message },
        ],
        duplicatesNotListed: 1500,
      }),
    );
    const table = within(dialog).getByRole('table', { name: 'Rows with a number a lead already had' });
    expect(within(table).getByText(message)).toBeTruthy();
    expect(within(table).getByText('5')).toBeTruthy();
    expect(dialog.textContent).toContain('… and 1500 more rows with a number a lead already had');
  });

  it('says once, above the tables, why an import stopped before the end of the file', async () => {
    const { dialog, pick } = await openWizard();
    await pick();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    await settle();
    const stopped =
      'Row 1001 has a quote (") that is never closed, so nothing after it can be read; the rows before it were imported. Close the quote in the file and import it again.';
    act(() =>
      store.getState().setImportReport({
        importId: 'imp1',
        done: true,
        cancelled: false,
        rowsDone: 1000,
        bytesDone: 40,
        bytesTotal: 100,
        imported: 999,
        merged: 0,
        skipped: 0,
        failed: 1,
        errors: [
          { row: 7, reason: 'row 7: no phone number' },
          { row: 1001, reason: stopped },
        ],
        stopped,
        ms: 50,
      }),
    );
    expect(within(dialog).getByRole('alert').textContent).toBe(`The file could not be read to its end: ${stopped}`);
    expect(within(dialog).getByRole('status').textContent).toMatch(/^Import stopped in/);
    const errors = within(dialog).getByRole('table', { name: 'Rows not imported' });
    expect(within(errors).getAllByRole('row')).toHaveLength(2);
  });

  it('releases the upload when a chunk fails, and when the wizard closes before the import', async () => {
    const failing = await openWizard();
    failing.api.importer.chunk.mockImplementation(async () =>
      fail('invalid-data', 'Part 1 of the file arrived twice: the upload was stopped, please start it again.'),
    );
    await failing.pick();
    expect(failing.api.importer.cancel).toHaveBeenCalledWith('imp1');
    expect(store.getState().lastError).toBe('Part 1 of the file arrived twice: the upload was stopped, please start it again.');
    expect(within(failing.dialog).getByLabelText('CSV file')).toBeTruthy();
    cleanup();

    const closing = await openWizard();
    await closing.pick();
    expect(closing.api.importer.cancel).not.toHaveBeenCalled();
    closing.view.unmount();
    expect(closing.api.importer.cancel).toHaveBeenCalledWith('imp1');
  });
});
