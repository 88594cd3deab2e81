// Pure helpers of the automatic backups' screens and their part in the readiness view.
import type { AutoBackupStatus } from './bindings/AutoBackupStatus';

/** From this many days without a backup, the readiness view counts it as a risk. */
export const STALE_AFTER_DAYS = 7;

const DAY = 86_400;

/**
 * The automatic backups' risk for the readiness view, in one sentence; null: none (or not known yet).
 * `nowSecs` is Unix seconds.
 */
export function autoBackupRisk(status: AutoBackupStatus | null, nowSecs: number): string | null {
  if (!status) return null;
  if (status.folder === null || status.last_backup_at === null) return 'No automatic backup yet.';
  const days = Math.floor((nowSecs - status.last_backup_at) / DAY);
  if (days >= STALE_AFTER_DAYS) return `Last backup ${days} days ago.`;
  return null;
}

/** "512 bytes", "3.4 KB", "1.2 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** A backup's local date and time ("1 Mar 2025, 13:00"). */
export function formatBackupTime(unixSeconds: number, locale?: string | string[], timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    new Date(unixSeconds * 1000),
  );
}

/** How many copies to keep, as typed: a whole number from 1 to 1000; null when it is not one. */
export function parseKeep(value: unknown): number | null {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) return null;
  return n;
}
