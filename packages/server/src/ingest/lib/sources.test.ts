import { describe, expect, it } from 'vitest';
import { sourceForHost, sourceForUtm } from './sources';

const name = (h: string) => sourceForHost(h)?.name ?? null;

describe('known sources', () => {
  it('matches search engines on any country domain', () => {
    expect(name('google.com')).toBe('Google');
    expect(name('google.co.uk')).toBe('Google');
    expect(name('google.com.au')).toBe('Google');
    expect(name('news.google.fr')).toBe('Google');
    expect(name('yandex.ru')).toBe('Yandex');
    expect(name('search.brave.com')).toBe('Brave Search');
  });
  it('does not take lookalikes for the real thing', () => {
    expect(name('google.example.com')).toBeNull();
    expect(name('notgoogle.com')).toBeNull();
    expect(name('brave.com')).toBeNull();
  });
  it('matches social networks and their short links', () => {
    expect(name('l.facebook.com')).toBe('Facebook');
    expect(name('t.co')).toBe('Twitter');
    expect(name('lnkd.in')).toBe('LinkedIn');
    expect(name('old.reddit.com')).toBe('Reddit');
    expect(name('pinterest.co.uk')).toBe('Pinterest');
  });
  it('prefers the most specific entry (webmail over its search engine)', () => {
    expect(sourceForHost('mail.google.com')).toMatchObject({ name: 'Gmail', kind: 'email' });
    expect(sourceForHost('mail.yahoo.com')?.kind).toBe('email');
  });
  it('recognises utm_source spellings', () => {
    expect(sourceForUtm('Google')?.kind).toBe('search');
    expect(sourceForUtm('fb')?.name).toBe('Facebook');
    expect(sourceForUtm('www.linkedin.com')?.name).toBe('LinkedIn');
    expect(sourceForUtm('spring-newsletter')).toBeNull();
  });
});
