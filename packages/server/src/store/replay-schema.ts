/**
 * The session replay chunk index (replay/), the same columns on both engines: written by DuckDB migration 16
 * and ClickHouse migration 10. One row per stored chunk of a recording: who and when (visitor and session
 * of the analytics events, times in ms), what it holds in summary (pages, clicks, rage clicks, errors) and
 * where its bytes are. Embedded: the gzip bytes live in a file per recording under the data directory
 * (`file`, `byte_offset`, `byte_length`); at scale they are in `data` (base64 of the gzip bytes) of the row itself.
 */
export const REPLAY_CHUNK_COLUMNS = [
  ['site_id', 'text'],
  ['recording_id', 'text'],
  ['seq', 'int'],
  ['visitor_id', 'text'],
  ['session_id', 'text'],
  ['received_at', 'int'],
  ['ts_start', 'int'],
  ['ts_end', 'int'],
  ['event_count', 'int'],
  ['bytes', 'int'],
  /** Paths seen in the chunk, each between newlines ("\n/a\n/b\n"), so a path filter is a substring test. */
  ['paths', 'text'],
  /** The first path of the chunk ('' when it saw none). */
  ['entry_path', 'text'],
  ['clicks', 'int'],
  ['rage_clicks', 'int'],
  ['errors', 'int'],
  ['country', 'text'],
  ['device', 'text'],
  ['browser', 'text'],
  ['file', 'text'],
  ['byte_offset', 'int'],
  ['byte_length', 'int'],
  ['data', 'text'],
] as const;

export type ReplayChunkColumn = (typeof REPLAY_CHUNK_COLUMNS)[number][0];
export const REPLAY_COLUMN_NAMES: readonly ReplayChunkColumn[] = REPLAY_CHUNK_COLUMNS.map((c) => c[0]);

export function replayDuckDbStatements(): string[] {
  const cols = REPLAY_CHUNK_COLUMNS.map(([n, k]) => `"${n}" ${k === 'int' ? 'BIGINT NOT NULL DEFAULT 0' : "VARCHAR NOT NULL DEFAULT ''"}`);
  return [
    `CREATE TABLE IF NOT EXISTS replay_chunks (${cols.join(', ')}, PRIMARY KEY (site_id, recording_id, seq))`,
    // The collector looks a recording up by id alone (is it another site's?) on every chunk.
    'CREATE INDEX IF NOT EXISTS replay_chunks_recording ON replay_chunks (recording_id)',
  ];
}

export function replayClickHouseStatements(): string[] {
  const cols = REPLAY_CHUNK_COLUMNS.map(([n, k]) => `\`${n}\` ${k === 'int' ? 'Int64' : 'String'}`);
  // A repeated chunk (a retry racing its first copy on another node) collapses on merge; reads use FINAL.
  return [
    `CREATE TABLE IF NOT EXISTS replay_chunks (${cols.join(', ')})
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(toDateTime(intDiv(received_at, 1000), 'UTC'))
ORDER BY (site_id, recording_id, seq)`,
  ];
}
