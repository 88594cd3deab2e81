// How the person signs in to a site (pure helpers, unit tested in signIn.test.ts). Two-factor codes only
// help once the first step works; noting the method saves guessing at "Continue with Google" later.
import type { SignInMethod } from './bindings/SignInMethod';

export const SIGN_IN_METHODS: ReadonlyArray<{ method: SignInMethod; label: string; option: string; way: string }> = [
  { method: 'password', label: 'Password', option: 'Email or user name and password', way: 'your email or user name and password' },
  { method: 'google', label: 'Google', option: 'Continue with Google', way: '“Continue with Google”' },
  { method: 'microsoft', label: 'Microsoft', option: 'Continue with Microsoft', way: '“Continue with Microsoft”' },
  { method: 'apple', label: 'Apple', option: 'Continue with Apple', way: '“Continue with Apple”' },
  { method: 'phone', label: 'Phone', option: 'Phone number', way: 'your phone number' },
  { method: 'sso', label: 'Single sign-on', option: 'Single sign-on (work or school)', way: 'single sign-on (your work or school account)' },
  { method: 'passkey', label: 'Passkey', option: 'Passkey', way: 'your passkey' },
  { method: 'other', label: 'Other', option: 'Another way', way: 'the way written in your notes' },
];

function entry(method: SignInMethod) {
  return SIGN_IN_METHODS.find((m) => m.method === method)!;
}

/** The row's short label: "Google", "Single sign-on". */
export function signInLabel(method: SignInMethod): string {
  return entry(method).label;
}

/** How to sign in with it, in a sentence: "“Continue with Google”", "your phone number". */
export function signInWay(method: SignInMethod): string {
  return entry(method).way;
}

/** The ways to try in turn when the person does not remember, in the order most sites show them. */
export const WAYS_TO_TRY = [
  '“Continue with Google”',
  '“Continue with Microsoft”',
  '“Continue with Apple”',
  'your phone number',
  'single sign-on (SSO)',
  'your email and password',
];

/** Providers that own the password: a reset happens on their side, not on the site. */
export function resetsThroughProvider(method: SignInMethod | null): boolean {
  return method === 'google' || method === 'microsoft' || method === 'apple';
}

/** A select's value ("" for "don't say") as a method. */
export function methodFromValue(value: string): SignInMethod | null {
  return SIGN_IN_METHODS.some((m) => m.method === value) ? (value as SignInMethod) : null;
}
