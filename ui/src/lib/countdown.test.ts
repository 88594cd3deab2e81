import { describe, expect, it } from 'vitest';
import { countdownFor, remainingSeconds } from './countdown';

const code = (validFromMs: number | null, validUntilMs: number | null, c = '123456') => ({
  id: 'a',
  code: c,
  nextCode: '654321',
  validFromMs,
  validUntilMs,
});

describe('countdownFor', () => {
  it('computes duration and negative delay from the elapsed time', () => {
    const c = countdownFor(code(30_000, 60_000), 42_000)!;
    expect(c.periodS).toBe(30);
    expect(c.elapsedS).toBe(12);
    expect(c.duration).toBe('30s');
    expect(c.drainDelay).toBe('-12s');
    // 18 s left: not yet in the last 5 seconds
    expect(c.expiring).toBe(false);
    expect(remainingSeconds(c)).toBe(18);
  });

  it('is expiring inside the last 5 seconds', () => {
    const c = countdownFor(code(0, 30_000), 27_500)!;
    expect(c.drainDelay).toBe('-27.5s');
    expect(c.expiring).toBe(true);
  });

  it('supports other periods', () => {
    const c = countdownFor(code(0, 60_000), 1_000)!;
    expect(c.duration).toBe('60s');
    expect(c.drainDelay).toBe('-1s');
    expect(c.expiring).toBe(false);
  });

  it('clamps clocks outside the period', () => {
    expect(countdownFor(code(10_000, 40_000), 5_000)!.drainDelay).toBe('0s');
    expect(countdownFor(code(10_000, 40_000), 99_000)!.drainDelay).toBe('-30s');
  });

  it('changes its key when the code or the period changes', () => {
    const a = countdownFor(code(0, 30_000, '111111'), 0)!;
    expect(countdownFor(code(0, 30_000, '111111'), 5_000)!.key).toBe(a.key);
    expect(countdownFor(code(0, 30_000, '222222'), 0)!.key).not.toBe(a.key);
    expect(countdownFor(code(30_000, 60_000, '111111'), 30_000)!.key).not.toBe(a.key);
  });

  it('is null for counter-based codes', () => {
    expect(countdownFor(code(null, null), 0)).toBeNull();
  });
});
