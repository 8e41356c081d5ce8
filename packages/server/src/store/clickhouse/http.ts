import http from 'node:http';
import https from 'node:https';
import { isPlainIdentifier } from './escape';

/**
 * A small ClickHouse client over the HTTP interface (port 8123), using only what every server since
 * 18.x understands: the statement in the POST body (or the URL for INSERT … FORMAT, with rows in the
 * body), settings as URL parameters, Basic authentication, JSONEachRow in and out.
 *
 * @clickhouse/client works against 18.16 for plain statements, but its parameter binding
 * ({name:Type} + param_*) is refused there ("Unknown setting param_a"), and values have to be
 * inlined anyway; this client keeps the few knobs we need (buffered responses so a failure after
 * the first rows still surfaces as an error, bounded timeouts, retry of reads on a dropped socket)
 * explicit.
 */

export interface ClickHouseConnection {
  /** http(s)://host:port */
  baseUrl: string;
  database: string;
  user: string;
  password: string;
  /** Server settings sent with every request (URL query parameters other than `secure`). */
  settings?: Settings;
}

/**
 * Server error codes that mean "this data cannot be stored" (parsing, types, sizes) rather than
 * "try again later" (too many parts, timeouts, memory, network, read-only replica …).
 */
const DATA_ERROR_CODES = new Set([6, 8, 16, 25, 26, 27, 32, 38, 41, 53, 62, 69, 70, 72, 117, 131]);

/**
 * Server error codes that mean "a value given to the statement was refused": text that does not parse
 * as the type it is used as, conversions and arguments out of bounds, a pattern that does not compile.
 * A statement refused for one of these would fail the same way with the same values.
 */
const INPUT_ERROR_CODES = new Set([6, 25, 26, 27, 36, 38, 41, 69, 70, 72, 117, 131, 321, 427]);

export class ClickHouseError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ClickHouseError';
  }

  /** True when the server refused the statement's data itself: retrying the same data cannot succeed. */
  get isDataError(): boolean {
    return this.code !== null && DATA_ERROR_CODES.has(this.code);
  }

  /** True when a value the statement was given was refused (see INPUT_ERROR_CODES). */
  get isInputError(): boolean {
    return this.code !== null && INPUT_ERROR_CODES.has(this.code);
  }
}

/**
 * Parses `clickhouse://[user[:password]@]host[:port]/database[?secure=1]` (also http:// and https://).
 * The port defaults to 8123 (8443 when secure); the database to `default`.
 */
export function parseClickHouseUrl(url: string): ClickHouseConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`TIDEMARK_EVENTS_URL is not a URL: ${redactUrl(url)}`);
  }
  const scheme = u.protocol.replace(/:$/, '');
  if (!['clickhouse', 'http', 'https'].includes(scheme)) throw new Error(`TIDEMARK_EVENTS_URL: unsupported scheme ${scheme}`);
  const secure = scheme === 'https' || u.searchParams.get('secure') === '1' || u.searchParams.get('secure') === 'true';
  const port = u.port || (secure ? '8443' : '8123');
  const database = decodeURIComponent(u.pathname.replace(/^\//, '').replace(/\/$/, '')) || 'default';
  if (!isPlainIdentifier(database))
    throw new Error(`TIDEMARK_EVENTS_URL: database name must be letters, digits and _ (got ${JSON.stringify(database)})`);
  // Any other query parameter is a server setting for every request, e.g. ?insert_distributed_sync=1.
  const settings: Settings = {};
  for (const [k, v] of u.searchParams) {
    if (k === 'secure') continue;
    if (!/^[a-z_][a-z0-9_]{0,63}$/.test(k) || !/^[A-Za-z0-9_.-]{0,64}$/.test(v))
      throw new Error(`TIDEMARK_EVENTS_URL: invalid setting ${JSON.stringify(k)}`);
    settings[k] = v;
  }
  return {
    baseUrl: `${secure ? 'https' : 'http'}://${u.hostname}:${port}`,
    database,
    user: decodeURIComponent(u.username) || 'default',
    password: decodeURIComponent(u.password),
    ...(Object.keys(settings).length ? { settings } : {}),
  };
}

/** The URL with any password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

export type Settings = Record<string, string | number>;

export interface RequestOptions {
  /** Run against this database instead of the connection's (e.g. `default` before ours exists). */
  database?: string | null;
  settings?: Settings;
  /** Client-side time limit (ms); the server is also told to stop (max_execution_time). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * What the event store and its migrations use of ClickHouse: this HTTP client in production; the
 * conformance suite gives the store an in-process engine of a current release (chdb) instead.
 * Failures are ClickHouseErrors carrying the server's error code.
 */
export interface ClickHouseClient {
  readonly database: string;
  exec(sql: string, opts?: RequestOptions): Promise<void>;
  select<T = Record<string, unknown>>(sql: string, opts?: RequestOptions): Promise<T[]>;
  insert(table: string, columns: readonly string[], rows: readonly object[], opts?: RequestOptions): Promise<void>;
}

export class ClickHouseHttp implements ClickHouseClient {
  private readonly auth: string;

  constructor(readonly conn: ClickHouseConnection) {
    this.auth = 'Basic ' + Buffer.from(`${conn.user}:${conn.password}`).toString('base64');
  }

  get database(): string {
    return this.conn.database;
  }

  /** Runs a statement that returns nothing (DDL, ALTER, OPTIMIZE …). */
  async exec(sql: string, opts: RequestOptions = {}): Promise<void> {
    await this.request(sql, undefined, opts);
  }

  /** Runs a SELECT and returns its rows; 64-bit integers come back as JSON numbers. */
  async select<T = Record<string, unknown>>(sql: string, opts: RequestOptions = {}): Promise<T[]> {
    const body = await this.request(`${sql}\nFORMAT JSONEachRow`, undefined, {
      ...opts,
      settings: { output_format_json_quote_64bit_integers: 0, ...opts.settings },
    });
    const rows: T[] = [];
    for (const line of body.split('\n')) if (line) rows.push(JSON.parse(line) as T);
    return rows;
  }

  /** Inserts rows (objects keyed by column name) with one INSERT … FORMAT JSONEachRow. */
  async insert(table: string, columns: readonly string[], rows: readonly object[], opts: RequestOptions = {}): Promise<void> {
    if (!rows.length) return;
    const body = rows.map((r) => JSON.stringify(r)).join('\n');
    // Columns are our own schema names; the table name is back-quoted by the caller when configured.
    await this.request(`INSERT INTO ${table} (${columns.join(', ')}) FORMAT JSONEachRow`, body, opts);
  }

  /** A statement on a pooled keep-alive connection (fetch). */
  private async pooled(url: string, payload: string, timeoutMs: number): Promise<RawResponse> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: this.auth, 'content-type': 'text/plain; charset=utf-8' },
      body: payload,
      signal: AbortSignal.timeout(timeoutMs + 5_000),
    });
    return { status: res.status, text: await res.text() };
  }

  /** A request on a new connection, closed afterwards. */
  private fresh(url: string, payload: string, timeoutMs: number): Promise<RawResponse> {
    const u = new URL(url);
    const send = u.protocol === 'https:' ? https.request : http.request;
    const data = Buffer.from(payload, 'utf8');
    return new Promise((resolve, reject) => {
      const req = send(
        u,
        {
          method: 'POST',
          agent: false,
          headers: {
            authorization: this.auth,
            'content-type': 'text/plain; charset=utf-8',
            'content-length': data.length,
            connection: 'close',
          },
          timeout: timeoutMs + 5_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(data);
    });
  }

  private async request(query: string, body: string | undefined, opts: RequestOptions): Promise<string> {
    const params = new URLSearchParams();
    const database = opts.database === undefined ? this.conn.database : opts.database;
    if (database) params.set('database', database);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    params.set('max_execution_time', String(Math.max(1, Math.ceil(timeoutMs / 1000))));
    // Buffer the whole result server-side so a failure mid-way is an HTTP error, not a truncated 200.
    params.set('wait_end_of_query', '1');
    for (const [k, v] of Object.entries({ ...this.conn.settings, ...opts.settings })) params.set(k, String(v));
    let payload: string;
    if (body === undefined) payload = query;
    else {
      params.set('query', query);
      payload = body;
    }
    const isRead = body === undefined && /^\s*(SELECT|SHOW|DESCRIBE|EXISTS|WITH)\b/i.test(query);
    const url = `${this.conn.baseUrl}/?${params}`;
    for (let attempt = 0; ; attempt++) {
      try {
        // Reads use pooled keep-alive connections (and are resent once if the server had just closed
        // one). Everything else — row data above all — goes over a connection of its own: a write
        // cannot be resent blindly once half-written.
        const res = isRead ? await this.pooled(url, payload, timeoutMs) : await this.fresh(url, payload, timeoutMs);
        if (res.status !== 200) throw toError(res.text, res.status);
        return res.text;
      } catch (err) {
        // A keep-alive socket the server had just closed: reads are safe to send again once.
        if (isRead && attempt === 0 && isSocketReset(err)) continue;
        if (err instanceof ClickHouseError) throw err;
        throw new ClickHouseError(`ClickHouse at ${this.conn.baseUrl} is unreachable: ${describe(err)}`, null, 0);
      }
    }
  }
}

interface RawResponse {
  status: number;
  text: string;
}

function toError(text: string, status: number): ClickHouseError {
  const m = /Code:\s*(\d+)/.exec(text);
  const message = text
    .replace(/,\s*e\.what\(\)\s*=\s*DB::Exception\s*$/, '')
    .trim()
    .slice(0, 2000);
  return new ClickHouseError(`ClickHouse: ${message}`, m ? Number(m[1]) : null, status);
}

function isSocketReset(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
}

/** fetch wraps the socket error in `cause`; node:http reports it directly. */
function errorCode(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.cause?.code ?? e?.code;
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.includes(code) ? `${code} (${message})` : message;
}
