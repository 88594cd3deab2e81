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

  it('reject with an IpcError', async () => {
    mockIPC(() => {
      throw 'plain string failure';
    });
    await expect(ipc.listAccounts()).rejects.toEqual({ code: 'internal', message: 'plain string failure' });
    mockIPC(() => Promise.reject({ code: 'keychain', message: 'The keychain is locked.' }));
    await expect(ipc.getCodes()).rejects.toEqual({ code: 'keychain', message: 'The keychain is locked.' });
  });
});
