import type { Prng } from './prng';

// Hex digits as char codes; ids are written into one scratch buffer and decoded once, which makes a
// flat string (string concatenation would build rope strings: slow to create, heavy for the GC).
const HEX = Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0));
const scratch = Buffer.alloc(64);

/**
 * UUIDv7 (RFC 9562): 48-bit ms timestamp, version 7, 74 random bits from the seeded PRNG so ids
 * are reproducible. Ids of one millisecond are not ordered among themselves (not needed here).
 */
export function uuidv7(ms: number, rng: Prng): string {
  const hi = Math.floor(ms / 0x10000); // top 32 bits of the 48-bit timestamp
  const lo = ms % 0x10000; // bottom 16 bits
  const r1 = rng.u32();
  const r2 = rng.u32();
  const r3 = rng.u32();
  const c = scratch;
  for (let i = 0; i < 8; i++) c[i] = HEX[(hi >>> (28 - 4 * i)) & 15];
  c[8] = 45; // '-'
  for (let i = 0; i < 4; i++) c[9 + i] = HEX[(lo >>> (12 - 4 * i)) & 15];
  c[13] = 45;
  c[14] = 55; // version '7'
  c[15] = HEX[(r1 >>> 8) & 15];
  c[16] = HEX[(r1 >>> 4) & 15];
  c[17] = HEX[r1 & 15];
  c[18] = 45;
  c[19] = HEX[8 | ((r1 >>> 12) & 3)]; // variant 10xx
  c[20] = HEX[(r1 >>> 16) & 15];
  c[21] = HEX[(r1 >>> 20) & 15];
  c[22] = HEX[(r1 >>> 24) & 15];
  c[23] = 45;
  for (let i = 0; i < 8; i++) c[24 + i] = HEX[(r2 >>> (4 * i)) & 15];
  for (let i = 0; i < 4; i++) c[32 + i] = HEX[(r3 >>> (4 * i)) & 15];
  return c.toString('latin1', 0, 36);
}

/** `n` (<= 64) random lowercase hex characters, e.g. visitor and session ids. */
export function randomHex(n: number, rng: Prng): string {
  const c = scratch;
  for (let i = 0; i < n; i += 8) {
    const r = rng.u32();
    for (let j = 0; j < 8 && i + j < n; j++) c[i + j] = HEX[(r >>> (4 * j)) & 15];
  }
  return c.toString('latin1', 0, n);
}

/** The millisecond timestamp a UUIDv7 carries. */
export function uuidv7Time(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
