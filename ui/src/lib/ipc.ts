// The only module that talks to Rust. Every command resolves with its typed
// result or rejects with an IpcError (never anything else), so callers can show
// `error.message` as-is.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { AccountView } from './bindings/AccountView';
import type { AddPreview } from './bindings/AddPreview';
import type { AddRequest } from './bindings/AddRequest';
import type { CodesSnapshot } from './bindings/CodesSnapshot';
import type { ErrorCode } from './bindings/ErrorCode';
import type { IpcError } from './bindings/IpcError';
import type { ScanReport } from './bindings/ScanReport';

const ERROR_CODES: readonly ErrorCode[] = [
  'invalid_input',
  'keychain',
  'storage',
  'not_found',
  'secret_missing',
  'internal',
];

export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === 'string' && ERROR_CODES.includes(v.code as ErrorCode);
}

/** Turns whatever a rejected invoke produced into an IpcError. */
export function toIpcError(reason: unknown): IpcError {
  if (isIpcError(reason)) return { code: reason.code, message: reason.message };
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

export const copyCode = (id: string) => call<null>('copy_code', { id });

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

export function onCodesChanged(handler: (snapshot: CodesSnapshot) => void): Promise<UnlistenFn> {
  return listen<CodesSnapshot>('codes-changed', (event) => handler(event.payload));
}

export function onCodesExpiring(handler: (ids: string[]) => void): Promise<UnlistenFn> {
  return listen<string[]>('codes-expiring', (event) => handler(event.payload));
}

export function onAccountsChanged(handler: (accounts: AccountView[]) => void): Promise<UnlistenFn> {
  return listen<AccountView[]>('accounts-changed', (event) => handler(event.payload));
}

/** Image files dropped on the window were scanned by Rust. */
export function onScanReport(handler: (report: ScanReport) => void): Promise<UnlistenFn> {
  return listen<ScanReport>('scan-report', (event) => handler(event.payload));
}

/** Scanning dropped files failed. */
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
