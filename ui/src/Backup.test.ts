// The backup-code screens against a fake Rust backend: the walk-through after an enrolment, an account's
// codes (use, show, replace), the offline copy and the readiness view.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import type { AccountView } from './lib/bindings/AccountView';
import type { BackupView } from './lib/bindings/BackupView';
import { account, callsTo, fakeBackend, PERIOD_START_MS, snapshot, totpCode } from './test/backend';

function withCodes(left: number, total: number, offlinePlace: string | null = null): BackupView {
  const risks: BackupView['risks'] = [];
  if (left <= 2) risks.push('few_left');
  if (!offlinePlace) risks.push('not_offline');
  return {
    codes: { total, left, storedAt: 1_740_830_400, offlinePlace, offlineConfirmedAt: offlinePlace ? 1_740_830_500 : null },
    risks,
  };
}

const github = account({ id: 'gh', issuer: 'GitHub', name: 'alice' });
const codes = snapshot([totpCode('gh', '123456', '789012')]);
const uri = 'otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub';
const pasted = 'Your codes\n1. 1234 5678\n2. 2345 6789\n3. 3456 7890';

beforeEach(() => {
  vi.setSystemTime(PERIOD_START_MS + 12_000);
});

async function addThroughTheDialog(): Promise<void> {
  await userEvent.click(screen.getByTestId('add-button'));
  await userEvent.type(screen.getByTestId('add-uri-input'), uri);
  await userEvent.click(screen.getByTestId('add-submit'));
}

describe('the walk-through after an enrolment', () => {
  it('takes pasted codes, shows what was recognised, lets them be fixed, saves, then notes the offline copy', async () => {
    let current: AccountView = github;
    const calls = fakeBackend(
      { accounts: [], codes },
      {
        backup_walkthrough_wanted: () => true,
        preview_add: () => ({ ...github, kind: 'totp' }),
        add_account: () => github,
        recognise_backup_codes: () => ({
          codes: ['12345678', '23456789', '34567890'],
          ignored: [{ line: 1, text: 'Your codes' }],
          duplicates: 0,
          fileName: null,
        }),
        save_backup_codes: (args) => {
          const saved = (args.codes as string[]).length;
          current = { ...github, backup: withCodes(saved, saved) };
          return current;
        },
        confirm_backup_offline: (args) => {
          current = { ...current, backup: withCodes(3, 3, args.place as string) };
          return current;
        },
      },
    );
    render(App);
    await screen.findByTestId('empty-state');
    await addThroughTheDialog();

    const walkthrough = await screen.findByTestId('backup-walkthrough');
    expect(walkthrough).toHaveTextContent('Did the site give you backup codes?');
    expect(within(walkthrough).getByTestId('backup-walkthrough-code')).toHaveTextContent('123 456');
    await userEvent.click(within(walkthrough).getByTestId('backup-walkthrough-yes'));

    const input = screen.getByTestId('backup-paste-input');
    await userEvent.type(input, pasted);
    await userEvent.click(screen.getByTestId('backup-recognise'));
    expect(callsTo(calls, 'recognise_backup_codes')).toEqual([{ text: pasted }]);
    expect(await screen.findByTestId('backup-recognised')).toHaveTextContent('Recognised 3 codes.');
    const fields = screen.getAllByTestId('backup-code-input') as HTMLInputElement[];
    expect(fields.map((f) => f.value)).toEqual(['12345678', '23456789', '34567890']);
    expect(screen.getByTestId('backup-ignored')).toHaveTextContent('Your codes');

    // Fix: a repeat is flagged and blocks saving; removing it lets the rest be saved.
    await userEvent.clear(fields[2]);
    await userEvent.type(fields[2], '1234-5678');
    await userEvent.click(screen.getByTestId('backup-save'));
    expect(screen.getByTestId('backup-editor-error')).toHaveTextContent('listed twice');
    await userEvent.click(screen.getAllByTestId('backup-code-remove')[2]);
    await userEvent.click(screen.getByTestId('backup-save'));
    expect(callsTo(calls, 'save_backup_codes')).toEqual([
      { id: 'gh', codes: ['12345678', '23456789'], replace: false },
    ]);

    const offline = await screen.findByTestId('backup-offline');
    await userEvent.click(within(offline).getByTestId('backup-offline-confirm'));
    expect(screen.getByTestId('backup-offline-error')).toHaveTextContent('Choose or type where');
    await userEvent.click(within(offline).getAllByTestId('backup-place-option')[2]);
    await userEvent.click(within(offline).getByTestId('backup-offline-confirm'));
    expect(callsTo(calls, 'confirm_backup_offline')).toEqual([{ id: 'gh', place: 'On a USB stick' }]);
    await waitFor(() => expect(screen.queryByTestId('backup-walkthrough')).not.toBeInTheDocument());
    expect(screen.getByTestId('account-backup-count')).toHaveTextContent('3 codes left');
  });

  it('is skippable, and "Don\'t ask again" is remembered in Rust', async () => {
    const calls = fakeBackend(
      { accounts: [], codes },
      {
        backup_walkthrough_wanted: () => true,
        preview_add: () => ({ ...github, kind: 'totp' }),
        add_account: () => github,
        set_backup_walkthrough: () => null,
      },
    );
    render(App);
    await screen.findByTestId('empty-state');
    await addThroughTheDialog();
    await screen.findByTestId('backup-walkthrough');
    await userEvent.click(screen.getByTestId('backup-walkthrough-dont-ask'));
    await userEvent.click(screen.getByTestId('backup-walkthrough-skip'));
    await waitFor(() => expect(screen.queryByTestId('backup-walkthrough')).not.toBeInTheDocument());
    expect(callsTo(calls, 'set_backup_walkthrough')).toEqual([{ ask: false }]);
  });

  it('is not shown when the person asked not to be asked', async () => {
    fakeBackend(
      { accounts: [], codes },
      { preview_add: () => ({ ...github, kind: 'totp' }), add_account: () => github },
    );
    render(App);
    await screen.findByTestId('empty-state');
    await addThroughTheDialog();
    await screen.findByTestId('account-row');
    expect(screen.queryByTestId('backup-walkthrough')).not.toBeInTheDocument();
  });
});

describe("an account's codes", () => {
  it('uses the next code (copied by Rust), warns at two or fewer, and shows the codes on request', async () => {
    const calls = fakeBackend(
      { accounts: [{ ...github, backup: withCodes(3, 10, 'drawer') }], codes },
      {
        use_backup_code: () => ({ left: 2, total: 10 }),
        reveal_backup_codes: () => [
          { code: '12345678', usedAt: 1_740_830_600 },
          { code: '23456789', usedAt: null },
        ],
      },
    );
    render(App);
    const badge = await screen.findByTestId('account-backup-count');
    expect(badge).toHaveTextContent('3 codes left');
    await userEvent.click(badge);
    const dialog = await screen.findByTestId('backup-dialog');
    expect(callsTo(calls, 'copy_code')).toEqual([]); // the badge does not copy the row's code
    expect(within(dialog).getByTestId('backup-left')).toHaveTextContent('3 codes left of 10');
    expect(within(dialog).queryByTestId('backup-low-warning')).not.toBeInTheDocument();

    await userEvent.click(within(dialog).getByTestId('backup-use-next'));
    expect(callsTo(calls, 'use_backup_code')).toEqual([{ id: 'gh', code: null }]);
    expect(await screen.findByTestId('copied-toast')).toHaveTextContent('Backup code copied: 2 of 10 left');

    await userEvent.click(within(dialog).getByTestId('backup-show'));
    const listed = await within(dialog).findAllByTestId('backup-code');
    expect(listed[0]).toHaveTextContent('12345678');
    expect(listed[0]).toHaveTextContent('used');
    await userEvent.click(within(dialog).getByTestId('backup-use-code'));
    expect(callsTo(calls, 'use_backup_code').at(-1)).toEqual({ id: 'gh', code: '23456789' });
  });

  it('warns when two or fewer are left, and replaces the set only after a confirmation', async () => {
    const calls = fakeBackend(
      { accounts: [{ ...github, backup: withCodes(2, 10, 'drawer') }], codes },
      {
        recognise_backup_codes: () => ({ codes: ['99998888'], ignored: [], duplicates: 0, fileName: null }),
        save_backup_codes: () => ({ ...github, backup: withCodes(1, 1) }),
      },
    );
    render(App);
    await userEvent.click(await screen.findByTestId('account-backup-count'));
    const dialog = await screen.findByTestId('backup-dialog');
    expect(within(dialog).getByTestId('backup-low-warning')).toHaveTextContent(
      'Only 2 backup codes are left: generate new ones on the site.',
    );
    await userEvent.click(within(dialog).getByTestId('backup-regenerate'));
    await userEvent.type(screen.getByTestId('backup-paste-input'), '9999 8888');
    await userEvent.click(screen.getByTestId('backup-recognise'));
    await screen.findByTestId('backup-recognised');
    await userEvent.click(screen.getByTestId('backup-save'));
    expect(screen.getByTestId('backup-replace-warning')).toHaveTextContent('deleted from Tock for good');
    expect(callsTo(calls, 'save_backup_codes')).toEqual([]);
    await userEvent.click(screen.getByTestId('backup-save'));
    expect(callsTo(calls, 'save_backup_codes')).toEqual([{ id: 'gh', codes: ['99998888'], replace: true }]);
    expect(await screen.findByTestId('backup-offline')).toBeInTheDocument();
  });
});

describe('recovery readiness', () => {
  it('lists the accounts at risk with the reasons, and opens one to fix it', async () => {
    const ready = account({ id: 'ok', issuer: 'Bank', name: 'bob', backup: withCodes(8, 10, 'drawer') });
    const few = account({ id: 'few', issuer: 'Mail', name: 'carol', backup: withCodes(1, 10, 'drawer') });
    fakeBackend({ accounts: [ready, github, few], codes });
    render(App);
    const button = await screen.findByTestId('readiness-button');
    expect(screen.getByTestId('readiness-count')).toHaveTextContent('2');
    await userEvent.click(button);
    const dialog = await screen.findByTestId('readiness-dialog');
    const items = within(dialog).getAllByTestId('readiness-item');
    expect(items.map((i) => i.dataset.id)).toEqual(['gh', 'few']);
    expect(items[0]).toHaveTextContent('No backup codes stored');
    expect(items[1]).toHaveTextContent('Only 1 backup code is left');
    await userEvent.click(within(items[0]).getByTestId('readiness-fix'));
    expect(await screen.findByTestId('backup-none')).toBeInTheDocument();
    // Closing the account's dialog goes back to the list.
    await userEvent.click(screen.getByTestId('backup-close'));
    expect(await screen.findByTestId('readiness-dialog')).toBeInTheDocument();
  });
});
