// Importing another authenticator's export file against a fake Rust backend: the password step, the review
// (what is checked, duplicates with their dates), the progress bar fed by finish_import's channel, the summary,
// and forgetting the file when the dialog closes without importing.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import type { ImportOpened } from './lib/bindings/ImportOpened';
import { formatAdded } from './lib/format';
import {
  account,
  callsTo,
  deferred,
  fakeBackend,
  importReview,
  PERIOD_START_MS,
  reviewEntry,
  snapshot,
  totpCode,
  type ProgressChannel,
} from './test/backend';

const github = account({ id: 'gh', issuer: 'GitHub', name: 'alice', addedAt: 1_700_000_000 });
const codes = snapshot([totpCode('gh', '123456', '789012')]);

const review = importReview(
  [
    reviewEntry({ index: 0, issuer: 'GitLab', name: 'alice' }),
    reviewEntry({
      index: 1,
      issuer: 'GitHub',
      name: 'alice',
      status: 'duplicate',
      existing: { id: 'gh', label: 'GitHub (alice)', addedAt: 1_700_000_000 },
    }),
    reviewEntry({ index: 2, issuer: 'GitLab', name: 'alice', status: 'repeated', reason: 'Also entry 1 of this file' }),
    reviewEntry({ index: 3, issuer: 'Bank', name: 'bob', status: 'invalid', reason: 'Its HOTP counter is missing' }),
    reviewEntry({ index: 4, issuer: 'Mastodon', name: 'al' }),
  ],
  { unreadable: [{ entry: 'Entry 6', reason: 'Its secret is not valid base32' }] },
);

const plainFile: ImportOpened = { fileName: 'aegis-export.json', format: 'Aegis', needsPassword: false, review };
const encryptedFile: ImportOpened = { fileName: 'aegis-encrypted.json', format: 'Aegis', needsPassword: true, review: null };

beforeEach(() => {
  vi.setSystemTime(PERIOD_START_MS + 12_000);
});

/** The app with GitHub; the import dialog opened from the Move dialog's "From a phone" tab. */
async function openImport(handlers: Parameters<typeof fakeBackend>[1]) {
  const calls = fakeBackend({ accounts: [github], codes }, handlers);
  render(App);
  await screen.findAllByTestId('account-row');
  await userEvent.click(screen.getByTestId('move-button'));
  await userEvent.click(await screen.findByTestId('move-tab-from-phone'));
  await userEvent.click(screen.getByTestId('import-button'));
  const dialog = await screen.findByTestId('import-dialog');
  expect(screen.queryByTestId('move-dialog')).not.toBeInTheDocument();
  return { calls, dialog };
}

function checkbox(index: number): HTMLInputElement {
  return within(screen.getByTestId(`import-entry-${index}`)).getByRole('checkbox');
}

describe('importing an export file', () => {
  it('asks the password of an encrypted export, shows a wrong one inline and takes the right one', async () => {
    const { calls } = await openImport({
      open_import_file: () => encryptedFile,
      unlock_import: ({ password }) => {
        if (password !== 'correct horse') throw { code: 'invalid_input', message: 'The password is wrong; try again.' };
        return review;
      },
    });
    await userEvent.click(screen.getByTestId('import-choose'));
    expect(callsTo(calls, 'open_import_file')).toEqual([{}]);
    expect(await screen.findByTestId('import-file')).toHaveTextContent('aegis-encrypted.json');
    const field = screen.getByTestId('import-password');
    await waitFor(() => expect(field).toHaveFocus());

    await userEvent.type(field, 'wrong');
    await userEvent.click(screen.getByTestId('import-unlock'));
    const error = await screen.findByTestId('import-error');
    expect(error).toHaveTextContent('The password is wrong; try again.');
    expect(error).toHaveAttribute('role', 'alert');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('import-entry-0')).not.toBeInTheDocument();

    await userEvent.clear(field);
    await userEvent.type(field, 'correct horse{Enter}');
    expect(callsTo(calls, 'unlock_import')).toEqual([{ password: 'wrong' }, { password: 'correct horse' }]);
    expect(await screen.findByTestId('import-entry-0')).toHaveTextContent('GitLab (alice)');
    expect(screen.queryByTestId('import-error')).not.toBeInTheDocument();
  });

  it('checks the new entries only, flags duplicates with their date and repeats, and disables invalid ones', async () => {
    const { calls } = await openImport({ open_import_file: () => plainFile, finish_import: () => ({ added: [], skipped: [] }) });
    await userEvent.click(screen.getByTestId('import-choose'));
    await screen.findByTestId('import-entry-0');

    expect([0, 1, 2, 3, 4].map((i) => checkbox(i).checked)).toEqual([true, false, false, false, true]);
    expect(checkbox(3)).toBeDisabled();
    expect(screen.getByTestId('import-entry-1')).toHaveTextContent(
      `Already in Tock as GitHub (alice), added ${formatAdded(1_700_000_000)}`,
    );
    expect(screen.getByTestId('import-entry-2')).toHaveTextContent('Also entry 1 of this file');
    expect(screen.getByTestId('import-entry-3')).toHaveTextContent('Its HOTP counter is missing');
    expect(screen.getByTestId('import-unreadable')).toHaveTextContent('Entry 6: Its secret is not valid base32');

    const commit = screen.getByTestId('import-commit');
    expect(commit).toHaveTextContent('Import 2 accounts');
    await userEvent.click(screen.getByTestId('import-select-all'));
    expect(commit).toHaveTextContent('Import 4 accounts'); // not the invalid one
    expect(checkbox(3).checked).toBe(false);
    await userEvent.click(screen.getByTestId('import-select-none'));
    expect(commit).toBeDisabled();

    await userEvent.click(checkbox(1));
    await userEvent.click(checkbox(4));
    expect(commit).toHaveTextContent('Import 2 accounts');
    await userEvent.click(commit);
    expect(callsTo(calls, 'finish_import').map((a) => a.selected)).toEqual([[1, 4]]);
  });

  it('shows the progress Rust reports on the channel, then what was added and skipped', async () => {
    const gitlab = account({ id: 'gl', issuer: 'GitLab', name: 'alice' });
    const mastodon = account({ id: 'md', issuer: 'Mastodon', name: 'al' });
    const finishing = deferred<unknown>();
    const channel: { progress: ProgressChannel | null } = { progress: null };
    const { calls } = await openImport({
      open_import_file: () => plainFile,
      finish_import: (args) => {
        channel.progress = args.onProgress as ProgressChannel;
        return finishing.promise;
      },
    });
    await userEvent.click(screen.getByTestId('import-choose'));
    await userEvent.click(await screen.findByTestId('import-commit'));

    const bar = await screen.findByTestId('import-progress');
    expect(bar).toHaveAttribute('max', '2');
    expect(bar).toHaveAttribute('value', '0');
    await waitFor(() => expect(channel.progress).not.toBeNull());
    channel.progress!.onmessage({ done: 1, total: 2 });
    await waitFor(() => expect(bar).toHaveAttribute('value', '1'));
    expect(screen.getByTestId('import-progress-text')).toHaveTextContent('Storing 1 of 2');
    channel.progress!.onmessage({ done: 2, total: 2 });
    await waitFor(() => expect(bar).toHaveAttribute('value', '2'));

    finishing.resolve({
      added: [gitlab, mastodon],
      skipped: [{ entry: 'Bank (bob)', reason: 'Its HOTP counter is missing' }],
    });
    const summary = await screen.findByTestId('import-summary');
    expect(summary).toHaveTextContent('Added 2 accounts.');
    expect(within(summary).getByTestId('import-skipped')).toHaveTextContent('Bank (bob): Its HOTP counter is missing');
    await waitFor(() => expect(screen.getByTestId('import-close')).toHaveFocus());

    await userEvent.click(screen.getByTestId('import-close'));
    await waitFor(() => expect(screen.queryByTestId('import-dialog')).not.toBeInTheDocument());
    // Imported: nothing to forget in Rust. The Move dialog it came from is back.
    expect(callsTo(calls, 'cancel_import')).toEqual([]);
    expect(await screen.findByTestId('move-dialog')).toBeInTheDocument();
    expect(screen.getByTestId('move-tab-from-phone')).toHaveAttribute('aria-selected', 'true');
    await userEvent.click(screen.getByTestId('move-close'));
    await waitFor(() => expect(screen.queryByTestId('move-dialog')).not.toBeInTheDocument());
    expect(screen.getAllByTestId('account-row').map((r) => r.dataset.id)).toEqual(['gh', 'gl', 'md']);
  });

  it('keeps the review when the import fails (nothing was added)', async () => {
    await openImport({
      open_import_file: () => plainFile,
      finish_import: () => {
        throw { code: 'keychain', message: 'The keychain is locked; unlock it and try again.' };
      },
    });
    await userEvent.click(screen.getByTestId('import-choose'));
    await userEvent.click(await screen.findByTestId('import-commit'));
    expect(await screen.findByTestId('import-error')).toHaveTextContent('The keychain is locked');
    expect(checkbox(0).checked).toBe(true);
    expect(screen.queryByTestId('import-summary')).not.toBeInTheDocument();
  });

  it('stays quietly on the first step when the open dialog is cancelled, and shows why a file is refused', async () => {
    let answer: unknown = null;
    const { calls } = await openImport({
      open_import_file: () => {
        if (answer instanceof Error) throw { code: 'invalid_input', message: answer.message };
        return answer;
      },
    });
    await userEvent.click(screen.getByTestId('import-choose'));
    await waitFor(() => expect(callsTo(calls, 'open_import_file')).toHaveLength(1));
    expect(screen.getByTestId('import-choose')).toBeInTheDocument();
    expect(screen.queryByTestId('import-error')).not.toBeInTheDocument();

    answer = new Error('This file is not an export Tock can read.');
    await userEvent.click(screen.getByTestId('import-choose'));
    expect(await screen.findByTestId('import-error')).toHaveTextContent('This file is not an export Tock can read.');
  });

  it('forgets the pending file in Rust when closed without importing', async () => {
    const { calls, dialog } = await openImport({ open_import_file: () => plainFile });
    await userEvent.click(screen.getByTestId('import-choose'));
    await screen.findByTestId('import-entry-0');
    await userEvent.click(within(dialog).getByTestId('import-cancel'));
    await waitFor(() => expect(screen.queryByTestId('import-dialog')).not.toBeInTheDocument());
    expect(callsTo(calls, 'cancel_import')).toEqual([{}]);
    expect(callsTo(calls, 'finish_import')).toEqual([]);
  });

  it('forgets it too when Escape closes the password step', async () => {
    const { calls, dialog } = await openImport({ open_import_file: () => encryptedFile });
    await userEvent.click(screen.getByTestId('import-choose'));
    await screen.findByTestId('import-password');
    // jsdom has no Escape behaviour on <dialog>: close it as the browser would (see Camera.test.ts).
    (dialog as HTMLDialogElement).close();
    await waitFor(() => expect(screen.queryByTestId('import-dialog')).not.toBeInTheDocument());
    expect(callsTo(calls, 'cancel_import')).toEqual([{}]);
  });
});
