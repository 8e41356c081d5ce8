import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery, type QueryInput } from '@tidemark/core';
import type { EventStore } from '../src/store';
import {
  bindString,
  compileBatch,
  canShareSessionRows,
  compile,
  compileRawEvents,
  compileRealtime,
  duckdbDialect,
  ident,
  keyword,
  optimize,
  build,
  sql,
  StatsService,
  type Sql,
} from '../src/stats';
import { fixtureEvents, SITE_A } from './helpers/stats-fixture';
import { openLocalDuckDbStore } from './helpers/stats';

/**
 * No request value reaches SQL text: every hostile value below carries a marker word, and after
 * compiling, the marker may appear only in the bound params. String literals in the text must all be
 * constants chosen by the code.
 */
const MARK = 'zqxmark';
const hostile = [
  `${MARK}' OR 1=1 --`,
  `${MARK}"); DROP TABLE events; --`,
  `${MARK}\\' UNION SELECT * FROM events --`,
  `${MARK}$$ ; SELECT 1 $$`,
  `${MARK}/* comment */`,
];
const CODE_LITERALS = new Set([
  "'page_view'",
  "'hour'",
  "'day'",
  "'week'",
  "'month'",
  "'%Y-%m-%d %H:00:00'",
  "'%Y-%m-%d'",
  "''",
  "'x'",
  "'UTC'",
]);

const ctx = { defaultTimezone: 'America/New_York', nowMs: Date.parse('2024-01-17T12:00:00Z') };

function queriesWith(value: string): QueryInput[] {
  const base = { site_id: `site-${value}`, date_range: { start: '2024-01-15', end: '2024-01-16' } } as const;
  return [
    {
      ...base,
      metrics: ['visitors', 'pageviews', 'sessions', 'bounce_rate', 'avg_duration', 'views_per_visit', 'events'],
      compare: true,
      filters: [
        ['is', 'page', [value]],
        ['is_not', 'source', [value, 'x']],
        ['contains', 'props:plan', [value]],
        ['matches', 'country', [`^${MARK}`]],
      ],
    },
    {
      ...base,
      metrics: ['visitors', 'bounce_rate'],
      dimensions: ['page', 'props:plan'],
      filters: ['or', ['is', 'event_name', [value]], ['not', ['contains', 'hostname', [value]]]],
      limit: 777,
      offset: 4242,
    },
    {
      ...base,
      metrics: ['visitors', 'sessions'],
      interval: 'hour',
      timezone: 'Asia/Kolkata',
      filters: [
        ['is', 'entry_page', [value]],
        ['contains', 'exit_page', [value]],
      ],
    },
    {
      ...base,
      metrics: ['visitors'],
      dimensions: ['source'],
      interval: 'day',
      filters: [
        ['is', 'page', [value]],
        ['is', 'channel', [value]],
      ],
    },
  ];
}

function literals(text: string): string[] {
  return text.match(/'(?:[^']|'')*'/g) ?? [];
}

describe('compiled SQL never contains request values', () => {
  for (const value of hostile) {
    it(`binds ${JSON.stringify(value)}`, () => {
      for (const input of queriesWith(value)) {
        const plan = optimize(build(parseQuery(input), ctx));
        for (const range of [plan.range, plan.compareRange].filter((r) => r !== null)) {
          const c = compile(plan, duckdbDialect, range);
          expect(c.sql).not.toContain(MARK);
          expect(c.sql).not.toContain('777');
          expect(c.sql).not.toContain('4242');
          expect(c.sql).not.toMatch(/Asia|Kolkata|New_York|plan/);
          for (const lit of literals(c.sql)) expect(CODE_LITERALS).toContain(lit);
          const params = c.params.map(String);
          expect(params.some((p) => p.includes(MARK))).toBe(true);
          if (input.limit) expect(c.params).toEqual(expect.arrayContaining([777, 4242]));
          // Buckets add the zone's offset (+05:30 in ms), bound like every other value.
          if (input.timezone) expect(c.params).toContain(19_800_000);
          if (JSON.stringify(input).includes('props:plan')) expect(params).toContain('$."plan"');
        }
      }
    });
  }

  it('binds values in batched statements', () => {
    const value = hostile[0];
    const base = {
      site_id: `site-${value}`,
      date_range: { start: '2024-01-15', end: '2024-01-16' },
      filters: [
        ['is', 'source', [value]],
        ['contains', 'page', [value]],
      ],
    } as const;
    const plans = [
      { ...base, metrics: ['visitors', 'sessions', 'bounce_rate'] },
      { ...base, metrics: ['visitors', 'sessions'], dimensions: ['country'], limit: 777 },
      { ...base, metrics: ['visitors'], dimensions: ['source'], offset: 4242 },
    ].map((q) => optimize(build(parseQuery(q), ctx)));
    expect(plans.every((p) => canShareSessionRows(p, plans[0], duckdbDialect))).toBe(true);
    const c = compileBatch(plans, duckdbDialect);
    expect(c.sql.match(/WITH s AS/g)).toHaveLength(1);
    expect(c.sql).not.toContain(MARK);
    expect(c.sql).not.toMatch(/777|4242|4242/);
    for (const lit of literals(c.sql)) expect(CODE_LITERALS).toContain(lit);
    expect(c.params.map(String).some((p) => p.includes(MARK))).toBe(true);
  });

  it('binds realtime and raw-event values too', () => {
    const rt = compileRealtime(duckdbDialect, `${MARK}'--`, 1_700_000_000_000);
    expect(rt.sql).not.toContain(MARK);
    const raw = compileRawEvents(duckdbDialect, `${MARK}'--`, { fromMs: 1, toMs: 2, limit: 10, after: { ts: 5, id: 'abc-def' } });
    expect(raw.sql).not.toContain(MARK);
    expect(raw.sql).not.toContain('abc-def');
    for (const lit of [...literals(rt.sql), ...literals(raw.sql)]) expect(CODE_LITERALS).toContain(lit);
  });

  it('the fragment builder refuses plain values and odd identifiers', () => {
    expect(() => sql`x = ${'1' as unknown as Sql}`).toThrow(TypeError);
    expect(() => ident('a; DROP')).toThrow();
    expect(() => ident('Path')).toThrow();
    expect(() => keyword('1; --')).toThrow();
    expect(bindString("a'b").chunks).toEqual([{ kind: 'bound', value: "a'b", type: 'string' }]);
  });
});

describe('hostile values are refused or treated as data', () => {
  let store: EventStore;
  let stats: StatsService;
  beforeAll(async () => {
    store = await openLocalDuckDbStore();
    await store.write({ events: fixtureEvents(), raw: [], quarantine: [], drops: [] });
    stats = new StatsService(store, { now: () => ctx.nowMs });
  });
  afterAll(() => store.close());

  it('runs hostile filter values as plain strings (they match nothing)', async () => {
    for (const value of hostile) {
      const r = await stats.query(
        parseQuery({
          site_id: SITE_A.id,
          date_range: 'last_7_days',
          metrics: ['visitors', 'sessions'],
          filters: ['or', ['is', 'page', [value]], ['contains', 'props:plan', [value]]],
        }),
        SITE_A,
      );
      expect(r.rows[0]).toEqual({ visitors: 0, sessions: 0 });
    }
    const total = await stats.query(parseQuery({ site_id: SITE_A.id, date_range: 'last_7_days', metrics: ['events'] }), SITE_A);
    expect(total.rows[0].events).toBe(22); // the table is intact: S1 4 + S2 2 + S3 2 + S4 4 + S5 3 + S6 3 + S7 1 + S8 2 + S9 1
  });

  it('refuses hostile names with coded 400s before planning', () => {
    const base = { site_id: SITE_A.id, date_range: 'today', metrics: ['visitors'] };
    const bad: Array<[unknown, string]> = [
      [{ ...base, metrics: ["visitors') OR 1=1 --"] }, 'invalid_metric'],
      [{ ...base, dimensions: ["props:x') OR 1=1 --"] }, 'invalid_dimension'],
      [{ ...base, dimensions: ['page; DROP TABLE events'] }, 'invalid_dimension'],
      [{ ...base, filters: [['is', "country' --", ['x']]] }, 'invalid_filter'],
      [{ ...base, filters: [['like', 'page', ['x']]] }, 'invalid_filter'],
      [{ ...base, timezone: "UTC'); DROP TABLE events; --" }, 'invalid_timezone'],
      [{ ...base, date_range: "today' OR 1=1" }, 'invalid_date_range'],
      [{ ...base, date_range: { start: "2024-01-01' --", end: '2024-01-02' } }, 'invalid_date_range'],
      [{ ...base, interval: 'day; --' }, 'invalid_interval'],
      [{ ...base, limit: '10; --' }, 'invalid_limit'],
      [{ ...base, order_by: [['visitors', 'desc; --']] }, 'invalid_order_by'],
      [{ ...base, extra: 1 }, 'invalid_query'],
    ];
    for (const [input, code] of bad)
      expect(() => parseQuery(input), JSON.stringify(input)).toThrow(expect.objectContaining({ status: 400, code }));
  });
});
