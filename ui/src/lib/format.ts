// Pure display helpers (unit tested in format.test.ts).
import type { AddPreview } from './bindings/AddPreview';
import type { OtpKindName } from './bindings/OtpKindName';

/**
 * Splits a numeric code into two groups for reading: 6 → "123 456",
 * 7 → "123 4567", 8 → "1234 5678". Steam codes (letters) and short codes
 * are returned unchanged.
 */
export function groupCode(code: string, kind?: OtpKindName): string {
  if (kind === 'steam' || !/^\d+$/.test(code) || code.length < 6) return code;
  const split = Math.floor(code.length / 2);
  return `${code.slice(0, split)} ${code.slice(split)}`;
}

/**
 * What a screen reader should say for a code: each character on its own,
 * groups separated by a pause. "123456" → "Code 1 2 3, 4 5 6".
 */
export function ariaCode(code: string, kind?: OtpKindName): string {
  const groups = groupCode(code, kind)
    .split(' ')
    .map((group) => [...group].join(' '));
  return `Code ${groups.join(', ')}`;
}

/**
 * When an account was added, with seconds so that two scans of the same QR
 * code a minute apart can be told apart. `addedAt` is in unix seconds.
 */
export function formatAdded(
  addedAt: number,
  locale?: string | string[],
  timeZone?: string,
): string {
  return dateTimeFormat(locale, timeZone).format(new Date(addedAt * 1000));
}

/** The day only ("3 Dec 2026" in British English): when another entry for the same site was added. */
export function formatDate(unixSeconds: number, locale?: string | string[], timeZone?: string): string {
  return dateTimeFormat(locale, timeZone, false).format(new Date(unixSeconds * 1000));
}

/** Making an Intl formatter costs about a millisecond, and every row shows a date: one per locale and zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(locale?: string | string[], timeZone?: string, withTime = true): Intl.DateTimeFormat {
  const key = `${String(locale)}|${timeZone}|${withTime}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      dateStyle: 'medium',
      timeStyle: withTime ? 'medium' : undefined,
      timeZone,
    });
    formatters.set(key, format);
  }
  return format;
}

/** "about 1 second" / "about 17 seconds": for the countdown ring's text equivalent. */
export function expiresLabel(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `Code expires in about ${s} ${s === 1 ? 'second' : 'seconds'}`;
}

export function kindLabel(kind: OtpKindName): string {
  switch (kind) {
    case 'totp':
      return 'Time-based (TOTP)';
    case 'hotp':
      return 'Counter-based (HOTP)';
    case 'steam':
      return 'Steam Guard';
  }
}

/** One line describing how codes will be made, e.g. "Time-based (TOTP) · 6 digits · every 30 s · SHA1". */
export function describeOtp(p: Pick<AddPreview, 'kind' | 'algorithm' | 'digits' | 'period' | 'counter'>): string {
  const parts = [kindLabel(p.kind)];
  if (p.kind === 'steam') {
    parts.push('5 characters');
  } else {
    parts.push(`${p.digits} digits`);
  }
  if (p.kind !== 'hotp' && p.period != null) parts.push(`every ${p.period} s`);
  if (p.kind === 'hotp' && p.counter != null) parts.push(`counter ${p.counter}`);
  if (p.kind !== 'steam') parts.push(p.algorithm);
  return parts.join(' · ');
}

/** "GitHub (alice@example.com)", or just one of them when the other is empty. */
export function accountTitle(a: { issuer: string; name: string }): string {
  if (a.issuer && a.name) return `${a.issuer} (${a.name})`;
  return a.issuer || a.name || 'Unnamed account';
}

/** Where a code's validity stands at `nowMs`: "starts in 18 s", "18 s left", "ended 12 s ago". */
export function validityText(validFromMs: number, validUntilMs: number, nowMs: number): string {
  if (nowMs < validFromMs) return `starts in ${Math.ceil((validFromMs - nowMs) / 1000)} s`;
  if (nowMs >= validUntilMs) return `ended ${Math.floor((nowMs - validUntilMs) / 1000)} s ago`;
  return `${Math.ceil((validUntilMs - nowMs) / 1000)} s left`;
}
