import crypto from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Uniform base62 string from the CSPRNG (rejection sampling, no modulo bias). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of crypto.randomBytes(length * 2)) {
      if (b < 248) out += BASE62[b % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export const newId = (): string => crypto.randomUUID();

export const sha256Hex = (value: string): string => crypto.createHash('sha256').update(value).digest('hex');

/** 256-bit opaque token for cookies and invitation links. */
export const newToken = (): string => crypto.randomBytes(32).toString('base64url');

/** A shared dashboard link's token: 256 random bits, base64url (43 characters). */
export const newShareToken = (): string => crypto.randomBytes(32).toString('base64url');
