// The app lock against a fake Rust backend: the lock screen (wrong password, the wait, unlocking reloads
// the accounts), no account data while locked, locking (lock-changed, Ctrl+L, the header's button), the
// activity reports, the Security settings, the no-keychain banner and the palette's locked state.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import type { LockStatus } from './lib/bindings/LockStatus';
import { ActivityThrottle, lockMinutes, lockSecs, newPasswordProblem, waitDuration } from './lib/lock';
import Palette from './Palette.svelte';
import {
  account,
  callsTo,
  defaultSettings,
  deferred,
  emitAccounts,
  emitLock,
  fakeBackend,
  lockStatus,
  PERIOD_START_MS,
  snapshot,
  totpCode,
  type ProgressChannel,
} from './test/backend';

const github = account({ id: 'gh', issuer: 'GitHub', name: 'alice@example.com' });
const bank = account({ id: 'bk', issuer: 'Northbank', name: 'bob' });
const codes = snapshot([totpCode('gh', '123456', '789012'), totpCode('bk', '333333', '444444')]);
const lockedError = { code: 'locked', message: 'Tock is locked; unlock it first.' };

/**
 * A backend with the lock's rules: while `state.lock.locked` every account command fails with `locked`;
 * unlock takes `password` (wrong ones: a wait of 2 s).
 */
function lockedBackend(
  state: { lock: LockStatus },
  handlers: Parameters<typeof fakeBackend>[1] = {},
  password = 'correct horse',
) {
  const refuseWhileLocked = (answer: () => unknown) => () => {
    if (state.lock.locked) throw lockedError;
    return answer();
  };
  return fakeBackend(
    { accounts: [] },
    {
      lock_status: () => state.lock,
      list_accounts: refuseWhileLocked(() => [github, bank]),
      get_codes: refuseWhileLocked(() => codes),
      unlock: (args) => {
        if (args.password !== password) {
          state.lock = { ...state.lock, failures: state.lock.failures + 1, wait_seconds: 2 };
          throw { code: 'wrong-password', message: 'Wrong password. Try again in 2 s.' };
        }
        state.lock = { ...state.lock, locked: false, failures: 0, wait_seconds: 0 };
        return state.lock;
      },
      lock_now: () => {
        state.lock = { ...state.lock, locked: true };
        return null;
      },
      ...handlers,
    },
  );
}

function names(): string {
  return document.body.textContent ?? '';
}

beforeEach(() => {
  vi.setSystemTime(PERIOD_START_MS + 12_000);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the lock screen', () => {
  it('is all there is while locked: no account, name or code in the page', async () => {
    const calls = lockedBackend({ lock: lockStatus({ enabled: true, locked: true }) });
    render(App);
    const lock = await screen.findByTestId('lock-screen');
    expect(lock).toHaveTextContent('Tock is locked');
    expect(screen.getByTestId('unlock-password')).toHaveFocus();
    expect(screen.queryByTestId('account-row')).not.toBeInTheDocument();
    expect(screen.queryByTestId('add-button')).not.toBeInTheDocument();
    expect(screen.queryByTestId('error-banner')).not.toBeInTheDocument();
    for (const text of ['GitHub', 'alice', 'Northbank', '123 456']) expect(names()).not.toContain(text);
    // The lock is asked for beside the accounts (one round trip), whose refusal is not shown as an error.
    expect(callsTo(calls, 'lock_status').length).toBeGreaterThanOrEqual(1);
  });

  it('explains that a forgotten password cannot be recovered', async () => {
    lockedBackend({ lock: lockStatus({ enabled: true, locked: true }) });
    render(App);
    const forgot = await screen.findByTestId('unlock-forgot');
    await userEvent.click(within(forgot).getByText('Forgot your password?'));
    expect(forgot).toHaveTextContent('It cannot be recovered');
    expect(forgot).toHaveTextContent('restore an automatic backup');
    expect(forgot).toHaveTextContent('backup codes');
  });

  it('says a wrong password inline, clears the field, and counts down the wait with the button disabled', async () => {
    const state = { lock: lockStatus({ enabled: true, locked: true }) };
    const calls = lockedBackend(state);
    render(App);
    const field = await screen.findByTestId('unlock-password');
    await userEvent.type(field, 'wrong{Enter}');
    expect(callsTo(calls, 'unlock')).toEqual([{ password: 'wrong' }]);
    const error = await screen.findByTestId('unlock-error');
    expect(error).toHaveAttribute('role', 'alert');
    expect(error).toHaveTextContent('Wrong password. Try again in 2 s.');
    expect(field).toHaveValue('');
    const button = screen.getByTestId('unlock-button');
    await waitFor(() => expect(button).toBeDisabled());
    expect(screen.getByTestId('unlock-wait')).toHaveTextContent('Wait 2 s before trying again.');

    // Enter while waiting sends nothing.
    await userEvent.type(field, 'again{Enter}');
    expect(callsTo(calls, 'unlock')).toHaveLength(1);

    vi.setSystemTime(PERIOD_START_MS + 12_000 + 2_500);
    await waitFor(() => expect(button).toBeEnabled(), { timeout: 3000 });
    expect(screen.getByTestId('unlock-wait')).toHaveTextContent('');
  });

  it('starts with the wait Rust remembers after wrong passwords before a restart', async () => {
    lockedBackend({ lock: lockStatus({ enabled: true, locked: true, wait_seconds: 75, failures: 5 }) });
    render(App);
    await screen.findByTestId('lock-screen');
    await waitFor(() => expect(screen.getByTestId('unlock-button')).toBeDisabled());
    expect(screen.getByTestId('unlock-wait')).toHaveTextContent('After 5 wrong passwords, wait 1 min 15 s before trying again.');
  });

  it('unlocks with the right password and loads the accounts and codes as at start-up', async () => {
    const state = { lock: lockStatus({ enabled: true, locked: true }) };
    const calls = lockedBackend(state);
    render(App);
    await userEvent.type(await screen.findByTestId('unlock-password'), 'correct horse');
    await userEvent.click(screen.getByTestId('unlock-button'));
    expect(callsTo(calls, 'unlock')).toEqual([{ password: 'correct horse' }]);
    await waitFor(() => expect(screen.getAllByTestId('account-row')).toHaveLength(2));
    expect(screen.queryByTestId('lock-screen')).not.toBeInTheDocument();
    expect(within(screen.getAllByTestId('account-row')[0]).getByTestId('account-code').textContent).toBe('123 456');
    // The lock-changed event that follows does not load them a second time.
    const lists = callsTo(calls, 'list_accounts').length;
    await emitLock(state.lock);
    expect(callsTo(calls, 'list_accounts')).toHaveLength(lists);
  });

  it('says to enter the password when the field is empty, without asking Rust', async () => {
    const calls = lockedBackend({ lock: lockStatus({ enabled: true, locked: true }) });
    render(App);
    await screen.findByTestId('unlock-password');
    await userEvent.click(screen.getByTestId('unlock-button'));
    expect(await screen.findByTestId('unlock-error')).toHaveTextContent('Enter your password.');
    expect(callsTo(calls, 'unlock')).toEqual([]);
  });
});

describe('locking', () => {
  it('drops every account, code and dialog when lock-changed says locked, and shows the lock screen', async () => {
    const state = { lock: lockStatus({ enabled: true }) };
    lockedBackend(state);
    render(App);
    await waitFor(() => expect(screen.getAllByTestId('account-row')).toHaveLength(2));
    await userEvent.click(screen.getByTestId('add-button'));
    expect(await screen.findByTestId('add-dialog')).toBeInTheDocument();

    state.lock = { ...state.lock, locked: true };
    await emitLock(state.lock);
    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
    expect(screen.queryByTestId('add-dialog')).not.toBeInTheDocument();
    for (const text of ['GitHub', 'alice', 'Northbank', '123 456']) expect(names()).not.toContain(text);

    // Account changes sent meanwhile are not kept either.
    await emitAccounts([github]);
    expect(names()).not.toContain('GitHub');
  });

  it('locks with Ctrl+L and the header button, only while the lock is on', async () => {
    const state = { lock: lockStatus({ enabled: true }) };
    const calls = lockedBackend(state);
    render(App);
    await waitFor(() => expect(screen.getAllByTestId('account-row')).toHaveLength(2));
    await userEvent.keyboard('{Control>}l{/Control}');
    expect(callsTo(calls, 'lock_now')).toEqual([{}]);
    // The lock screen comes at once, without waiting for lock-changed.
    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
    expect(screen.queryByTestId('account-row')).not.toBeInTheDocument();

    await userEvent.type(screen.getByTestId('unlock-password'), 'correct horse{Enter}');
    await waitFor(() => expect(screen.getAllByTestId('account-row')).toHaveLength(2));
    await userEvent.click(screen.getByTestId('lock-button'));
    expect(callsTo(calls, 'lock_now')).toHaveLength(2);
    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
  });

  it('offers no lock button and ignores Ctrl+L while the lock is off', async () => {
    const calls = fakeBackend({ accounts: [github], codes });
    render(App);
    await screen.findByTestId('account-row');
    expect(screen.queryByTestId('lock-button')).not.toBeInTheDocument();
    await userEvent.keyboard('{Control>}l{/Control}');
    expect(callsTo(calls, 'lock_now')).toEqual([]);
    expect(screen.getByTestId('account-row')).toBeInTheDocument();
  });

  it('shows the lock screen when a command fails because Tock was locked meanwhile', async () => {
    const state = { lock: lockStatus({ enabled: true }) };
    lockedBackend(state, {
      copy_code: () => {
        state.lock = { ...state.lock, locked: true };
        throw lockedError;
      },
    });
    render(App);
    await waitFor(() => expect(screen.getAllByTestId('account-row')).toHaveLength(2));
    await userEvent.click(screen.getAllByTestId('account-row')[0]);
    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
    expect(screen.queryByTestId('error-banner')).not.toBeInTheDocument();
  });
});

describe('activity reports', () => {
  it('go to Rust at most once per 20 s, on keys, pointer and wheel, only while the lock is on and open', async () => {
    const state = { lock: lockStatus({ enabled: true }) };
    const calls = lockedBackend(state);
    render(App);
    await waitFor(() => expect(screen.getAllByTestId('account-row')).toHaveLength(2));
    const main = document.querySelector('main')!;
    await fireEvent.keyDown(main, { key: 'a' });
    await fireEvent.pointerDown(main);
    await fireEvent.wheel(main);
    expect(callsTo(calls, 'note_activity')).toHaveLength(1);
    vi.setSystemTime(PERIOD_START_MS + 12_000 + 19_000);
    await fireEvent.wheel(main);
    expect(callsTo(calls, 'note_activity')).toHaveLength(1);
    vi.setSystemTime(PERIOD_START_MS + 12_000 + 20_000);
    await fireEvent.pointerDown(main);
    expect(callsTo(calls, 'note_activity')).toHaveLength(2);

    state.lock = { ...state.lock, locked: true };
    await emitLock(state.lock);
    await screen.findByTestId('lock-screen');
    vi.setSystemTime(PERIOD_START_MS + 12_000 + 60_000);
    await fireEvent.keyDown(screen.getByTestId('unlock-password'), { key: 'x' });
    expect(callsTo(calls, 'note_activity')).toHaveLength(2);
  });

  it('are not sent while the lock is off', async () => {
    const calls = fakeBackend({ accounts: [github], codes });
    render(App);
    await screen.findByTestId('account-row');
    await fireEvent.keyDown(document.body, { key: 'a' });
    await fireEvent.pointerDown(document.body);
    expect(callsTo(calls, 'note_activity')).toEqual([]);
  });
});

/** The app with the lock as `lock`, Settings opened; its Security section. */
async function openSecurity(lock: LockStatus, handlers: Parameters<typeof fakeBackend>[1] = {}) {
  const state = { lock };
  const calls = fakeBackend(
    { accounts: [github], codes },
    {
      lock_status: () => state.lock,
      get_settings: () => ({ settings: defaultSettings(), shortcut: { state: 'off' }, problem: null, tray: true }),
      ...handlers,
    },
  );
  render(App);
  await screen.findByTestId('account-row');
  await userEvent.click(screen.getByTestId('settings-button'));
  const section = await screen.findByTestId('security-settings');
  return { calls, section, state };
}

describe('Settings → Security', () => {
  it('refuses to turn the lock on with two different passwords before asking Rust', async () => {
    const { calls, section } = await openSecurity(lockStatus());
    expect(within(section).getByTestId('security-state')).toHaveTextContent('The lock is off');
    await userEvent.type(within(section).getByTestId('lock-enable-password'), 'kestrel maple lantern');
    await userEvent.type(within(section).getByTestId('lock-enable-confirm'), 'kestrel maple lanterns');
    await userEvent.click(within(section).getByTestId('lock-enable-button'));
    expect(await within(section).findByTestId('security-error')).toHaveTextContent('The two passwords are not the same');
    expect(within(section).getByTestId('security-error')).toHaveAttribute('role', 'alert');
    expect(callsTo(calls, 'enable_lock')).toEqual([]);
    expect(within(section).getByTestId('lock-enable-confirm')).toHaveValue('');
    expect(within(section).getByTestId('lock-enable-confirm')).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows a strength hint as the password is typed', async () => {
    const { section } = await openSecurity(lockStatus());
    const strength = within(section).getByTestId('lock-enable-strength');
    expect(strength).toHaveTextContent('');
    await userEvent.type(within(section).getByTestId('lock-enable-password'), 'password1');
    expect(strength).toHaveTextContent('Very weak: This is one of the first passwords anyone would try');
    await userEvent.clear(within(section).getByTestId('lock-enable-password'));
    await userEvent.type(within(section).getByTestId('lock-enable-password'), 'kestrel maple lantern');
    expect(strength).toHaveTextContent('Strong');
  });

  it('turns the lock on with the progress of the re-encryption, then offers the lock button', async () => {
    const enabling = deferred<LockStatus>();
    const channel: { progress: ProgressChannel | null } = { progress: null };
    const { calls, section, state } = await openSecurity(lockStatus(), {
      enable_lock: (args) => {
        channel.progress = args.onProgress as ProgressChannel;
        return enabling.promise;
      },
    });
    await userEvent.type(within(section).getByTestId('lock-enable-password'), 'kestrel maple lantern');
    await userEvent.type(within(section).getByTestId('lock-enable-confirm'), 'kestrel maple lantern');
    await userEvent.click(within(section).getByTestId('lock-enable-button'));
    expect(callsTo(calls, 'enable_lock').map((a) => a.password)).toEqual(['kestrel maple lantern']);
    // The fields are cleared as soon as the password has gone to Rust.
    expect(within(section).getByTestId('lock-enable-password')).toHaveValue('');
    expect(within(section).getByTestId('lock-enable-confirm')).toHaveValue('');

    const bar = await within(section).findByTestId('security-progress');
    await waitFor(() => expect(channel.progress).not.toBeNull());
    channel.progress!.onmessage({ done: 3, total: 8 });
    await waitFor(() => expect(bar).toHaveAttribute('value', '3'));
    expect(bar).toHaveAttribute('max', '8');
    expect(within(section).getByTestId('security-progress-text')).toHaveTextContent('3 of 8 accounts done');

    state.lock = lockStatus({ enabled: true });
    enabling.resolve(state.lock);
    expect(await within(section).findByTestId('security-notice')).toHaveTextContent('The lock is on');
    expect(within(section).getByTestId('security-state')).toHaveTextContent('The lock is on');
    expect(screen.queryByTestId('security-progress')).not.toBeInTheDocument();
    expect(screen.getByTestId('lock-button')).toBeInTheDocument();
  });

  it('shows why Rust refused, in one sentence', async () => {
    const { section } = await openSecurity(lockStatus(), {
      enable_lock: () => {
        throw { code: 'keychain', message: 'The keychain is locked; unlock it and try again.' };
      },
    });
    await userEvent.type(within(section).getByTestId('lock-enable-password'), 'kestrel maple lantern');
    await userEvent.type(within(section).getByTestId('lock-enable-confirm'), 'kestrel maple lantern{Enter}');
    expect(await within(section).findByTestId('security-error')).toHaveTextContent(
      'The keychain is locked; unlock it and try again.',
    );
  });

  it('turns the lock off after asking for the current password', async () => {
    const { calls, section } = await openSecurity(lockStatus({ enabled: true }), {
      disable_lock: () => lockStatus(),
    });
    await userEvent.click(within(section).getByTestId('lock-disable-start'));
    expect(section).toHaveTextContent('Without the lock, anyone who can use this computer account');
    await userEvent.click(within(section).getByTestId('lock-disable-button'));
    expect(await within(section).findByTestId('security-error')).toHaveTextContent('Enter your current lock password.');
    expect(callsTo(calls, 'disable_lock')).toEqual([]);
    await userEvent.type(within(section).getByTestId('lock-disable-password'), 'correct horse');
    await userEvent.click(within(section).getByTestId('lock-disable-button'));
    expect(callsTo(calls, 'disable_lock').map((a) => a.password)).toEqual(['correct horse']);
    expect(await within(section).findByTestId('security-notice')).toHaveTextContent('The lock is off.');
    await waitFor(() => expect(screen.queryByTestId('lock-button')).not.toBeInTheDocument());
  });

  it('changes the password: the old one and the new one twice', async () => {
    const { calls, section } = await openSecurity(lockStatus({ enabled: true }), {
      change_lock_password: () => null,
    });
    await userEvent.click(within(section).getByTestId('lock-change-start'));
    await userEvent.type(within(section).getByTestId('lock-change-old'), 'correct horse');
    await userEvent.type(within(section).getByTestId('lock-change-password'), 'kestrel maple lantern');
    await userEvent.type(within(section).getByTestId('lock-change-confirm'), 'kestrel maple lantern');
    await userEvent.click(within(section).getByTestId('lock-change-button'));
    expect(callsTo(calls, 'change_lock_password')).toEqual([
      { oldPassword: 'correct horse', newPassword: 'kestrel maple lantern' },
    ]);
    expect(await within(section).findByTestId('security-notice')).toHaveTextContent('Password changed.');
  });

  it('keeps the lock on with the file vault, and moves back to the keychain with the current password', async () => {
    const { calls, section } = await openSecurity(lockStatus({ enabled: true, storage: 'file' }), {
      set_storage: () => lockStatus({ enabled: true, storage: 'keychain' }),
    });
    expect(within(section).getByTestId('storage-state')).toHaveTextContent('In an encrypted file');
    expect(within(section).queryByTestId('lock-disable-start')).not.toBeInTheDocument();
    expect(section).toHaveTextContent('With the encrypted file the lock is always on');
    await userEvent.click(within(section).getByTestId('storage-keychain-button'));
    await userEvent.type(within(section).getByTestId('storage-keychain-password'), 'correct horse');
    await userEvent.click(within(section).getByTestId('storage-keychain-move'));
    expect(callsTo(calls, 'set_storage').map((a) => [a.kind, a.password])).toEqual([['keychain', 'correct horse']]);
    expect(await within(section).findByTestId('storage-state')).toHaveTextContent('In the system keychain');
  });

  it('saves the automatic lock minutes and the session lock with the other settings', async () => {
    let saved: Record<string, unknown> | null = null;
    await openSecurity(lockStatus({ enabled: true }), {
      save_settings: (args) => {
        saved = args.settings as Record<string, unknown>;
        return { settings: saved, shortcut: { state: 'off' }, problem: null, tray: true };
      },
    });
    const dialog = screen.getByTestId('settings-dialog');
    const minutes = await within(dialog).findByTestId('settings-auto-lock');
    expect(minutes).toHaveValue(5);
    expect(within(dialog).getByTestId('settings-lock-on-session-lock')).toBeChecked();
    await userEvent.clear(minutes);
    await userEvent.type(minutes, '2');
    await userEvent.click(within(dialog).getByTestId('settings-lock-on-session-lock'));
    await userEvent.click(within(dialog).getByTestId('settings-save'));
    await waitFor(() => expect(saved).not.toBeNull());
    // Rust keeps seconds; the dialog speaks of minutes.
    expect(saved).toMatchObject({ autoLockSecs: 120, lockOnSessionLock: false });
  });
});

describe('no keychain', () => {
  it('says so in a banner and moves the accounts into an encrypted file', async () => {
    const state = { lock: lockStatus({ keychain_reachable: false }) };
    const moving = deferred<LockStatus>();
    const channel: { progress: ProgressChannel | null } = { progress: null };
    const calls = fakeBackend(
      { accounts: [github], codes },
      {
        lock_status: () => state.lock,
        set_storage: (args) => {
          channel.progress = args.onProgress as ProgressChannel;
          return moving.promise;
        },
      },
    );
    render(App);
    const banner = await screen.findByTestId('no-keychain-banner');
    expect(banner).toHaveTextContent(
      'No keychain is available on this session (no Secret Service). You can keep your accounts in an encrypted file instead.',
    );
    await userEvent.click(within(banner).getByTestId('no-keychain-use-file'));
    const dialog = await screen.findByTestId('file-vault-dialog');
    expect(dialog).toHaveTextContent('It does not protect against someone who knows the password');

    await userEvent.type(within(dialog).getByTestId('file-vault-password'), 'kestrel maple lantern');
    await userEvent.type(within(dialog).getByTestId('file-vault-confirm'), 'kestrel');
    await userEvent.click(within(dialog).getByTestId('file-vault-button'));
    expect(await within(dialog).findByTestId('file-vault-error')).toHaveTextContent('not the same');
    expect(callsTo(calls, 'set_storage')).toEqual([]);

    await userEvent.type(within(dialog).getByTestId('file-vault-confirm'), 'kestrel maple lantern');
    await userEvent.click(within(dialog).getByTestId('file-vault-button'));
    expect(callsTo(calls, 'set_storage').map((a) => [a.kind, a.password])).toEqual([['file', 'kestrel maple lantern']]);
    await waitFor(() => expect(channel.progress).not.toBeNull());
    channel.progress!.onmessage({ done: 1, total: 1 });
    await waitFor(() => expect(within(dialog).getByTestId('file-vault-progress')).toHaveAttribute('value', '1'));

    state.lock = lockStatus({ enabled: true, storage: 'file', keychain_reachable: false });
    moving.resolve(state.lock);
    expect(await within(dialog).findByTestId('file-vault-done')).toHaveTextContent('the lock is on');
    expect(screen.queryByTestId('no-keychain-banner')).not.toBeInTheDocument();
  });

  it('is offered in Settings too, coming back to Settings after', async () => {
    const { section } = await openSecurity(lockStatus({ keychain_reachable: false }));
    await userEvent.click(within(section).getByTestId('storage-file-button'));
    const dialog = await screen.findByTestId('file-vault-dialog');
    expect(screen.queryByTestId('settings-dialog')).not.toBeInTheDocument();
    (dialog as HTMLDialogElement).close();
    expect(await screen.findByTestId('settings-dialog')).toBeInTheDocument();
  });
});

describe('the palette while locked', () => {
  it('says Tock is locked, lists nothing and unlocks in the main window', async () => {
    const calls = fakeBackend(
      { accounts: [] },
      {
        lock_status: () => lockStatus({ enabled: true, locked: true }),
        quick_accounts: () => {
          throw lockedError;
        },
        show_unlock: () => null,
        close_palette: () => null,
      },
    );
    render(Palette);
    const locked = await screen.findByTestId('palette-locked');
    expect(locked).toHaveTextContent('Tock is locked');
    expect(screen.queryByTestId('palette-item')).not.toBeInTheDocument();
    expect(screen.queryByTestId('palette-error')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('palette-unlock')).toHaveFocus());
    await userEvent.click(screen.getByTestId('palette-unlock'));
    expect(callsTo(calls, 'show_unlock')).toEqual([{}]);
    await userEvent.keyboard('{Escape}');
    expect(callsTo(calls, 'close_palette')).toHaveLength(1);
  });

  it('turns to the locked state when a copy is refused as locked, and back when unlocked', async () => {
    let lock = lockStatus({ enabled: true });
    fakeBackend(
      { accounts: [] },
      {
        lock_status: () => lock,
        quick_accounts: () => (lock.locked ? Promise.reject(lockedError) : [github]),
        copy_code: () => {
          lock = { ...lock, locked: true };
          throw lockedError;
        },
        close_palette: () => null,
      },
    );
    render(Palette);
    await screen.findByTestId('palette-item');
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByTestId('palette-locked')).toBeInTheDocument();
    expect(names()).not.toContain('GitHub');
    lock = { ...lock, locked: false };
    await emitLock(lock);
    expect(await screen.findByTestId('palette-item')).toHaveTextContent('GitHub');
  });
});

describe('lock helpers', () => {
  it('let one activity report through per interval', () => {
    const throttle = new ActivityThrottle(20_000);
    expect([0, 5_000, 19_999, 20_000, 39_999, 40_000].map((t) => throttle.due(t))).toEqual([
      true,
      false,
      false,
      true,
      false,
      true,
    ]);
    throttle.reset();
    expect(throttle.due(40_001)).toBe(true);
  });

  it('word waits and refuse a missing or mistyped new password', () => {
    expect([0, 1, 59, 60, 75, 120].map(waitDuration)).toEqual(['0 s', '1 s', '59 s', '1 min', '1 min 15 s', '2 min']);
    expect(newPasswordProblem('', '')).toBe('Choose a password.');
    expect(newPasswordProblem('a', 'b')).toContain('not the same');
    expect(newPasswordProblem('same', 'same')).toBeNull();
  });

  it('turn the automatic lock seconds into minutes and back', () => {
    expect([300, 0, 90, undefined].map(lockMinutes)).toEqual([5, 0, 1.5, 5]);
    expect([5, '0', '', '1.5', -3, 'x'].map(lockSecs)).toEqual([300, 0, 0, 90, 0, 0]);
  });
});
