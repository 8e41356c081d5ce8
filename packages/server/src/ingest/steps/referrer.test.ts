import { describe, expect, it } from 'vitest';
import { Drop } from '../drop';
import { testContext, testEvent, testSite } from '../../../test/helpers/ingest';
import { referrerDomain, referrerStep } from './referrer';

const run = (over: Parameters<typeof testEvent>[0], site = testSite()) => {
  const r = referrerStep.run(testEvent(over), testContext({ site }));
  if (r instanceof Drop) throw new Error('unexpected drop');
  return r;
};

describe('referrer step', () => {
  it('derives the referrer domain without www and names known sources', () => {
    const ev = run({ referrer: 'https://www.google.de/search?q=secret+terms' });
    expect(ev.referrer_domain).toBe('google.de');
    expect(ev.source).toBe('Google');
    expect(ev.referrer).toBe('https://www.google.de/search');
  });
  it('uses the referrer domain as the source for unknown sites', () => {
    const ev = run({ referrer: 'https://blog.example.org/post/1' });
    expect([ev.referrer_domain, ev.source]).toEqual(['blog.example.org', 'blog.example.org']);
  });
  it('prefers utm_source as the source', () => {
    expect(run({ referrer: 'https://google.com/', utm_source: 'spring-newsletter' }).source).toBe('spring-newsletter');
  });
  it('treats navigation within the site (and its allowed hosts) as no referral', () => {
    const site = testSite({ allowed_hosts: ['shop.example.net'] });
    for (const ref of [
      'https://example.com/a',
      'https://www.example.com/',
      'https://blog.example.com/x',
      'https://shop.example.net/cart',
    ]) {
      const ev = run({ referrer: ref }, site);
      expect([ev.referrer, ev.referrer_domain, ev.source]).toEqual(['', '', '']);
    }
  });
  it('reads android-app referrers and ignores non-web schemes', () => {
    expect(referrerDomain('android-app://com.google.android.gm/')).toBe('com.google.android.gm');
    expect(run({ referrer: 'android-app://com.google.android.googlequicksearchbox/' }).source).toBe('Google');
    expect(referrerDomain('javascript:alert(1)')).toBe('');
    expect(referrerDomain('not a url')).toBe('');
  });
});
