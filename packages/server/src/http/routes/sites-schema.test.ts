import { describe, expect, it } from 'vitest';
import { isIpOrCidr, isValidTimeZone, normalizeDomain, siteCreateSchema, sitePatchSchema } from './sites-schema';

describe('site settings validation', () => {
  it('reduces pasted URLs to a host name', () => {
    expect(normalizeDomain('https://WWW.Example.com:8443/path?q=1#x')).toBe('www.example.com');
    expect(normalizeDomain(' example.org. ')).toBe('example.org');
    expect(siteCreateSchema.safeParse({ domain: 'exa mple.com' }).success).toBe(false);
    expect(siteCreateSchema.safeParse({ domain: '' }).success).toBe(false);
  });

  it('accepts IANA zones only', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Europe/Atlantis')).toBe(false);
    expect(isValidTimeZone("UTC'; DROP TABLE sites; --")).toBe(false);
  });

  it('accepts IPs and CIDR ranges of the right width', () => {
    for (const ok of ['10.0.0.1', '10.0.0.0/8', '2001:db8::/32', '::1']) expect(isIpOrCidr(ok), ok).toBe(true);
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0', 'example.com', '10.0.0.0/8/1', '1.2.3.4/x'])
      expect(isIpOrCidr(bad), bad).toBe(false);
  });

  it('normalizes allowed host patterns and keeps the wildcard', () => {
    const r = sitePatchSchema.parse({ allowed_hosts: ['*.Example.com', 'https://shop.example.com/'] });
    expect(r.allowed_hosts).toEqual(['*.example.com', 'shop.example.com']);
    expect(sitePatchSchema.safeParse({ allowed_hosts: ['*.'] }).success).toBe(false);
  });

  it('bounds numeric settings', () => {
    expect(sitePatchSchema.safeParse({ session_timeout_min: 0 }).success).toBe(false);
    expect(sitePatchSchema.safeParse({ session_timeout_min: 1441 }).success).toBe(false);
    expect(sitePatchSchema.safeParse({ retention_days: 3651 }).success).toBe(false);
    expect(sitePatchSchema.parse({ retention_days: 0 })).toEqual({ retention_days: 0 });
  });
});
