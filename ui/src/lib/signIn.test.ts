import { describe, expect, it } from 'vitest';
import { methodFromValue, resetsThroughProvider, SIGN_IN_METHODS, signInLabel, signInWay } from './signIn';

describe('sign-in methods', () => {
  it('have the row labels of the contract', () => {
    expect(SIGN_IN_METHODS.map((m) => signInLabel(m.method))).toEqual([
      'Password',
      'Google',
      'Microsoft',
      'Apple',
      'Phone',
      'Single sign-on',
      'Passkey',
      'Other',
    ]);
  });
  it('say how to sign in with each', () => {
    expect(signInWay('google')).toBe('“Continue with Google”');
    expect(signInWay('phone')).toBe('your phone number');
  });
  it('reset passwords through the provider for Google, Microsoft and Apple only', () => {
    expect(resetsThroughProvider('apple')).toBe(true);
    expect(resetsThroughProvider('password')).toBe(false);
    expect(resetsThroughProvider(null)).toBe(false);
  });
  it('read a select value, "" and unknown values as not said', () => {
    expect(methodFromValue('sso')).toBe('sso');
    expect(methodFromValue('')).toBeNull();
    expect(methodFromValue('carrier-pigeon')).toBeNull();
  });
});
