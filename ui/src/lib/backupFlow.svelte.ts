// Which backup-code dialog is shown (Svelte 5 runes). The TockStore owns one; the dialogs appear when no
// other dialog is open, so the walk-through follows the add dialog or the scan review once they close.
import * as ipc from './ipc';

export type BackupDialog =
  /** After an enrolment: did the site give backup codes? */
  | { kind: 'walkthrough'; id: string }
  /** An account's codes: count, use, show, regenerate, offline copy. `back`: return to the readiness view. */
  | { kind: 'manage'; id: string; back: boolean }
  /** Which accounts would lock the person out if this computer died today. */
  | { kind: 'readiness' };

export class BackupFlow {
  /** Accounts enrolled and waiting for the walk-through, oldest first. */
  queue = $state<string[]>([]);
  /** A dialog opened on purpose (menu, row badge, readiness button); it comes before the queue. */
  opened = $state<BackupDialog | null>(null);

  /** What to show now. */
  current = $derived<BackupDialog | null>(
    this.opened ?? (this.queue.length > 0 ? { kind: 'walkthrough', id: this.queue[0] } : null),
  );

  /** An account was just enrolled: queue the walk-through unless the person asked not to be asked. */
  async enrolled(id: string): Promise<void> {
    let wanted = true;
    try {
      wanted = await ipc.backupWalkthroughWanted();
    } catch {
      // The vault said nothing useful; asking once too often is harmless.
    }
    if (wanted && !this.queue.includes(id)) this.queue = [...this.queue, id];
  }

  /** The walk-through of `id` is over (done or skipped). */
  finished(id: string): void {
    this.queue = this.queue.filter((q) => q !== id);
    if (this.opened?.kind === 'walkthrough' && this.opened.id === id) this.opened = null;
  }

  /** Opens the walk-through of `id` on purpose (the re-link checklist's last step: the new backup codes). */
  walkthrough(id: string): void {
    this.opened = { kind: 'walkthrough', id };
  }

  /** "Don't ask again": remembered in the vault; the walk-throughs waiting are dropped. */
  async stopAsking(): Promise<void> {
    await ipc.setBackupWalkthrough(false);
    this.queue = [];
  }

  manage(id: string, back = false): void {
    this.opened = { kind: 'manage', id, back };
  }

  readiness(): void {
    this.opened = { kind: 'readiness' };
  }

  /** Closes the dialog opened on purpose (back to the readiness view if it came from there). */
  close(): void {
    this.opened = this.opened?.kind === 'manage' && this.opened.back ? { kind: 'readiness' } : null;
  }

  /** Forgets the accounts that went away (deleted here or by the CLI); `existing` are the ones left. */
  keepOnly(existing: Set<string>): void {
    const kept = this.queue.filter((q) => existing.has(q));
    if (kept.length !== this.queue.length) this.queue = kept;
    const o = this.opened;
    if (o && o.kind !== 'readiness' && !existing.has(o.id)) this.opened = null;
  }
}
