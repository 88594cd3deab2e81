// Application state (Svelte 5 runes). One TockStore per mounted App, shared
// with components through context.
import { getContext, setContext, tick } from 'svelte';
import type { AccountView } from './bindings/AccountView';
import type { AddRequest } from './bindings/AddRequest';
import type { AutoBackupStatus } from './bindings/AutoBackupStatus';
import type { ClockStatus } from './bindings/ClockStatus';
import type { CodeView } from './bindings/CodeView';
import type { CodesSnapshot } from './bindings/CodesSnapshot';
import type { ImportDone } from './bindings/ImportDone';
import type { LockStatus } from './bindings/LockStatus';
import type { ScanReport } from './bindings/ScanReport';
import type { SignInMethod } from './bindings/SignInMethod';
import { BackupFlow } from './backupFlow.svelte';
import { countdownFor, type Countdown } from './countdown';
import { accountTitle } from './format';
import * as ipc from './ipc';
import { ActivityThrottle } from './lock';
import type { MoveTab } from './move';
import { hasContent, mergeReport, pendingItems, type Review, type ScanSource } from './scan';

/** `expiring`: in the last seconds of its period (next code shown, ring in its warning colour). */
export type CodeState = { view: CodeView; countdown: Countdown | null; expiring: boolean };

export type DialogState =
  | { kind: 'add'; uri: string }
  | { kind: 'rename'; id: string }
  | { kind: 'delete'; id: string }
  | { kind: 'scan' }
  | { kind: 'settings' }
  /** `resume`: opened from the review to scan the next code of a transfer export, which joins that review. */
  | { kind: 'camera'; resume: boolean }
  /** Moving accounts to or from another device (the tab shown; `relinkId`: the account to re-link, chosen). */
  | { kind: 'move'; tab: MoveTab; relinkId?: string }
  | { kind: 'import' }
  | { kind: 'export' }
  /** "Code not accepted?" for an account. */
  | { kind: 'troubleshoot'; id: string }
  /** How the person signs in to an account's site, and its notes. */
  | { kind: 'sign-in'; id: string }
  /** Moving the secrets to the encrypted file (offered when there is no keychain). */
  | { kind: 'file-vault'; back?: 'settings' }
  /** The automatic backups; `back`: the Settings dialog comes back when it closes. */
  | { kind: 'auto-backup'; back?: 'settings' }
  /** Restoring an automatic backup; `back`: the dialog that comes back when it closes. */
  | { kind: 'restore'; back: DialogState }
  | null;

/** How long a copied row offers "Code not accepted?" (a code lasts 30 s; the site answers soon after). */
export const COPY_HINT_MS = 90_000;

export type Toast = { seq: number; text: string };

/** Accounts whose issuer or name contain every word of the query (case-insensitive). */
export function filterAccounts(accounts: AccountView[], query: string): AccountView[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return accounts;
  return accounts.filter((a) => {
    const haystack = `${a.issuer} ${a.name}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

export class TockStore {
  accounts = $state<AccountView[]>([]);
  codes = $state<Record<string, CodeState>>({});
  /** False until the first list_accounts answer (avoids flashing the empty state). */
  loaded = $state(false);
  query = $state('');
  /** Message of the last failed command, shown in the alert banner. */
  error = $state<string | null>(null);
  /** Success hint shown after adding an account. */
  notice = $state<string | null>(null);
  toast = $state<Toast | null>(null);
  dialog = $state<DialogState>(null);
  /** The backup-code dialogs (walk-through after enrolment, an account's codes, readiness). */
  backup = new BackupFlow();
  /**
   * The Move dialog opened another dialog (a scan, the import, the backup-code walk-through): once no dialog
   * is left, the Move dialog comes back on this tab (App does it).
   */
  returnToMove = $state<MoveTab | null>(null);
  /**
   * The troubleshooter opened another dialog (renaming or removing another entry, the sign-in notes): once
   * no dialog is left, it comes back for this account (App does it).
   */
  returnToTroubleshoot = $state<string | null>(null);
  /** The last clock measurement (get_clock at start, clock-status events, checks); null until known. */
  clock = $state<ClockStatus | null>(null);
  /** A check of the clock is under way ("Checking the clock…"). */
  checkingClock = $state(false);
  /** Why the last clock check failed: a quiet note, shown once per problem (null: none, or dismissed). */
  clockProblem = $state<string | null>(null);
  /** The measurement (measuredAt) whose banner was dismissed: it stays away until the next one. */
  clockBannerDismissed = $state<number | null>(null);
  /** The account whose code was copied last: its row offers "Code not accepted?" for a while. */
  copiedId = $state<string | null>(null);
  /** What the scan review dialog shows (while dialog.kind is 'scan'). */
  review = $state<Review | null>(null);
  /** The scan under way, if any (Rust hides the window while capturing the screen). */
  scanning = $state<ScanSource | null>(null);
  /** Files are being dragged over the window. */
  dragging = $state(false);
  /** The open dialog is shown. */
  choosingFiles = $state(false);
  /** The names of the image files being decoded (dropped, or chosen in the open dialog). */
  scanningFiles = $state<string | null>(null);
  /**
   * False until the first codes are painted. Until then the list renders only the rows that fit in the
   * window, so a long list does not delay the first paint (docs/PERFORMANCE.md); the rest follow a frame later.
   */
  firstPaintDone = $state(false);
  /**
   * The app lock (lock_status, lock-changed events); null until known, or when Rust cannot say (then Tock
   * behaves as without a lock: every command would fail with `locked` if it were locked).
   */
  lock = $state<LockStatus | null>(null);
  /** While locked the window shows only the lock screen and holds no account, code or name. */
  locked = $derived(this.lock?.locked ?? false);
  /** The automatic backups (for the readiness view); null until known. */
  autoBackup = $state<AutoBackupStatus | null>(null);

  visible = $derived(filterAccounts(this.accounts, this.query));

  /** Bumped by every snapshot applied, so a slow get_codes answer never overwrites a newer event. */
  #snapshotSeq = 0;
  #toastSeq = 0;
  /** Drops and opened files being decoded (scan-started not yet answered by scan-report or scan-error). */
  #filesPending = 0;
  #stopped = false;
  /** Bumped by every clock status applied, so the start-up get_clock never overwrites a newer event. */
  #clockSeq = 0;
  /** The problem shown last: the same one again (the event after an answer, a re-check) is not shown twice. */
  #problemShown: string | null = null;
  #checking: Promise<ClockStatus> | null = null;
  #copiedTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every lock status applied, so an older lock_status answer never overwrites a newer event. */
  #lockSeq = 0;
  #activity = new ActivityThrottle();

  /** The first load, started by load() (main.ts calls it before mounting, so the IPC overlaps the page's start). */
  #loading: Promise<void> | null = null;

  /**
   * Loads the accounts and their codes and applies both at once, so the window paints its first codes in one
   * frame, not a frame of names followed by a frame of codes. Called once; later calls share the first load.
   */
  load(): Promise<void> {
    this.#loading ??= (async () => {
      // The clock's last measurement (no network) is not waited for: it only matters while codes are corrected,
      // and then it re-times the countdowns when it comes (usually before the codes, which need the keychain).
      void this.loadClock();
      // The lock's status is asked beside the accounts, not before them (one round trip, not two): while
      // locked Rust refuses the accounts and codes, and whatever came is dropped unless the status says unlocked.
      const seq = this.#snapshotSeq;
      const lockSeq = this.#lockSeq;
      const [status, accounts, snapshot] = await Promise.allSettled([
        ipc.lockStatus(),
        ipc.listAccounts(),
        ipc.getCodes(),
      ]);
      if (status.status === 'fulfilled' && lockSeq === this.#lockSeq) this.setLock(status.value);
      if (this.locked) return;
      if (accounts.status === 'fulfilled') this.setAccounts(accounts.value);
      else this.showError(accounts.reason);
      if (snapshot.status === 'fulfilled') {
        if (seq === this.#snapshotSeq) this.applySnapshot(snapshot.value);
      } else this.showError(snapshot.reason);
      if (this.locked) return;
      this.loaded = true;
      void this.loadAutoBackup();
    })();
    return this.#loading;
  }

  /** Subscribes to Rust's events and loads the accounts and codes (see load()). Returns the unsubscribe function. */
  async start(): Promise<() => void> {
    // Subscribing and loading run side by side: one round trip to Rust before the first paint, not two.
    // (An event that arrives first is not lost: a newer snapshot always wins over an older answer.)
    const loading = this.load();
    const subscribing = Promise.allSettled([
      ipc.onCodesChanged((snapshot) => this.applySnapshot(snapshot)),
      ipc.onCodesExpiring((ids) => this.markExpiring(ids)),
      ipc.onAccountsChanged((accounts) => this.setAccounts(accounts)),
      ipc.onScanStarted((files) => this.filesStarted(files)),
      ipc.onScanReport((report) => {
        this.#filesDone();
        this.receiveReport(report);
      }),
      ipc.onScanError((error) => {
        this.#filesDone();
        this.scanFailed(error);
      }),
      ipc.onDragHover((hovering) => (this.dragging = hovering)),
      ipc.onClockStatus((status) => this.setClock(status)),
      ipc.onLockChanged((status) => this.setLock(status)),
    ]);
    // The first codes are painted without waiting for the subscriptions (each is a round trip to Rust).
    await loading;
    await tick();
    // After the next frame, the first codes are painted.
    requestAnimationFrame(() => {
      if (this.#stopped) return;
      ipc.uiPainted().catch(() => {});
      requestAnimationFrame(() => (this.firstPaintDone = true));
    });
    const unlisten: Array<() => void> = [];
    for (const s of await subscribing) {
      if (s.status === 'fulfilled') unlisten.push(s.value);
      else this.showError(ipc.toIpcError(s.reason));
    }
    return () => {
      this.#stopped = true;
      clearTimeout(this.#copiedTimer);
      for (const stop of unlisten) {
        // Unlistening is asynchronous; a failure while closing is of no interest.
        Promise.resolve()
          .then(stop)
          .catch(() => {});
      }
    };
  }

  async loadAccounts(): Promise<void> {
    try {
      this.setAccounts(await ipc.listAccounts());
    } catch (e) {
      this.showError(e);
    } finally {
      this.loaded = true;
    }
  }

  async refreshCodes(): Promise<void> {
    const seq = this.#snapshotSeq;
    try {
      const snapshot = await ipc.getCodes();
      if (seq === this.#snapshotSeq) this.applySnapshot(snapshot);
    } catch (e) {
      this.showError(e);
    }
  }

  setAccounts(accounts: AccountView[]): void {
    if (this.locked) return;
    this.accounts = accounts;
    this.loaded = true;
  }

  /**
   * The time codes are made for (Unix ms): this computer's clock, corrected by the measured offset while
   * Rust corrects the codes. Every countdown runs on it, so the rings change with the codes.
   */
  now(): number {
    return Date.now() - this.#appliedOffsetMs();
  }

  #appliedOffsetMs(): number {
    return this.clock?.correcting ? this.clock.appliedOffsetMs : 0;
  }

  /**
   * Takes a new snapshot. The countdown of a code that did not change is kept
   * as it was, so its CSS animation is not disturbed; a changed code gets a
   * fresh countdown (and its animation restarts).
   */
  applySnapshot(snapshot: CodesSnapshot, nowMs: number = this.now()): void {
    if (this.locked) return;
    this.#snapshotSeq++;
    this.#applyCodes(snapshot.codes, nowMs);
  }

  #applyCodes(views: CodeView[], nowMs: number): void {
    // The offset is part of the key: when the correction changes, every ring restarts on the new time.
    const offset = this.#appliedOffsetMs();
    const next: Record<string, CodeState> = {};
    for (const view of views) {
      const previous = this.codes[view.id];
      let countdown = countdownFor(view, nowMs);
      if (countdown && offset !== 0) countdown.key += `~${offset}`;
      const unchanged = countdown && previous?.countdown?.key === countdown.key;
      if (unchanged) countdown = previous!.countdown;
      const expiring = (countdown?.expiring ?? false) || (unchanged ? previous!.expiring : false);
      next[view.id] = { view, countdown, expiring };
    }
    this.codes = next;
  }

  /**
   * Takes a clock status (get_clock, a clock-status event, a check's answer). A problem is shown once;
   * `asked`: the person asked for this check, so its problem is shown again. A new correction re-times
   * the countdowns.
   */
  setClock(status: ClockStatus, asked = false): void {
    this.#clockSeq++;
    const before = this.#appliedOffsetMs();
    this.clock = status;
    if (status.problem === null) {
      this.clockProblem = null;
      this.#problemShown = null;
    } else if (asked || status.problem !== this.#problemShown) {
      this.clockProblem = status.problem;
      this.#problemShown = status.problem;
    }
    if (this.#appliedOffsetMs() !== before) {
      this.#applyCodes(
        Object.values(this.codes).map((c) => c.view),
        this.now(),
      );
    }
  }

  /** The last measurement, from Rust (no network). A failure leaves the clock unknown: nothing to tell. */
  async loadClock(): Promise<void> {
    const seq = this.#clockSeq;
    try {
      const status = await ipc.getClock();
      if (seq === this.#clockSeq) this.setClock(status);
    } catch {
      // The clock check is an extra: without it the window works as before.
    }
  }

  /**
   * Measures the clock now (network failures come back in `problem`). Checks asked for at the same time
   * share one measurement. Rejects with the IpcError.
   */
  checkClock(asked = false): Promise<ClockStatus> {
    this.#checking ??= (async () => {
      this.checkingClock = true;
      try {
        const status = await ipc.checkClock();
        this.setClock(status, asked);
        return status;
      } finally {
        this.checkingClock = false;
        this.#checking = null;
      }
    })();
    return this.#checking;
  }

  /** Turns the correction of Tock's codes on or off; the codes are fetched again. Rejects with the IpcError. */
  async setClockCorrection(on: boolean): Promise<ClockStatus> {
    const status = await ipc.setClockCorrection(on);
    this.setClock(status);
    // Rust also emits codes-changed; fetching once more makes sure the codes match the new time.
    void this.refreshCodes();
    return status;
  }

  /** Rust says these codes change within the next seconds: show their next code, warn on their ring. */
  markExpiring(ids: string[]): void {
    if (this.locked) return;
    const next = { ...this.codes };
    for (const id of ids) {
      const current = next[id];
      if (current?.countdown && !current.expiring) next[id] = { ...current, expiring: true };
    }
    this.codes = next;
  }

  account(id: string): AccountView | undefined {
    return this.accounts.find((a) => a.id === id);
  }

  showError(e: unknown): void {
    const error = ipc.toIpcError(e);
    // Locked meanwhile (the idle timer, the tray): the lock screen says it better than a banner.
    if (error.code === 'locked') {
      // If Rust cannot say whether it is locked, the sentence is all there is to show.
      void this.refreshLock().then((status) => {
        if (!status) this.error = error.message;
      });
      return;
    }
    this.error = error.message;
  }

  /**
   * Takes a lock status (lock_status, a lock-changed event, an unlock's answer). Locked: every account,
   * code, name and dialog is dropped. Unlocked after being locked: everything is loaded again, as at start-up.
   */
  setLock(status: LockStatus): void {
    this.#lockSeq++;
    const wasLocked = this.locked;
    this.lock = status;
    if (status.locked) this.#dropData();
    else if (wasLocked) void this.reload();
  }

  /** Asks Rust whether Tock is locked (after a command failed with `locked`). Null if it cannot say. */
  async refreshLock(): Promise<LockStatus | null> {
    const seq = this.#lockSeq;
    try {
      const status = await ipc.lockStatus();
      if (seq === this.#lockSeq) this.setLock(status);
      return status;
    } catch {
      return null;
    }
  }

  /** Unlocks with the password (the accounts are loaded again). Rejects with the IpcError, for the lock screen. */
  async unlock(password: string): Promise<LockStatus> {
    const status = await ipc.unlock(password);
    this.setLock(status);
    return status;
  }

  /** Locks now (Ctrl+L, the header's button); the data goes at once, without waiting for lock-changed. */
  async lockNow(): Promise<void> {
    if (!this.lock?.enabled || this.locked) return;
    try {
      await ipc.lockNow();
      if (this.lock && !this.locked) this.setLock({ ...this.lock, locked: true, wait_seconds: 0 });
    } catch (e) {
      this.showError(e);
    }
  }

  /** The person used the window: tells Rust's idle timer, at most once per 20 s, only while the lock is on. */
  noteActivity(nowMs = Date.now()): void {
    if (!this.lock?.enabled || this.lock.locked) return;
    if (!this.#activity.due(nowMs)) return;
    ipc.noteActivity().catch(() => {});
  }

  /** Loads the accounts and codes again (after unlocking, or after moving the secrets to another storage). */
  async reload(): Promise<void> {
    const seq = this.#snapshotSeq;
    const [accounts, snapshot] = await Promise.allSettled([ipc.listAccounts(), ipc.getCodes()]);
    if (this.locked) return;
    if (accounts.status === 'fulfilled') this.setAccounts(accounts.value);
    else this.showError(accounts.reason);
    if (snapshot.status === 'fulfilled') {
      if (seq === this.#snapshotSeq) this.applySnapshot(snapshot.value);
    } else this.showError(snapshot.reason);
    if (this.locked) return;
    this.loaded = true;
    void this.loadAutoBackup();
  }

  /** Forgets everything about the accounts (the lock came on): names, codes, dialogs, messages that name them. */
  #dropData(): void {
    this.#snapshotSeq++;
    this.accounts = [];
    this.codes = {};
    this.loaded = false;
    this.query = '';
    this.dialog = null;
    this.review = null;
    this.returnToMove = null;
    this.returnToTroubleshoot = null;
    this.backup.queue = [];
    this.backup.opened = null;
    this.copiedId = null;
    clearTimeout(this.#copiedTimer);
    this.notice = null;
    this.toast = null;
    this.error = null;
    this.scanningFiles = null;
    this.autoBackup = null;
    this.#activity.reset();
  }

  /** The automatic backups' status, for the readiness view; a failure leaves it unknown (not counted). */
  async loadAutoBackup(): Promise<void> {
    try {
      const status = await ipc.autoBackupStatus();
      if (!this.locked) this.autoBackup = status;
    } catch {
      // Older Rust, or no answer: the readiness view then says nothing about automatic backups.
    }
  }

  async copy(id: string): Promise<void> {
    try {
      const report = await ipc.copyCode(id);
      this.toast = { seq: ++this.#toastSeq, text: report.toast };
      this.copiedId = id;
      clearTimeout(this.#copiedTimer);
      this.#copiedTimer = setTimeout(() => (this.copiedId = null), COPY_HINT_MS);
    } catch (e) {
      this.showError(e);
    }
  }

  /** Opens the "Code not accepted?" troubleshooter for an account. */
  openTroubleshoot(id: string): void {
    this.returnToTroubleshoot = null;
    this.copiedId = null;
    this.dialog = { kind: 'troubleshoot', id };
  }

  /** Records how the person signs in to the site, and the notes. Rejects with the IpcError. */
  async setSignIn(id: string, method: SignInMethod | null, notes: string): Promise<AccountView> {
    const updated = await ipc.setSignIn(id, method, notes);
    this.updateAccount(updated);
    return updated;
  }

  /** Pins an account to the top of the tray menu and the quick search, or unpins it. */
  async setFavourite(id: string, favourite: boolean): Promise<void> {
    try {
      const updated = await ipc.setFavourite(id, favourite);
      this.accounts = this.accounts.map((a) => (a.id === updated.id ? updated : a));
    } catch (e) {
      this.showError(e);
    }
  }

  /** Moves an account by `delta` places in the full list (not the filtered one). */
  async move(id: string, delta: number): Promise<boolean> {
    const from = this.accounts.findIndex((a) => a.id === id);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= this.accounts.length) return false;
    const reordered = [...this.accounts];
    const [moved] = reordered.splice(from, 1);
    reordered.splice(to, 0, moved);
    this.accounts = reordered;
    try {
      await ipc.moveAccount(id, to);
      return true;
    } catch (e) {
      this.showError(e);
      await this.loadAccounts();
      return false;
    }
  }

  /** Rejects with the IpcError, which the rename dialog shows next to its fields. */
  async rename(id: string, issuer: string, name: string): Promise<void> {
    const updated = await ipc.renameAccount(id, issuer, name);
    this.accounts = this.accounts.map((a) => (a.id === updated.id ? updated : a));
  }

  async remove(id: string): Promise<boolean> {
    try {
      await ipc.deleteAccount(id);
      this.accounts = this.accounts.filter((a) => a.id !== id);
      return true;
    } catch (e) {
      this.showError(e);
      return false;
    }
  }

  /** Rejects with the IpcError, which the add dialog shows inline. */
  /** Puts a changed account (as Rust returned it) in the list. */
  updateAccount(updated: AccountView): void {
    this.accounts = this.accounts.map((a) => (a.id === updated.id ? updated : a));
  }

  showToast(text: string): void {
    this.toast = { seq: ++this.#toastSeq, text };
  }

  async add(request: AddRequest): Promise<AccountView> {
    const added = await ipc.addAccount(request);
    if (!this.accounts.some((a) => a.id === added.id)) {
      this.accounts = [...this.accounts, added];
    }
    this.notice =
      `Added ${accountTitle(added)}. ` +
      'Enter the current code on the site to finish turning on two-factor authentication.';
    // Rust also emits codes-changed; fetching once more makes sure the new row has a code.
    void this.refreshCodes();
    void this.backup.enrolled(added.id);
    return added;
  }

  /** Opens the Move dialog on `tab`; `relinkId`: on the re-link tab, that account is chosen. */
  openMove(tab: MoveTab, relinkId?: string): void {
    this.returnToMove = null;
    this.dialog = relinkId ? { kind: 'move', tab, relinkId } : { kind: 'move', tab };
  }

  /** The Move dialog closed on purpose: nothing to come back to. */
  closeMove(): void {
    this.returnToMove = null;
    if (this.dialog?.kind === 'move') this.dialog = null;
  }

  /** Puts the accounts an import added in the list (Rust also emits accounts-changed) and says how many. */
  imported(done: ImportDone): void {
    const known = new Set(this.accounts.map((a) => a.id));
    const added = done.added.filter((a) => !known.has(a.id));
    if (added.length > 0) this.accounts = [...this.accounts, ...added];
    const n = done.added.length;
    if (n > 0) this.notice = n === 1 ? `Imported ${accountTitle(done.added[0])}.` : `Imported ${n} accounts.`;
    void this.refreshCodes();
  }

  openAdd(uri = ''): void {
    this.dialog = { kind: 'add', uri };
  }

  /**
   * Scans the screen or the clipboard; what it found opens the review (or is
   * added to the one open, e.g. the next code of a transfer export). Rejects
   * with the IpcError; does nothing while another scan is under way.
   */
  async scan(source: ScanSource): Promise<void> {
    if (this.scanning) return;
    this.scanning = source;
    try {
      this.receiveReport(await (source === 'screen' ? ipc.scanScreen() : ipc.scanClipboard()));
    } finally {
      this.scanning = null;
    }
  }

  /** Scans, showing a failure in the review if it is open, else in the alert banner. */
  async scanAndReport(source: ScanSource): Promise<void> {
    try {
      await this.scan(source);
    } catch (e) {
      this.scanFailed(e);
    }
  }

  scanFailed(e: unknown): void {
    if (this.dialog?.kind === 'scan' && this.review) this.review.error = ipc.toIpcError(e).message;
    else this.showError(e);
  }

  /** Opens the camera dialog (from the review: for the next code of a transfer export). */
  openCamera(resume = false): void {
    this.dialog = { kind: 'camera', resume: resume && this.review !== null };
  }

  /** Closes the camera dialog: back to the review it was opened from, if any. */
  closeCamera(): void {
    if (this.dialog?.kind !== 'camera') return;
    this.dialog = this.dialog.resume && this.review ? { kind: 'scan' } : null;
  }

  /**
   * Shows the open dialog (Rust's own: the page has no file access); the
   * chosen images are scanned like dropped ones, and their report arrives as
   * an event.
   */
  async openImageFiles(): Promise<void> {
    if (this.choosingFiles) return;
    this.choosingFiles = true;
    try {
      await ipc.openImageFiles();
    } catch (e) {
      this.scanFailed(e);
    } finally {
      this.choosingFiles = false;
    }
  }

  /** Rust began decoding dropped or opened image files. */
  filesStarted(files: string): void {
    this.#filesPending++;
    this.scanningFiles = files;
  }

  #filesDone(): void {
    this.#filesPending = Math.max(0, this.#filesPending - 1);
    if (this.#filesPending === 0) this.scanningFiles = null;
  }

  /** Opens the review with a report, or adds the report to the review already open. */
  receiveReport(report: ScanReport): void {
    if (!hasContent(report)) return;
    const resuming = this.dialog?.kind === 'camera' && this.dialog.resume;
    const open = this.dialog?.kind === 'scan' || resuming ? this.review : null;
    if (!open && this.review) this.#discardPending(this.review);
    this.review = mergeReport(open, report);
    this.dialog = { kind: 'scan' };
  }

  /** Closes the review; the accounts not saved are discarded, so their secrets do not linger in Rust. */
  closeReview(): void {
    const review = this.review;
    this.review = null;
    if (this.dialog?.kind === 'scan') this.dialog = null;
    if (review) this.#discardPending(review);
  }

  #discardPending(review: Review): void {
    for (const item of review.items) {
      if (item.status === 'pending') this.discardScanned(item.account.token);
    }
  }

  /** The review's "How do you sign in to this site?" for one scanned account (null: don't say). */
  setReviewSignIn(token: string, method: SignInMethod | null): void {
    const item = this.review?.items.find((i) => i.account.token === token);
    if (item) item.signIn = method;
  }

  /** Forgets one scanned account (Cancel/Discard on its card). */
  discardScanned(token: string): void {
    const item = this.review?.items.find((i) => i.account.token === token);
    if (item) item.status = 'discarded';
    // Nothing to tell the person if this fails: the account is not saved either way.
    ipc.discardScanned(token).catch(() => {});
  }

  /**
   * Saves a scanned account; `replace` removes the accounts it duplicates first.
   * Returns the new account, or null when saving failed (the error is shown on its card).
   */
  async saveScanned(token: string, replace: boolean, notify = true): Promise<AccountView | null> {
    const item = this.review?.items.find((i) => i.account.token === token);
    if (!item || item.status !== 'pending') return null;
    item.status = 'saving';
    item.error = null;
    try {
      const saved = await ipc.saveScanned(token, replace);
      item.status = 'saved';
      const replaced = new Set(replace ? item.account.duplicates.map((d) => d.id) : []);
      // Rust also emits accounts-changed; this shows the new row right away, as add does.
      const kept = this.accounts.filter((a) => !replaced.has(a.id) || a.id === saved.id);
      this.accounts = kept.some((a) => a.id === saved.id) ? kept : [...kept, saved];
      if (notify) this.notice = savedNotice([saved], item.transfer, replaced.size > 0);
      void this.refreshCodes();
      if (!item.transfer) void this.backup.enrolled(saved.id);
      if (item.signIn) return await this.#noteSignIn(saved, item.signIn);
      return saved;
    } catch (e) {
      item.status = 'pending';
      item.error = ipc.toIpcError(e).message;
      return null;
    }
  }

  /**
   * After an enrolment: records the sign-in method chosen in the review or the add dialog. The account is
   * saved either way; a failure is shown in the banner.
   */
  async #noteSignIn(saved: AccountView, method: SignInMethod): Promise<AccountView> {
    try {
      return await this.setSignIn(saved.id, method, saved.notes);
    } catch (e) {
      this.showError(e);
      return saved;
    }
  }

  /** Adds an account (see add) and records the sign-in method chosen with it, if any. */
  async addWithSignIn(request: AddRequest, method: SignInMethod | null): Promise<AccountView> {
    const added = await this.add(request);
    return method ? this.#noteSignIn(added, method) : added;
  }

  /** Saves every account waiting in the review (none of them has duplicates: Save all is offered then only). */
  async saveAllScanned(): Promise<AccountView[]> {
    const review = this.review;
    if (!review) return [];
    const saved: AccountView[] = [];
    for (const item of pendingItems(review).filter((i) => i.status === 'pending')) {
      const account = await this.saveScanned(item.account.token, false, false);
      if (account) saved.push(account);
    }
    if (saved.length > 0) this.notice = savedNotice(saved, review.items.every((i) => i.transfer));
    return saved;
  }
}

function savedNotice(saved: AccountView[], transfer: boolean, replaced = false): string {
  const what = saved.length === 1 ? accountTitle(saved[0]) : `${saved.length} accounts`;
  const done = replaced ? `Replaced ${what} with the new scan.` : `Added ${what}.`;
  if (transfer) return done;
  return (
    `${done} ` +
    (saved.length === 1
      ? 'Enter the current code on the site to finish turning on two-factor authentication.'
      : 'Enter their current codes on their sites to finish turning on two-factor authentication.')
  );
}

const STORE_KEY = Symbol('tock-store');

export function provideStore(store: TockStore): void {
  setContext(STORE_KEY, store);
}

/** The context that hands App a store made before mounting (main.ts starts its first load early). */
export function storeContext(store: TockStore): Map<unknown, unknown> {
  return new Map([[STORE_KEY, store]]);
}

/** The store given to App by main.ts through storeContext(), or a new one (tests mount App bare). */
export function appStore(): TockStore {
  return getContext<TockStore | undefined>(STORE_KEY) ?? new TockStore();
}

export function useStore(): TockStore {
  return getContext<TockStore>(STORE_KEY);
}
