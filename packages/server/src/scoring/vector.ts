import { CHANNELS } from '@tidemark/core';
import type { PersonFeatures } from '../stats';

const DAY_MS = 86_400_000;
const log1p = (x: number) => Math.log1p(Math.max(0, x));

/** Channels and devices one-hot encoded against a baseline (Direct, desktop). */
const CHANNEL_FEATURES = CHANNELS.filter((c) => c !== 'Direct');
const DEVICE_FEATURES = ['mobile', 'tablet'];

/**
 * The model's inputs, named: counts on a log scale (the tenth session says less than the second), the
 * rest as they are. Key pages are the rules' key pages, by name, when the model was trained.
 */
export function featureNamesFor(keyPages: readonly { name: string }[]): string[] {
  return [
    'recency_days',
    'sessions',
    'pageviews',
    'engaged_minutes',
    'scroll_max',
    'forms',
    'form_starts',
    'days_active',
    'goals',
    'returning',
    'identified',
    ...keyPages.map((k) => `key_page:${k.name}`),
    ...CHANNEL_FEATURES.map((c) => `channel:${c}`),
    ...DEVICE_FEATURES.map((d) => `device:${d}`),
  ];
}

/** One person's input vector as of `asOf` (recency counts from then), in featureNamesFor's order. */
export function vectorOf(f: PersonFeatures, asOf: number): number[] {
  return [
    log1p((asOf - f.last_ms) / DAY_MS),
    log1p(f.sessions),
    log1p(f.pageviews),
    log1p(f.engaged_ms / 60_000),
    f.scroll_max / 100,
    log1p(f.forms),
    log1p(f.form_starts),
    log1p(f.days_active),
    f.goals,
    f.sessions > 1 ? 1 : 0,
    f.identified ? 1 : 0,
    ...f.key_pages.map((n) => (n > 0 ? 1 : 0)),
    ...CHANNEL_FEATURES.map((c) => (f.first_channel === c ? 1 : 0)),
    ...DEVICE_FEATURES.map((d) => (f.device === d ? 1 : 0)),
  ];
}
