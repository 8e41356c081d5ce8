import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEventStore } from '../../store';
import { offsetSegments } from '../period';
import { DIMENSION_DEFS } from '../registry';
import { PAGE_PART_COLUMNS, PART_DIMENSIONS, PART_VALUE_COLUMNS, partsCover } from './session-parts';

describe('session parts', () => {
  let store: DuckDbEventStore;
  beforeAll(async () => {
    store = await DuckDbEventStore.open(':memory:');
    await store.init();
  });
  afterAll(() => store?.close());

  const columns = async (table: string) =>
    (
      await store.query<{ column_name: string }>(`SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index`, [
        table,
      ])
    ).map((r) => r.column_name);

  it('the migration creates exactly the columns the rollup builds and reads', async () => {
    expect(await columns('session_parts')).toEqual(['site_id', 'hour', 'session_id', 'visitor_id', ...PART_VALUE_COLUMNS]);
    expect(await columns('page_parts')).toEqual(PAGE_PART_COLUMNS);
  });

  it('has a fragment column for every single-valued session-level dimension (goals are computed from events)', () => {
    const sessionLevel = Object.entries(DIMENSION_DEFS)
      .filter(([, d]) => d.level === 'session' && !d.goal)
      .map(([n]) => n);
    expect(PART_DIMENSIONS).toEqual(sessionLevel);
  });

  it('serves only periods on whole UTC hours', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(partsCover({ startMs: at('2026-05-01T22:00:00Z'), endMs: at('2026-06-01T22:00:00Z'), startDate: '', endDate: '' })).toBe(true);
    expect(partsCover({ startMs: at('2024-01-14T18:30:00Z'), endMs: at('2024-01-15T18:30:00Z'), startDate: '', endDate: '' })).toBe(false);
  });
});

describe('offsetSegments', () => {
  it('finds a DST change to the second', () => {
    const start = Date.parse('2026-03-01T00:00:00Z');
    const end = Date.parse('2026-04-01T00:00:00Z');
    expect(offsetSegments(start, end, 'Europe/Berlin')).toEqual([
      { fromMs: start, offsetMs: 3_600_000 },
      { fromMs: Date.parse('2026-03-29T01:00:00Z'), offsetMs: 7_200_000 },
    ]);
  });

  it('keeps one segment without changes, half-hour offsets included', () => {
    const start = Date.parse('2024-01-01T00:00:00Z');
    expect(offsetSegments(start, start + 90 * 86_400_000, 'Asia/Kolkata')).toEqual([{ fromMs: start, offsetMs: 19_800_000 }]);
  });
});
