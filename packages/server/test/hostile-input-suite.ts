import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '@tidemark/testkit';
import { DIMENSIONS, emptyEvent, EVENT_COLUMNS, FILTER_OPS, METRICS, type CanonicalEvent } from '@tidemark/core';
import type { Config } from '../src/index';
import type { EventStore } from '../src/store';
import { METRIC_DEFS } from '../src/stats/registry';
import { startTestServer } from './helpers/server';
import { CHROME_UA, jsonOrNull } from './helpers/collect';

/**
 * Hostile input, end to end (issue 24): ill-formed text — lone UTF-16 surrogates, NULs, controls,
 * separators, huge strings, invalid UTF-8 bytes — through every collection contract into storage, then
 * every report over what was stored; a row stored before ingest made text well-formed; and query input
 * the engines refuse. Nothing may answer 5xx. Engine independent: each engine's test file runs it.
 */

export interface HostileEngine {
  /** Server settings that select the engine. */
  overrides: Partial<Config>;
  /** Stores `event` as releases before the store's guard did: its strings as they are, lone surrogates included. */
  writeUnguarded(store: EventStore, event: CanonicalEvent): Promise<void>;
  cleanup?(): Promise<void>;
}

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** Ill-formed or awkward text. The last three are not mixed: two huge strings, and one that the collector's 2000-character limits cut between the halves of a pair. */
const NASTY = [
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\ude00b',
  'x\ud800\ud800y',
  '\udc00\ud800',
  'a\u0000b',
  '\u0000',
  '\u0001\u001f\u007f',
  '\u001e\u001f',
  '\u2028\u2029',
  '\ufffe\uffff',
  "'; DROP TABLE events; --",
  '\\ud800',
  '\\',
  'é😀',
  'x'.repeat(5000),
  'y'.repeat(300_000),
  'a' + '😀'.repeat(1500),
];

/** Every metric, in requests of at most 32 (the query's limit). */
const METRIC_GROUPS: string[][] = [];
for (let i = 0; i < METRICS.length; i += 32) METRIC_GROUPS.push(METRICS.slice(i, i + 32));

export function runHostileInputSuite(engine: string, make: () => Promise<HostileEngine>): void {
  describe(`hostile input on ${engine}`, () => {
    let eng: HostileEngine;
    let s: Server;
    let siteId = '';
    let trackingId = '';
    let umamiId = '';
    let writeKey = '';
    let readKey = '';
    const statuses: string[] = [];

    beforeAll(async () => {
      eng = await make();
      s = await startTestServer({ trustedProxies: ['127.0.0.1'], ...eng.overrides });
      const org = await s.ctx.meta.orgs.create('Hostile Input Org');
      const site = await s.ctx.meta.sites.create(org.id, { name: 'Example', domain: 'example.com' });
      siteId = site.id;
      trackingId = site.tracking_id;
      umamiId = site.umami_website_id;
      const key = async (permissions: Array<'read' | 'write'>) =>
        (
          await s.ctx.meta.apiKeys.create({
            orgId: org.id,
            siteId: site.id,
            name: 'hostile',
            permissions,
            rateLimitPerMin: 100_000,
            createdBy: null,
          })
        ).rawKey;
      writeKey = await key(['write']);
      readKey = await key(['read']);
    });
    afterAll(async () => {
      await s?.cleanup();
      await eng?.cleanup?.();
    });

    async function send(method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string>) {
      const payload = typeof body === 'string' || body === undefined ? body : new Uint8Array(body);
      const res = await fetch(s.url + path, {
        method,
        headers: { 'user-agent': CHROME_UA, 'accept-language': 'en-US', ...headers },
        body: payload,
      });
      const text = await res.text();
      const json = jsonOrNull(text);
      if (res.status >= 500) statuses.push(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
      return { status: res.status, body: json };
    }

    const browser = { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://www.example.com' };
    const server = () => ({ 'content-type': 'application/json', 'x-api-key': writeKey });
    const reader = () => ({ 'content-type': 'application/json', authorization: `Bearer ${readKey}` });
    const segment = () => ({
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    });

    /** One body per contract with `x` in every text field it has. JSON.stringify writes lone surrogates as \u escapes. */
    const bodies = (x: string, i: number): Array<[string, string, Record<string, string>]> => [
      [
        '/api/collect',
        JSON.stringify({
          site_id: trackingId,
          visitor: { id: `v${i}${x}`.slice(0, 128), user_id: x.slice(0, 300) },
          events: [
            {
              name: `ev${x}`.slice(0, 100),
              properties: {
                url: `https://example.com/p/${x}`.slice(0, 1900),
                path: `/p/${x}`,
                title: x,
                referrer: `https://ref.example.org/${x}`,
                utm_source: x,
                utm_medium: x,
                utm_campaign: x,
                utm_term: x,
                utm_content: x,
                selector: x,
                user_id: x,
                plan: `pro${x}`.slice(0, 600),
                contract: 'collect',
                [`k${x}`.slice(0, 100)]: 'v',
              },
              context: { timezone: x.slice(0, 64), language: x.slice(0, 35) },
            },
          ],
        }),
        browser,
      ],
      [
        '/api/collect/heatmap',
        JSON.stringify({
          site_id: trackingId,
          page_url: `https://example.com/h/${x}`.slice(0, 1900),
          visitor: { id: x.slice(0, 128) },
          events: [
            { type: 'click', x: 10, y: 20, element: x.slice(0, 300) },
            { type: 'scroll', depth: 50 },
          ],
        }),
        browser,
      ],
      [
        '/api/v1/collect',
        JSON.stringify({
          events: [
            {
              event_type: i % 2 ? 'custom' : 'page_view',
              user_id: x.slice(0, 255),
              session_id: x.slice(0, 255),
              properties: {
                url: `https://example.com/m/${x}`.slice(0, 1900),
                title: x,
                event_name: `n${x}`.slice(0, 100),
                plan: `pro${x}`.slice(0, 600),
                contract: 'v1',
                [x.slice(0, 100) || 'empty']: x.slice(0, 600),
              },
            },
          ],
        }),
        server(),
      ],
      [
        '/api/v1/collect/optimized',
        JSON.stringify({
          customerObject: { site_id: trackingId },
          userObject: { uuid: x.slice(0, 255), sessionData: { id: x.slice(0, 255) }, userAgent: `${CHROME_UA}${x}`.slice(0, 1000) },
          actionLog: [
            {
              action_type: 'enter-page',
              url: `https://example.com/o/${x}`.slice(0, 1900),
              element: x,
              text: x,
              value: x,
              properties: { plan: `pro${x}`.slice(0, 600), contract: 'optimized' },
            },
          ],
        }),
        server(),
      ],
      [
        '/v1/batch',
        JSON.stringify({
          batch: [
            {
              type: 'track',
              event: `ev${x}`.slice(0, 100),
              messageId: `m${i}${x}`.slice(0, 300),
              anonymousId: x.slice(0, 300) || 'anon',
              userId: x.slice(0, 300),
              properties: { plan: `pro${x}`.slice(0, 600), contract: 'segment', [`k${x}`.slice(0, 100)]: x.slice(0, 600) },
              context: { page: { url: `https://example.com/s/${x}`.slice(0, 1900), title: x }, locale: x.slice(0, 35), userAgent: x },
            },
            { type: 'identify', userId: `u${x}`.slice(0, 300), traits: { name: x.slice(0, 600), contract: 'segment' } },
          ],
        }),
        segment(),
      ],
      [
        '/v1/page',
        JSON.stringify({
          anonymousId: `a${x}`.slice(0, 300),
          name: x.slice(0, 300),
          properties: { url: `https://example.com/sp/${x}`.slice(0, 1900), title: x, plan: `pro${x}`.slice(0, 600), contract: 'segment' },
        }),
        segment(),
      ],
      [
        '/api/tracking/events',
        JSON.stringify([
          {
            evt_type: `item_interaction`,
            evt_category: x.slice(0, 50),
            evt_action: x.slice(0, 50),
            evt_label: `l${x}`.slice(0, 255),
            evt_value: i,
            page_url: `https://example.com/u/${x}`.slice(0, 1900),
            page_title: x.slice(0, 2000),
            session_id: x.slice(0, 255),
            tenantId: trackingId,
            plan: `pro${x}`.slice(0, 600),
            contract: 'universal',
          },
        ]),
        browser,
      ],
      [
        '/api/analytics/track',
        JSON.stringify({
          event: `booking_${x}`.slice(0, 100),
          properties: { url: `https://example.com/t/${x}`.slice(0, 1900), title: x, plan: `pro${x}`.slice(0, 600), contract: 'techstore' },
          session_id: x.slice(0, 300),
          user_id: x.slice(0, 300),
        }),
        { ...browser, 'x-site-id': trackingId },
      ],
      [
        '/api/event',
        JSON.stringify({
          n: `ev${x}`.slice(0, 100),
          u: `https://example.com/pl/${x}`.slice(0, 1900),
          d: 'example.com',
          r: `https://ref.example.org/${x}`.slice(0, 1900),
          p: JSON.stringify({ plan: `pro${x}`.slice(0, 600), contract: 'plausible', [`k${x}`.slice(0, 100)]: x.slice(0, 600) }),
          $: i % 3 ? undefined : { amount: x.slice(0, 30), currency: x.slice(0, 5) },
          h: i % 2,
        }),
        browser,
      ],
      [
        '/api/send',
        JSON.stringify({
          type: i % 4 ? 'event' : 'identify',
          payload: {
            website: umamiId,
            hostname: 'example.com',
            url: `/u/${x}`.slice(0, 1900),
            referrer: `https://ref.example.org/${x}`.slice(0, 1900),
            title: x.slice(0, 1999),
            name: i % 2 ? `n${x}`.slice(0, 100) : undefined,
            data: { plan: `pro${x}`.slice(0, 600), contract: 'umami', [x.slice(0, 100) || 'empty']: { nested: x.slice(0, 600) } },
            language: x.slice(0, 35),
            screen: x.slice(0, 20),
            id: x.slice(0, 300),
          },
        }),
        { 'content-type': 'application/json', origin: 'https://www.example.com' },
      ],
    ];

    /** Every string column and property of every stored event, as read back. */
    async function storedRows(): Promise<Array<Record<string, any>>> {
      return s.ctx.events.query<Record<string, any>>('SELECT * FROM events WHERE site_id = ?', [siteId]);
    }

    // Hundreds of requests through every contract, then every report: minutes on a busy shared machine.
    it('takes ill-formed text through every contract, storing it well-formed', async () => {
      // Seeded, so a failure can be replayed from its seed.
      const prng = new Prng(Number(process.env.FUZZ_SEED ?? 24));
      const r = () => prng.next();
      const cases = [...NASTY];
      // Random mixes of the pieces, for the combinations no list names.
      for (let i = 0; i < 24; i++)
        cases.push(Array.from({ length: 1 + Math.floor(r() * 4) }, () => NASTY[Math.floor(r() * (NASTY.length - 3))]).join(''));
      const accepted = new Map<string, number>();
      for (let i = 0; i < cases.length; i++) {
        for (const [path, body, headers] of bodies(cases[i]!, i)) {
          const res = await send('POST', path, body, headers);
          expect(res.status, `${path} case ${i}`).toBeLessThan(500);
          if (res.status >= 200 && res.status < 300) accepted.set(path, (accepted.get(path) ?? 0) + 1);
        }
      }
      // Invalid UTF-8 in the raw body: decoded as U+FFFD, never stored as bytes an engine refuses.
      const bytes = (prefix: string, suffix: string) =>
        Buffer.concat([Buffer.from(prefix), Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80, 0xc3]), Buffer.from(suffix)]);
      const raw = await send(
        'POST',
        '/api/collect',
        bytes(
          `{"site_id":"${trackingId}","events":[{"name":"page_view","properties":{"url":"https://example.com/b","plan":"bytes`,
          '","contract":"collect"}}]}',
        ),
        browser,
      );
      expect(raw.status).toBe(202);
      const v1 = await send(
        'POST',
        '/api/v1/collect',
        bytes('{"events":[{"event_type":"custom","properties":{"url":"https://example.com/b","plan":"bytes', '","contract":"v1"}}]}'),
        server(),
      );
      expect(v1.status).toBe(200);
      for (const body of [
        bytes('{"site_id":"', '"}'),
        Buffer.from([0xff, 0x00, 0x7b]),
        Buffer.from(`{"site_id":"${trackingId}","events":[{"name":"\u0000`),
      ]) {
        expect((await send('POST', '/api/collect', body, browser)).status).toBe(400);
      }
      expect([...accepted.keys()].sort()).toEqual([
        '/api/analytics/track',
        '/api/collect',
        '/api/collect/heatmap',
        '/api/event',
        '/api/send',
        '/api/tracking/events',
        '/api/v1/collect',
        '/api/v1/collect/optimized',
        '/v1/batch',
        '/v1/page',
      ]);

      const rows = await storedRows();
      expect(rows.length).toBeGreaterThan(cases.length);
      const stringColumns = EVENT_COLUMNS.filter((c) => c.kind === 'string').map((c) => c.name);
      const plans = new Set<string>();
      for (const row of rows) {
        for (const c of stringColumns) expect(String(row[c]).isWellFormed(), `${c} of ${row.event_id}`).toBe(true);
        // Escapes of surrogates (not counting escaped backslashes) would be refused by DuckDB's JSON reader.
        expect(String(row.props).replace(/\\\\/g, '')).not.toMatch(/\\u[dD][89a-fA-F]/);
        const props = JSON.parse(row.props) as Record<string, string>;
        for (const [k, v] of Object.entries(props)) expect(k.isWellFormed() && v.isWellFormed()).toBe(true);
        if (props.plan) plans.add(props.plan);
      }
      expect(plans).toContain('pro\ufffd');
      expect(plans).toContain('bytes\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd');
      expect(rows.some((row) => String(row.title).endsWith('\ufffd') && String(row.title).length === 2000)).toBe(true);
      for (const q of await s.ctx.events.listQuarantine(siteId, { limit: 1000 })) {
        for (const text of [q.errors, q.payload]) {
          expect(text.isWellFormed()).toBe(true);
          expect(text.replace(/\\\\/g, '')).not.toMatch(/\\u[dD][89a-fA-F]/);
        }
      }
    }, 180_000);

    const query = (input: Record<string, unknown>) =>
      send('POST', '/v1/query', JSON.stringify({ site_id: siteId, date_range: 'last_7_days', ...input }), reader());

    /** Every report of the query API and the dashboard endpoint over what is stored: all answer 200. */
    async function everyReport(): Promise<Map<string, number>> {
      const dimensions = [...DIMENSIONS, 'props:plan', 'props:contract', 'props:k'];
      // Person labels (segment, score) are joined onto event rows: page-view and revenue metrics with them are a coded 400.
      const apart = (m: string) => ['page', 'revenue'].includes(METRIC_DEFS[m as keyof typeof METRIC_DEFS].level);
      for (const dim of dimensions) {
        const labels = dim === 'segment' || dim === 'score';
        for (const group of METRIC_GROUPS) {
          const metrics = labels ? group.filter((m) => !apart(m)) : group;
          if (metrics.length) {
            const res = await query({ metrics, dimensions: [dim], limit: 1000 });
            expect(res.status, `${dim}: ${JSON.stringify(res.body)}`).toBe(200);
          }
          for (const m of labels ? group.filter(apart) : []) {
            const refused = await query({ metrics: [m], dimensions: [dim] });
            expect([refused.status, refused.body?.error?.code], `${dim} ${m}`).toEqual([400, 'invalid_dimension']);
          }
        }
      }
      const values: Record<(typeof FILTER_OPS)[number], string[]> = {
        is: ['pro\ufffd', 'pro\ud800', ''],
        is_not: ['pro\ufffd', '\u0000'],
        contains: ['\ufffd', 'ro', '\ud800', '%_\\'],
        matches: ['^pro.$', '\\x{FFFD}', '(?i)PRO', '^$', '[\\x{0}-\\x{1F}]'],
      };
      for (const op of FILTER_OPS) {
        for (const dim of ['props:plan', 'page', 'source', 'event_name', 'browser']) {
          const filters = [[op, dim, values[op]]];
          for (const extra of [{}, { dimensions: ['props:plan'] }, { dimensions: ['page'], interval: 'day' }]) {
            for (const metrics of METRIC_GROUPS) {
              const res = await query({ metrics, filters, ...extra });
              expect(res.status, `${op} ${dim} ${JSON.stringify(extra)}: ${JSON.stringify(res.body)}`).toBe(200);
            }
          }
        }
      }
      const nested = [
        'or',
        ['and', ['matches', 'props:plan', ['^pro']], ['not', ['is', 'page', ['/']]]],
        ['contains', 'props:contract', ['v1']],
      ];
      for (const metrics of METRIC_GROUPS)
        expect((await query({ metrics, filters: nested, interval: 'hour', date_range: 'today' })).status).toBe(200);
      // The dashboard endpoint: every dimension, twelve at a time; the person labels with the metrics they go with.
      const plain = dimensions.filter((d) => d !== 'segment' && d !== 'score');
      const slices: Array<[string[], string[][]]> = [];
      for (let i = 0; i < plain.length; i += 12) slices.push([plain.slice(i, i + 12), METRIC_GROUPS]);
      slices.push([['segment', 'score'], METRIC_GROUPS.map((g) => g.filter((m) => !apart(m))).filter((g) => g.length > 0)]);
      for (const [dims, groups] of slices) {
        for (const metrics of groups) {
          const params = new URLSearchParams({
            period: 'last_7_days',
            dimensions: dims.join(','),
            metrics: metrics.join(','),
            filters: JSON.stringify([['matches', 'props:plan', ['.']]]),
          });
          const res = await send('GET', `/v1/sites/${siteId}/stats?${params}`, undefined, { authorization: `Bearer ${readKey}` });
          expect(res.status, JSON.stringify(res.body)).toBe(200);
        }
      }
      // The raw event export and the realtime snapshot read the same rows.
      const bearer = { authorization: `Bearer ${readKey}` };
      const page = await send('GET', `/v1/sites/${siteId}/events?limit=1000&from=${Date.now() - 86_400_000}`, undefined, bearer);
      expect(page.status).toBe(200);
      expect(page.body.events.length).toBeGreaterThan(0);
      expect((await send('GET', `/v1/sites/${siteId}/realtime`, undefined, bearer)).status).toBe(200);
      const res = await query({ metrics: ['events'], dimensions: ['props:plan'], limit: 1000 });
      return new Map((res.body.rows as Array<{ 'props:plan': string; events: number }>).map((row) => [row['props:plan'], row.events]));
    }

    let countsBefore = new Map<string, number>();

    it('runs every report over it (every metric, dimension, props key and filter op) without a 5xx', async () => {
      const byPlan = await everyReport();
      countsBefore = byPlan;
      // Independently: the plans of the stored rows, counted here.
      const expected = new Map<string, number>();
      for (const row of await storedRows()) {
        const plan = (JSON.parse(row.props) as Record<string, string>).plan;
        if (plan) expected.set(plan, (expected.get(plan) ?? 0) + 1);
      }
      for (const [plan, n] of expected) expect(byPlan.get(plan), plan.slice(0, 40)).toBe(n);
    }, 180_000);

    it('still reports when a row stored before ingest made text well-formed holds a lone surrogate escape', async () => {
      const ts = Date.now() - 60_000;
      const bad: CanonicalEvent = {
        ...emptyEvent({ event_id: crypto.randomUUID(), site_id: siteId, ts, received_at: ts, name: 'legacy' }),
        visitor_id: 'legacy-visitor',
        session_id: 'legacy-session',
        url: 'https://example.com/legacy',
        host: 'example.com',
        path: '/legacy',
        props: { plan: 'legacy\ud800', contract: 'legacy' },
      };
      await eng.writeUnguarded(s.ctx.events, bad);
      const stored = await s.ctx.events.query<{ props: string }>('SELECT props FROM events WHERE site_id = ? AND name = ?', [
        siteId,
        'legacy',
      ]);
      expect(stored.map((r) => r.props)).toEqual(['{"plan":"legacy\\ud800","contract":"legacy"}']);
      // Every report still answers, and counts the other rows as before (the bad row's properties may read as absent).
      const byPlan = await everyReport();
      for (const [plan, n] of countsBefore) if (plan) expect(byPlan.get(plan), JSON.stringify(plan.slice(0, 40))).toBe(n);
      const legacy = await query({ metrics: ['events', 'visitors'], filters: [['is', 'page', ['/legacy']]] });
      expect([legacy.status, legacy.body.rows]).toEqual([200, [{ events: 1, visitors: 1 }]]);
    }, 180_000);

    it('answers query input an engine would refuse with a 400', async () => {
      const refused = async (res: { status: number; body: any }, what: string) => {
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body?.success, what).toBe(false);
      };
      // Valid in JavaScript, not in RE2; and patterns RE2 parses but an engine cannot fit in its memory budget.
      for (const pattern of ['\\Z', '(?<name>a)', 'a{1001}', '(a{1000}){1000}', '\\pL{1000}'.repeat(20), '(?i)\\pL{1000}'.repeat(14)]) {
        await refused(await query({ metrics: ['visitors'], filters: [['matches', 'props:plan', [pattern]]] }), pattern.slice(0, 30));
        const params = new URLSearchParams({ period: 'last_7_days', filters: JSON.stringify([['matches', 'page', [pattern]]]) });
        await refused(
          await send('GET', `/v1/sites/${siteId}/stats?${params}`, undefined, { authorization: `Bearer ${readKey}` }),
          `dashboard ${pattern.slice(0, 30)}`,
        );
      }
      // The same through the Plausible-compatible Stats API.
      for (const pattern of ['\\Z', '(?<name>a)', 'a{1001}']) {
        const body = { site_id: 'example.com', date_range: '7d', metrics: ['visitors'], filters: [['matches', 'event:page', [pattern]]] };
        await refused(await send('POST', '/api/v2/query', JSON.stringify(body), reader()), `v2 ${pattern}`);
      }
      const v2deep = '["not",'.repeat(2000) + '["is","event:page",["/"]]' + ']'.repeat(2000);
      await refused(
        await send(
          'POST',
          '/api/v2/query',
          `{"site_id":"example.com","date_range":"7d","metrics":["visitors"],"filters":[${v2deep}]}`,
          reader(),
        ),
        'v2 deep tree',
      );
      // Filter trees thousands deep, and one level past the limit on the dashboard endpoint.
      const deep = '["not",'.repeat(5000) + '["is","page",["/"]]' + ']'.repeat(5000);
      await refused(
        await send('POST', '/v1/query', `{"site_id":"${siteId}","date_range":"today","metrics":["visitors"],"filters":${deep}}`, reader()),
        'deep tree',
      );
      await refused(
        await send(
          'POST',
          '/v1/query',
          `{"site_id":"${siteId}","date_range":"today","metrics":["visitors"],"filters":[${deep}]}`,
          reader(),
        ),
        'deep list',
      );
      const nest = (levels: number): unknown => (levels === 1 ? ['is', 'page', ['/']] : ['not', nest(levels - 1)]);
      const dashboard = (filters: unknown) =>
        send('GET', `/v1/sites/${siteId}/stats?${new URLSearchParams({ filters: JSON.stringify(filters) })}`, undefined, {
          authorization: `Bearer ${readKey}`,
        });
      expect((await dashboard(nest(6))).status).toBe(200);
      await refused(await dashboard(nest(7)), 'dashboard depth 7');
      await refused(await dashboard(JSON.parse('["not",'.repeat(400) + '["is","page",["/"]]' + ']'.repeat(400))), 'dashboard deep');
      // Dates out of range.
      for (const [start, end] of [
        ['9999-12-01', '9999-12-31'],
        ['2024-01-01', '9999-12-31'],
        ['0001-01-01', '0001-01-02'],
      ]) {
        await refused(await query({ metrics: ['visitors'], date_range: { start, end } }), `${start}..${end}`);
        await refused(
          await send('GET', `/v1/sites/${siteId}/stats?period=custom&start_date=${start}&end_date=${end}`, undefined, {
            authorization: `Bearer ${readKey}`,
          }),
          `dashboard ${start}`,
        );
      }
      for (const q of [
        'to=999999999999999',
        'from=9999-12-31',
        'to=275760-09-13',
        `cursor=${Buffer.from(JSON.stringify([9e15, 'a'])).toString('base64url')}`,
      ]) {
        await refused(await send('GET', `/v1/sites/${siteId}/events?${q}`, undefined, { authorization: `Bearer ${readKey}` }), q);
      }
      // The edges of the range still answer.
      for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
        for (const date_range of [
          { start: '1970-01-01', end: '1970-01-31' },
          { start: '2099-12-01', end: '2099-12-31' },
        ]) {
          for (const metrics of METRIC_GROUPS) {
            const res = await query({ metrics, date_range, timezone: tz, interval: 'day', compare: true });
            expect(res.status, `${tz} ${JSON.stringify(date_range)}: ${JSON.stringify(res.body)}`).toBe(200);
          }
        }
      }
    });

    it('answered nothing with a 5xx', () => {
      expect(statuses).toEqual([]);
    });
  });
}
