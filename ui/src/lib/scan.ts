// Scanning QR codes: the review's data and display helpers (pure, unit tested
// in scan.test.ts). Secrets never reach the UI: a scanned account is only a
// token that Rust resolves on save_scanned / discard_scanned.
import { looksLikeOtpauthUri } from './addForm';
import type { AccountView } from './bindings/AccountView';
import type { BatchProgress } from './bindings/BatchProgress';
import type { ScannedAccount } from './bindings/ScannedAccount';
import type { ScanReport } from './bindings/ScanReport';
import type { SignInMethod } from './bindings/SignInMethod';

export type ScanSource = 'screen' | 'clipboard';

export type ReviewStatus = 'pending' | 'saving' | 'saved' | 'discarded';

export type ReviewItem = {
  account: ScannedAccount;
  status: ReviewStatus;
  /** Came with a transfer export of another app (the account is already enrolled on its site). */
  transfer: boolean;
  /** Why the last save failed. */
  error: string | null;
  /** How the person signs in to the site, if they said (recorded after the save). */
  signIn: SignInMethod | null;
};

/** The notes of one scan, and whether it found anything at all. */
type ScanNotes = { notes: string[]; found: boolean };

export type Review = {
  /** Where the codes came from, in order: "screen", "clipboard", dropped files' names. */
  sources: string[];
  items: ReviewItem[];
  scans: ScanNotes[];
  batch: BatchProgress | null;
  /** A scan that failed while the review was open. */
  error: string | null;
};

/** True for a report worth showing (every real report has accounts or notes). */
export function hasContent(report: ScanReport): boolean {
  return report.accounts.length > 0 || report.notes.length > 0 || report.batch !== null;
}

/**
 * Adds a report to the review being shown (or starts one). Notes of earlier
 * scans that found nothing ("No QR code was found…") are dropped once the
 * person scanned again: they were about an attempt that is over.
 */
export function mergeReport(review: Review | null, report: ScanReport): Review {
  const found = report.accounts.length > 0 || report.batch !== null;
  const items: ReviewItem[] = report.accounts.map((account) => ({
    account,
    status: 'pending',
    transfer: report.batch !== null,
    error: null,
    signIn: null,
  }));
  const scan: ScanNotes = { notes: report.notes, found };
  if (!review) {
    return { sources: [report.source], items, scans: [scan], batch: report.batch, error: null };
  }
  const known = new Set(review.items.map((i) => i.account.token));
  return {
    sources: review.sources.includes(report.source) ? review.sources : [...review.sources, report.source],
    items: [...review.items, ...items.filter((i) => !known.has(i.account.token))],
    scans: [...review.scans.filter((s) => s.found), scan],
    batch: report.batch ?? review.batch,
    error: null,
  };
}

/** Every note of the review, once each. */
export function reviewNotes(review: Review): string[] {
  return [...new Set(review.scans.flatMap((s) => s.notes))];
}

/** Items still waiting for Save or Discard. */
export function pendingItems(review: Review): ReviewItem[] {
  return review.items.filter((i) => i.status === 'pending' || i.status === 'saving');
}

/** A transfer export with more QR codes to scan. */
export function batchIncomplete(review: Review): boolean {
  return review.batch !== null && review.batch.scanned < review.batch.total;
}

function sourceLabel(source: string): string {
  if (source === 'screen') return 'the screen';
  if (source === 'clipboard') return 'the clipboard';
  if (source === 'camera') return 'the camera';
  return source;
}

/** The review's heading: "Scanned the screen", "Scanned shot.png and the screen". */
export function reviewTitle(sources: string[]): string {
  const labels = sources.map(sourceLabel).filter(Boolean);
  if (labels.length === 0) return 'Scanned QR codes';
  if (labels.length === 1) return `Scanned ${labels[0]}`;
  return `Scanned ${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

export type OtpParam = { text: string; nonDefault: boolean };

/**
 * How the codes are made, with the values that differ from what nearly every
 * site uses (SHA1, 6 digits, every 30 s) flagged: a site rarely asks for them,
 * so they are worth a second look.
 */
export function otpParams(a: Pick<ScannedAccount, 'kind' | 'algorithm' | 'digits' | 'period' | 'counter'>): OtpParam[] {
  if (a.kind === 'steam') return [{ text: 'Steam Guard', nonDefault: false }];
  const params: OtpParam[] = [
    { text: a.algorithm, nonDefault: a.algorithm !== 'SHA1' },
    { text: `${a.digits} digits`, nonDefault: a.digits !== 6 },
  ];
  if (a.kind === 'hotp') {
    params.unshift({ text: 'Counter-based (HOTP)', nonDefault: false });
    if (a.counter !== null) params.push({ text: `counter ${a.counter}`, nonDefault: false });
  } else if (a.period !== null) {
    params.push({ text: `every ${a.period} s`, nonDefault: a.period !== 30 });
  }
  return params;
}

/** The duplicates that are still in the vault (one may have been replaced or deleted meanwhile). */
export function liveDuplicates(account: ScannedAccount, vault: AccountView[]): AccountView[] {
  const ids = new Set(vault.map((a) => a.id));
  return account.duplicates.filter((d) => ids.has(d.id));
}

export type PasteAction = { kind: 'add'; uri: string } | { kind: 'scan' } | null;

/**
 * What pasting outside a text field does: an otpauth:// link opens the add
 * dialog with it; an image (or a Google Authenticator transfer link) is
 * scanned by Rust from the clipboard; other text is ignored.
 */
export function pasteAction(data: Pick<DataTransfer, 'getData'> & { types?: readonly string[] } | null): PasteAction {
  const text = data?.getData('text/plain') ?? '';
  if (looksLikeOtpauthUri(text)) return { kind: 'add', uri: text.trim() };
  if (/^otpauth-migration:\/\//i.test(text.trim())) return { kind: 'scan' };
  const types = [...(data?.types ?? [])];
  if (text.trim() === '' || types.some((t) => t === 'Files' || t.startsWith('image/'))) return { kind: 'scan' };
  return null;
}
