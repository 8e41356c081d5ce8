import { emptyEvent, type CanonicalEvent } from '@tidemark/core';
import { Prng } from './prng';

/**
 * People drawn from hidden behavioural segments, for testing segmentation: each person belongs to one
 * archetype (sessions, pages per session, key pages, engaged time, recency, identification, sign-ups) and
 * behaves like it with some noise. The archetype of each person is returned beside the events, for the
 * test alone: what is being segmented never sees it.
 */

interface Archetype {
  name: string;
  sessions: [number, number];
  pages: [number, number];
  /** Paths a page view picks from. */
  paths: string[];
  /** Engaged ms per page view (a page_exit event after it), or 0 for none. */
  engagedMs: [number, number];
  /** Days between the person's last event and `now`. */
  lastSeenDays: [number, number];
  identified: boolean;
  signup: boolean;
}

export const SEGMENT_ARCHETYPES: readonly Archetype[] = [
  {
    name: 'pricing',
    sessions: [2, 3],
    pages: [3, 4],
    paths: ['/pricing', '/pricing/team', '/'],
    engagedMs: [0, 0],
    lastSeenDays: [0, 5],
    identified: false,
    signup: false,
  },
  {
    name: 'one-page',
    sessions: [1, 1],
    pages: [1, 1],
    paths: ['/blog/a', '/blog/b', '/blog/c'],
    engagedMs: [0, 0],
    lastSeenDays: [0, 5],
    identified: false,
    signup: false,
  },
  {
    name: 'docs',
    sessions: [4, 6],
    pages: [2, 3],
    paths: ['/docs/start', '/docs/api', '/docs/faq'],
    engagedMs: [30_000, 60_000],
    lastSeenDays: [0, 5],
    identified: false,
    signup: false,
  },
  {
    name: 'returners',
    sessions: [12, 18],
    pages: [1, 2],
    paths: ['/', '/news'],
    engagedMs: [0, 0],
    lastSeenDays: [0, 3],
    identified: false,
    signup: false,
  },
  {
    name: 'converters',
    sessions: [2, 3],
    pages: [2, 3],
    paths: ['/', '/features', '/signup'],
    engagedMs: [0, 0],
    lastSeenDays: [0, 5],
    identified: true,
    signup: true,
  },
  {
    name: 'contact',
    sessions: [1, 2],
    pages: [2, 2],
    paths: ['/contact', '/contact/sales'],
    engagedMs: [0, 0],
    lastSeenDays: [0, 5],
    identified: false,
    signup: false,
  },
  {
    name: 'lapsed',
    sessions: [2, 3],
    pages: [2, 2],
    paths: ['/', '/features'],
    engagedMs: [0, 0],
    lastSeenDays: [60, 90],
    identified: false,
    signup: false,
  },
  {
    name: 'deep',
    sessions: [1, 1],
    pages: [15, 25],
    paths: ['/features', '/blog/a', '/about', '/customers'],
    engagedMs: [0, 0],
    lastSeenDays: [0, 5],
    identified: false,
    signup: false,
  },
  {
    name: 'engaged',
    sessions: [1, 2],
    pages: [2, 2],
    paths: ['/blog/long-read', '/blog/guide'],
    engagedMs: [600_000, 900_000],
    lastSeenDays: [0, 5],
    identified: false,
    signup: false,
  },
  {
    name: 'known',
    sessions: [5, 8],
    pages: [1, 2],
    paths: ['/', '/account'],
    engagedMs: [0, 0],
    lastSeenDays: [0, 5],
    identified: true,
    signup: false,
  },
];

export interface SegmentPeople {
  events: CanonicalEvent[];
  /** Profile id (u<user id> or v<visitor id>) → index of its archetype in SEGMENT_ARCHETYPES. */
  truth: Map<string, number>;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

export function generateSegmentPeople(opts: { siteId: string; now: number; perArchetype: number; seed?: string }): SegmentPeople {
  const rng = new Prng(opts.seed ?? 'segment-people');
  const events: CanonicalEvent[] = [];
  const truth = new Map<string, number>();
  let seq = 0;
  const id = () => `00000000-0000-4000-e000-${String(++seq).padStart(12, '0')}`;
  SEGMENT_ARCHETYPES.forEach((a, ai) => {
    for (let p = 0; p < opts.perArchetype; p++) {
      const visitor = `seg-${ai}-${p}`;
      const user = a.identified ? `member-${ai}-${p}` : '';
      truth.set(user ? `u${user}` : `v${visitor}`, ai);
      const sessions = rng.int(...a.sessions);
      const last = opts.now - rng.int(a.lastSeenDays[0] * 24, a.lastSeenDays[1] * 24) * HOUR - rng.int(1, 3600) * 1000;
      for (let s = 0; s < sessions; s++) {
        // Sessions a day or two apart, the last one ending at `last`.
        let ts = last - (sessions - 1 - s) * rng.int(1, 2) * DAY - HOUR;
        const session = `${visitor}-s${s}`;
        const add = (name: string, path: string, extra?: Partial<CanonicalEvent>) => {
          const e = emptyEvent({ event_id: id(), site_id: opts.siteId, ts, received_at: ts, name });
          Object.assign(
            e,
            { visitor_id: visitor, session_id: session, user_id: user, path, host: 'shop.example', url: `https://shop.example${path}` },
            extra,
          );
          events.push(e);
          ts += rng.int(5, 60) * 1000;
        };
        const pages = rng.int(...a.pages);
        for (let v = 0; v < pages; v++) {
          const path = a.paths[rng.int(0, a.paths.length - 1)]!;
          add('page_view', path);
          if (a.engagedMs[1] > 0) add('page_exit', path, { engaged_ms: rng.int(...a.engagedMs) });
        }
        if (a.signup && s === sessions - 1) add('signup', '/signup');
      }
    }
  });
  return { events, truth };
}
