import type { DuckDbClient } from './client';

/** What a scrub did: tables rewritten, bytes overwritten in freed blocks, and the file's blocks after it. */
export interface ScrubReport {
  tables: number;
  rows: number;
  overwrittenBlocks: number;
  totalBlocks: number;
}

const FILLER = 'tidemark_scrub_filler';
const REBUILT = 'tidemark_scrub_rebuilt';

interface DatabaseSize {
  block_size: number;
  total_blocks: number;
  free_blocks: number;
}

async function databaseSize(db: DuckDbClient): Promise<DatabaseSize> {
  const [r] = await db.all<Record<string, unknown>>('PRAGMA database_size');
  return {
    block_size: Number(r?.block_size ?? 262_144),
    total_blocks: Number(r?.total_blocks ?? 0),
    free_blocks: Number(r?.free_blocks ?? 0),
  };
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Blocks of filler written per held step (64 MiB at DuckDB's 256 KiB blocks), so writes wait briefly at a time. */
const FILL_BLOCKS_PER_STEP = 256;

type Hold = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * Leaves no deleted row's bytes in the database file (docs/privacy.md, "The DuckDB file"). A DELETE only
 * marks rows deleted in their row group, and a checkpoint keeps the row group (with its bytes) until most
 * of it is gone; rewriting a table's rows in place (delete all, insert back) keeps them too. Measured on
 * this DuckDB (1.5): what releases the old blocks is a new table. So:
 * 1. every table is rebuilt in one transaction: created anew from its own DDL (constraints, defaults),
 *    filled from the old one, the old one dropped, the new one renamed, its indexes created again;
 * 2. after the checkpoint the old tables' blocks are free but still hold their bytes: a filler table of
 *    incompressible text is written, in steps, until no block is free, checkpointed, and dropped.
 * Each table's rebuild and each filler step runs inside `hold` (the store: no write running), so
 * collection waits for one step at a time, not for the whole scrub. The cost is a rewrite of the whole
 * database and a write of its free space, once per erasure.
 */
export async function scrubDatabase(db: DuckDbClient, hold: Hold = (fn) => fn()): Promise<ScrubReport> {
  // `db` is the writer's connection: used only inside `hold`, never beside a write.
  const tables = await hold(async () => {
    await db.run(`DROP TABLE IF EXISTS ${FILLER}`);
    return db.all<{ schema_name: string; table_name: string; sql: string }>(
      'SELECT schema_name, table_name, sql FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary ORDER BY schema_name, table_name',
    );
  });
  let rows = 0;
  for (const t of tables) rows += await hold(() => rebuild(db, t));
  let size = await hold(async () => {
    await db.run('CHECKPOINT');
    return databaseSize(db);
  });
  let overwritten = 0;
  // Incompressible text (random hex: at best ~2 characters stored per byte) for the blocks still free, a
  // step at a time until none is; each step's checkpoint places it in the free blocks first.
  const maxSteps = Math.ceil(size.free_blocks / FILL_BLOCKS_PER_STEP) + 8;
  for (let step = 0; size.free_blocks > 0 && step < maxSteps; step++) {
    const want = Math.min(size.free_blocks, FILL_BLOCKS_PER_STEP);
    const after = await hold(async () => {
      await db.run(`CREATE TABLE IF NOT EXISTS ${FILLER} (f VARCHAR)`);
      await db.run(
        `INSERT INTO ${FILLER} SELECT md5(random()::VARCHAR) || md5(random()::VARCHAR) || md5(random()::VARCHAR) || md5(random()::VARCHAR) FROM range(${Math.ceil((want * size.block_size) / 64) + 1024})`,
      );
      await db.run('CHECKPOINT');
      return databaseSize(db);
    });
    overwritten += Math.max(0, size.free_blocks - after.free_blocks);
    size = after;
  }
  size = await hold(async () => {
    await db.run(`DROP TABLE IF EXISTS ${FILLER}`);
    await db.run('CHECKPOINT');
    return databaseSize(db);
  });
  return { tables: tables.length, rows, overwrittenBlocks: overwritten, totalBlocks: size.total_blocks };
}

/** One table rebuilt in a transaction (see scrubDatabase); the rows it holds. */
async function rebuild(db: DuckDbClient, t: { schema_name: string; table_name: string; sql: string }): Promise<number> {
  const name = `${quote(t.schema_name)}.${quote(t.table_name)}`;
  const fresh = `${quote(t.schema_name)}.${quote(REBUILT)}`;
  const indexes = await db.all<{ sql: string | null }>(
    'SELECT sql FROM duckdb_indexes() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?',
    [t.schema_name, t.table_name],
  );
  const create = t.sql.replace(/^CREATE TABLE\s+("(?:[^"]|"")+"|[^\s(]+)/i, `CREATE TABLE ${fresh}`);
  if (create === t.sql) throw new Error(`scrub: cannot read the definition of ${name}`);
  // Connections beside the writer (replay chunks' index rows) may append meanwhile: their commit and
  // this one conflict, and the one that loses is tried again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async () => {
        await db.run(create);
        const n = await db.change(`INSERT INTO ${fresh} SELECT * FROM ${name}`);
        await db.run(`DROP TABLE ${name}`);
        await db.run(`ALTER TABLE ${fresh} RENAME TO ${quote(t.table_name)}`);
        for (const i of indexes) if (i.sql) await db.run(i.sql);
        return n;
      });
    } catch (err) {
      if (attempt >= 3 || !/conflict/i.test(String(err))) throw err;
    }
  }
}
