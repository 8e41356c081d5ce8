import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compilePatterns, DOWNLOAD_EXT, EMAIL, hashEmails, readConfig, uuid7 } from './util';

describe('readConfig', () => {
  it('applies defaults, then data-attributes, then init options', () => {
    const c = readConfig({ api: 'https://stats.example.com/' }, { site: 'abc', privacyMode: 'true', batchSize: '5' }, { batchSize: 7 });
    expect(c).toMatchObject({
      site: 'abc',
      api: 'https://stats.example.com',
      privacyMode: true,
      cookieless: true,
      respectDnt: true,
      autoTrack: true,
      interactions: true,
      batchSize: 7,
      intervalStart: 5000,
      sessionTimeout: 30,
    });
  });

  it('reads "false" as false and a bare attribute as true, keeps other strings', () => {
    const c = readConfig({ api: 'x' }, { cookieless: 'false', respectDnt: 'false', debug: '', hash: 'true', exclude: '/a/*' });
    expect(c).toMatchObject({ cookieless: false, respectDnt: false, debug: true, hash: true, exclude: '/a/*' });
  });

  it('keeps the batch size within 1..50, garbage becomes the default', () => {
    expect(readConfig({ api: 'x' }, { batchSize: '0' }).batchSize).toBe(10);
    expect(readConfig({ api: 'x' }, { batchSize: 'lots' }).batchSize).toBe(10);
    expect(readConfig({ api: 'x' }, { batchSize: '-3' }).batchSize).toBe(1);
    expect(readConfig({ api: 'x' }, { batchSize: '500' }).batchSize).toBe(50);
  });
});

describe('compilePatterns', () => {
  const match = (patterns: string, path: string) => compilePatterns(patterns).some((r) => r.test(path));

  it('matches whole paths, * within one segment, ** across segments (as the server does)', () => {
    expect(match('/admin/*', '/admin/users')).toBe(true);
    expect(match('/admin/*', '/admin/users/1')).toBe(false);
    expect(match('/admin/**', '/admin/users/1')).toBe(true);
    expect(match('/**/edit', '/posts/1/edit')).toBe(true);
    expect(match('/admin/*', '/admin')).toBe(false);
    expect(match('/admin*', '/admin')).toBe(true);
    expect(match('/preview', '/preview')).toBe(true);
    expect(match('/preview', '/preview/x')).toBe(false);
    expect(match('/preview', '/blog/preview')).toBe(false);
  });

  it('takes comma- or space-separated lists and treats other characters literally', () => {
    expect(match(' /a , /b/*.html /c', '/b/x.html')).toBe(true);
    expect(match('/b/*.html', '/b/xhtml')).toBe(false);
    expect(match('/p(1)?', '/p(1)?')).toBe(true);
    expect(match('/p(1)?', '/p1')).toBe(false);
    expect(compilePatterns(undefined)).toEqual([]);
    expect(compilePatterns('')).toEqual([]);
  });
});

describe('uuid7', () => {
  it('is a version 7, variant 10 UUID carrying the timestamp', () => {
    const now = Date.UTC(2025, 0, 8, 12);
    const id = uuid7(now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now);
  });

  it('differs between calls in the same millisecond and sorts by time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuid7(1_700_000_000_000)));
    expect(ids.size).toBe(1000);
    expect(uuid7(1_700_000_000_000) < uuid7(1_700_000_000_001)).toBe(true);
  });
});

describe('hashEmails', () => {
  it('replaces values that are e-mail addresses by the SHA-256 of their trimmed lower-case form', async () => {
    const p: Record<string, unknown> = { email: ' Alice@Example.COM ', plan: 'pro', n: 3, note: 'mail alice@example.com' };
    await hashEmails(p);
    expect(p).toEqual({
      email: crypto.createHash('sha256').update('alice@example.com').digest('hex'),
      plan: 'pro',
      n: 3,
      note: 'mail alice@example.com',
    });
  });

  it('hashes e-mail addresses in URL query parameters, and leaves other URLs alone', async () => {
    const h = crypto.createHash('sha256').update('bob@example.com').digest('hex');
    const p: Record<string, unknown> = {
      url: 'https://shop.example/welcome?email=Bob%40Example.com&plan=pro#top',
      referrer: 'https://mail.example/?to=bob@example.com',
      path: '/welcome',
      other: 'https://user@host.example/?x=1',
    };
    await hashEmails(p);
    expect(p).toEqual({
      url: `https://shop.example/welcome?email=${h}&plan=pro#top`,
      referrer: `https://mail.example/?to=${h}`,
      path: '/welcome',
      other: 'https://user@host.example/?x=1',
    });
  });
});

describe('patterns', () => {
  it('EMAIL recognises addresses only as whole values', () => {
    expect(EMAIL.test('a.b+c@d.example')).toBe(true);
    expect(EMAIL.test('not an @address.com')).toBe(false);
    expect(EMAIL.test('x@localhost')).toBe(false);
  });

  it('DOWNLOAD_EXT covers documents, archives and media, not pages', () => {
    for (const ext of ['pdf', 'docx', 'xlsx', 'csv', 'zip', '7z', 'tgz', 'dmg', 'mp3', 'mp4', 'mkv'])
      expect(DOWNLOAD_EXT.test(ext)).toBe(true);
    for (const ext of ['html', 'php', 'js', 'png', '']) expect(DOWNLOAD_EXT.test(ext)).toBe(false);
  });
});
