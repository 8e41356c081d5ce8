import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryCounterStore } from '../counters';
import { keyedCounterStore } from './keyed-counters';
import { ServerKeys } from './keys';
import { loadServerSecret } from './server-secret';

const keys = ServerKeys.fromString('a'.repeat(32));

describe('ServerKeys', () => {
  it('derives one independent key per purpose, as HKDF-SHA256 computes it', () => {
    const expected = Buffer.from(crypto.hkdfSync('sha256', Buffer.from('a'.repeat(32)), 'tidemark/keys/v1', 'tidemark:counter-keys', 32));
    expect(keys.derive('counter-keys').equals(expected)).toBe(true);
    expect(keys.derive('counter-keys').equals(keys.derive('email-verification'))).toBe(false);
    expect(ServerKeys.fromString('b'.repeat(32)).derive('counter-keys').equals(expected)).toBe(false);
    expect(() => ServerKeys.fromString('short')).toThrow();
  });

  it('signs tokens that verify only unaltered, for their purpose, before they expire', () => {
    const now = Date.now();
    const token = keys.sign('email-verification', { user: 'u1' }, now + 60_000);
    expect(keys.verify('email-verification', token, now)).toEqual({ user: 'u1' });
    expect(keys.verify('password-reset', token, now)).toBeNull();
    expect(keys.verify('email-verification', token, now + 60_001)).toBeNull();
    expect(ServerKeys.fromString('b'.repeat(32)).verify('email-verification', token, now)).toBeNull();
    const [body, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ p: { user: 'admin' }, exp: now + 60_000 })).toString('base64url');
    expect(keys.verify('email-verification', `${forged}.${mac}`, now)).toBeNull();
    expect(keys.verify('email-verification', `${body}.${mac}x`, now)).toBeNull();
    expect(keys.verify('email-verification', 'garbage', now)).toBeNull();
  });

  it('seals settings so only the same secret and purpose open them', () => {
    const sealed = keys.seal('smtp-password', 'hunter2-long-password');
    expect(sealed).not.toContain('hunter2');
    expect(keys.seal('smtp-password', 'hunter2-long-password')).not.toBe(sealed);
    expect(keys.open('smtp-password', sealed)).toBe('hunter2-long-password');
    expect(keys.open('other', sealed)).toBeNull();
    expect(ServerKeys.fromString('b'.repeat(32)).open('smtp-password', sealed)).toBeNull();
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1]! ^= 1;
    expect(keys.open('smtp-password', `v1.${raw.toString('base64url')}`)).toBeNull();
  });

  it('keeps counter names out of the counter store, consistently across calls', async () => {
    const inner = new MemoryCounterStore();
    const seen: string[] = [];
    const spy = {
      incr: (k: string, w: number) => {
        seen.push(k);
        return inner.incr(k, w);
      },
      peek: (k: string) => {
        seen.push(k);
        return inner.peek(k);
      },
      reset: (k: string) => inner.reset(k),
    };
    const counters = keyedCounterStore(spy, (name) => keys.hmac('counter-keys', name));
    await counters.incr('login:ip:203.0.113.7', 60_000);
    expect((await counters.incr('login:ip:203.0.113.7', 60_000)).count).toBe(2);
    expect((await counters.peek('login:ip:203.0.113.7'))?.count).toBe(2);
    expect(await counters.peek('login:ip:203.0.113.8')).toBeNull();
    for (const k of seen) {
      expect(k).not.toContain('203.0.113');
      expect(k).toMatch(/^login:[A-Za-z0-9_-]{22}$/);
    }
  });
});

describe('loadServerSecret', () => {
  it('generates a 0600 secret file once, and insists on TIDEMARK_SECRET when processes share state', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-secret-'));
    try {
      const a = loadServerSecret({ secret: undefined, dataDir: dir, shared: false });
      expect(a.length).toBeGreaterThanOrEqual(32);
      expect(fs.statSync(path.join(dir, 'secret')).mode & 0o777).toBe(0o600);
      expect(loadServerSecret({ secret: undefined, dataDir: dir, shared: false })).toBe(a);
      expect(fs.readdirSync(dir)).toEqual(['secret']);
      expect(loadServerSecret({ secret: 'x'.repeat(32), dataDir: dir, shared: true })).toBe('x'.repeat(32));
      expect(() => loadServerSecret({ secret: undefined, dataDir: dir, shared: true })).toThrow(/TIDEMARK_SECRET must be set/);
      fs.writeFileSync(path.join(dir, 'secret'), 'short\n');
      expect(() => loadServerSecret({ secret: undefined, dataDir: dir, shared: false })).toThrow(/at least 32/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
