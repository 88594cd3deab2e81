import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';
import * as ipc from './ipc';

describe('toIpcError', () => {
  it('keeps IpcError objects', () => {
    expect(ipc.toIpcError({ code: 'not_found', message: 'No such account.' })).toEqual({
      code: 'not_found',
      message: 'No such account.',
    });
  });
  it('wraps strings, Errors and anything else', () => {
    expect(ipc.toIpcError('command x not found')).toEqual({ code: 'internal', message: 'command x not found' });
    expect(ipc.toIpcError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
    expect(ipc.toIpcError(undefined).code).toBe('internal');
    expect(ipc.toIpcError({ code: 'weird', message: 'x' }).code).toBe('internal');
  });
});

describe('command wrappers', () => {
  it('pass the documented argument objects', async () => {
    const seen: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return null;
    });
    await ipc.renameAccount('id1', 'GitHub', 'alice');
    await ipc.moveAccount('id1', 3);
    await ipc.deleteAccount('id1');
    await ipc.copyCode('id1');
    await ipc.previewAdd({ type: 'uri', uri: 'otpauth://totp/A?secret=B' });
    await ipc.scanScreen();
    await ipc.scanClipboard();
    await ipc.saveScanned('tok1', true);
    await ipc.saveScanned('tok2', false);
    await ipc.discardScanned('tok3');
    await ipc.getClock();
    await ipc.checkClock();
    await ipc.setClockCorrection(true);
    await ipc.troubleshoot('id1');
    await ipc.setSignIn('id1', 'google', 'work email');
    await ipc.setSignIn('id1', null, '');
    expect(seen).toEqual([
      ['rename_account', { id: 'id1', issuer: 'GitHub', name: 'alice' }],
      ['move_account', { id: 'id1', to: 3 }],
      ['delete_account', { id: 'id1' }],
      ['copy_code', { id: 'id1' }],
      ['preview_add', { request: { type: 'uri', uri: 'otpauth://totp/A?secret=B' } }],
      ['scan_screen', {}],
      ['scan_clipboard', {}],
      ['save_scanned', { token: 'tok1', replace: true }],
      ['save_scanned', { token: 'tok2', replace: false }],
      ['discard_scanned', { token: 'tok3' }],
      ['get_clock', {}],
      ['check_clock', {}],
      ['set_clock_correction', { on: true }],
      ['troubleshoot', { id: 'id1' }],
      ['set_sign_in', { id: 'id1', method: 'google', notes: 'work email' }],
      ['set_sign_in', { id: 'id1', method: null, notes: '' }],
    ]);
  });

  it('pass the lock, storage and backup commands the arguments of the contract (progress on a channel)', async () => {
    const seen: Array<[string, Record<string, unknown>]> = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, (args ?? {}) as Record<string, unknown>]);
      return null;
    });
    await ipc.lockStatus();
    await ipc.unlock('pw');
    await ipc.lockNow();
    await ipc.enableLock('new', () => {});
    await ipc.disableLock('old', () => {});
    await ipc.changeLockPassword('old', 'new');
    await ipc.setStorage('file', 'pw', () => {});
    await ipc.noteActivity();
    await ipc.showUnlock();
    await ipc.autoBackupStatus();
    await ipc.chooseBackupFolder();
    await ipc.setAutoBackup('/backups', null, 10);
    await ipc.turnOffAutoBackup();
    await ipc.backupNow();
    await ipc.openRestoreFile();
    await ipc.unlockRestore('pw');
    await ipc.finishRestore([1, 3]);
    await ipc.cancelRestore();
    const withoutChannels = seen.map(([cmd, args]) => {
      const { onProgress, ...rest } = args;
      return [cmd, rest, onProgress === undefined ? 'no channel' : 'channel'];
    });
    expect(withoutChannels).toEqual([
      ['lock_status', {}, 'no channel'],
      ['unlock', { password: 'pw' }, 'no channel'],
      ['lock_now', {}, 'no channel'],
      ['enable_lock', { password: 'new' }, 'channel'],
      ['disable_lock', { password: 'old' }, 'channel'],
      ['change_lock_password', { oldPassword: 'old', newPassword: 'new' }, 'no channel'],
      ['set_storage', { kind: 'file', password: 'pw' }, 'channel'],
      ['note_activity', {}, 'no channel'],
      ['show_unlock', {}, 'no channel'],
      ['auto_backup_status', {}, 'no channel'],
      ['choose_backup_folder', {}, 'no channel'],
      ['set_auto_backup', { folder: '/backups', password: null, keep: 10 }, 'no channel'],
      ['turn_off_auto_backup', {}, 'no channel'],
      ['backup_now', {}, 'no channel'],
      ['open_restore_file', {}, 'no channel'],
      ['unlock_restore', { password: 'pw' }, 'no channel'],
      ['finish_restore', { replace: [1, 3] }, 'no channel'],
      ['cancel_restore', {}, 'no channel'],
    ]);
  });

  it('keep the error codes of the lock, and the sentence of a code this UI does not know', () => {
    expect(ipc.toIpcError({ code: 'locked', message: 'Tock is locked; unlock it first.' }).code).toBe('locked');
    expect(ipc.toIpcError({ code: 'wrong-password', message: 'Wrong password.' }).code).toBe('wrong-password');
    expect(ipc.toIpcError({ code: 'wait', message: 'Wait 3 s before trying again.' })).toEqual({
      code: 'wait',
      message: 'Wait 3 s before trying again.',
    });
    expect(ipc.toIpcError({ code: 'newer', message: 'Something new.' })).toEqual({ code: 'internal', message: 'Something new.' });
  });

  it('reject with an IpcError', async () => {
    mockIPC(() => {
      throw 'plain string failure';
    });
    await expect(ipc.listAccounts()).rejects.toEqual({ code: 'internal', message: 'plain string failure' });
    mockIPC(() => Promise.reject({ code: 'keychain', message: 'The keychain is locked.' }));
    await expect(ipc.getCodes()).rejects.toEqual({ code: 'keychain', message: 'The keychain is locked.' });
  });
});
