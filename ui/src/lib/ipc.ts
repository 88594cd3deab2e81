// The only module that talks to Rust. Every command resolves with its typed
// result or rejects with an IpcError (never anything else), so callers can show
// `error.message` as-is.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { AccountView } from './bindings/AccountView';
import type { AddPreview } from './bindings/AddPreview';
import type { AddRequest } from './bindings/AddRequest';
import type { AutoBackupStatus } from './bindings/AutoBackupStatus';
import type { BackupFile } from './bindings/BackupFile';
import type { BackupCodeView } from './bindings/BackupCodeView';
import type { CameraEvent } from './bindings/CameraEvent';
import type { CameraInfo } from './bindings/CameraInfo';
import type { ClockStatus } from './bindings/ClockStatus';
import type { CodesSnapshot } from './bindings/CodesSnapshot';
import type { CopyReport } from './bindings/CopyReport';
import type { ErrorCode } from './bindings/ErrorCode';
import type { ExportDone } from './bindings/ExportDone';
import type { ExportFormatName } from './bindings/ExportFormatName';
import type { ImportDone } from './bindings/ImportDone';
import type { ImportOpened } from './bindings/ImportOpened';
import type { ImportProgress } from './bindings/ImportProgress';
import type { ImportReview } from './bindings/ImportReview';
import type { IpcError } from './bindings/IpcError';
import type { LockStatus } from './bindings/LockStatus';
import type { MoveProgress } from './bindings/MoveProgress';
import type { ProgressStep } from './bindings/ProgressStep';
import type { RecognisedCodes } from './bindings/RecognisedCodes';
import type { RelinkStep } from './bindings/RelinkStep';
import type { RestoreOpened } from './bindings/RestoreOpened';
import type { RestoreReport } from './bindings/RestoreReport';
import type { RestoreReview } from './bindings/RestoreReview';
import type { ScanReport } from './bindings/ScanReport';
import type { Settings } from './bindings/Settings';
import type { SettingsView } from './bindings/SettingsView';
import type { ShortcutStatus } from './bindings/ShortcutStatus';
import type { SignInMethod } from './bindings/SignInMethod';
import type { StorageKind } from './bindings/StorageKind';
import type { TransferCodes } from './bindings/TransferCodes';
import type { TransferMode } from './bindings/TransferMode';
import type { Troubleshoot } from './bindings/Troubleshoot';
import type { UsedBackupCode } from './bindings/UsedBackupCode';

const ERROR_CODES: readonly ErrorCode[] = [
  'invalid_input',
  'keychain',
  'storage',
  'not_found',
  'secret_missing',
  'internal',
  'locked',
  'wrong-password',
  'wait',
];

export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === 'string' && ERROR_CODES.includes(v.code as ErrorCode);
}

/** Turns whatever a rejected invoke produced into an IpcError. */
export function toIpcError(reason: unknown): IpcError {
  if (isIpcError(reason)) return { code: reason.code, message: reason.message };
  // A code this UI does not know yet: Rust's sentence is still the best thing to show.
  if (typeof reason === 'object' && reason !== null) {
    const message = (reason as Record<string, unknown>).message;
    if (typeof message === 'string' && message.trim() !== '') return { code: 'internal', message };
  }
  if (typeof reason === 'string' && reason.trim() !== '') {
    return { code: 'internal', message: reason };
  }
  if (reason instanceof Error && reason.message) {
    return { code: 'internal', message: reason.message };
  }
  return { code: 'internal', message: 'Something went wrong. Please try again.' };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toIpcError(reason);
  }
}

export const listAccounts = () => call<AccountView[]>('list_accounts');

export const getCodes = () => call<CodesSnapshot>('get_codes');

export const previewAdd = (request: AddRequest) =>
  call<AddPreview>('preview_add', { request });

export const addAccount = (request: AddRequest) =>
  call<AccountView>('add_account', { request });

export const renameAccount = (id: string, issuer: string, name: string) =>
  call<AccountView>('rename_account', { id, issuer, name });

export const moveAccount = (id: string, to: number) =>
  call<null>('move_account', { id, to });

export const deleteAccount = (id: string) => call<null>('delete_account', { id });

/** Copies the code (marked as sensitive, cleared later); the report says how long it is valid, never the code. */
export const copyCode = (id: string) => call<CopyReport>('copy_code', { id });

/** Pins an account to the top of the tray menu and the quick search, or unpins it. */
export const setFavourite = (id: string, favourite: boolean) =>
  call<AccountView>('set_favourite', { id, favourite });

/** The accounts in quick-access order: favourites, recently used, the rest. */
export const quickAccounts = () => call<AccountView[]>('quick_accounts');

/** Hides the quick search window. */
export const closePalette = () => call<null>('close_palette');

export const getSettings = () => call<SettingsView>('get_settings');

/** Saves and applies the settings; the view says whether the shortcut could be registered. */
export const saveSettings = (settings: Settings) => call<SettingsView>('save_settings', { settings });

/** The desktop answered whether the quick-search shortcut may be registered (Wayland's portal). */
export function onShortcutStatus(handler: (status: ShortcutStatus) => void): Promise<UnlistenFn> {
  return listen<ShortcutStatus>('shortcut-status', (event) => handler(event.payload));
}

/** The quick search window was shown again (by the shortcut or `tock --quick-search`). */
export function onPaletteOpened(handler: () => void): Promise<UnlistenFn> {
  return listen('palette-opened', () => handler());
}

/** Tells Rust the first codes are on screen (start-up benchmark; a no-op otherwise). */
export const uiPainted = () => call<null>('ui_painted');

/** Hides the window, captures every monitor, shows the window again and decodes the QR codes. */
export const scanScreen = () => call<ScanReport>('scan_screen');

/** Decodes an image on the clipboard, or takes an otpauth:// text from it. */
export const scanClipboard = () => call<ScanReport>('scan_clipboard');

/** Saves a scanned account; `replace` removes the accounts listed in its `duplicates` first. */
export const saveScanned = (token: string, replace: boolean) =>
  call<AccountView>('save_scanned', { token, replace });

/** Forgets a scanned account (its secret is dropped in Rust). */
export const discardScanned = (token: string) => call<null>('discard_scanned', { token });

/** The cameras to choose from. */
export const listCameras = () => call<CameraInfo[]>('list_cameras');

/**
 * Opens a camera (stopping any other) and scans its frames: `onFrame` gets each
 * preview as JPEG bytes, `onEvent` the codes in view, the report once an
 * authenticator code is read, or a failure. Resolves once the camera is open.
 */
export function startCamera(
  camera: string,
  onFrame: (jpeg: ArrayBuffer) => void,
  onEvent: (event: CameraEvent) => void,
): Promise<null> {
  const events = new Channel<ArrayBuffer | CameraEvent>((message) => {
    if (message instanceof ArrayBuffer) onFrame(message);
    else onEvent(message);
  });
  return call<null>('start_camera', { camera, events });
}

/** Stops scanning; resolves once the camera is released. */
export const stopCamera = () => call<null>('stop_camera');

export function onCodesChanged(handler: (snapshot: CodesSnapshot) => void): Promise<UnlistenFn> {
  return listen<CodesSnapshot>('codes-changed', (event) => handler(event.payload));
}

export function onCodesExpiring(handler: (ids: string[]) => void): Promise<UnlistenFn> {
  return listen<string[]>('codes-expiring', (event) => handler(event.payload));
}

export function onAccountsChanged(handler: (accounts: AccountView[]) => void): Promise<UnlistenFn> {
  return listen<AccountView[]>('accounts-changed', (event) => handler(event.payload));
}

/** Shows the open dialog (from Rust); the chosen images are scanned like dropped ones. False if none was chosen. */
export const openImageFiles = () => call<boolean>('open_image_files');

/** Rust began decoding image files (dropped on the window or chosen in the open dialog), named in the payload. */
export function onScanStarted(handler: (files: string) => void): Promise<UnlistenFn> {
  return listen<string>('scan-started', (event) => handler(event.payload));
}

/** Image files dropped on the window or chosen in the open dialog were scanned by Rust. */
export function onScanReport(handler: (report: ScanReport) => void): Promise<UnlistenFn> {
  return listen<ScanReport>('scan-report', (event) => handler(event.payload));
}

/** Scanning dropped or opened files failed. */
export function onScanError(handler: (error: IpcError) => void): Promise<UnlistenFn> {
  return listen<unknown>('scan-error', (event) => handler(toIpcError(event.payload)));
}

/**
 * Files dragged over the window (true) or gone again (false, also after the
 * drop). Tauri handles the drop itself, so the page sees no HTML drag events.
 */
export async function onDragHover(handler: (hovering: boolean) => void): Promise<UnlistenFn> {
  const stops = await Promise.all([
    listen('tauri://drag-enter', () => handler(true)),
    listen('tauri://drag-over', () => handler(true)),
    listen('tauri://drag-leave', () => handler(false)),
    listen('tauri://drag-drop', () => handler(false)),
  ]);
  // Each unlisten is asynchronous: report failures to the caller as one promise.
  return () => Promise.all(stops.map((stop) => stop())).then(() => undefined);
}

// Backup codes. Codes cross only in the flows where the person handles them (pasting, checking what was
// recognised, asking to see them); using one copies it in Rust; files are chosen and written by Rust.

/** Finds the codes in pasted text. */
export const recogniseBackupCodes = (text: string) => call<RecognisedCodes>('recognise_backup_codes', { text });

/** Opens the native file dialog and reads the codes from the chosen file (null: cancelled). */
export const openBackupCodesFile = () => call<RecognisedCodes | null>('open_backup_codes_file');

/** Stores the checked codes; `replace` must be set to replace a stored set. */
export const saveBackupCodes = (id: string, codes: string[], replace: boolean) =>
  call<AccountView>('save_backup_codes', { id, codes, replace });

/** The stored codes (shown when the person asks). */
export const revealBackupCodes = (id: string) => call<BackupCodeView[]>('reveal_backup_codes', { id });

/** Marks `code` (or the next unused one) used and copies it to the clipboard. */
export const useBackupCode = (id: string, code: string | null) =>
  call<UsedBackupCode>('use_backup_code', { id, code });

/** Records where the copy away from this computer is kept. */
export const confirmBackupOffline = (id: string, place: string) =>
  call<AccountView>('confirm_backup_offline', { id, place });

export const backupWalkthroughWanted = () => call<boolean>('backup_walkthrough_wanted');

export const setBackupWalkthrough = (ask: boolean) => call<null>('set_backup_walkthrough', { ask });

/** Saves an offline copy through the native save dialog; resolves to the file's path (null: cancelled). */
export const exportBackupCodes = (id: string, format: 'txt' | 'html') =>
  call<string | null>('export_backup_codes', { id, format });

/** Opens the HTML sheet saved last in the browser, to print it. */
export const openBackupSheet = () => call<null>('open_backup_sheet');

// Moving accounts: imports from other authenticators, exports, showing QR codes for a phone and the
// progress checklists. No secret crosses, except the QR images of transferCodes (shown after confirmation).

/** Shows the native open dialog and reads the export file (null: cancelled). Rejects for an unknown format. */
export const openImportFile = () => call<ImportOpened | null>('open_import_file');

/** Decrypts the pending encrypted export; a wrong password rejects (invalid_input) and the file stays pending. */
export const unlockImport = (password: string) => call<ImportReview>('unlock_import', { password });

/**
 * Adds the chosen entries (ReviewEntry.index values) of the pending export, all or nothing. `onProgress`
 * gets {done, total} while the secrets are stored.
 */
export function finishImport(selected: number[], onProgress: (progress: ImportProgress) => void): Promise<ImportDone> {
  return call<ImportDone>('finish_import', { selected, onProgress: new Channel<ImportProgress>(onProgress) });
}

/** Forgets the pending export (the import dialog closed without importing). */
export const cancelImport = () => call<null>('cancel_import');

/**
 * Writes the accounts (`ids` empty: every account) to a file chosen in the native save dialog (null:
 * cancelled). `password` is required for the encrypted Aegis format, null otherwise.
 */
export const exportAccounts = (format: ExportFormatName, ids: string[], password: string | null) =>
  call<ExportDone | null>('export_accounts', { format, ids, password });

/** The QR codes that move the accounts to a phone (they hold the secrets: ask before calling). */
export const transferCodes = (ids: string[], mode: TransferMode) =>
  call<TransferCodes>('transfer_codes', { ids, mode });

/** Which accounts were confirmed on the other device, and the re-link checklists under way. */
export const getMoves = () => call<MoveProgress>('get_moves');

/** Records (or takes back) that the other device shows the same code for `id`. */
export const setVerified = (id: string, verified: boolean) =>
  call<MoveProgress>('set_verified', { id, verified });

/** Starts a re-link checklist for the account `id` (one already under way is kept). */
export const startRelink = (id: string) => call<MoveProgress>('start_relink', { id });

/** Ticks (or unticks) a step of `id`'s re-link checklist. */
export const setRelinkStep = (id: string, step: RelinkStep, done: boolean) =>
  call<MoveProgress>('set_relink_step', { id, step, done });

/** Chooses the account (added after the re-link started) that replaces `id`, or none. */
export const setRelinkNew = (id: string, newId: string | null) =>
  call<MoveProgress>('set_relink_new', { id, newId });

/** Removes the old account `id` and its checklist; rejects unless the new one is chosen and its code accepted. */
export const finishRelink = (id: string) => call<MoveProgress>('finish_relink', { id });

/** Forgets `id`'s re-link checklist (nothing is deleted). */
export const cancelRelink = (id: string) => call<MoveProgress>('cancel_relink', { id });

// The clock check, the "Code not accepted?" troubleshooter and the sign-in notes.

/** The last measurement of this computer's clock (no network; never measured: offsetMs null). */
export const getClock = () => call<ClockStatus>('get_clock');

/** Measures the clock now (a few seconds at most); a failure comes back in `problem`, it does not reject. */
export const checkClock = () => call<ClockStatus>('check_clock');

/** Turns on (or off) computing codes at the corrected time. */
export const setClockCorrection = (on: boolean) => call<ClockStatus>('set_clock_correction', { on });

/** The clock was measured (at start-up, if the settings say so, and after every re-measure). */
export function onClockStatus(handler: (status: ClockStatus) => void): Promise<UnlistenFn> {
  return listen<ClockStatus>('clock-status', (event) => handler(event.payload));
}

/** What the troubleshooter shows for `id`: the clock, the codes around now, the other entries for the site. */
export const troubleshoot = (id: string) => call<Troubleshoot>('troubleshoot', { id });

/** Records how the person signs in to the site (null: not said) and the account's notes. */
export const setSignIn = (id: string, method: SignInMethod | null, notes: string) =>
  call<AccountView>('set_sign_in', { id, method, notes });

// The app lock, the storage of the secrets (keychain or encrypted file) and the automatic backups (issue 13).
// Passwords cross inward only, and the UI keeps them no longer than its input fields do.

/** Whether the lock is on, whether Tock is locked now, where the secrets are and how long to wait. */
export const lockStatus = () => call<LockStatus>('lock_status');

/**
 * Unlocks with the lock password. Rejects with `wrong-password` or `wait` (the message names the wait);
 * lockStatus() then says how many seconds to wait.
 */
export const unlock = (password: string) => call<LockStatus>('unlock', { password });

/** Locks now (Ctrl+L, the header's button); Rust sends lock-changed. */
export const lockNow = () => call<null>('lock_now');

/** Turns the lock on with a new password; `onProgress` gets {done, total} while the secrets are re-encrypted. */
export function enableLock(password: string, onProgress: (step: ProgressStep) => void): Promise<LockStatus> {
  return call<LockStatus>('enable_lock', { password, onProgress: new Channel<ProgressStep>(onProgress) });
}

/** Turns the lock off (the current password); `onProgress` as for enableLock. */
export function disableLock(password: string, onProgress: (step: ProgressStep) => void): Promise<LockStatus> {
  return call<LockStatus>('disable_lock', { password, onProgress: new Channel<ProgressStep>(onProgress) });
}

export const changeLockPassword = (oldPassword: string, newPassword: string) =>
  call<null>('change_lock_password', { oldPassword, newPassword });

/**
 * Moves the secrets to the keychain or to the encrypted file. Moving to the file with the lock off:
 * `password` is the new lock password; otherwise the current one.
 */
export function setStorage(
  kind: StorageKind,
  password: string,
  onProgress: (step: ProgressStep) => void,
): Promise<LockStatus> {
  return call<LockStatus>('set_storage', { kind, password, onProgress: new Channel<ProgressStep>(onProgress) });
}

/** The person used the window (at most once per 20 s): Rust's idle timer starts again. */
export const noteActivity = () => call<null>('note_activity');

/** Shows the main window on its lock screen and closes the quick search (the palette's "Unlock…"). */
export const showUnlock = () => call<null>('show_unlock');

/** Tock was locked or unlocked, or the lock turned on or off (also by the idle timer, the session, the tray). */
export function onLockChanged(handler: (status: LockStatus) => void): Promise<UnlistenFn> {
  return listen<LockStatus>('lock-changed', (event) => handler(event.payload));
}

/** The automatic backups: folder, copies kept, the last one, its error, the files (newest first). */
export const autoBackupStatus = () => call<AutoBackupStatus>('auto_backup_status');

/** The native folder dialog (in Rust); null: cancelled. */
export const chooseBackupFolder = () => call<string | null>('choose_backup_folder');

/** Turns the automatic backups on or changes them; `password` null keeps the stored one (required the first time). */
export const setAutoBackup = (folder: string, password: string | null, keep: number) =>
  call<AutoBackupStatus>('set_auto_backup', { folder, password, keep });

export const turnOffAutoBackup = () => call<AutoBackupStatus>('turn_off_auto_backup');

/** Writes a backup now. */
export const backupNow = () => call<BackupFile>('backup_now');

/** The native open dialog for a backup file (always encrypted); null: cancelled. */
export const openRestoreFile = () => call<RestoreOpened | null>('open_restore_file');

/** Decrypts the chosen backup and compares it with the vault; `wrong-password` can be retried. */
export const unlockRestore = (password: string) => call<RestoreReview>('unlock_restore', { password });

/** Adds every "add" entry and replaces the accounts of the `replace` indices; "same" ones are left alone. */
export const finishRestore = (replace: number[]) => call<RestoreReport>('finish_restore', { replace });

/** Forgets the backup file chosen (the restore dialog closed without restoring). */
export const cancelRestore = () => call<null>('cancel_restore');
