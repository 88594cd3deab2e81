// Pure helpers of the app lock's screens (unit tested in lock.test.ts via Lock.test.ts).
import type { Settings } from './bindings/Settings';
import type { StorageKind } from './bindings/StorageKind';

/**
 * The settings with the lock's two (issue 13: Settings' `auto_lock_minutes` and `lock_on_session_lock`, camelCase
 * like the rest of Settings). Optional until Rust's Settings has them; then this is just Settings.
 */
export type LockSettings = Settings & {
  /** Minutes without use before the lock locks Tock; 0: never. Default 5. */
  autoLockMinutes?: number;
  /** Lock when the screen locks or the computer sleeps. Default true. */
  lockOnSessionLock?: boolean;
};

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
