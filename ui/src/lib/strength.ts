// A rough strength hint for a new password (the lock's, the file vault's, the automatic backups'). Pure and
// local: the password is never sent anywhere for this. A hint only: the person may keep a weak password.

/** Some of the passwords tried first by anyone guessing (compared lower-cased, ignoring trailing digits and symbols). */
export const COMMON_PASSWORDS: readonly string[] = [
  'password',
  '123456',
  '12345678',
  '123456789',
  'qwerty',
  'qwertyuiop',
  'abc123',
  'letmein',
  'welcome',
  'monkey',
  'dragon',
  'iloveyou',
  'admin',
  'football',
  'baseball',
  'sunshine',
  'princess',
  'trustno1',
  'passw0rd',
  'master',
  'login',
  'secret',
];

export type Strength = {
  /** 0 (very weak) to 4 (strong). */
  score: 0 | 1 | 2 | 3 | 4;
  /** "Very weak" … "Strong". */
  label: string;
  /** One sentence: what makes it weak, or that it is fine. */
  hint: string;
};

const LABELS = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'] as const;

/** How many of lower-case letters, capitals, digits and anything else (symbols, spaces) it uses. */
export function characterClasses(password: string): number {
  return [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((re) => re.test(password)).length;
}

/** Whether it is one of COMMON_PASSWORDS, perhaps with digits or symbols after it ("Password1!"). */
export function isCommon(password: string): boolean {
  const lower = password.toLowerCase();
  const stem = lower.replace(/[^\p{L}]+$/u, '');
  return COMMON_PASSWORDS.includes(lower) || (stem.length >= 4 && COMMON_PASSWORDS.includes(stem));
}

export function passwordStrength(password: string): Strength {
  const length = [...password].length;
  const classes = characterClasses(password);
  const result = (score: Strength['score'], hint: string): Strength => ({ score, label: LABELS[score], hint });

  if (length === 0) return result(0, 'Choose a password only you know.');
  if (isCommon(password)) return result(0, 'This is one of the first passwords anyone would try: choose another.');
  if (new Set(password).size <= 2) return result(0, 'Repeating one or two characters is easy to guess: choose another.');
  if (length < 8) {
    return result(
      length >= 6 && classes >= 3 ? 1 : 0,
      'Use at least 8 characters; a few unrelated words are easy to remember and hard to guess.',
    );
  }

  let score = length >= 20 ? 4 : length >= 16 ? 3 : length >= 12 ? 2 : 1;
  if (classes >= 3) score += 1;
  if (classes === 4 && length >= 10) score += 1;
  const capped = Math.min(4, score) as Strength['score'];

  if (capped === 4) return result(4, 'Strong: a password like this would take a very long time to guess.');
  if (capped === 3) return result(3, 'Good; a few more characters would make it stronger still.');
  if (length < 12) return result(capped, 'Longer is stronger: 12 characters or more, such as a few unrelated words.');
  return result(capped, 'Make it longer, or mix in capitals, digits or symbols.');
}
