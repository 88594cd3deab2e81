// A fake Rust backend for component tests, built on Tauri's IPC mocks.
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import type { AccountView } from '../lib/bindings/AccountView';
import type { ClockStatus } from '../lib/bindings/ClockStatus';
import type { CodesSnapshot } from '../lib/bindings/CodesSnapshot';
import type { CodeView } from '../lib/bindings/CodeView';
import type { ImportProgress } from '../lib/bindings/ImportProgress';
import type { ImportReview } from '../lib/bindings/ImportReview';
import type { IpcError } from '../lib/bindings/IpcError';
import type { LockStatus } from '../lib/bindings/LockStatus';
import type { MoveProgress } from '../lib/bindings/MoveProgress';
import type { RelinkStep } from '../lib/bindings/RelinkStep';
import type { RelinkView } from '../lib/bindings/RelinkView';
import type { ReviewEntry } from '../lib/bindings/ReviewEntry';
import type { ScannedAccount } from '../lib/bindings/ScannedAccount';
import type { ScanReport } from '../lib/bindings/ScanReport';
import type { Settings } from '../lib/bindings/Settings';
import type { StepCode } from '../lib/bindings/StepCode';
import type { Troubleshoot } from '../lib/bindings/Troubleshoot';

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
    signIn: null,
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
        case 'get_moves':
          return { verified: [], relinks: [] };
        case 'get_clock':
          return clockStatus();
        case 'lock_status':
          return lockStatus();
        case 'ui_painted':
        case 'cancel_import':
        case 'move_account':
        case 'delete_account':
        case 'discard_scanned':
        case 'note_activity':
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

// Moving accounts: the import review, the transfer codes and the progress Rust keeps.

/** An entry of an import review. */
export function reviewEntry(overrides: Partial<ReviewEntry> & { index: number }): ReviewEntry {
  return {
    issuer: 'Example',
    name: `user${overrides.index}`,
    kind: 'totp',
    digits: 6,
    period: 30,
    status: 'new',
    reason: null,
    existing: null,
    ...overrides,
  };
}

export function importReview(entries: ReviewEntry[], overrides: Partial<ImportReview> = {}): ImportReview {
  return { format: 'Aegis', entries, unreadable: [], ...overrides };
}

/** What finish_import gets to report progress on (Tauri's Channel: the test calls onmessage as Rust would send). */
export type ProgressChannel = { onmessage: (progress: ImportProgress) => void };

/** A transfer QR code (its SVG a stand-in: the test only checks it reaches the image). */
export function transferCode(title: string, accountIds: string[]): { svg: string; title: string; accountIds: string[] } {
  return { svg: `<svg xmlns="http://www.w3.org/2000/svg"><title>${title}</title></svg>`, title, accountIds };
}

/**
 * The move commands over progress kept in memory, with Rust's rules (tock-ops moves.rs): finish_relink
 * refuses until the new account is chosen and enter_code is done, and then deletes the old account from
 * `state.accounts`. `now` is the Unix time start_relink records.
 */
export function moveCommands(
  state: { accounts: AccountView[]; progress?: MoveProgress },
  now = () => 1_740_830_000,
): Record<string, Handler> {
  const progress: MoveProgress = state.progress ?? { verified: [], relinks: [] };
  state.progress = progress;
  const label = (id: string) => {
    const a = state.accounts.find((x) => x.id === id);
    return a ? (a.issuer && a.name ? `${a.issuer} (${a.name})` : a.issuer || a.name) : id;
  };
  const relink = (id: unknown): RelinkView => {
    const r = progress.relinks.find((x) => x.id === id);
    if (!r) throw { code: 'not_found', message: 'This account has no re-link checklist under way; start one first.' };
    return r;
  };
  const answer = () => structuredClone(progress);
  return {
    get_moves: answer,
    set_verified: ({ id, verified }) => {
      progress.verified = progress.verified.filter((v) => v !== id);
      if (verified) progress.verified.push(id as string);
      return answer();
    },
    start_relink: ({ id }) => {
      if (!progress.relinks.some((r) => r.id === id)) {
        progress.relinks.push({ id: id as string, label: label(id as string), steps: [], newId: null, startedAt: now() });
      }
      return answer();
    },
    set_relink_step: ({ id, step, done }) => {
      const r = relink(id);
      r.steps = r.steps.filter((s) => s !== step);
      if (done) r.steps.push(step as RelinkStep);
      return answer();
    },
    set_relink_new: ({ id, newId }) => {
      relink(id).newId = (newId as string | null) ?? null;
      return answer();
    },
    finish_relink: ({ id }) => {
      const r = relink(id);
      if (!r.newId || !r.steps.includes('enter_code')) {
        throw {
          code: 'invalid_input',
          message: 'The old entry is removed only after the new one is chosen and the site accepted its code.',
        };
      }
      state.accounts = state.accounts.filter((a) => a.id !== id);
      progress.relinks = progress.relinks.filter((x) => x.id !== id);
      progress.verified = progress.verified.filter((v) => v !== id);
      return answer();
    },
    cancel_relink: ({ id }) => {
      progress.relinks = progress.relinks.filter((x) => x.id !== id);
      return answer();
    },
  };
}

// The clock check and the troubleshooter.

/** A clock status; by default never measured (what get_clock answers before the first check). */
export function clockStatus(overrides: Partial<ClockStatus> = {}): ClockStatus {
  return {
    offsetMs: null,
    server: null,
    measuredAt: null,
    problem: null,
    correcting: false,
    appliedOffsetMs: 0,
    ...overrides,
  };
}

/** A clock measured at `measuredAt` (Unix seconds), `offsetMs` ahead of the time servers. */
export function measured(offsetMs: number, overrides: Partial<ClockStatus> = {}): ClockStatus {
  return clockStatus({ offsetMs, server: 'time.cloudflare.com:123', measuredAt: 1_740_830_400, ...overrides });
}

/** What Rust emits after the start-up check and every re-measure. */
export async function emitClock(status: ClockStatus): Promise<void> {
  await emit('clock-status', status);
}

/** The settings as Rust's defaults have them. */
export function defaultSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    closeToTray: false,
    startMinimised: false,
    clearAfterSecs: 30,
    nearExpiry: 'warn',
    quickSearchShortcut: 'CommandOrControl+Alt+O',
    checkClockAtStart: true,
    correctClock: false,
    timeServers: ['pool.ntp.org', 'time.cloudflare.com', 'time.google.com'],
    autoLockSecs: 300,
    lockOnSessionLock: true,
    ...overrides,
  };
}

/** The previous, current and next codes of a 30-second account whose current period starts at `startMs`. */
export function stepCodes(codes: [string, string, string], startMs = PERIOD_START_MS): StepCode[] {
  return codes.map((code, i) => ({
    step: i - 1,
    code,
    validFromMs: startMs + (i - 1) * 30_000,
    validUntilMs: startMs + i * 30_000,
  }));
}

/** A troubleshoot answer for `account`: no other entries, a never-measured clock, unless overridden. */
export function troubleshootFor(a: AccountView, overrides: Partial<Troubleshoot> = {}): Troubleshoot {
  return { account: a, clock: clockStatus(), codes: [], hotpNext: [], others: [], ...overrides };
}

// The app lock and the automatic backups (issue 13).

/** A lock status; by default the lock is off and the keychain answers (what lock_status says without a lock). */
export function lockStatus(overrides: Partial<LockStatus> = {}): LockStatus {
  return {
    enabled: false,
    locked: false,
    storage: 'keychain',
    keychain_reachable: true,
    wait_seconds: 0,
    failures: 0,
    ...overrides,
  };
}

/** What Rust emits after every lock, unlock, and turning the lock on or off. */
export async function emitLock(status: LockStatus): Promise<void> {
  await emit('lock-changed', status);
}
