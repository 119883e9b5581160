import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A fresh per-start token: 24 random bytes from the operating system's CSPRNG, base64url (32
 * characters). This is the one place labrx wants unpredictable randomness rather than a seeded
 * PRNG: a token another web site could guess or reproduce would protect nothing.
 */
export function newStudioToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Compares a presented token with the expected one in constant time (no timing oracle). */
export function tokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
