/**
 * Imported aggregates (imports/): what another tool exported as daily numbers, stored apart from events
 * in `imported_stats` (both engines) and added to reports only for days without native data (stats/imported.ts).
 */
export interface ImportedAggregate {
  /** Local day of the site as the other tool counted it, YYYY-MM-DD. */
  day: string;
  /** '' for the day's totals, else the stats dimension the row breaks down (source, page, country …). */
  dimension: string;
  value: string;
  visitors: number;
  pageviews: number;
  events: number;
  visits: number;
  bounces: number;
  /** Sum of the visits' durations, seconds. */
  visit_duration: number;
}

export const IMPORTED_COUNT_COLUMNS = ['visitors', 'pageviews', 'events', 'visits', 'bounces', 'visit_duration'] as const;
export const IMPORTED_COLUMNS = ['site_id', 'import_id', 'day', 'dimension', 'value', ...IMPORTED_COUNT_COLUMNS] as const;

/**
 * Events an import writes (Umami exports, event CSVs) carry visitor ids that start with this, so the
 * import's events are found, and only they, when it is deleted; the prefix is also their record source.
 */
export function importVisitorPrefix(importId: string): string {
  if (!/^[0-9a-f]{16,64}$/.test(importId)) throw new Error('import id: expected lower-case hex');
  return `imp-${importId.slice(0, 16)}-`;
}

/** Whole non-negative counts only (the parser guarantees it; a store never trusts a caller). */
export function checkImportedRows(rows: readonly ImportedAggregate[]): void {
  for (const r of rows) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(r.day)) throw new Error(`imported row: bad day ${JSON.stringify(r.day).slice(0, 40)}`);
    for (const c of IMPORTED_COUNT_COLUMNS)
      if (!Number.isSafeInteger(r[c]) || r[c] < 0) throw new Error(`imported row: ${c} must be a whole number ≥ 0`);
  }
}
