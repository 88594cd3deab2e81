// Application state (Svelte 5 runes). One TockStore per mounted App, shared
// with components through context.
import { getContext, setContext, tick } from 'svelte';
import type { AccountView } from './bindings/AccountView';
import type { AddRequest } from './bindings/AddRequest';
import type { CodeView } from './bindings/CodeView';
import type { CodesSnapshot } from './bindings/CodesSnapshot';
import { countdownFor, type Countdown } from './countdown';
import { accountTitle } from './format';
import * as ipc from './ipc';

export type CodeState = { view: CodeView; countdown: Countdown | null };

export type DialogState =
  | { kind: 'add'; uri: string }
  | { kind: 'rename'; id: string }
  | { kind: 'delete'; id: string }
  | null;

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

  visible = $derived(filterAccounts(this.accounts, this.query));

  /** Bumped by every snapshot applied, so a slow get_codes answer never overwrites a newer event. */
  #snapshotSeq = 0;
  #toastSeq = 0;
  #stopped = false;

  /** Subscribes to Rust's events, then loads the accounts and codes. Returns the unsubscribe function. */
  async start(): Promise<() => void> {
    const subscriptions = await Promise.allSettled([
      ipc.onCodesChanged((snapshot) => this.applySnapshot(snapshot)),
      ipc.onAccountsChanged((accounts) => this.setAccounts(accounts)),
    ]);
    const unlisten: Array<() => void> = [];
    for (const s of subscriptions) {
      if (s.status === 'fulfilled') unlisten.push(s.value);
      else this.showError(ipc.toIpcError(s.reason));
    }
    await Promise.all([this.loadAccounts(), this.refreshCodes()]);
    await tick();
    // After the next frame, the first codes are painted.
    requestAnimationFrame(() => {
      if (!this.#stopped) ipc.uiPainted().catch(() => {});
    });
    return () => {
      this.#stopped = true;
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
    this.accounts = accounts;
    this.loaded = true;
  }

  /**
   * Takes a new snapshot. The countdown of a code that did not change is kept
   * as it was, so its CSS animation is not disturbed; a changed code gets a
   * fresh countdown (and its animation restarts).
   */
  applySnapshot(snapshot: CodesSnapshot, nowMs: number = Date.now()): void {
    this.#snapshotSeq++;
    const next: Record<string, CodeState> = {};
    for (const view of snapshot.codes) {
      const previous = this.codes[view.id];
      let countdown = countdownFor(view, nowMs);
      if (countdown && previous?.countdown?.key === countdown.key) countdown = previous.countdown;
      next[view.id] = { view, countdown };
    }
    this.codes = next;
  }

  account(id: string): AccountView | undefined {
    return this.accounts.find((a) => a.id === id);
  }

  showError(e: unknown): void {
    this.error = ipc.toIpcError(e).message;
  }

  async copy(id: string): Promise<void> {
    try {
      await ipc.copyCode(id);
      this.toast = { seq: ++this.#toastSeq, text: 'Copied' };
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
    return added;
  }

  openAdd(uri = ''): void {
    this.dialog = { kind: 'add', uri };
  }
}

const STORE_KEY = Symbol('tock-store');

export function provideStore(store: TockStore): void {
  setContext(STORE_KEY, store);
}

export function useStore(): TockStore {
  return getContext<TockStore>(STORE_KEY);
}
