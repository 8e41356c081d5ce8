import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCommonPassword, isPrivateAddress, PasswordPolicy, rangeCheck } from './breached';

describe('shipped breached-password list', () => {
  it('knows the usual suspects, case-insensitively, and not a random passphrase', () => {
    for (const p of ['password', '12345678', 'qwertyuiop', 'iloveyou', 'Password1', 'PASSWORD123'])
      expect(isCommonPassword(p), p).toBe(true);
    expect(isCommonPassword(crypto.randomBytes(12).toString('base64url'))).toBe(false);
    expect(isCommonPassword('correct horse battery')).toBe(false);
  });
});

describe('private address guard', () => {
  it('refuses loopback, private, link-local, CGNAT, ULA and mapped forms; allows public addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not-an-ip',
    ]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['1.1.1.1', '104.16.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) expect(isPrivateAddress(a), a).toBe(false);
  });
});

describe('k-anonymity range check', () => {
  const requests: string[] = [];
  let server: http.Server;
  let base: string;
  const breachedPw = 'hunter2-but-longer';
  const sha1 = crypto.createHash('sha1').update(breachedPw).digest('hex').toUpperCase();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      // A real answer's shape: suffix:count lines, with padding entries of count 0.
      const prefix = (req.url ?? '').split('/').pop()!;
      const lines = [`${'0'.repeat(35)}:3`, `${'F'.repeat(35)}:0`];
      if (prefix === sha1.slice(0, 5)) lines.push(`${sha1.slice(5)}:42`);
      res.end(lines.join('\r\n'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/range/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends only the 5-digit prefix and finds the suffix in the answer', async () => {
    requests.length = 0;
    expect(await rangeCheck(breachedPw, { url: base, allowPrivate: true })).toBe(true);
    expect(requests).toEqual([`/range/${sha1.slice(0, 5)}`]);
    expect(await rangeCheck('a fine unbreached phrase 7', { url: base, allowPrivate: true })).toBe(false);
  });

  it('never reaches a private address, by IP or by a name resolving to one', async () => {
    requests.length = 0;
    await expect(rangeCheck(breachedPw, { url: base })).rejects.toMatchObject({ code: 'EPRIVATE' });
    await expect(rangeCheck(breachedPw, { url: base.replace('127.0.0.1', 'localhost') })).rejects.toMatchObject({ code: 'EPRIVATE' });
    expect(requests).toEqual([]);
  });

  it('the policy refuses listed and range-found passwords, and lets others through when the service is unreachable', async () => {
    const logs: string[] = [];
    const reachable = new PasswordPolicy({ url: base, allowPrivate: true });
    await expect(reachable.assertAcceptable('password123')).rejects.toMatchObject({ status: 400, code: 'password_breached' });
    await expect(reachable.assertAcceptable(breachedPw)).rejects.toMatchObject({ status: 400, code: 'password_breached' });
    await expect(reachable.assertAcceptable('a fine unbreached phrase 7')).resolves.toBeUndefined();
    const guarded = new PasswordPolicy({ url: base }, (m) => logs.push(m));
    await expect(guarded.assertAcceptable(breachedPw)).resolves.toBeUndefined();
    expect(logs.join('\n')).toMatch(/private address/);
    const offline = new PasswordPolicy(null);
    await expect(offline.assertAcceptable('iloveyou')).rejects.toMatchObject({ code: 'password_breached' });
  });
});
