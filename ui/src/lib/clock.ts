// What the window says about this computer's clock (pure helpers, unit tested in clock.test.ts). Rust
// measures the offset against time servers; the UI never claims the clock is wrong when the check failed.
import type { ClockStatus } from './bindings/ClockStatus';

/** From this far off, sites start rejecting codes: the banner shows. */
export const CLOCK_WARN_MS = 5_000;

/** How far off, without the sign: "47 s", "3 min 5 s", "2 h 10 min", "3 days 4 h". */
export function offsetAmount(ms: number): string {
  const total = Math.round(Math.abs(ms) / 1000);
  if (total < 120) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 120) return join(minutes, 'min', total % 60, 's');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return join(hours, 'h', minutes % 60, 'min');
  return join(Math.floor(hours / 24), 'days', hours % 24, 'h');
}

function join(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
}

/** "47 s fast" (ahead of the time servers) or "3 min 5 s slow" (behind). */
export function offsetText(ms: number): string {
  return `${offsetAmount(ms)} ${ms > 0 ? 'fast' : 'slow'}`;
}

/** The last check worked and found the clock off by 5 seconds or more. */
export function clockWrong(status: ClockStatus | null): status is ClockStatus & { offsetMs: number } {
  return (
    status !== null && status.problem === null && status.offsetMs !== null && Math.abs(status.offsetMs) >= CLOCK_WARN_MS
  );
}

/** The banner's sentence (only for a clock that is off: see clockWrong). */
export function bannerText(status: ClockStatus & { offsetMs: number }): string {
  const off = offsetText(status.offsetMs);
  return status.correcting
    ? `Your clock is ${off} — Tock corrects its own codes for it`
    : `Your clock is ${off} — sites may reject your codes`;
}

/** The header's badge while codes are corrected: "Clock corrected −47 s" (the codes are made 47 s earlier). */
export function correctionLabel(appliedOffsetMs: number): string {
  if (Math.round(Math.abs(appliedOffsetMs) / 1000) === 0) return 'Clock corrected by under 1 s';
  return `Clock corrected ${appliedOffsetMs > 0 ? '−' : '+'}${offsetAmount(appliedOffsetMs)}`;
}

/** The badge's explanation. */
export function correctionHint(appliedOffsetMs: number): string {
  const amount = offsetAmount(appliedOffsetMs);
  const way = appliedOffsetMs > 0 ? 'fast' : 'slow';
  return (
    `This computer's clock is ${amount} ${way}, so Tock makes its codes for the right time instead. ` +
    'Other apps still use the wrong time: set the clock to update automatically to fix it for all of them.'
  );
}

/**
 * One sentence on the last measurement. `why`: in the troubleshooter, where a clock that is off is
 * "probably why" the code was refused.
 */
export function clockVerdict(status: ClockStatus, why = false): string {
  if (status.problem !== null) return status.problem;
  if (status.offsetMs === null) return 'Tock has not checked your clock yet.';
  if (!clockWrong(status)) {
    const amount = offsetAmount(status.offsetMs);
    return amount === '0 s' ? 'Your clock is right: fine.' : `Your clock is ${amount} off: fine.`;
  }
  const off = offsetText(status.offsetMs);
  if (status.correcting) return `Your clock is ${off}, but Tock corrects its codes for it.`;
  return why ? `Your clock is ${off}: this is probably why.` : `Your clock is ${off}: sites may reject your codes.`;
}

/** "Checked with time.cloudflare.com." (the port left out when it is NTP's). */
export function checkedWith(status: ClockStatus): string | null {
  if (status.problem !== null || status.server === null) return null;
  return `Checked with ${status.server.replace(/:123$/, '')}.`;
}

export type Platform = 'linux' | 'macos' | 'windows';

/** Which system's settings to describe, from the WebView's user agent. */
export function platformOf(userAgent: string): Platform {
  if (/windows/i.test(userAgent)) return 'windows';
  if (/mac os|macintosh/i.test(userAgent)) return 'macos';
  return 'linux';
}

/** Where to turn on automatic time; `command`: the same from a terminal. */
export const AUTO_TIME: Record<Platform, { steps: string; command: string | null }> = {
  linux: { steps: 'Settings → Date & Time → Automatic Date & Time', command: 'timedatectl set-ntp true' },
  macos: { steps: 'System Settings → General → Date & Time → Set time and date automatically', command: null },
  windows: { steps: 'Settings → Time & language → Date & time → Set time automatically, then Sync now', command: null },
};

/** The time servers typed in the Settings dialog, one per line (blank lines dropped). */
export function parseServers(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}
