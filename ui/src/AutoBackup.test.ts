// The automatic backups against a fake Rust backend: setting them up from Settings (folder, their own
// password twice, copies kept), Back up now, the files and the last error, turning them off; restoring one
// (password, the review with "replace" rows unticked, the confirmation, the summary); and their part in the
// readiness view.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { autoBackupRisk, formatBackupTime, formatSize, parseKeep } from './lib/autobackup';
import type { AutoBackupStatus } from './lib/bindings/AutoBackupStatus';
import type { BackupFile } from './lib/bindings/BackupFile';
import type { RestoreEntry } from './lib/bindings/RestoreEntry';
import type { RestoreReview } from './lib/bindings/RestoreReview';
import { account, callsTo, defaultSettings, fakeBackend, PERIOD_START_MS, snapshot, totpCode } from './test/backend';

const NOW = Math.floor((PERIOD_START_MS + 12_000) / 1000);
const DAY = 86_400;
// Backed up: no account at risk of its own, so the readiness view only speaks of the automatic backups.
const safe = { codes: { total: 10, left: 8, storedAt: NOW, offlinePlace: 'Printed', offlineConfirmedAt: NOW }, risks: [] };
const github = account({ id: 'gh', issuer: 'GitHub', name: 'alice', backup: safe });
const codes = snapshot([totpCode('gh', '123456', '789012')]);

function off(overrides: Partial<AutoBackupStatus> = {}): AutoBackupStatus {
  return { folder: null, keep: 10, has_password: false, last_backup_at: null, last_error: null, files: [], ...overrides };
}

function file(name: string, createdAt: number, size: number): BackupFile {
  return { name, path: `/home/alice/Sync/Tock/${name}`, created_at: createdAt, size };
}

const older = file('tock-backup-2025-02-27.tock', NOW - 2 * DAY, 2_048);
const newer = file('tock-backup-2025-03-01.tock', NOW - 3_600, 2_310);

function on(overrides: Partial<AutoBackupStatus> = {}): AutoBackupStatus {
  return off({
    folder: '/home/alice/Sync/Tock',
    has_password: true,
    last_backup_at: newer.created_at,
    files: [newer, older],
    ...overrides,
  });
}

beforeEach(() => {
  vi.setSystemTime(PERIOD_START_MS + 12_000);
});

/** The app, Settings opened, then Automatic backups…; `status` answers auto_backup_status. */
async function openAutoBackup(status: () => AutoBackupStatus, handlers: Parameters<typeof fakeBackend>[1] = {}) {
  const calls = fakeBackend(
    { accounts: [github], codes },
    {
      auto_backup_status: status,
      get_settings: () => ({ settings: defaultSettings(), shortcut: { state: 'off' }, problem: null, tray: true }),
      ...handlers,
    },
  );
  render(App);
  await screen.findByTestId('account-row');
  await userEvent.click(screen.getByTestId('settings-button'));
  await userEvent.click(await screen.findByTestId('settings-autobackup'));
  const dialog = await screen.findByTestId('autobackup-dialog');
  await within(dialog).findByTestId('autobackup-folder');
  return { calls, dialog };
}

describe('setting up automatic backups', () => {
  it('asks for a folder and a backup password twice the first time, and keeps 10 copies by default', async () => {
    let status = off();
    const { calls, dialog } = await openAutoBackup(() => status, {
      choose_backup_folder: () => '/home/alice/Sync/Tock',
      set_auto_backup: (args) => {
        status = on({ keep: args.keep as number, files: [], last_backup_at: null });
        return status;
      },
    });
    expect(within(dialog).getByTestId('autobackup-folder-path')).toHaveTextContent('No folder chosen yet');
    expect(dialog).toHaveTextContent('This is not your lock password');
    expect(dialog).toHaveTextContent('A folder synced by Dropbox, OneDrive, Nextcloud or the like puts copies off this machine');
    expect(within(dialog).getByTestId('autobackup-keep')).toHaveValue(10);
    expect(within(dialog).getByTestId('autobackup-now')).toBeDisabled();

    // No folder yet: refused before asking Rust.
    await userEvent.click(within(dialog).getByTestId('autobackup-save'));
    expect(await within(dialog).findByTestId('autobackup-error')).toHaveTextContent('Choose the folder');

    await userEvent.click(within(dialog).getByTestId('autobackup-folder'));
    expect(callsTo(calls, 'choose_backup_folder')).toEqual([{}]);
    expect(await within(dialog).findByTestId('autobackup-folder-path')).toHaveTextContent('/home/alice/Sync/Tock');

    // The password is required the first time, and must be typed the same twice.
    await userEvent.click(within(dialog).getByTestId('autobackup-save'));
    expect(await within(dialog).findByTestId('autobackup-error')).toHaveTextContent('Choose a password.');
    await userEvent.type(within(dialog).getByTestId('autobackup-password'), 'otter canal sixteen');
    await userEvent.type(within(dialog).getByTestId('autobackup-confirm'), 'otter canal');
    await userEvent.click(within(dialog).getByTestId('autobackup-save'));
    expect(await within(dialog).findByTestId('autobackup-error')).toHaveTextContent('not the same');
    expect(callsTo(calls, 'set_auto_backup')).toEqual([]);

    await userEvent.type(within(dialog).getByTestId('autobackup-confirm'), 'otter canal sixteen');
    await userEvent.click(within(dialog).getByTestId('autobackup-save'));
    expect(callsTo(calls, 'set_auto_backup')).toEqual([
      { folder: '/home/alice/Sync/Tock', password: 'otter canal sixteen', keep: 10 },
    ]);
    expect(await within(dialog).findByTestId('autobackup-result')).toHaveTextContent('Saved.');
    expect(within(dialog).getByTestId('autobackup-password')).toHaveValue('');
    expect(within(dialog).getByTestId('autobackup-confirm')).toHaveValue('');
    expect(within(dialog).getByTestId('autobackup-now')).toBeEnabled();
  });

  it('keeps the stored password when none is typed, and saves the number of copies', async () => {
    const { calls, dialog } = await openAutoBackup(() => on(), { set_auto_backup: () => on({ keep: 30 }) });
    const keep = within(dialog).getByTestId('autobackup-keep');
    await userEvent.clear(keep);
    await userEvent.type(keep, '30');
    await userEvent.click(within(dialog).getByTestId('autobackup-save'));
    expect(callsTo(calls, 'set_auto_backup')).toEqual([{ folder: '/home/alice/Sync/Tock', password: null, keep: 30 }]);
  });

  it('lists the backups newest first with their local time and size, and shows the last error', async () => {
    const { dialog } = await openAutoBackup(() => on({ last_error: 'The folder /media/usb is not there.' }));
    const rows = within(within(dialog).getByTestId('autobackup-files')).getAllByTestId('autobackup-file');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent(formatBackupTime(newer.created_at));
    expect(rows[0]).toHaveTextContent('2.3 KB');
    expect(rows[1]).toHaveTextContent(formatBackupTime(older.created_at));
    expect(within(dialog).getByTestId('autobackup-last-error')).toHaveTextContent(
      'The last backup failed: The folder /media/usb is not there.',
    );
    expect(within(dialog).getByTestId('autobackup-last-error')).toHaveAttribute('role', 'alert');
  });

  it('backs up now and says where', async () => {
    const made = file('tock-backup-2025-03-01-1200.tock', NOW, 2_400);
    let status = on();
    const { calls, dialog } = await openAutoBackup(() => status, {
      backup_now: () => {
        status = on({ last_backup_at: NOW, files: [made, newer, older] });
        return made;
      },
    });
    await userEvent.click(within(dialog).getByTestId('autobackup-now'));
    expect(callsTo(calls, 'backup_now')).toEqual([{}]);
    expect(await within(dialog).findByTestId('autobackup-result')).toHaveTextContent(
      'Backed up: tock-backup-2025-03-01-1200.tock (2.4 KB).',
    );
    await waitFor(() => expect(within(dialog).getAllByTestId('autobackup-file')).toHaveLength(3));
  });

  it('turns them off', async () => {
    const { calls, dialog } = await openAutoBackup(() => on(), { turn_off_auto_backup: () => off() });
    await userEvent.click(within(dialog).getByTestId('autobackup-off'));
    expect(callsTo(calls, 'turn_off_auto_backup')).toEqual([{}]);
    expect(await within(dialog).findByTestId('autobackup-result')).toHaveTextContent('Automatic backups are off.');
    expect(within(dialog).getByTestId('autobackup-folder-path')).toHaveTextContent('No folder chosen yet');
    expect(within(dialog).queryByTestId('autobackup-off')).not.toBeInTheDocument();
  });

  it('goes back to Settings when closed', async () => {
    const { dialog } = await openAutoBackup(() => on());
    await userEvent.click(within(dialog).getByTestId('autobackup-close'));
    expect(await screen.findByTestId('settings-dialog')).toBeInTheDocument();
    expect(screen.getByTestId('settings-autobackup-state')).toHaveTextContent('On, into /home/alice/Sync/Tock');
  });
});

function entry(overrides: Partial<RestoreEntry> & { index: number }): RestoreEntry {
  return { issuer: 'Example', name: `user${overrides.index}`, action: 'add', backup_codes: 0, existing_id: null, ...overrides };
}

const review: RestoreReview = {
  file_name: 'tock-backup-2025-03-01.tock',
  created_at: newer.created_at,
  entries: [
    entry({ index: 0, issuer: 'GitLab', name: 'alice', action: 'add', backup_codes: 10 }),
    entry({ index: 1, issuer: 'GitHub', name: 'alice', action: 'replace', backup_codes: 8, existing_id: 'gh' }),
    entry({ index: 2, issuer: 'Bank', name: 'bob', action: 'same', existing_id: 'bk' }),
    entry({ index: 3, issuer: 'Mastodon', name: 'al', action: 'replace', existing_id: 'md' }),
  ],
};

/** The restore dialog, opened from the automatic backups' dialog, its file chosen and unlocked. */
async function openRestore(handlers: Parameters<typeof fakeBackend>[1] = {}) {
  const { calls } = await openAutoBackup(() => on(), {
    open_restore_file: () => ({ file_name: review.file_name }),
    unlock_restore: ({ password }) => {
      if (password !== 'otter canal sixteen') throw { code: 'wrong-password', message: 'Wrong password for this backup.' };
      return review;
    },
    finish_restore: (args) => ({ added: 1, replaced: (args.replace as number[]).length, left_alone: 1 }),
    cancel_restore: () => null,
    ...handlers,
  });
  await userEvent.click(screen.getByTestId('autobackup-restore'));
  const dialog = await screen.findByTestId('restore-dialog');
  await userEvent.click(within(dialog).getByTestId('restore-choose'));
  const field = await within(dialog).findByTestId('restore-password');
  return { calls, dialog, field };
}

function row(index: number): HTMLElement {
  const found = screen.getAllByTestId('restore-entry').find((r) => r.dataset.index === String(index));
  if (!found) throw new Error(`no entry ${index}`);
  return found;
}

describe('restoring a backup', () => {
  it('asks the backup password again after a wrong one, then shows what the backup holds', async () => {
    const { calls, dialog, field } = await openRestore();
    expect(within(dialog).getByTestId('restore-file')).toHaveTextContent('tock-backup-2025-03-01.tock');
    await waitFor(() => expect(field).toHaveFocus());
    await userEvent.type(field, 'otter{Enter}');
    const error = await within(dialog).findByTestId('restore-error');
    expect(error).toHaveTextContent('Wrong password for this backup.');
    expect(error).toHaveAttribute('role', 'alert');
    expect(field).toHaveValue('');
    await userEvent.type(field, 'otter canal sixteen{Enter}');
    expect(callsTo(calls, 'unlock_restore')).toEqual([{ password: 'otter' }, { password: 'otter canal sixteen' }]);

    await within(dialog).findAllByTestId('restore-entry');
    expect(within(dialog).getByTestId('restore-counts')).toHaveTextContent(
      '1 account to add, 2 differ from the one in Tock, 1 is already here.',
    );
    expect(row(0)).toHaveTextContent('GitLab');
    expect(row(0)).toHaveTextContent('Add');
    expect(row(0)).toHaveTextContent('10');
    expect(row(1)).toHaveTextContent('Differs from the one here');
    expect(row(2)).toHaveTextContent('Already here');
  });

  it('leaves the "replace" rows unticked, so restoring only adds, with no confirmation', async () => {
    const { calls, dialog, field } = await openRestore();
    await userEvent.type(field, 'otter canal sixteen{Enter}');
    await within(dialog).findAllByTestId('restore-entry');
    const boxes = within(dialog).getAllByTestId('restore-replace');
    expect(boxes).toHaveLength(2); // only the rows that would replace an account
    expect(boxes.map((b) => (b as HTMLInputElement).checked)).toEqual([false, false]);
    expect(within(row(0)).queryByRole('checkbox')).not.toBeInTheDocument();
    expect(within(row(2)).queryByRole('checkbox')).not.toBeInTheDocument();

    const commit = within(dialog).getByTestId('restore-commit');
    expect(commit).toHaveTextContent('Add 1 account');
    await userEvent.click(commit);
    expect(within(dialog).queryByTestId('restore-confirm')).not.toBeInTheDocument();
    expect(callsTo(calls, 'finish_restore')).toEqual([{ replace: [] }]);
    expect(await within(dialog).findByTestId('restore-summary')).toHaveTextContent('Added 1 account, replaced 0, left 1 alone.');
    await userEvent.click(within(dialog).getByTestId('restore-close'));
    // Restored: nothing to forget; back to the automatic backups' dialog.
    expect(await screen.findByTestId('autobackup-dialog')).toBeInTheDocument();
    expect(callsTo(calls, 'cancel_restore')).toEqual([]);
  });

  it('asks before replacing the ticked accounts, and can go back', async () => {
    const { calls, dialog, field } = await openRestore();
    await userEvent.type(field, 'otter canal sixteen{Enter}');
    await within(dialog).findAllByTestId('restore-entry');
    await userEvent.click(within(row(3)).getByRole('checkbox', { name: 'Replace Mastodon (al)' }));
    expect(within(row(3)).getByTestId('restore-action')).toHaveTextContent('Replace');
    await userEvent.click(within(dialog).getByTestId('restore-commit'));

    const confirm = await within(dialog).findByTestId('restore-confirm');
    expect(confirm).toHaveTextContent('Replace 1 account with the backup’s copy?');
    expect(confirm).toHaveTextContent('This cannot be undone.');
    expect(callsTo(calls, 'finish_restore')).toEqual([]);
    await userEvent.click(within(confirm).getByTestId('restore-confirm-back'));
    expect(within(dialog).queryByTestId('restore-confirm')).not.toBeInTheDocument();

    await userEvent.click(within(row(1)).getByRole('checkbox'));
    await userEvent.click(within(dialog).getByTestId('restore-commit'));
    await userEvent.click(await within(dialog).findByTestId('restore-confirm-button'));
    expect(callsTo(calls, 'finish_restore')).toEqual([{ replace: [1, 3] }]);
    expect(await within(dialog).findByTestId('restore-summary')).toHaveTextContent('replaced 2');
  });

  it('forgets the chosen file in Rust when closed before restoring', async () => {
    const { calls, dialog } = await openRestore();
    await userEvent.click(within(dialog).getByTestId('restore-cancel'));
    await waitFor(() => expect(screen.queryByTestId('restore-dialog')).not.toBeInTheDocument());
    expect(callsTo(calls, 'cancel_restore')).toEqual([{}]);
    expect(callsTo(calls, 'finish_restore')).toEqual([]);
  });
});

describe('readiness', () => {
  async function renderWith(status: AutoBackupStatus | null) {
    fakeBackend(
      { accounts: [github], codes },
      {
        auto_backup_status: () => {
          if (!status) throw { code: 'internal', message: 'Unexpected command auto_backup_status' };
          return status;
        },
      },
    );
    render(App);
    await screen.findByTestId('account-row');
    return screen.findByTestId('readiness-button');
  }

  it('counts "No automatic backup yet" as a risk and leads to the set-up', async () => {
    const button = await renderWith(off());
    await waitFor(() => expect(screen.getByTestId('readiness-count')).toHaveTextContent('1'));
    expect(button).toHaveAccessibleName('Recovery readiness: no automatic backup yet');
    await userEvent.click(button);
    const dialog = await screen.findByTestId('readiness-dialog');
    expect(within(dialog).getByTestId('readiness-autobackup-reason')).toHaveTextContent('No automatic backup yet.');
    expect(within(dialog).queryByTestId('readiness-ready')).not.toBeInTheDocument();
    await userEvent.click(within(dialog).getByTestId('readiness-autobackup-fix'));
    expect(await screen.findByTestId('autobackup-dialog')).toBeInTheDocument();
    expect(screen.queryByTestId('readiness-dialog')).not.toBeInTheDocument();
    // Closing it brings the readiness view back.
    await userEvent.click(await screen.findByTestId('autobackup-close'));
    expect(await screen.findByTestId('readiness-dialog')).toBeInTheDocument();
  });

  it('counts a last backup a week old or more, not a recent one', async () => {
    await renderWith(on({ last_backup_at: NOW - 8 * DAY - 60 }));
    await waitFor(() => expect(screen.getByTestId('readiness-count')).toHaveTextContent('1'));
    await userEvent.click(screen.getByTestId('readiness-button'));
    expect(await screen.findByTestId('readiness-autobackup-reason')).toHaveTextContent('Last backup 8 days ago.');
  });

  it('says nothing of automatic backups when the last one is recent, or when Rust cannot say', async () => {
    await renderWith(on());
    await userEvent.click(await screen.findByTestId('readiness-button'));
    expect(await screen.findByTestId('readiness-ready')).toBeInTheDocument();
    expect(screen.queryByTestId('readiness-count')).not.toBeInTheDocument();
  });

  it('helpers: the risk, sizes, copies', () => {
    expect(autoBackupRisk(null, NOW)).toBeNull();
    expect(autoBackupRisk(off(), NOW)).toBe('No automatic backup yet.');
    expect(autoBackupRisk(on({ last_backup_at: null }), NOW)).toBe('No automatic backup yet.');
    expect(autoBackupRisk(on({ last_backup_at: NOW - 7 * DAY }), NOW)).toBe('Last backup 7 days ago.');
    expect(autoBackupRisk(on({ last_backup_at: NOW - 7 * DAY + 1 }), NOW)).toBeNull();
    expect([1, 999, 2_310, 1_500_000].map(formatSize)).toEqual(['1 byte', '999 bytes', '2.3 KB', '1.5 MB']);
    expect([10, '3', '0', '2.5', 'x', 1001].map(parseKeep)).toEqual([10, 3, null, null, null, null]);
  });
});
