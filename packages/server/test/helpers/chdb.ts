import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import {
  ClickHouseError,
  ClickHouseEventStore,
  quoteIdentifier,
  type ClickHouseClient,
  type ClickHouseRequestOptions,
} from '../../src/store';

/**
 * A current ClickHouse release in-process: chdb (npm `chdb`, Apache-2.0) embeds the engine as a library
 * (`@chdb/lib-<platform>` ships libchdb.so from the registry). Deployments run such releases, whose
 * query analyzer refuses SQL that Debian's 18.16 (the scale-out suites' server) accepts, so the event
 * store runs its schema and statements on both. Statements go through as the HTTP client sends them:
 * `FORMAT JSONEachRow` appended to reads, rows inline after `INSERT … FORMAT JSONEachRow`, the
 * request's settings applied first.
 */

interface ChdbSession {
  query(sql: string, format?: string): string;
  cleanup(): void;
}
interface ChdbModule {
  Session: new () => ChdbSession;
}

export type ChdbStatus = { ok: true; chdb: ChdbModule } | { ok: false; reason: string };

/** Loads chdb; in CI a missing or unloadable engine fails the suite, elsewhere it skips with the reason. */
export function loadChdb(suite: string): ChdbStatus {
  try {
    return { ok: true, chdb: createRequire(import.meta.url)('chdb') as ChdbModule };
  } catch (err) {
    const reason = `chdb cannot be loaded (npm ci installs it with @chdb/lib-linux-x64-gnu): ${err instanceof Error ? err.message : String(err)}`;
    if (process.env.CI === 'true') throw new Error(`[${suite}] ${reason}`);
    console.warn(`[${suite}] skipped: ${reason}`);
    return { ok: false, reason };
  }
}

let shared: ChdbSession | undefined;

/** One engine per test process (a temporary directory, removed at exit); each store uses a database of its own. */
function sharedSession(chdb: ChdbModule): ChdbSession {
  if (!shared) {
    const session = new chdb.Session();
    process.once('exit', () => session.cleanup());
    shared = session;
  }
  return shared;
}

/** A ClickHouse client of one database in the process's chdb engine. */
export class ChdbClient implements ClickHouseClient {
  private readonly session: ChdbSession;

  constructor(
    chdb: ChdbModule,
    readonly database: string,
  ) {
    this.session = sharedSession(chdb);
  }

  async exec(sql: string, opts: ClickHouseRequestOptions = {}): Promise<void> {
    this.run(sql, opts);
  }

  async select<T = Record<string, unknown>>(sql: string, opts: ClickHouseRequestOptions = {}): Promise<T[]> {
    const body = this.run(`${sql}\nFORMAT JSONEachRow`, {
      ...opts,
      settings: { output_format_json_quote_64bit_integers: 0, ...opts.settings },
    });
    return body
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as T);
  }

  async insert(table: string, columns: readonly string[], rows: readonly object[], opts: ClickHouseRequestOptions = {}): Promise<void> {
    if (!rows.length) return;
    this.run(`INSERT INTO ${table} (${columns.join(', ')}) FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`, opts);
  }

  /** Synchronous, so the session's current database and settings belong to one statement at a time. */
  private run(sql: string, opts: ClickHouseRequestOptions): string {
    try {
      const database = opts.database === undefined ? this.database : opts.database;
      this.session.query(`USE ${quoteIdentifier(database ?? 'default')}`);
      for (const [k, v] of Object.entries(opts.settings ?? {})) this.session.query(`SET ${k} = ${typeof v === 'number' ? v : `'${v}'`}`);
      return this.session.query(sql);
    } catch (err) {
      const e = err as { message?: string; clickhouseCode?: number };
      // The code as the HTTP interface gives it; chdb has it only in the message ("Code: 15. DB::Exception…").
      const inMessage = /Code: (\d+)\./.exec(e.message ?? '')?.[1];
      throw new ClickHouseError(
        `ClickHouse (chdb): ${e.message ?? String(err)}`,
        typeof e.clickhouseCode === 'number' ? e.clickhouseCode : inMessage ? Number(inMessage) : null,
        500,
      );
    }
  }
}

/** A ClickHouse event store on a fresh database of the chdb engine; close() drops the database. */
export async function openChdbStore(
  chdb: ChdbModule,
  database = `tidemark_${crypto.randomBytes(4).toString('hex')}`,
): Promise<ClickHouseEventStore> {
  const store = new ClickHouseEventStore(new ChdbClient(chdb, database));
  await store.init();
  const close = store.close.bind(store);
  store.close = async () => {
    await store.dropDatabase();
    await close();
  };
  return store;
}
