import { describe, expect, it } from 'vitest';
import { Drop } from '../drop';
import { testContext, testEvent, testSite } from '../../../test/helpers/ingest';
import { CONSENT_PROP, consentStep } from './consent';

type Mode = 'none' | 'required' | 'optional-upgrade';
const run = (mode: Mode, name: string, granted: string | undefined, trust: 'browser' | 'server' = 'browser') => {
  const ev = testEvent({ name, props: granted === undefined ? { plan: 'pro' } : { plan: 'pro', [CONSENT_PROP]: granted } });
  const r = consentStep.run(ev, testContext({ site: { ...testSite(), consent_mode: mode }, trust }));
  return r instanceof Drop ? r.reason : r;
};

describe('consent step', () => {
  it('drops browser events without analytics consent in required mode, and never stores the marker', () => {
    expect(run('required', 'page_view', undefined)).toBe('no_consent');
    expect(run('required', 'page_view', 'replay')).toBe('no_consent');
    const kept = run('required', 'page_view', 'analytics,replay');
    expect(typeof kept).toBe('object');
    expect((kept as { props: Record<string, string> }).props).toEqual({ plan: 'pro', tm_marketing: 'declined' });
    const marketing = run('required', 'page_view', 'analytics,marketing');
    expect((marketing as { props: Record<string, string> }).props).toEqual({ plan: 'pro', tm_marketing: 'granted' });
    // No consent mode, or no decision sent: nothing is kept.
    expect((run('none', 'page_view', 'analytics') as { props: Record<string, string> }).props).toEqual({ plan: 'pro' });
    expect((run('optional-upgrade', 'page_view', undefined) as { props: Record<string, string> }).props).toEqual({ plan: 'pro' });
    // Server-side senders answer for their own consent.
    expect(typeof run('required', 'page_view', undefined, 'server')).toBe('object');
    expect(typeof run('none', 'page_view', undefined)).toBe('object');
  });

  it('counts optional-upgrade events without consent cookieless', () => {
    const ev = testEvent({ name: 'page_view', props: {} });
    ev.client_visitor_id = 'browser-id';
    const r = consentStep.run(ev, testContext({ site: { ...testSite(), consent_mode: 'optional-upgrade' } }));
    expect(r instanceof Drop).toBe(false);
    expect((r as typeof ev).client_visitor_id).toBe('');
  });

  it('needs the heatmaps category for heatmap samples in either mode', () => {
    for (const mode of ['required', 'optional-upgrade'] as const) {
      expect(run(mode, 'heatmap_click', 'analytics')).toBe('no_consent');
      expect(run(mode, 'heatmap_move', undefined)).toBe('no_consent');
      expect(typeof run(mode, 'heatmap_click', 'analytics,heatmaps')).toBe('object');
    }
    expect(typeof run('none', 'heatmap_click', undefined)).toBe('object');
  });
});
