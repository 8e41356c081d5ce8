import { emptyEvent, type CanonicalEvent } from '@tidemark/core';

/**
 * Hand-written visits for the paths suite on site P (America/New_York, UTC−5 in early March).
 * Period 2024-03-01 … 2024-03-02 local = [2024-03-01T05:00Z, 2024-03-03T05:00Z); expectations in
 * paths-suite.ts are worked out from the comments here.
 */
export const PATHS_SITE = { id: 'site-p', timezone: 'America/New_York' };
export const PATHS_OTHER_SITE = { id: 'site-q', timezone: 'UTC' };

let seq = 0;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A visit as [UTC time, what]: '/…' is a page view, anything else an event of that name. */
function visit(
  site: string,
  visitor: string,
  session: string,
  steps: Array<[string, string]>,
  country = 'US',
  receivedAt?: number,
): CanonicalEvent[] {
  let path = '/';
  return steps.map(([utc, what]) => {
    seq += 1;
    const ts = Date.parse(utc);
    const isPage = what.startsWith('/');
    if (isPage) path = what;
    const e = emptyEvent({ event_id: uuid(seq), site_id: site, ts, received_at: receivedAt ?? ts, name: isPage ? 'page_view' : what });
    e.visitor_id = visitor;
    e.session_id = session;
    e.host = 'example.com';
    e.path = path;
    e.url = `https://example.com${path}`;
    e.country = country;
    e.channel = 'Direct';
    return e;
  });
}

const P = PATHS_SITE.id;

export function pathCases(): CanonicalEvent[] {
  return [
    // A: / → /pricing → /pricing (collapsed) → /signup → signup_completed → /done.
    ...visit(P, 'va', 'sa', [
      ['2024-03-01T15:00:00Z', '/'],
      ['2024-03-01T15:01:00Z', '/pricing'],
      ['2024-03-01T15:02:00Z', '/pricing'],
      ['2024-03-01T15:03:00Z', '/signup'],
      ['2024-03-01T15:04:00Z', 'signup_completed'],
      ['2024-03-01T15:05:00Z', '/done'],
    ]),
    // B: / → /blog → / (not consecutive: kept) → /pricing; from DE.
    ...visit(
      P,
      'vb',
      'sb',
      [
        ['2024-03-01T16:00:00Z', '/'],
        ['2024-03-01T16:01:00Z', '/blog'],
        ['2024-03-01T16:02:00Z', '/'],
        ['2024-03-01T16:03:00Z', '/pricing'],
      ],
      'DE',
    ),
    // C: first session /blog → /pricing; a later one / → /signup (only it has /).
    ...visit(P, 'vc', 'sc1', [
      ['2024-03-01T17:00:00Z', '/blog'],
      ['2024-03-01T17:01:00Z', '/pricing'],
    ]),
    ...visit(P, 'vc', 'sc2', [
      ['2024-03-02T09:00:00Z', '/'],
      ['2024-03-02T09:01:00Z', '/signup'],
    ]),
    // D: the session starts before the period (23:55 local): no entry path; /pricing at 00:05 local is in it.
    ...visit(P, 'vd', 'sd', [
      ['2024-03-01T04:55:00Z', '/'],
      ['2024-03-01T05:05:00Z', '/pricing'],
    ]),
    // E: after the period: never counted.
    ...visit(P, 've', 'se', [
      ['2024-03-03T05:01:00Z', '/'],
      ['2024-03-03T05:02:00Z', '/pricing'],
    ]),
    // F: passive events are never steps; cta_click is one with events=true.
    ...visit(P, 'vf', 'sf', [
      ['2024-03-01T18:00:00Z', '/'],
      ['2024-03-01T18:00:30Z', 'scroll_depth'],
      ['2024-03-01T18:01:00Z', '/pricing'],
      ['2024-03-01T18:02:00Z', 'cta_click'],
      ['2024-03-01T18:03:00Z', '/pricing'],
      ['2024-03-01T18:04:00Z', 'page_exit'],
    ]),
    // H: seven pages, longer than the default depth.
    ...visit(P, 'vh', 'sh', [
      ['2024-03-02T10:00:00Z', '/'],
      ['2024-03-02T10:01:00Z', '/a'],
      ['2024-03-02T10:02:00Z', '/b'],
      ['2024-03-02T10:03:00Z', '/c'],
      ['2024-03-02T10:04:00Z', '/d'],
      ['2024-03-02T10:05:00Z', '/e'],
      ['2024-03-02T10:06:00Z', '/f'],
    ]),
    // I: two sessions from /; the visitor counts once, with the earlier (/ → /x).
    ...visit(P, 'vi', 'si1', [
      ['2024-03-02T11:00:00Z', '/'],
      ['2024-03-02T11:01:00Z', '/x'],
    ]),
    ...visit(P, 'vi', 'si2', [
      ['2024-03-02T14:00:00Z', '/'],
      ['2024-03-02T14:01:00Z', '/y'],
    ]),
    // Another site: never counted.
    ...visit(PATHS_OTHER_SITE.id, 'va', 'sa', [
      ['2024-03-01T15:00:00Z', '/'],
      ['2024-03-01T15:01:00Z', '/secret'],
    ]),
  ];
}

/**
 * Site L (UTC; period 2024-03-01 … 2024-03-02 = [03-01T00:00Z, 03-03T00:00Z), steps read from
 * 02-29T00:00Z to 03-04T00:00Z): visits received in two parts, so that a rollup built between them
 * (paths-duckdb-rollup.test.ts builds it up to 03-02T00:00Z of receipt) meets the events after its
 * watermark in the same sessions. `lateLater` is received at `receivedAt`, after any watermark.
 */
export const PATHS_LATE_SITE = { id: 'site-l', timezone: 'UTC' };
const L = PATHS_LATE_SITE.id;

export function lateEarlier(): CanonicalEvent[] {
  return [
    // L1: / → /a … /a; later /a and /b arrive between them: / → /a → /b → /a.
    ...visit(L, 'l1', 's1', [
      ['2024-03-01T10:00:00Z', '/'],
      ['2024-03-01T10:05:00Z', '/a'],
      ['2024-03-01T10:10:00Z', '/a'],
    ]),
    // L2: across the rollup's watermark by receipt (/x received after it); later a second /x (collapsed) and /y.
    ...visit(L, 'l2', 's2', [
      ['2024-03-01T23:50:00Z', '/'],
      ['2024-03-02T00:10:00Z', '/x'],
    ]),
    // L3: a session over a day long: its first step is before the steps read (cut), / is its entry then.
    ...visit(L, 'l3', 's3', [
      ['2024-02-28T23:50:00Z', '/old'],
      ['2024-03-01T00:30:00Z', '/'],
      ['2024-03-01T00:40:00Z', '/b'],
    ]),
    // L5: stored whole, nothing later: / → /a → /b.
    ...visit(L, 'l5', 's5', [
      ['2024-03-01T08:00:00Z', '/'],
      ['2024-03-01T08:01:00Z', '/a'],
      ['2024-03-01T08:02:00Z', '/b'],
    ]),
    // L6: /p then, received later, /p again (collapsed across the two parts) and /q.
    ...visit(L, 'l6', 's6', [['2024-03-01T05:00:00Z', '/p']]),
  ];
}

export function lateLater(receivedAt: number): CanonicalEvent[] {
  return [
    ...visit(
      L,
      'l1',
      's1',
      [
        ['2024-03-01T10:07:00Z', '/a'],
        ['2024-03-01T10:08:00Z', '/b'],
      ],
      'US',
      receivedAt,
    ),
    ...visit(
      L,
      'l2',
      's2',
      [
        ['2024-03-02T00:05:00Z', '/x'],
        ['2024-03-02T00:20:00Z', '/y'],
      ],
      'US',
      receivedAt,
    ),
    // L4: a session received only now, from a day ago.
    ...visit(
      L,
      'l4',
      's4',
      [
        ['2024-03-01T12:00:00Z', '/'],
        ['2024-03-01T12:01:00Z', '/c'],
      ],
      'US',
      receivedAt,
    ),
    ...visit(
      L,
      'l6',
      's6',
      [
        ['2024-03-01T05:01:00Z', '/p'],
        ['2024-03-01T05:02:00Z', '/q'],
      ],
      'US',
      receivedAt,
    ),
  ];
}
