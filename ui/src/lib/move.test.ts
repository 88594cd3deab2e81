import { describe, expect, it } from 'vitest';
import { account, reviewEntry } from '../test/backend';
import type { RelinkView } from './bindings/RelinkView';
import { formatAdded } from './format';
import { canRemoveOld, defaultSelection, entryNote, isPlainFormat, relinkCandidates } from './move';

const relink = (overrides: Partial<RelinkView> = {}): RelinkView => ({
  id: 'old',
  label: 'GitHub (alice)',
  steps: [],
  newId: null,
  startedAt: 1_000,
  ...overrides,
});

describe('relinkCandidates', () => {
  it('offers the accounts added since the re-link started, the same issuer first, then the newest', () => {
    const accounts = [
      account({ id: 'old', issuer: 'GitHub', addedAt: 500 }),
      account({ id: 'before', issuer: 'GitHub', addedAt: 999 }),
      account({ id: 'other-new', issuer: 'Mastodon', addedAt: 1_300 }),
      account({ id: 'other', issuer: 'GitLab', addedAt: 1_100 }),
      account({ id: 'same', issuer: 'github ', addedAt: 1_000 }),
    ];
    expect(relinkCandidates(accounts, relink(), 'GitHub').map((a) => a.id)).toEqual(['same', 'other-new', 'other']);
  });

  it('does not group by an empty issuer', () => {
    const accounts = [account({ id: 'a', issuer: '', addedAt: 1_001 }), account({ id: 'b', issuer: 'X', addedAt: 1_002 })];
    expect(relinkCandidates(accounts, relink(), '').map((a) => a.id)).toEqual(['b', 'a']);
  });
});

describe('canRemoveOld', () => {
  it('needs the new account and its code entered on the site', () => {
    expect(canRemoveOld(relink({ steps: ['enter_code'] }))).toBe(false);
    expect(canRemoveOld(relink({ newId: 'new', steps: ['sign_in', 'scan'] }))).toBe(false);
    expect(canRemoveOld(relink({ newId: 'new', steps: ['enter_code'] }))).toBe(true);
  });
});

describe('the import review', () => {
  it('checks the new entries only', () => {
    const entries = [
      reviewEntry({ index: 3 }),
      reviewEntry({ index: 4, status: 'duplicate' }),
      reviewEntry({ index: 5, status: 'repeated' }),
      reviewEntry({ index: 6, status: 'invalid' }),
      reviewEntry({ index: 7 }),
    ];
    expect(defaultSelection(entries)).toEqual([3, 7]);
  });

  it('says why an entry is flagged', () => {
    const existing = { id: 'gh', label: 'GitHub (alice)', addedAt: 1_740_830_400 };
    expect(entryNote(reviewEntry({ index: 0 }))).toBeNull();
    expect(entryNote(reviewEntry({ index: 0, status: 'duplicate', existing }), 'en-GB', 'UTC')).toBe(
      `Already in Tock as GitHub (alice), added ${formatAdded(1_740_830_400, 'en-GB', 'UTC')}`,
    );
    expect(entryNote(reviewEntry({ index: 0, status: 'repeated' }))).toBe('Appears earlier in this file');
    expect(entryNote(reviewEntry({ index: 0, status: 'invalid', reason: 'Its secret is empty' }))).toBe('Its secret is empty');
  });
});

describe('isPlainFormat', () => {
  it('is every format but the encrypted Aegis file', () => {
    expect(isPlainFormat('aegis')).toBe(false);
    expect((['aegis_plain', 'otpauth', 'google_qr'] as const).every((f) => isPlainFormat(f))).toBe(true);
  });
});
