import { describe, expect, it } from 'vitest';
import { characterClasses, COMMON_PASSWORDS, isCommon, passwordStrength } from './strength';

describe('passwordStrength', () => {
  it('scores an empty, a common, a repeated and a short password as very weak', () => {
    expect(passwordStrength('').score).toBe(0);
    expect(passwordStrength('password').score).toBe(0);
    expect(passwordStrength('Password1!').hint).toContain('first passwords anyone would try');
    expect(passwordStrength('aaaaaaaaaaaaaaaa').score).toBe(0);
    expect(passwordStrength('cat').score).toBe(0);
    expect(passwordStrength('cat').hint).toContain('at least 8 characters');
  });

  it('grows with length and with the kinds of characters used', () => {
    const scores = ['kestrelx', 'kestrel-Map7', 'kestrelmaplanter', 'kestrel maple lantern'].map(
      (p) => passwordStrength(p).score,
    );
    expect(scores).toEqual([1, 4, 3, 4]);
    expect(passwordStrength('kestrelmapl').hint).toContain('12 characters or more');
    expect(passwordStrength('Tr0ub4dor&3').score).toBe(3);
    expect(passwordStrength('correct horse battery staple')).toEqual({
      score: 4,
      label: 'Strong',
      hint: 'Strong: a password like this would take a very long time to guess.',
    });
  });

  it('gives one sentence and a label for every score', () => {
    for (const p of ['', 'abcdefgh', 'abcdefghijkl', 'abcdefghijkl9A', 'correct horse battery staple']) {
      const s = passwordStrength(p);
      expect(s.hint).toMatch(/^[A-Z][^.]*[.]$/);
      expect(['Very weak', 'Weak', 'Fair', 'Good', 'Strong'][s.score]).toBe(s.label);
    }
  });
});

describe('helpers', () => {
  it('counts character classes, spaces and non-Latin letters included', () => {
    expect(characterClasses('abc')).toBe(1);
    expect(characterClasses('aB3 ')).toBe(4);
    expect(characterClasses('Äpfel')).toBe(2);
  });

  it('knows about twenty common passwords, with trailing digits or symbols', () => {
    expect(COMMON_PASSWORDS.length).toBeGreaterThanOrEqual(20);
    expect(isCommon('QWERTY')).toBe(true);
    expect(isCommon('letmein2024!')).toBe(true);
    expect(isCommon('lantern')).toBe(false);
  });
});
