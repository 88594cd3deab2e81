// Timing for the countdown ring. Computed once per snapshot; the browser then
// animates with CSS alone (no JS timers). The last seconds (next code shown,
// ring in its warning colour) are announced by Rust's codes-expiring event.
import type { CodeView } from './bindings/CodeView';

/** The next code is revealed, and the ring changes colour, this long before expiry (Rust's EXPIRING_MS). */
export const WARN_SECONDS = 5;

export type Countdown = {
  /** Changes whenever the code or its period changes: restarts the animations. */
  key: string;
  periodS: number;
  elapsedS: number;
  /** animation-delay of the draining ring: minus the time already elapsed. */
  drainDelay: string;
  /** Whether the code was already in its last WARN_SECONDS when the snapshot arrived. */
  expiring: boolean;
  duration: string;
};

function seconds(value: number): string {
  // Millisecond precision is plenty and keeps the CSS strings short.
  return `${Math.round(value * 1000) / 1000}s`;
}

/**
 * For a time-based code, where in its period we are at `nowMs`.
 * Returns null for codes without a validity window (HOTP).
 */
export function countdownFor(code: CodeView, nowMs: number): Countdown | null {
  const { validFromMs, validUntilMs } = code;
  if (validFromMs == null || validUntilMs == null || validUntilMs <= validFromMs) return null;
  const periodS = (validUntilMs - validFromMs) / 1000;
  const elapsedS = Math.min(periodS, Math.max(0, (nowMs - validFromMs) / 1000));
  return {
    key: `${validFromMs}:${code.code}`,
    periodS,
    elapsedS,
    duration: seconds(periodS),
    drainDelay: seconds(-elapsedS),
    expiring: periodS - elapsedS <= WARN_SECONDS,
  };
}

export function remainingSeconds(c: Countdown): number {
  return c.periodS - c.elapsedS;
}
