import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '@tidemark/testkit';
import { startCollectServer, type CollectServer } from './helpers/collect';

// Deterministic pseudo-random payloads: a failure names its seed and case so it can be replayed.
const SEED = Number(process.env.FUZZ_SEED ?? 20250108);

const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  ' ',
  '\u0000',
  'events',
  'name',
  'url',
  'ip',
];
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '😀'.repeat(50),
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
  'javascript:alert(1)',
  'NaN',
  '-1',
  '1e309',
  'https://example.com/',
  'x'.repeat(5000),
];

let s: CollectServer;
beforeAll(async () => {
  s = await startCollectServer();
});
afterAll(async () => {
  await s?.cleanup();
});

function randomValue(r: () => number, depth: number): unknown {
  const pick = Math.floor(r() * (depth > 4 ? 6 : 9));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return [0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 1703704800000, 2 ** 53 + 1][Math.floor(r() * 8)];
    case 3:
      return NASTY_STRINGS[Math.floor(r() * NASTY_STRINGS.length)];
    case 4:
      return Math.random()
        .toString(36)
        .repeat(Math.floor(r() * 10));
    case 5:
      return crypto.randomUUID();
    case 6:
      return Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const n = Math.floor(r() * 6);
      for (let i = 0; i < n; i++) {
        const k =
          r() < 0.4
            ? NASTY_KEYS[Math.floor(r() * NASTY_KEYS.length)]
            : ['name', 'timestamp', 'properties', 'context', 'event_id', 'type', 'x', 'events', 'event_type', 'actionLog', 'userObject'][
                Math.floor(r() * 11)
              ];
        o[k] = randomValue(r, depth + 1);
      }
      return o;
    }
  }
}

function deeplyNested(levels: number, open: string, close: string): string {
  return open.repeat(levels) + close.repeat(levels);
}

function payload(r: () => number, site: string): string {
  const kind = Math.floor(r() * 8);
  switch (kind) {
    case 0:
      return Array.from({ length: Math.floor(r() * 200) }, () => String.fromCharCode(Math.floor(r() * 65536))).join('');
    case 1:
      return JSON.stringify(randomValue(r, 0));
    case 2:
      return JSON.stringify({ site_id: site, events: Array.from({ length: 1 + Math.floor(r() * 20) }, () => randomValue(r, 1)) });
    case 3:
      return JSON.stringify({
        site_id: site,
        sent_at: randomValue(r, 3),
        events: [{ name: 'page_view', timestamp: randomValue(r, 3), properties: randomValue(r, 1), context: randomValue(r, 2) }],
      });
    case 4:
      return `{"site_id":"${site}","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"events":[{"name":"page_view","properties":{"__proto__":{"polluted":1},"url":"https://example.com/"}}]}`;
    case 5:
      return `{"site_id":"${site}","events":[${deeplyNested(5000, '{"a":', '}').replace(/\{"a":\}+$/, '1' + '}'.repeat(5000))}]}`;
    case 6:
      return `{"site_id":"${site}","events":[{"name":"x","properties":{"p":${deeplyNested(20_000, '[', ']')}}}]}`;
    default:
      return JSON.stringify({
        site_id: site,
        events: [
          {
            name: 'n'.repeat(Math.floor(r() * 300)),
            properties: Object.fromEntries(
              Array.from({ length: Math.floor(r() * 80) }, (_, i) => [
                `k${i}`.repeat(Math.floor(r() * 60) + 1),
                'v'.repeat(Math.floor(r() * 3000)),
              ]),
            ),
          },
        ],
      });
  }
}

describe('collector under hostile input', () => {
  it('answers every garbage payload with 2xx or 4xx and stays up', async () => {
    const prng = new Prng(SEED);
    const r = () => prng.next();
    const endpoints: Array<[string, Record<string, string>]> = [
      ['/api/collect', { 'content-type': 'text/plain', origin: 'https://example.com' }],
      ['/api/collect/heatmap', { 'content-type': 'text/plain' }],
      ['/api/v1/collect', { 'content-type': 'application/json', 'x-api-key': s.keys.write }],
      ['/api/v1/collect/optimized', { 'content-type': 'application/json', 'x-api-key': s.keys.write }],
    ];
    const failures: string[] = [];
    const CASES = 240;
    for (let start = 0; start < CASES; start += 8) {
      await Promise.all(
        Array.from({ length: 8 }, async (_, j) => {
          const i = start + j;
          const [path, headers] = endpoints[i % endpoints.length];
          const body = payload(r, s.site.tracking_id);
          const res = await s.request('POST', path, body, headers);
          if (res.status < 200 || res.status >= 500)
            failures.push(`seed ${SEED} case ${i} ${path}: ${res.status} ${res.text.slice(0, 200)}`);
          else if (res.status >= 400 && res.body?.success !== false)
            failures.push(`seed ${SEED} case ${i} ${path}: ${res.status} without error envelope`);
        }),
      );
    }
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await s.request('GET', '/health')).status).toBe(200);
    const ok = await s.collect({
      site_id: s.site.tracking_id,
      events: [{ name: 'page_view', properties: { url: 'https://example.com/after-fuzz' } }],
    });
    expect([ok.status, ok.body.events_received]).toEqual([202, 1]);
  });

  it('refuses a body past 1 MB without reading it whole, and keeps serving', async () => {
    const res = await s.request('POST', '/api/collect', 'x'.repeat(3 * 1024 * 1024), { 'content-type': 'text/plain' });
    expect([res.status, res.body?.error?.code]).toEqual([413, 'payload_too_large']);
    expect((await s.request('GET', '/api/v1/collect/health')).status).toBe(200);
  });
});
