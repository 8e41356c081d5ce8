/**
 * The session dimensions that this store's tables carry as one column each: DuckDB's `session_parts` and
 * `session_marks` rollups and the `revenue_credits` side table on both engines. Migrations created those
 * columns from this list, so it is frozen: a new session dimension in the stats engine needs a migration
 * adding its columns and an entry here (stats/session-columns.test.ts holds the two lists equal).
 */
export const SESSION_COLUMN_DIMENSIONS = [
  'entry_page',
  'exit_page',
  'source',
  'referrer',
  'referrer_domain',
  'medium',
  'campaign',
  'term',
  'content',
  'channel',
  'country',
  'region',
  'city',
  'browser',
  'browser_version',
  'os',
  'os_version',
  'device',
  'screen',
  'language',
] as const;
