import { describe, expect, it } from 'vitest';
import { buildRequest, emptyFields, fieldForError, looksLikeOtpauthUri } from './addForm';

describe('buildRequest', () => {
  it('is null until there is something to validate', () => {
    expect(buildRequest(emptyFields())).toBeNull();
    expect(buildRequest({ ...emptyFields(), uri: '   ' })).toBeNull();
    expect(buildRequest({ ...emptyFields(), mode: 'manual', issuer: 'GitHub' })).toBeNull();
  });

  it('builds a uri request, trimmed', () => {
    expect(buildRequest(emptyFields('  otpauth://totp/X?secret=AAAA \n'))).toEqual({
      type: 'uri',
      uri: 'otpauth://totp/X?secret=AAAA',
    });
  });

  it('builds a manual request with defaults', () => {
    const f = { ...emptyFields(), mode: 'manual' as const, issuer: ' GitHub ', name: 'alice ', secret: ' JBSW Y3DP ' };
    expect(buildRequest(f)).toEqual({
      type: 'manual',
      issuer: 'GitHub',
      name: 'alice',
      secret: 'JBSW Y3DP',
      kind: 'totp',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      counter: 0,
    });
  });

  it('forces Steam Guard parameters', () => {
    const f = {
      ...emptyFields(),
      mode: 'manual' as const,
      secret: 'ABC',
      kind: 'steam' as const,
      algorithm: 'SHA512' as const,
      digits: 8,
      period: 60,
    };
    expect(buildRequest(f)).toMatchObject({ kind: 'steam', algorithm: 'SHA1', digits: 5, period: 30 });
  });
});

describe('buildRequest number fields', () => {
  it('falls back to defaults for cleared number fields and sends whole numbers', () => {
    const f = { ...emptyFields(), mode: 'manual' as const, secret: 'ABC', kind: 'hotp' as const };
    const cleared = { ...f, period: null as unknown as number, counter: Number.NaN };
    expect(buildRequest(cleared)).toMatchObject({ period: 30, counter: 0 });
    expect(buildRequest({ ...f, period: 45.7, counter: 12 })).toMatchObject({ period: 45, counter: 12 });
  });
});

describe('looksLikeOtpauthUri', () => {
  it('recognises otpauth links only', () => {
    expect(looksLikeOtpauthUri(' otpauth://totp/A?secret=B')).toBe(true);
    expect(looksLikeOtpauthUri('OTPAUTH://hotp/A?secret=B')).toBe(true);
    expect(looksLikeOtpauthUri('https://example.com')).toBe(false);
    expect(looksLikeOtpauthUri('hello otpauth://')).toBe(false);
  });
});

describe('fieldForError', () => {
  it('puts uri-mode errors under the link', () => {
    expect(fieldForError('uri', 'The secret is not valid base32.')).toBe('uri');
  });
  it('picks the field a manual-mode error talks about', () => {
    expect(fieldForError('manual', 'The secret key is not valid base32.')).toBe('secret');
    expect(fieldForError('manual', 'The issuer must not contain a colon.')).toBe('issuer');
    expect(fieldForError('manual', 'Enter an account name.')).toBe('name');
    expect(fieldForError('manual', 'Something else went wrong.')).toBe('secret');
  });
});
