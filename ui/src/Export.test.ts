// Exporting accounts to a file against a fake Rust backend: the encrypted Aegis default with its password asked
// twice, the confirmation the formats without encryption need, chosen accounts, what was written and left out,
// and a cancelled save dialog.
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { account, callsTo, fakeBackend, PERIOD_START_MS, snapshot, totpCode } from './test/backend';

const github = account({ id: 'gh', issuer: 'GitHub', name: 'alice' });
const bank = account({ id: 'bk', issuer: 'Bank', name: 'bob', kind: 'hotp', period: null, counter: 4 });
const codes = snapshot([totpCode('gh', '123456', '789012')]);

beforeEach(() => {
  vi.setSystemTime(PERIOD_START_MS + 12_000);
});

/** The export dialog, opened from the Move dialog's "To a phone" tab. */
async function openExport(exportAccounts: (args: Record<string, unknown>) => unknown) {
  const calls = fakeBackend({ accounts: [github, bank], codes }, { export_accounts: exportAccounts });
  render(App);
  await screen.findAllByTestId('account-row');
  await userEvent.click(screen.getByTestId('move-button'));
  await userEvent.click(await screen.findByTestId('export-button'));
  await screen.findByTestId('export-dialog');
  return calls;
}

const written = (files: string[], leftOut: string[] = []) => () => ({ files, exported: 2, leftOut });

describe('exporting accounts', () => {
  it('defaults to an encrypted Aegis file and wants the same password twice', async () => {
    const calls = await openExport(written(['/home/alice/tock.json']));
    expect(screen.getByTestId('export-format-aegis')).toBeChecked();
    const go = screen.getByTestId('export-go');
    expect(go).toHaveTextContent('Export 2 accounts…');
    expect(go).toBeDisabled();

    await userEvent.type(screen.getByTestId('export-password'), 'hunter22');
    await userEvent.type(screen.getByTestId('export-password-again'), 'hunter23');
    expect(screen.getByTestId('export-password-mismatch')).toHaveTextContent('The passwords are not the same.');
    expect(screen.getByTestId('export-password-again')).toHaveAttribute('aria-invalid', 'true');
    expect(go).toBeDisabled();
    await userEvent.click(go);
    expect(callsTo(calls, 'export_accounts')).toEqual([]);

    await userEvent.type(screen.getByTestId('export-password-again'), '{Backspace}2');
    expect(screen.queryByTestId('export-password-mismatch')).not.toBeInTheDocument();
    expect(go).toBeEnabled();
    await userEvent.click(go);
    expect(callsTo(calls, 'export_accounts')).toEqual([{ format: 'aegis', ids: [], password: 'hunter22' }]);
    expect(await screen.findByTestId('export-files')).toHaveTextContent('/home/alice/tock.json');
    expect(screen.getByTestId('export-done')).toHaveTextContent('Exported 2 accounts to this file:');
    expect(screen.queryByTestId('export-left-out')).not.toBeInTheDocument();
  });

  it('asks for a second confirmation before writing a file that is not encrypted', async () => {
    const calls = await openExport(written(['/home/alice/tock.txt']));
    await userEvent.click(screen.getByTestId('export-format-otpauth'));
    expect(screen.getByTestId('export-plain-warning')).toHaveTextContent('This file will not be encrypted.');
    expect(screen.queryByTestId('export-password')).not.toBeInTheDocument();
    const go = screen.getByTestId('export-go');
    expect(go).toBeDisabled();

    await userEvent.click(screen.getByTestId('export-confirm-plain'));
    expect(go).toBeEnabled();
    // Another format asks again.
    await userEvent.click(screen.getByTestId('export-format-aegis_plain'));
    expect(screen.getByTestId('export-confirm-plain')).not.toBeChecked();
    expect(go).toBeDisabled();
    await userEvent.click(screen.getByTestId('export-confirm-plain'));
    await userEvent.click(go);
    expect(callsTo(calls, 'export_accounts')).toEqual([{ format: 'aegis_plain', ids: [], password: null }]);
    await screen.findByTestId('export-done');
  });

  it('exports the chosen accounts and lists the files written and the accounts left out', async () => {
    const calls = await openExport(
      written(['/home/alice/tock-1.png', '/home/alice/tock-2.png'], [
        'Bank (bob) was left out: Google Authenticator cannot import counter-based accounts.',
      ]),
    );
    await userEvent.click(screen.getByTestId('export-format-google_qr'));
    await userEvent.click(screen.getByTestId('export-confirm-plain'));
    await userEvent.click(screen.getByTestId('export-some'));
    const go = screen.getByTestId('export-go');
    expect(go).toBeDisabled(); // none chosen yet
    await userEvent.click(screen.getByTestId('export-account-bk'));
    await userEvent.click(screen.getByTestId('export-account-gh'));
    expect(go).toHaveTextContent('Export 2 accounts…');
    await userEvent.click(go);
    expect(callsTo(calls, 'export_accounts')).toEqual([{ format: 'google_qr', ids: ['gh', 'bk'], password: null }]);

    const files = await screen.findByTestId('export-files');
    expect(files.querySelectorAll('li')).toHaveLength(2);
    expect(files).toHaveTextContent('/home/alice/tock-2.png');
    expect(screen.getByTestId('export-left-out')).toHaveTextContent(
      'Bank (bob) was left out: Google Authenticator cannot import counter-based accounts.',
    );
  });

  it('stays in the dialog, quietly, when the save dialog is cancelled; shows a refusal inline', async () => {
    let answer: unknown = null;
    const calls = await openExport(() => {
      if (typeof answer === 'string') throw { code: 'invalid_input', message: answer };
      return answer;
    });
    await userEvent.type(screen.getByTestId('export-password'), 'pw');
    await userEvent.type(screen.getByTestId('export-password-again'), 'pw');
    await userEvent.click(screen.getByTestId('export-go'));
    await waitFor(() => expect(callsTo(calls, 'export_accounts')).toHaveLength(1));
    expect(screen.getByTestId('export-go')).toBeInTheDocument();
    expect(screen.queryByTestId('export-done')).not.toBeInTheDocument();
    expect(screen.queryByTestId('export-error')).not.toBeInTheDocument();

    answer = 'Tock does not write exports into its own data folder; choose another place.';
    await userEvent.click(screen.getByTestId('export-go'));
    expect(await screen.findByTestId('export-error')).toHaveTextContent('choose another place');
  });

  it('goes back to the Move dialog when closed', async () => {
    await openExport(written([]));
    await userEvent.click(screen.getByTestId('export-cancel'));
    await waitFor(() => expect(screen.queryByTestId('export-dialog')).not.toBeInTheDocument());
    expect(await screen.findByTestId('move-dialog')).toBeInTheDocument();
    expect(screen.getByTestId('move-tab-to-phone')).toHaveAttribute('aria-selected', 'true');
  });
});
