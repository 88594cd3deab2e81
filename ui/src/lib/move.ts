// Moving accounts between Tock and other authenticators: the Move dialog's sections, the re-link checklist,
// the import review and the export formats (pure helpers, unit tested in move.test.ts).
import type { AccountView } from './bindings/AccountView';
import type { ExportFormatName } from './bindings/ExportFormatName';
import type { RelinkStep } from './bindings/RelinkStep';
import type { RelinkView } from './bindings/RelinkView';
import type { ReviewEntry } from './bindings/ReviewEntry';
import { formatAdded } from './format';

export type MoveTab = 'to-phone' | 'from-phone' | 'relink' | 'lost';

export const MOVE_TABS: ReadonlyArray<{ tab: MoveTab; label: string }> = [
  { tab: 'to-phone', label: 'To a phone' },
  { tab: 'from-phone', label: 'From a phone' },
  { tab: 'relink', label: 'Re-link an account' },
  { tab: 'lost', label: 'Lost phone' },
];

/** The re-link checklist, in order. */
export const RELINK_STEPS: ReadonlyArray<{ step: RelinkStep; label: string }> = [
  { step: 'sign_in', label: 'Sign in to the site' },
  { step: 'turn_off', label: 'Turn two-factor authentication off' },
  { step: 'turn_on', label: 'Turn it on again (the site shows a new QR code)' },
  { step: 'scan', label: 'Scan the new code with Tock (and your phone)' },
  { step: 'enter_code', label: "Enter the new account's code on the site" },
  { step: 'backup_codes', label: 'Store the new backup codes' },
];

/**
 * The accounts that may replace the one being re-linked: added since the checklist started (Unix seconds),
 * other than the old one; those of the same issuer first, then the newest first.
 */
export function relinkCandidates(accounts: AccountView[], relink: RelinkView, oldIssuer: string): AccountView[] {
  const issuer = oldIssuer.trim().toLowerCase();
  const same = (a: AccountView) => (issuer !== '' && a.issuer.trim().toLowerCase() === issuer ? 0 : 1);
  return accounts
    .filter((a) => a.id !== relink.id && a.addedAt >= relink.startedAt)
    .sort((a, b) => same(a) - same(b) || b.addedAt - a.addedAt);
}

/** The old entry may go once the new one is chosen and the site accepted its code (as Rust checks). */
export function canRemoveOld(relink: RelinkView): boolean {
  return relink.newId !== null && relink.steps.includes('enter_code');
}

/** The entries checked when the review opens: the new ones only. */
export function defaultSelection(entries: ReviewEntry[]): number[] {
  return entries.filter((e) => e.status === 'new').map((e) => e.index);
}

/** Why an entry is flagged in the import review (null for a new one). */
export function entryNote(entry: ReviewEntry, locale?: string | string[], timeZone?: string): string | null {
  switch (entry.status) {
    case 'new':
      return null;
    case 'duplicate':
      return entry.existing
        ? `Already in Tock as ${entry.existing.label}, added ${formatAdded(entry.existing.addedAt, locale, timeZone)}`
        : (entry.reason ?? 'Already in Tock');
    case 'repeated':
      return entry.reason ?? 'Appears earlier in this file';
    case 'invalid':
      return entry.reason ?? 'Cannot be imported';
  }
}

export const EXPORT_FORMATS: ReadonlyArray<{ format: ExportFormatName; label: string; hint: string }> = [
  {
    format: 'aegis',
    label: 'Aegis, encrypted',
    hint: 'A password-protected file that Aegis (and Tock) can import. The safest choice.',
  },
  {
    format: 'aegis_plain',
    label: 'Aegis, not encrypted',
    hint: 'An Aegis file without a password, for apps that cannot read encrypted ones.',
  },
  { format: 'otpauth', label: 'List of otpauth:// links', hint: 'One link per line; most authenticators import it.' },
  {
    format: 'google_qr',
    label: 'Google Authenticator QR images',
    hint: 'PNG images of transfer QR codes (10 accounts each) to scan with Google Authenticator.',
  },
];

/**
 * Formats whose file holds every secret readable by anyone: they need the second confirmation. The Google QR
 * images are not encrypted either (anyone can scan them), so they count too.
 */
export function isPlainFormat(format: ExportFormatName): boolean {
  return format !== 'aegis';
}

/** "1 account" / "3 accounts". */
export function accountCount(n: number): string {
  return `${n} ${n === 1 ? 'account' : 'accounts'}`;
}
