// Pure helpers of the backup-code screens (unit tested in backup.test.ts). The rules that decide whether
// an account is at risk live in Rust (tock_core::backup::risks); the UI only words and orders them.
import type { AccountView } from './bindings/AccountView';
import type { BackupRisk } from './bindings/BackupRisk';
import type { BackupSetView } from './bindings/BackupSetView';
import type { BackupView } from './bindings/BackupView';
import type { RecognisedCodes } from './bindings/RecognisedCodes';
import type { UsedBackupCode } from './bindings/UsedBackupCode';

/** "8 codes left", "1 code left", "No codes left"; null when none are stored. */
export function countLabel(backup: BackupView): string | null {
  const set = backup.codes;
  if (!set) return null;
  if (set.left === 0) return 'No codes left';
  return `${set.left} ${set.left === 1 ? 'code' : 'codes'} left`;
}

/** The toast after "Use a backup code" (the code itself is on the clipboard, never shown). */
export function usedText(used: UsedBackupCode): string {
  return `Backup code copied: ${used.left} of ${used.total} left`;
}

/** One sentence per risk, saying what would happen and what to do. */
export function riskText(risk: BackupRisk, backup: BackupView): string {
  const left = backup.codes?.left ?? 0;
  switch (risk) {
    case 'no_codes':
      return 'No backup codes stored: add the ones the site gave you, or generate them on the site.';
    case 'not_offline':
      return 'Its backup codes are only on this computer: keep a copy somewhere else.';
    case 'few_left':
      return left === 0
        ? 'Every backup code is used: generate new ones on the site.'
        : `Only ${left} backup ${left === 1 ? 'code is' : 'codes are'} left: generate new ones on the site.`;
  }
}

const URGENCY: Record<BackupRisk, number> = { no_codes: 0, few_left: 1, not_offline: 2 };

/** The accounts that would lock their owner out if this computer died today, most urgent first. */
export function atRisk(accounts: AccountView[]): AccountView[] {
  const worst = (a: AccountView) => Math.min(...a.backup.risks.map((r) => URGENCY[r]));
  return accounts
    .filter((a) => a.backup.risks.length > 0)
    .map((a, index) => ({ a, index }))
    .sort((x, y) => worst(x.a) - worst(y.a) || x.index - y.index)
    .map(({ a }) => a);
}

/** "Printed, kept at home (confirmed 1 Mar 2025)" or a reminder. */
export function offlineText(set: BackupSetView, locale?: string | string[], timeZone?: string): string {
  if (!set.offlinePlace || set.offlineConfirmedAt === null) return 'Not stored away from this computer yet.';
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(
    new Date(set.offlineConfirmedAt * 1000),
  );
  return `Offline copy: ${set.offlinePlace} (confirmed ${when}).`;
}

/** Where people keep an offline copy; "Somewhere else" lets them type it. */
export const PLACES = [
  'Printed, kept safe at home',
  'Written down on paper',
  'On a USB stick',
  'In a password manager on another device',
] as const;

/** One code in the editor; `key` keeps rows apart while they are edited. */
export type EditableCode = { key: number; text: string };

let nextKey = 1;

export function editableCodes(codes: string[]): EditableCode[] {
  return codes.map((text) => ({ key: nextKey++, text }));
}

export function blankCode(): EditableCode {
  return { key: nextKey++, text: '' };
}

/** Codes compare ignoring case, spaces and dashes (as in Rust). */
export function comparable(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The codes to save: trimmed, empty rows left out. */
export function codesToSave(rows: EditableCode[]): string[] {
  return rows.map((r) => r.text.trim()).filter((t) => t !== '');
}

/** Keys of the rows that repeat an earlier row. */
export function repeatedRows(rows: EditableCode[]): Set<number> {
  const seen = new Set<string>();
  const repeated = new Set<number>();
  for (const row of rows) {
    const key = comparable(row.text);
    if (key === '') continue;
    if (seen.has(key)) repeated.add(row.key);
    seen.add(key);
  }
  return repeated;
}

/** What to say about a recognition: "Recognised 10 codes in codes.txt; 2 repeats left out." */
export function recognisedSummary(found: RecognisedCodes): string {
  const n = found.codes.length;
  const what = n === 0 ? 'No codes were recognised' : `Recognised ${n} ${n === 1 ? 'code' : 'codes'}`;
  const where = found.fileName ? ` in ${found.fileName}` : '';
  const repeats =
    found.duplicates > 0 ? `; ${found.duplicates} ${found.duplicates === 1 ? 'repeat' : 'repeats'} left out` : '';
  return `${what}${where}${repeats}.`;
}
