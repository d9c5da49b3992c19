import { randomInt } from 'node:crypto';
import type { PasswordPolicy } from '../../aws/iam-users.js';
import { Secret } from '../../secret.js';

/**
 * Random console passwords. Containment sets one that nobody is ever told (it exists only in the
 * request that sets it), which signs the attacker out of the console for good without deleting
 * the login profile; a restore sets another, written only to a 0600 file, that must be changed at
 * first sign-in.
 */

// IAM's symbols for RequireSymbols ("Setting an account password policy for IAM users").
const SYMBOLS = "!@#$%^&*()_+-=[]{}|'";
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALL = UPPER + LOWER + DIGITS + SYMBOLS;

/** IAM accepts passwords of up to 128 characters; 64 random ones are far beyond guessing. */
const LENGTH = 64;
const MAX_LENGTH = 128;

const pick = (set: string) => set[randomInt(set.length)]!;

/** A password that satisfies any password policy the account may have: every class, at least its minimum length. */
export function randomConsolePassword(policy?: PasswordPolicy): Secret {
  const length = Math.min(MAX_LENGTH, Math.max(LENGTH, policy?.minimumLength ?? 0));
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < length) chars.push(pick(ALL));
  // Fisher-Yates, so the four required classes are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return new Secret(chars.join(''));
}
