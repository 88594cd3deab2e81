// Pure helpers of the app lock's screens (unit tested in Lock.test.ts).
import type { StorageKind } from './bindings/StorageKind';

/** The automatic lock's delay as the Settings dialog shows it: minutes (0: never). */
export function lockMinutes(secs: number | undefined): number {
  if (secs === undefined || !Number.isFinite(secs)) return 5;
  return Math.round((secs / 60) * 10) / 10;
}

/** Minutes as typed back to Rust's seconds (whole seconds, 0 or more). */
export function lockSecs(minutes: unknown): number {
  const n = Number(minutes);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 60) : 0;
}

/** How often at most the window tells Rust the person is using it (Rust's idle timer counts minutes). */
export const ACTIVITY_EVERY_MS = 20_000;

/** Lets one report of activity through per interval: the first at once, then at most one every `everyMs`. */
export class ActivityThrottle {
  #last = -Infinity;
  constructor(private readonly everyMs = ACTIVITY_EVERY_MS) {}

  /** True if a report is due at `nowMs` (and counts it as made). */
  due(nowMs: number): boolean {
    if (nowMs - this.#last < this.everyMs) return false;
    this.#last = nowMs;
    return true;
  }

  /** Forgets the last report (after locking: the first input after unlocking is reported at once). */
  reset(): void {
    this.#last = -Infinity;
  }
}

/** "3 s", "1 min 5 s", "2 min". */
export function waitDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  const rest = s % 60;
  return rest === 0 ? `${min} min` : `${min} min ${rest} s`;
}

/** Why a new password cannot be used as typed (before anything is sent to Rust); null: it can. */
export function newPasswordProblem(password: string, confirm: string): string | null {
  if (password === '') return 'Choose a password.';
  if (password !== confirm) return 'The two passwords are not the same; type the same password twice.';
  return null;
}

/** The storage, in a few words. */
export function storageName(kind: StorageKind): string {
  return kind === 'file' ? 'an encrypted file in the data folder' : 'the system keychain';
}

/** The progress of a re-encryption, in words ("Encrypting 3 of 10 accounts…"). */
export function progressText(done: number, total: number): string {
  if (total === 0) return 'Working…';
  return `${done} of ${total} ${total === 1 ? 'account' : 'accounts'} done…`;
}
