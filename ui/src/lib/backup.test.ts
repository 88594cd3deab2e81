import { describe, expect, it } from 'vitest';
import { account } from '../test/backend';
import type { BackupView } from './bindings/BackupView';
import {
  atRisk,
  blankCode,
  codesToSave,
  comparable,
  countLabel,
  editableCodes,
  offlineText,
  recognisedSummary,
  repeatedRows,
  riskText,
} from './backup';

function stored(left: number, total = 10, offlinePlace: string | null = null): BackupView {
  const risks: BackupView['risks'] = [];
  if (left <= 2) risks.push('few_left');
  if (!offlinePlace) risks.push('not_offline');
  return {
    codes: {
      total,
      left,
      storedAt: 1_740_830_400,
      offlinePlace,
      offlineConfirmedAt: offlinePlace ? 1_740_830_400 : null,
    },
    risks,
  };
}

const none: BackupView = { codes: null, risks: ['no_codes'] };

describe('countLabel', () => {
  it('counts what is left, in words', () => {
    expect(countLabel(stored(8))).toBe('8 codes left');
    expect(countLabel(stored(1))).toBe('1 code left');
    expect(countLabel(stored(0))).toBe('No codes left');
    expect(countLabel(none)).toBeNull();
  });
});

describe('riskText', () => {
  it('says what is wrong and what to do', () => {
    expect(riskText('no_codes', none)).toMatch(/^No backup codes stored/);
    expect(riskText('not_offline', stored(5))).toMatch(/only on this computer/);
    expect(riskText('few_left', stored(2))).toBe('Only 2 backup codes are left: generate new ones on the site.');
    expect(riskText('few_left', stored(1))).toBe('Only 1 backup code is left: generate new ones on the site.');
    expect(riskText('few_left', stored(0))).toMatch(/^Every backup code is used/);
  });
});

describe('atRisk', () => {
  it('lists the accounts at risk, most urgent first, keeping the list order otherwise', () => {
    const ready = account({ id: 'ready', backup: stored(9, 10, 'drawer') });
    const offline = account({ id: 'offline', backup: stored(9) });
    const nothing = account({ id: 'nothing', backup: none });
    const few = account({ id: 'few', backup: stored(1, 10, 'drawer') });
    const offline2 = account({ id: 'offline2', backup: stored(7) });
    expect(atRisk([ready, offline, nothing, few, offline2]).map((a) => a.id)).toEqual([
      'nothing',
      'few',
      'offline',
      'offline2',
    ]);
    expect(atRisk([ready])).toEqual([]);
  });
});

describe('offlineText', () => {
  it('names the place and the date, or reminds', () => {
    expect(offlineText(stored(5, 10, 'On a USB stick').codes!, 'en-GB', 'UTC')).toBe(
      'Offline copy: On a USB stick (confirmed 1 Mar 2025).',
    );
    expect(offlineText(stored(5).codes!)).toBe('Not stored away from this computer yet.');
  });
});

describe('the code editor', () => {
  it('keeps rows apart, saves trimmed non-empty codes and flags repeats', () => {
    const rows = [...editableCodes(['1234 5678', 'abcd-efgh', ' 12345678 ']), blankCode()];
    expect(new Set(rows.map((r) => r.key)).size).toBe(4);
    expect(codesToSave(rows)).toEqual(['1234 5678', 'abcd-efgh', '12345678']);
    expect([...repeatedRows(rows)]).toEqual([rows[2].key]);
    expect(comparable('ABCD-efgh 12')).toBe('abcdefgh12');
  });
});

describe('recognisedSummary', () => {
  it('counts codes, names the file and the repeats', () => {
    expect(recognisedSummary({ codes: ['a', 'b'], ignored: [], duplicates: 0, fileName: null })).toBe(
      'Recognised 2 codes.',
    );
    expect(recognisedSummary({ codes: ['a'], ignored: [], duplicates: 2, fileName: 'codes.txt' })).toBe(
      'Recognised 1 code in codes.txt; 2 repeats left out.',
    );
    expect(recognisedSummary({ codes: [], ignored: [], duplicates: 0, fileName: null })).toBe(
      'No codes were recognised.',
    );
  });
});
