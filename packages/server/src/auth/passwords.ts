import argon2 from 'argon2';

/** Argon2id at (at least) the OWASP baseline: 19 MiB memory, 2 passes, 1 lane. */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, ARGON2_OPTIONS);

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    await burnVerify(password);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** Spends the same work as a real check, so unknown emails cannot be told apart by response time. */
export async function burnVerify(password: string): Promise<void> {
  dummyHash ??= argon2.hash('tidemark-timing-equalizer', ARGON2_OPTIONS);
  await argon2.verify(await dummyHash, password).catch(() => false);
}

export const needsRehash = (hash: string): boolean => argon2.needsRehash(hash, ARGON2_OPTIONS);
