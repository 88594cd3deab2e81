// A fake Rust backend for component tests, built on Tauri's IPC mocks.
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import type { AccountView } from '../lib/bindings/AccountView';
import type { CodesSnapshot } from '../lib/bindings/CodesSnapshot';
import type { CodeView } from '../lib/bindings/CodeView';
import type { IpcError } from '../lib/bindings/IpcError';
import type { ScannedAccount } from '../lib/bindings/ScannedAccount';
import type { ScanReport } from '../lib/bindings/ScanReport';

export type Call = { cmd: string; args: Record<string, unknown> };
type Handler = (args: Record<string, unknown>) => unknown;

/** 2025-03-01T12:00:00Z: the start of a 30-second period. */
export const PERIOD_START_MS = Date.UTC(2025, 2, 1, 12, 0, 0);

export function account(overrides: Partial<AccountView> & { id: string }): AccountView {
  return {
    issuer: 'Example',
    name: 'alice@example.com',
    kind: 'totp',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    counter: null,
    addedAt: 1_700_000_000,
    notes: '',
    favourite: false,
    backup: { codes: null, risks: ['no_codes'] },
    ...overrides,
  };
}

export function totpCode(id: string, code: string, nextCode: string, validFromMs = PERIOD_START_MS): CodeView {
  return { id, code, nextCode, validFromMs, validUntilMs: validFromMs + 30_000 };
}

export function snapshot(codes: CodeView[], generatedAtMs = PERIOD_START_MS): CodesSnapshot {
  return { generatedAtMs, codes };
}

/**
 * Installs the mock. `accounts` and `codes` answer list_accounts/get_codes;
 * `handlers` override or add commands. Every command call is recorded.
 */
export function fakeBackend(
  state: { accounts: AccountView[]; codes?: CodesSnapshot },
  handlers: Record<string, Handler> = {},
): Call[] {
  const calls: Call[] = [];
  mockWindows('main');
  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args });
      if (handlers[cmd]) return handlers[cmd](args);
      switch (cmd) {
        case 'list_accounts':
          return state.accounts;
        case 'get_codes':
          return state.codes ?? snapshot([]);
        case 'copy_code':
          return { title: 'Code copied', body: 'Valid for 18 seconds.', toast: 'Copied' };
        case 'backup_walkthrough_wanted':
          return false;
        case 'ui_painted':
        case 'move_account':
        case 'delete_account':
        case 'discard_scanned':
          return null;
        default:
          throw { code: 'internal', message: `Unexpected command ${cmd}` };
      }
    },
    { shouldMockEvents: true },
  );
  return calls;
}

export function callsTo(calls: Call[], cmd: string): Array<Record<string, unknown>> {
  return calls.filter((c) => c.cmd === cmd).map((c) => c.args);
}

export async function emitCodes(s: CodesSnapshot): Promise<void> {
  await emit('codes-changed', s);
}

export async function emitExpiring(ids: string[]): Promise<void> {
  await emit('codes-expiring', ids);
}

export async function emitAccounts(accounts: AccountView[]): Promise<void> {
  await emit('accounts-changed', accounts);
}

/** An account found by a scan (no secret: only its token reaches the UI). */
export function scanned(overrides: Partial<ScannedAccount> & { token: string }): ScannedAccount {
  return {
    issuer: 'Example',
    name: 'carol@example.com',
    kind: 'totp',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    counter: null,
    firstCode: '246810',
    duplicates: [],
    ...overrides,
  };
}

export function scanReport(accounts: ScannedAccount[], overrides: Partial<ScanReport> = {}): ScanReport {
  return { source: 'screen', accounts, notes: [], batch: null, ...overrides };
}

/** The account save_scanned returns for a scanned one. */
export function savedAccount(s: ScannedAccount, id: string, addedAt = 1_740_830_400): AccountView {
  return account({
    id,
    issuer: s.issuer,
    name: s.name,
    kind: s.kind,
    algorithm: s.algorithm,
    digits: s.digits,
    period: s.period,
    counter: s.counter,
    addedAt,
  });
}

/** A promise to settle later: for observing a command while it is under way. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (reason: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** What Rust emits after scanning files dropped on the window. */
export async function emitScanReport(report: ScanReport): Promise<void> {
  await emit('scan-report', report);
}

export async function emitScanError(error: IpcError): Promise<void> {
  await emit('scan-error', error);
}
