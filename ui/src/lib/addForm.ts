// Turning the add dialog's fields into an AddRequest (pure, unit tested).
import type { AddRequest } from './bindings/AddRequest';
import type { AlgorithmName } from './bindings/AlgorithmName';
import type { OtpKindName } from './bindings/OtpKindName';

export type AddMode = 'uri' | 'manual';

export type AddFields = {
  mode: AddMode;
  uri: string;
  issuer: string;
  name: string;
  secret: string;
  kind: OtpKindName;
  algorithm: AlgorithmName;
  digits: number;
  period: number;
  counter: number;
};

export function emptyFields(uri = ''): AddFields {
  return {
    mode: 'uri',
    uri,
    issuer: '',
    name: '',
    secret: '',
    kind: 'totp',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    counter: 0,
  };
}

/** True for text that looks like an otpauth:// link (what paste-to-add reacts to). */
export function looksLikeOtpauthUri(text: string): boolean {
  return /^otpauth:\/\//i.test(text.trim());
}

/**
 * The request to validate or add, or null while the essential field (the link,
 * or the secret key) is still empty: there is nothing to validate yet.
 */
export function buildRequest(f: AddFields): AddRequest | null {
  if (f.mode === 'uri') {
    const uri = f.uri.trim();
    return uri ? { type: 'uri', uri } : null;
  }
  const secret = f.secret.trim();
  if (!secret) return null;
  const steam = f.kind === 'steam';
  return {
    type: 'manual',
    issuer: f.issuer.trim(),
    name: f.name.trim(),
    secret,
    kind: f.kind,
    // Steam Guard codes are always SHA1, 5 characters, every 30 seconds.
    algorithm: steam ? 'SHA1' : f.algorithm,
    digits: steam ? 5 : f.digits,
    period: steam ? 30 : wholeNumber(f.period, 30),
    counter: wholeNumber(f.counter, 0),
  };
}

/** A cleared number field reads as null: send the default rather than an invalid request. */
function wholeNumber(value: number | null | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.trunc(value)) : fallback;
}

export type ErrorField = 'uri' | 'issuer' | 'name' | 'secret';

/**
 * IpcError carries no field, only a sentence. In manual mode, show it under
 * the field it talks about (the secret key unless it names another field).
 */
export function fieldForError(mode: AddMode, message: string): ErrorField {
  if (mode === 'uri') return 'uri';
  const m = message.toLowerCase();
  if (/\b(secret|key|base32)\b/.test(m)) return 'secret';
  if (/\bissuer\b/.test(m)) return 'issuer';
  if (/\b(name|label)\b/.test(m)) return 'name';
  return 'secret';
}
