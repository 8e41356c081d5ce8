import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { readZip } from './zip';

describe('readZip', () => {
  it('inflates only the accepted entries', async () => {
    const zip = zipSync({ 'a.csv': strToU8('a'), 'dir/b.csv': strToU8('b'), 'c.txt': strToU8('c') });
    const files = await readZip(zip, (n) => n.endsWith('.csv'));
    expect([...files.keys()].sort()).toEqual(['a.csv', 'dir/b.csv']);
    expect(new TextDecoder().decode(files.get('dir/b.csv'))).toBe('b');
  });

  it('stops a zip bomb by the bytes that come out, whatever the header says', async () => {
    const bomb = zipSync({ 'x.csv': new Uint8Array(4 << 20) }, { level: 9 });
    await expect(readZip(bomb, () => true, { maxEntries: 10, maxTotalBytes: 1 << 20 })).rejects.toThrow(/inflates to more than/);
    // Entries that are skipped cost nothing.
    expect((await readZip(bomb, () => false, { maxEntries: 10, maxTotalBytes: 1 << 20 })).size).toBe(0);
  });

  it('refuses what is not a zip, truncated archives and too many entries', async () => {
    await expect(readZip(strToU8('hello'), () => true)).rejects.toThrow(/not a zip/);
    const zip = zipSync({ 'a.csv': strToU8('x'.repeat(10_000)) });
    await expect(readZip(zip.subarray(0, 60), () => true)).rejects.toThrow();
    const many = zipSync(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}`, strToU8('x')])));
    await expect(readZip(many, () => true, { maxEntries: 3, maxTotalBytes: 1 << 20 })).rejects.toThrow(/more than 3 entries/);
  });
});
