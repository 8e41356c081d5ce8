import { describe, expect, it } from 'vitest';
import { channelOf, referrerDomainOf, sourceOf } from './channel';

const ch = (referrer: string, utmSource = '', utmMedium = '', utmCampaign = '') =>
  channelOf({ referrerDomain: referrerDomainOf(referrer), utmSource, utmMedium, utmCampaign });

describe('channel rules', () => {
  it('groups visits like the spec rules', () => {
    expect(ch('')).toBe('Direct');
    expect(ch('https://www.google.com/')).toBe('Organic Search');
    expect(ch('https://duckduckgo.com/')).toBe('Organic Search');
    expect(ch('https://www.google.com/', 'google', 'cpc', 'brand')).toBe('Paid Search');
    expect(ch('https://t.co/abc')).toBe('Social');
    expect(ch('https://l.facebook.com/')).toBe('Social');
    expect(ch('', 'newsletter', 'email', 'weekly')).toBe('Email');
    expect(ch('https://github.com/x/y')).toBe('Referral');
    expect(ch('', 'partner', 'affiliate')).toBe('Other');
  });

  it('names sources: utm first, then a known name, then the domain', () => {
    expect(sourceOf('newsletter', 'mail.google.com')).toBe('newsletter');
    expect(sourceOf('', referrerDomainOf('https://www.google.co.uk/'))).toBe('Google');
    expect(sourceOf('', referrerDomainOf('https://www.theverge.com/a'))).toBe('theverge.com');
    expect(sourceOf('', '')).toBe('');
  });
});
