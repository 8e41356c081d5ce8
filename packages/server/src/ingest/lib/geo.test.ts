import { describe, expect, it } from 'vitest';
import { NO_GEO, openGeoLookup, toGeoInfo, unmapIPv4 } from './geo';

describe('geolocation', () => {
  it('reads both record layouts (DB-IP Lite via npm, MaxMind GeoIP2)', () => {
    expect(toGeoInfo({ country_code: 'gb', state1: 'England', city: 'London' })).toEqual({
      country: 'GB',
      region: 'England',
      city: 'London',
    });
    expect(
      toGeoInfo({ country: { iso_code: 'DE' }, subdivisions: [{ names: { en: 'Hesse' } }], city: { names: { en: 'Frankfurt am Main' } } }),
    ).toEqual({
      country: 'DE',
      region: 'Hesse',
      city: 'Frankfurt am Main',
    });
    expect(toGeoInfo(null)).toBe(NO_GEO);
  });

  it('looks up IPv4, IPv6 and IPv4-mapped addresses in the shipped DB-IP Lite database', async () => {
    const geo = await openGeoLookup(undefined);
    expect(geo.source).toMatch(/DB-IP/);
    // Google's public resolvers are registered in the United States; the city may change between releases.
    expect(geo.lookup('8.8.8.8').country).toBe('US');
    expect(geo.lookup('::ffff:8.8.8.8').country).toBe('US');
    expect(geo.lookup('2001:4860:4860::8888').country).toMatch(/^[A-Z]{2}$/);
    expect(geo.lookup('127.0.0.1')).toEqual(NO_GEO);
    expect(geo.lookup('not-an-ip')).toEqual(NO_GEO);
    expect(unmapIPv4('::ffff:10.0.0.1')).toBe('10.0.0.1');
  });

  it('can be turned off', async () => {
    const geo = await openGeoLookup('off');
    expect(geo.lookup('8.8.8.8')).toEqual(NO_GEO);
  });
});
