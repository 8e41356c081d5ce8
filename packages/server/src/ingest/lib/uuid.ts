import { randomFillSync } from 'node:crypto';

// Random bytes are drawn in blocks: one getrandom call per 256 ids instead of one per id.
const POOL_IDS = 256;
const pool = Buffer.alloc(10 * POOL_IDS);
let poolOffset = pool.length;
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** RFC 9562 UUID version 7: 48-bit Unix ms timestamp, then random bits; sorts by time. */
export function uuidv7(ms: number = Date.now()): string {
  if (poolOffset + 10 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const r = poolOffset;
  poolOffset += 10;
  return format(ms, pool, r);
}

/** The UUIDv7 text of time `ms` and the 10 bytes of `bytes` from `at` (missing bytes count as 0). */
function format(ms: number, bytes: Uint8Array, at: number): string {
  const t = Math.max(0, Math.floor(ms));
  const hi = Math.floor(t / 0x1000000); // top 24 bits of the 48-bit timestamp
  const lo = t % 0x1000000;
  const b = (i: number) => bytes[at + i] ?? 0;
  return (
    HEX[(hi >>> 16) & 0xff] +
    HEX[(hi >>> 8) & 0xff] +
    HEX[hi & 0xff] +
    HEX[(lo >>> 16) & 0xff] +
    '-' +
    HEX[(lo >>> 8) & 0xff] +
    HEX[lo & 0xff] +
    '-' +
    HEX[0x70 | (b(0) & 0x0f)] +
    HEX[b(1)] +
    '-' +
    HEX[0x80 | (b(2) & 0x3f)] +
    HEX[b(3)] +
    '-' +
    HEX[b(4)] +
    HEX[b(5)] +
    HEX[b(6)] +
    HEX[b(7)] +
    HEX[b(8)] +
    HEX[b(9)]
  );
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** A UUIDv7 whose time is `ms` and whose other bits are taken from `bytes` (10 or more): the same inputs, the same id. */
export function uuidv7From(ms: number, bytes: Uint8Array): string {
  return format(ms, bytes, 0);
}
