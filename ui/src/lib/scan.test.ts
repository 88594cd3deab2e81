import { describe, expect, it } from 'vitest';
import { account, scanned, scanReport } from '../test/backend';
import {
  batchIncomplete,
  liveDuplicates,
  mergeReport,
  otpParams,
  pasteAction,
  pendingItems,
  reviewNotes,
  reviewTitle,
} from './scan';

const a = scanned({ token: 'a' });
const b = scanned({ token: 'b', issuer: 'Other' });

describe('mergeReport', () => {
  it('starts a review with every account waiting', () => {
    const review = mergeReport(null, scanReport([a, b], { notes: ['Skipped: x.'] }));
    expect(review.items.map((i) => [i.account.token, i.status, i.transfer])).toEqual([
      ['a', 'pending', false],
      ['b', 'pending', false],
    ]);
    expect(review.sources).toEqual(['screen']);
    expect(reviewNotes(review)).toEqual(['Skipped: x.']);
    expect(pendingItems(review)).toHaveLength(2);
    expect(batchIncomplete(review)).toBe(false);
  });

  it('adds later scans, keeping the batch progress and not repeating tokens', () => {
    const batch = { scanned: 1, total: 3, message: 'Batch 1 of 3 scanned' };
    let review = mergeReport(null, scanReport([a], { batch }));
    expect(review.items[0].transfer).toBe(true);
    expect(batchIncomplete(review)).toBe(true);
    const note = 'Found a QR code that is not for two-factor authentication (x).';
    review = mergeReport(review, scanReport([a, b], { source: 'qr.png', notes: [note] }));
    expect(review.items.map((i) => i.account.token)).toEqual(['a', 'b']);
    expect(review.sources).toEqual(['screen', 'qr.png']);
    // A report without batch keeps the progress of the export being collected.
    expect(review.batch).toEqual(batch);
    const done = { scanned: 3, total: 3, message: 'All 3 transfer codes scanned' };
    review = mergeReport(review, scanReport([], { batch: done }));
    expect(batchIncomplete(review)).toBe(false);
  });

  it('forgets the notes of earlier scans that found nothing, and repeats no note', () => {
    const nothing = 'No QR code was found in the screen; try again.';
    let review = mergeReport(null, scanReport([], { notes: [nothing] }));
    review = mergeReport(review, scanReport([], { notes: [nothing] }));
    expect(reviewNotes(review)).toEqual([nothing]);
    review = mergeReport(review, scanReport([a], { notes: ['Skipped: y.'] }));
    expect(reviewNotes(review)).toEqual(['Skipped: y.']);
    review = mergeReport(review, scanReport([], { notes: [nothing] }));
    expect(reviewNotes(review)).toEqual(['Skipped: y.', nothing]);
  });

  it('clears the error of a failed scan', () => {
    const review = { ...mergeReport(null, scanReport([a])), error: 'Scanning failed.' };
    expect(mergeReport(review, scanReport([b])).error).toBeNull();
  });
});

describe('reviewTitle', () => {
  it('names where the codes came from', () => {
    expect(reviewTitle(['screen'])).toBe('Scanned the screen');
    expect(reviewTitle(['clipboard'])).toBe('Scanned the clipboard');
    expect(reviewTitle(['a.png, b.png'])).toBe('Scanned a.png, b.png');
    expect(reviewTitle(['screen', 'a.png', 'clipboard'])).toBe('Scanned the screen, a.png and the clipboard');
    expect(reviewTitle([])).toBe('Scanned QR codes');
  });
});

describe('otpParams', () => {
  it('flags the values that differ from SHA1, 6 digits and 30 s', () => {
    expect(otpParams({ kind: 'totp', algorithm: 'SHA1', digits: 6, period: 30, counter: null })).toEqual([
      { text: 'SHA1', nonDefault: false },
      { text: '6 digits', nonDefault: false },
      { text: 'every 30 s', nonDefault: false },
    ]);
    expect(otpParams({ kind: 'totp', algorithm: 'SHA512', digits: 8, period: 60, counter: null })).toEqual([
      { text: 'SHA512', nonDefault: true },
      { text: '8 digits', nonDefault: true },
      { text: 'every 60 s', nonDefault: true },
    ]);
  });

  it('describes HOTP and Steam Guard', () => {
    expect(otpParams({ kind: 'hotp', algorithm: 'SHA1', digits: 6, period: null, counter: 5 })).toEqual([
      { text: 'Counter-based (HOTP)', nonDefault: false },
      { text: 'SHA1', nonDefault: false },
      { text: '6 digits', nonDefault: false },
      { text: 'counter 5', nonDefault: false },
    ]);
    expect(otpParams({ kind: 'steam', algorithm: 'SHA1', digits: 5, period: 30, counter: null })).toEqual([
      { text: 'Steam Guard', nonDefault: false },
    ]);
  });
});

describe('liveDuplicates', () => {
  it('keeps the duplicates still in the vault', () => {
    const x = account({ id: 'x' });
    const y = account({ id: 'y' });
    expect(liveDuplicates(scanned({ token: 't', duplicates: [x, y] }), [y])).toEqual([y]);
  });
});

describe('pasteAction', () => {
  const data = (text: string, types: string[] = ['text/plain']) => ({ getData: () => text, types });

  it('opens the add dialog for an otpauth link', () => {
    expect(pasteAction(data(' otpauth://totp/A?secret=B\n'))).toEqual({ kind: 'add', uri: 'otpauth://totp/A?secret=B' });
  });
  it('scans images, files, empty pastes and transfer links from the clipboard', () => {
    expect(pasteAction(data('', ['image/png']))).toEqual({ kind: 'scan' });
    expect(pasteAction(data('shot.png', ['text/plain', 'Files']))).toEqual({ kind: 'scan' });
    expect(pasteAction(data('', []))).toEqual({ kind: 'scan' });
    expect(pasteAction(null)).toEqual({ kind: 'scan' });
    expect(pasteAction(data('otpauth-migration://offline?data=abc'))).toEqual({ kind: 'scan' });
  });
  it('ignores other text', () => {
    expect(pasteAction(data('hello'))).toBeNull();
    expect(pasteAction({ getData: () => 'hello' })).toBeNull();
  });
});
