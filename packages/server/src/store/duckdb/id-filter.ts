import { isUuidV7, uuidV7Time } from '../event-rows';

/**
 * An in-memory Bloom filter over the stored event ids, so the commit path asks DuckDB about an id only
 * when it might already be stored. Ids a client chose itself (UUIDv4) cannot be narrowed by the
 * range-restricted probe of dedupe.ts: without this filter every group holding one scans all of
 * `event_keys_other`, a cost that grows with the table (≈70–90 ms per group at 400k keys under load).
 * With it, a group whose ids are all new (nearly every group: retries are rare) runs no dedupe query.
 *
 * No false negatives: every id committed is added, and the filter is filled from the stored ids before
 * it is trusted (see DuckDbEventStore). False positives only cost a probe of those few ids.
 * Sizing: 24 bits and 8 hash functions per id give ≈4e-5 false positives per id (≈0.05 ids probed per
 * 1,280-id group). When a filter fills up, a new one twice as large is added in front of it (a
 * "scalable" Bloom filter), so it never needs rebuilding from disk; memory ≈ 3–6 bytes per id.
 *
 * Window. A filter may hold only the UUIDv7 ids created since `v7Since` (their first 48 bits are the
 * time): an older v7 id is always reported as possibly stored, so it is probed, range-restricted (dedupe.ts).
 * Retries come within minutes to days of an event, so the filter needs the recent ids only, and it no
 * longer holds (nor makes DuckDB read and cache at start) every id of the file: 64 MiB of filter and
 * ~150 MiB of cached blocks for 12M stored ids. Ids of other kinds (a client's own v4 ids) are all held.
 */
const BITS_PER_ID = 24;
const HASHES = 8;
const MIN_BITS = 1 << 23; // 1 MiB: 350k ids before the first growth

class Bloom {
  readonly words: Uint32Array;
  readonly mask: number;
  readonly capacity: number;
  count = 0;

  constructor(bits: number) {
    this.words = new Uint32Array(bits >>> 5);
    this.mask = bits - 1;
    this.capacity = Math.floor(bits / BITS_PER_ID);
  }

  add(h1: number, h2: number): void {
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      this.words[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.count++;
  }

  has(h1: number, h2: number): boolean {
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      if ((this.words[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** murmur3's 32-bit finaliser: spreads ids whose bits are not random (client-chosen, time-based). */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The two hashes (double hashing) of an id's four words; odd h2 so every probe step moves. */
function hashes(w0: number, w1: number, w2: number, w3: number): [number, number] {
  const h1 = fmix(w0 ^ fmix(w1 ^ fmix(w2 ^ fmix(w3))));
  return [h1, fmix(h1 ^ w3 ^ 0x9e3779b9) | 1];
}

/** Hex digit values by char code (upper case too; -1 elsewhere). */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** The 32-bit word of 8 hex digits of `id` at the given (dash-skipping) offsets. */
function word(id: string, offsets: readonly number[]): number {
  let w = 0;
  for (const o of offsets) w = (w << 4) | (HEX[id.charCodeAt(o)] ?? 0);
  return w >>> 0;
}

const W0 = [0, 1, 2, 3, 4, 5, 6, 7];
const W1 = [9, 10, 11, 12, 14, 15, 16, 17];
const W2 = [19, 20, 21, 22, 24, 25, 26, 27];
const W3 = [28, 29, 30, 31, 32, 33, 34, 35];

/**
 * The four 32-bit words of a UUID string (8-4-4-4-12 hex digits). idWordsSql() computes the same words in
 * DuckDB from the stored UUID, so the filter can be filled without turning every stored id into a JS string.
 */
export function idWords(id: string): [number, number, number, number] {
  return [word(id, W0), word(id, W1), word(id, W2), word(id, W3)];
}

/**
 * `w0..w3` of every id `storedIds` (a query with one `event_id` column; dedupe.ts says which) yields,
 * matching idWords(). An id found twice is merely added twice.
 */
export function idWordsSql(storedIds: string): string {
  return (
    `SELECT ('0x' || substr(s, 1, 8))::UINTEGER AS w0, ('0x' || substr(s, 10, 4) || substr(s, 15, 4))::UINTEGER AS w1, ` +
    `('0x' || substr(s, 20, 4) || substr(s, 25, 4))::UINTEGER AS w2, ('0x' || substr(s, 29, 8))::UINTEGER AS w3 ` +
    `FROM (SELECT CAST(event_id AS VARCHAR) AS s FROM (${storedIds}))`
  );
}

/** The smallest UUID a v7 id created at `ms` or later can be (lower-case, as DuckDB prints UUIDs). */
export function v7LowerBound(ms: number): string {
  const hex = Math.max(0, Math.trunc(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8)}-0000-0000-000000000000`;
}

export class IdFilter {
  /** Newest (largest) first; `add` goes to the first. */
  private blooms: Bloom[];

  /**
   * `expectedIds`: how many ids the filter will be filled with. `v7Since` (ms): v7 ids created before it are
   * not held (see "Window" above); 0 holds every id.
   */
  constructor(
    expectedIds = 0,
    readonly v7Since = 0,
  ) {
    let bits = MIN_BITS;
    while (bits / BITS_PER_ID < expectedIds * 1.25 && bits < 2 ** 31) bits *= 2;
    this.blooms = [new Bloom(bits)];
  }

  get size(): number {
    return this.blooms.reduce((n, b) => n + b.count, 0);
  }

  addWords(w0: number, w1: number, w2: number, w3: number): void {
    this.addHashes(...hashes(w0, w1, w2, w3));
  }

  private addHashes(h1: number, h2: number): void {
    let head = this.blooms[0]!;
    if (head.count >= head.capacity && head.words.length * 32 < 2 ** 31) {
      head = new Bloom(head.words.length * 64);
      this.blooms.unshift(head);
    }
    head.add(h1, h2);
  }

  add(id: string): void {
    if (!this.beforeWindow(id)) this.addWords(...idWords(id));
  }

  /** False: the id is certainly not stored. True: it may be (ask the database). */
  mightContain(id: string): boolean {
    if (this.beforeWindow(id)) return true;
    const [h1, h2] = hashes(...idWords(id));
    return this.hasHashes(h1, h2);
  }

  /** A v7 id older than the window: not held, so never ruled out. */
  private beforeWindow(id: string): boolean {
    return this.v7Since > 0 && isUuidV7(id) && uuidV7Time(id) < this.v7Since;
  }

  /**
   * The ids among `ids` that may be stored, and a `record(i)` that adds ids[i] once it is: each id is hashed
   * once for both (the commit path asks about, then adds, every id of a group).
   */
  check(ids: readonly string[]): { candidates: string[]; record: (i: number) => void } {
    const h = new Uint32Array(ids.length * 2);
    const candidates: string[] = [];
    const old = new Uint8Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      if (this.beforeWindow(ids[i]!)) {
        old[i] = 1;
        candidates.push(ids[i]!);
        continue;
      }
      const [h1, h2] = hashes(...idWords(ids[i]!));
      h[2 * i] = h1;
      h[2 * i + 1] = h2;
      if (this.hasHashes(h1, h2)) candidates.push(ids[i]!);
    }
    return { candidates, record: (i) => old[i] || this.addHashes(h[2 * i]!, h[2 * i + 1]!) };
  }

  private hasHashes(h1: number, h2: number): boolean {
    for (const b of this.blooms) if (b.has(h1, h2)) return true;
    return false;
  }
}
