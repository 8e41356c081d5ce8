import { describe, expect, it } from 'vitest';
import { channelFor } from './channel';

const ch = (o: { src?: string; med?: string; camp?: string; ref?: string }) =>
  channelFor({
    utm_source: o.src ?? '',
    utm_medium: o.med ?? '',
    utm_campaign: o.camp ?? '',
    utm_term: '',
    utm_content: '',
    referrer_domain: o.ref ?? '',
  });

describe('channel grouping (InsightHub PRD §4.1.2)', () => {
  it('Direct: no referrer, no UTM', () => {
    expect(ch({})).toBe('Direct');
  });
  it('Organic Search: a search engine referrer, or medium organic', () => {
    expect(ch({ ref: 'google.com' })).toBe('Organic Search');
    expect(ch({ ref: 'google.co.uk' })).toBe('Organic Search');
    expect(ch({ ref: 'duckduckgo.com' })).toBe('Organic Search');
    expect(ch({ src: 'bing', med: 'organic' })).toBe('Organic Search');
    expect(ch({ src: 'newsletter-partner', med: 'organic' })).toBe('Organic Search');
  });
  it('Paid Search: cpc / ppc mediums', () => {
    expect(ch({ src: 'google', med: 'cpc', ref: 'google.com' })).toBe('Paid Search');
    expect(ch({ src: 'bing', med: 'PPC' })).toBe('Paid Search');
  });
  it('Social: social sources and mediums, including paid social campaigns', () => {
    expect(ch({ ref: 'facebook.com' })).toBe('Social');
    expect(ch({ ref: 't.co' })).toBe('Social');
    expect(ch({ ref: 'news.ycombinator.com' })).toBe('Social');
    expect(ch({ src: 'linkedin' })).toBe('Social');
    expect(ch({ src: 'fb', med: 'cpc' })).toBe('Social');
    expect(ch({ src: 'partner', med: 'social' })).toBe('Social');
  });
  it('Email: email medium or a webmail referrer', () => {
    expect(ch({ src: 'newsletter', med: 'email' })).toBe('Email');
    expect(ch({ ref: 'mail.google.com' })).toBe('Email');
  });
  it('Referral: referral medium or any other referrer', () => {
    expect(ch({ ref: 'blog.example.org' })).toBe('Referral');
    expect(ch({ src: 'partner', med: 'referral' })).toBe('Referral');
  });
  it('Other: UTM that says nothing recognisable, without a referrer', () => {
    expect(ch({ src: 'billboard', med: 'print' })).toBe('Other');
    expect(ch({ camp: 'spring' })).toBe('Other');
  });
});
