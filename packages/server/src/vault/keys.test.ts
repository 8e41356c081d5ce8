import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashDiff, hashKey } from './keys';

describe('vault keys', () => {
  it('a hash key is the hex MD5 of the parts joined by |', () => {
    expect(hashKey('site', 'session', 'visitor')).toBe(crypto.createHash('md5').update('site|session|visitor').digest('hex'));
    expect(hashKey('s', 'a|b')).toBe(hashKey('s|a', 'b')); // documented: the separator is not escaped
    expect(hashKey('s', 'x')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('a hash diff reads null and undefined as empty and numbers as text', () => {
    expect(hashDiff([1, null, 'a', undefined])).toBe(hashKey('1', '', 'a', ''));
    expect(hashDiff([1, 2])).not.toBe(hashDiff([2, 1]));
  });
});
