import { describe, expect, it } from 'vitest';
import { fromGcm, fromTcf } from './consent-signals';

describe('consent signals', () => {
  it('maps TCF v2.2 purposes', () => {
    expect(fromTcf({ 1: true, 8: true })).toEqual({ analytics: true, replay: false, heatmaps: false, marketing: false });
    expect(fromTcf({ 1: true, 8: true, 10: true, 3: true, 4: true })).toEqual({
      analytics: true,
      replay: true,
      heatmaps: true,
      marketing: true,
    });
    // Without purpose 1 nothing may be stored or read on the device.
    expect(fromTcf({ 8: true, 10: true, 3: true, 4: true })).toEqual({
      analytics: false,
      replay: false,
      heatmaps: false,
      marketing: false,
    });
    expect(fromTcf(undefined).analytics).toBe(false);
  });

  it('reads the latest Google Consent Mode v2 state from dataLayer', () => {
    const args = (...a: unknown[]) => a;
    expect(fromGcm([{ event: 'gtm.js' }])).toBeNull();
    const layer = [
      args('consent', 'default', {
        analytics_storage: 'denied',
        ad_storage: 'denied',
        ad_user_data: 'denied',
        ad_personalization: 'denied',
      }),
      { event: 'x' },
      args('consent', 'update', { analytics_storage: 'granted' }),
    ];
    expect(fromGcm(layer)).toEqual({ analytics: true, replay: true, heatmaps: true, marketing: false });
    layer.push(
      args('consent', 'update', {
        ad_storage: 'granted',
        ad_user_data: 'granted',
        ad_personalization: 'granted',
        analytics_storage: 'denied',
      }),
    );
    expect(fromGcm(layer)).toEqual({ analytics: false, replay: false, heatmaps: false, marketing: true });
  });
});
