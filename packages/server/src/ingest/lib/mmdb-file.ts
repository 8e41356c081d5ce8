import fs from 'node:fs';
import { Reader, type Response } from 'maxmind';

/**
 * A MaxMind-format (.mmdb) reader that keeps the search tree on disk. maxmind.open() reads the whole file
 * into memory: 128 MiB resident for the two DB-IP Lite city files, three quarters of it the tree, of which
 * a lookup visits at most 32 (IPv4) or 128 (IPv6) nodes. Here only the data section and the metadata are
 * read in; tree nodes are read with positioned reads, in 4 KiB pages, the recently used ones kept (the top
 * of the tree stays cached). Measured on the DB-IP files: ~5–10 µs per lookup instead of ~2–4 µs (one
 * lookup per collect request), answers identical (mmdb-file.test.ts compares with maxmind.open).
 *
 * The file is read into a zero-filled buffer of its full size whose tree part is never written: the
 * allocator maps such a buffer lazily, so those pages take no memory, and the library's Reader decodes the
 * data section from it as usual. Its tree walker is replaced by one that reads the file. This relies on
 * two fields of mmdb-lib's Reader (`walker`, `ipv4StartNodeNumber`), pinned through the lockfile.
 */
const PAGE = 4096;
/** Tree pages kept per file: 4 MiB. */
const PAGES = 1024;
/** The metadata is at most this far from the end of the file (MaxMind DB spec). */
const METADATA_MAX = 128 * 1024;

interface ReaderInternals {
  walker: { left(offset: number): number; right(offset: number): number };
  ipv4StartNodeNumber: number;
  ipv4Start(): number;
}

/** The decoded-record cache the Reader asks for (get/set by offset), bounded. */
class BoundedCache<V> {
  private readonly map = new Map<number, V>();
  constructor(private readonly max: number) {}
  get(key: number): V | undefined {
    return this.map.get(key);
  }
  set(key: number, value: V): void {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
  }
}

export function openMmdbFile<T extends Response>(file: string, cacheMax = 50_000): Reader<T> {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const db = Buffer.alloc(size);
    const tail = Math.min(size, METADATA_MAX);
    readFully(fd, db, size - tail, tail);
    const reader = new Reader<T>(db, { cache: new BoundedCache(cacheMax) });
    const { searchTreeSize, recordSize } = reader.metadata;
    if (searchTreeSize > size) throw new Error(`${file}: not a MaxMind DB (search tree larger than the file)`);
    readFully(fd, db, searchTreeSize, size - tail - searchTreeSize);
    const internals = reader as unknown as ReaderInternals;
    internals.walker = fileWalker(fd, recordSize);
    internals.ipv4StartNodeNumber = internals.ipv4Start();
    return reader;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

function readFully(fd: number, into: Buffer, position: number, length: number): void {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, into, position + done, length - done, position + done);
    if (n === 0) throw new Error('unexpected end of file');
    done += n;
  }
}

/** Left and right records of the node at a byte offset of the tree, read from the file through a page cache. */
function fileWalker(fd: number, recordSize: number): ReaderInternals['walker'] {
  if (recordSize !== 24 && recordSize !== 28 && recordSize !== 32) throw new Error(`unsupported record size ${recordSize}`);
  const pages = new Map<number, Buffer>();
  let at = 0;
  // The page holding `offset`, and the offset in it (pages carry 8 bytes more, so a node never straddles two).
  const page = (offset: number): Buffer => {
    const p = Math.floor(offset / PAGE);
    at = offset - p * PAGE;
    let buf = pages.get(p);
    if (!buf) {
      buf = Buffer.alloc(PAGE + 8);
      fs.readSync(fd, buf, 0, PAGE + 8, p * PAGE);
      if (pages.size >= PAGES) pages.delete(pages.keys().next().value!);
      pages.set(p, buf);
    }
    return buf;
  };
  return {
    left(offset) {
      const b = page(offset);
      if (recordSize === 28) return ((b[at + 3]! & 0xf0) << 20) | b.readUIntBE(at, 3);
      return recordSize === 24 ? b.readUIntBE(at, 3) : b.readUInt32BE(at);
    },
    right(offset) {
      const b = page(offset);
      if (recordSize === 28) return ((b[at + 3]! & 0x0f) << 24) | b.readUIntBE(at + 4, 3);
      return recordSize === 24 ? b.readUIntBE(at + 3, 3) : b.readUInt32BE(at + 4);
    },
  };
}
