import { describe, expect, it } from 'vitest';
import { Drop } from '../drop';
import { testContext, testEvent, testSite } from '../../../test/helpers/ingest';
import type { PreEvent, RequestContext } from '../types';
import { pageStep } from './page';
import { excludedPathStep } from './excluded-path';
import { excludedIpStep } from './excluded-ip';
import { privacyStep } from './privacy';
import { siteEnabledStep } from './site-enabled';

const outcome = (r: PreEvent | Drop) => (r instanceof Drop ? r.reason : 'kept');

describe('page step', () => {
  const run = (url: string, ctxOver: Partial<RequestContext> = {}) => {
    const ctx = testContext(ctxOver);
    return pageStep.run(testEvent({ url }, ctx), ctx);
  };
  it('splits the URL into host and path', () => {
    const r = run('https://Blog.Example.com:8443/a/b?x=1#h');
    expect(r instanceof Drop ? r.reason : [r.host, r.path]).toEqual(['blog.example.com', '/a/b']);
  });
  it("accepts the site's domain, its subdomains and allowed hosts; drops other hosts", () => {
    const site = testSite({ allowed_hosts: ['example-staging.net', '*.preview.dev'] });
    expect(outcome(run('https://example.com/', { site }))).toBe('kept');
    expect(outcome(run('https://www.example.com/', { site }))).toBe('kept');
    expect(outcome(run('https://shop.eu.example.com/', { site }))).toBe('kept');
    expect(outcome(run('https://example-staging.net/', { site }))).toBe('kept');
    expect(outcome(run('https://pr-1.preview.dev/', { site }))).toBe('kept');
    expect(outcome(run('https://evil-example.com/', { site }))).toBe('host_not_allowed');
    expect(outcome(run('https://example.com.evil.io/', { site }))).toBe('host_not_allowed');
  });
  it('quarantines browser events without a usable URL; server-side ones may omit it', () => {
    expect(outcome(run(''))).toBe('invalid_url');
    expect(outcome(run('/relative'))).toBe('invalid_url');
    expect(outcome(run('javascript:alert(1)'))).toBe('invalid_url');
    expect(outcome(run('', { trust: 'server' }))).toBe('kept');
    expect(outcome(run('https://anything.org/', { trust: 'server' }))).toBe('kept');
  });
});

describe('exclusion and privacy steps', () => {
  it('drops excluded paths (* within a segment, ** across)', () => {
    const site = testSite({ excluded_paths: ['/admin/**', '/preview/*', '/exact'] });
    const check = (path: string) => {
      const ctx = testContext({ site });
      return outcome(excludedPathStep.run(testEvent({ path }, ctx), ctx));
    };
    expect(check('/admin/users/5')).toBe('excluded_path');
    expect(check('/preview/x')).toBe('excluded_path');
    expect(check('/preview/x/y')).toBe('kept');
    expect(check('/exact')).toBe('excluded_path');
    expect(check('/exactly')).toBe('kept');
    expect(check('/pricing')).toBe('kept');
  });
  it('drops excluded IPs and ranges, IPv4 and IPv6', () => {
    const site = testSite({ excluded_ips: ['198.51.100.0/24', '2001:db8::/32', '203.0.113.9', 'garbage'] });
    const check = (ip: string) => {
      const ctx = testContext({ site, ip });
      return outcome(excludedIpStep.run(testEvent({}, ctx), ctx));
    };
    expect(check('198.51.100.77')).toBe('excluded_ip');
    expect(check('::ffff:198.51.100.77')).toBe('excluded_ip');
    expect(check('2001:db8:1::5')).toBe('excluded_ip');
    expect(check('203.0.113.9')).toBe('excluded_ip');
    expect(check('203.0.113.10')).toBe('kept');
  });
  it('honours DNT and GPC only for sites that respect them', () => {
    const check = (dnt: boolean, gpc: boolean, respect: boolean) => {
      const ctx = testContext({
        site: testSite({ respect_dnt: respect }),
        signals: { dnt, gpc, hasAccept: true, hasAcceptLanguage: true, webdriver: false },
      });
      return outcome(privacyStep.run(testEvent({}, ctx), ctx));
    };
    expect(check(true, false, true)).toBe('dnt');
    expect(check(false, true, true)).toBe('gpc');
    expect(check(false, false, true)).toBe('kept');
    expect(check(true, true, false)).toBe('kept');
  });
  it('drops everything for a disabled site', () => {
    const ctx = testContext({ site: testSite({ enabled: false }) });
    expect(outcome(siteEnabledStep.run(testEvent({}, ctx), ctx))).toBe('site_disabled');
  });
});
