import { describe, expect, it } from 'vitest';
import { accountTitle, ariaCode, describeOtp, expiresLabel, formatAdded, formatDate, groupCode, validityText } from './format';

describe('groupCode', () => {
  it('splits 6 digits 3+3', () => expect(groupCode('123456')).toBe('123 456'));
  it('splits 7 digits 3+4', () => expect(groupCode('1234567')).toBe('123 4567'));
  it('splits 8 digits 4+4', () => expect(groupCode('12345678')).toBe('1234 5678'));
  it('keeps leading zeros', () => expect(groupCode('000042')).toBe('000 042'));
  it('leaves Steam codes unchanged', () => {
    expect(groupCode('2BX7Q', 'steam')).toBe('2BX7Q');
    expect(groupCode('23456', 'steam')).toBe('23456');
  });
  it('leaves short or non-numeric codes unchanged', () => {
    expect(groupCode('12345')).toBe('12345');
    expect(groupCode('AB12CD')).toBe('AB12CD');
    expect(groupCode('')).toBe('');
  });
});

describe('ariaCode', () => {
  it('reads digits one by one in groups', () => {
    expect(ariaCode('123456')).toBe('Code 1 2 3, 4 5 6');
    expect(ariaCode('12345678')).toBe('Code 1 2 3 4, 5 6 7 8');
    expect(ariaCode('1234567')).toBe('Code 1 2 3, 4 5 6 7');
  });
  it('spells Steam codes character by character', () => {
    expect(ariaCode('2BX7Q', 'steam')).toBe('Code 2 B X 7 Q');
  });
});

describe('formatAdded', () => {
  it('formats unix seconds as date and time with seconds', () => {
    // 2023-11-14T22:13:20Z
    expect(formatAdded(1_700_000_000, 'en-GB', 'UTC')).toBe('14 Nov 2023, 22:13:20');
  });
  it('tells apart two scans a few seconds apart', () => {
    expect(formatAdded(1_700_000_000, 'en-GB', 'UTC')).not.toBe(formatAdded(1_700_000_007, 'en-GB', 'UTC'));
  });
  it('respects the time zone', () => {
    expect(formatAdded(1_700_000_000, 'en-GB', 'Europe/Berlin')).toBe('14 Nov 2023, 23:13:20');
  });
});

describe('expiresLabel', () => {
  it('rounds to whole seconds', () => {
    expect(expiresLabel(17.6)).toBe('Code expires in about 18 seconds');
    expect(expiresLabel(1.2)).toBe('Code expires in about 1 second');
    expect(expiresLabel(-3)).toBe('Code expires in about 0 seconds');
  });
});

describe('describeOtp', () => {
  it('describes TOTP', () => {
    expect(describeOtp({ kind: 'totp', algorithm: 'SHA1', digits: 6, period: 30, counter: null })).toBe(
      'Time-based (TOTP) · 6 digits · every 30 s · SHA1',
    );
  });
  it('describes HOTP with its counter', () => {
    expect(describeOtp({ kind: 'hotp', algorithm: 'SHA256', digits: 8, period: null, counter: 4 })).toBe(
      'Counter-based (HOTP) · 8 digits · counter 4 · SHA256',
    );
  });
  it('describes Steam', () => {
    expect(describeOtp({ kind: 'steam', algorithm: 'SHA1', digits: 5, period: 30, counter: null })).toBe(
      'Steam Guard · 5 characters · every 30 s',
    );
  });
});

describe('accountTitle', () => {
  it('combines issuer and name', () => {
    expect(accountTitle({ issuer: 'GitHub', name: 'alice' })).toBe('GitHub (alice)');
    expect(accountTitle({ issuer: '', name: 'alice' })).toBe('alice');
    expect(accountTitle({ issuer: 'GitHub', name: '' })).toBe('GitHub');
    expect(accountTitle({ issuer: '', name: '' })).toBe('Unnamed account');
  });
});

describe('formatDate', () => {
  it('shows the day only', () => {
    // 2026-12-03T10:00:00Z
    expect(formatDate(1_796_292_000, 'en-GB', 'UTC')).toBe('3 Dec 2026');
  });
});

describe('validityText', () => {
  it('says when a code starts, how long it has left, or how long ago it ended', () => {
    expect(validityText(30_000, 60_000, 12_000)).toBe('starts in 18 s');
    expect(validityText(0, 30_000, 12_000)).toBe('18 s left');
    expect(validityText(-30_000, 0, 12_000)).toBe('ended 12 s ago');
    expect(validityText(0, 30_000, 29_500)).toBe('1 s left');
  });
});
