import type { Channel } from '@tidemark/core';
import { sourceForHost, sourceForUtm, type SourceKind } from '../lib/sources';
import type { NamedStep, PreEvent } from '../types';

const PAID = new Set([
  'cpc',
  'ppc',
  'paid',
  'paidsearch',
  'paid_search',
  'paid-search',
  'sem',
  'cpm',
  'cpv',
  'paid_social',
  'paid-social',
  'paidsocial',
]);
const SOCIAL = new Set([
  'social',
  'social-network',
  'social_network',
  'social-media',
  'social_media',
  'sm',
  'social network',
  'social media',
]);
const EMAIL = new Set(['email', 'e-mail', 'e_mail', 'mail', 'newsletter']);

/**
 * Channel grouping (InsightHub PRD §4.1.2, DESIGN §4), first rule that matches:
 * paid medium → Paid Search (Social when the source is a social network: a paid social campaign is
 * not search); organic medium, or a search engine with no medium → Organic Search; a social source or
 * social medium → Social; email medium or webmail referrer → Email; referral medium or any referrer →
 * Referral; neither referrer nor UTM → Direct; else Other.
 */
export function channelFor(
  ev: Pick<PreEvent, 'utm_source' | 'utm_medium' | 'utm_campaign' | 'utm_term' | 'utm_content' | 'referrer_domain'>,
): Channel {
  const medium = ev.utm_medium.trim().toLowerCase();
  const kind: SourceKind | undefined =
    (ev.utm_source ? sourceForUtm(ev.utm_source) : null)?.kind ?? sourceForHost(ev.referrer_domain)?.kind;
  if (PAID.has(medium)) return kind === 'social' || medium.includes('social') ? 'Social' : 'Paid Search';
  if (medium === 'organic' || (!medium && kind === 'search')) return 'Organic Search';
  if (kind === 'social' || SOCIAL.has(medium)) return 'Social';
  if (EMAIL.has(medium) || kind === 'email') return 'Email';
  if (medium === 'referral' || ev.referrer_domain) return 'Referral';
  const hasUtm = !!(ev.utm_source || ev.utm_medium || ev.utm_campaign || ev.utm_term || ev.utm_content);
  if (!hasUtm) return 'Direct';
  return 'Other';
}

export const channelStep: NamedStep = {
  name: 'channel',
  run: (ev) => {
    ev.channel = channelFor(ev);
    return ev;
  },
};
