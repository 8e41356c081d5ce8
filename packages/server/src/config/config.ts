import { z } from 'zod';
import path from 'node:path';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Like `bool`, but on unless turned off. */
const boolOn = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => !(v === 'false' || v === '0' || v === 'no'));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  TIDEMARK_DATA_DIR: z.string().default('./data'),
  /** Public origin the snippet and links point at, e.g. https://stats.example.com; defaults to http://localhost:PORT. */
  TIDEMARK_PUBLIC_URL: z.string().url().optional(),
  /** Bearer token for GET /metrics; without it /metrics answers loopback callers only. */
  TIDEMARK_METRICS_TOKEN: z.string().min(16).optional(),
  TIDEMARK_EVENTS_URL: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().optional(),
  TIDEMARK_SECRET: z.string().min(32).optional(),
  TIDEMARK_ADMIN_EMAIL: z.string().email().optional(),
  TIDEMARK_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Accounts (comma-separated e-mails) that administer the instance: the System page and system alerts. TIDEMARK_ADMIN_EMAIL is one. */
  TIDEMARK_INSTANCE_ADMINS: z.string().default(''),
  TIDEMARK_OPEN_SIGNUP: bool,
  /** Let alert webhooks and Slack URLs reach private, loopback and link-local addresses (an admin's choice). */
  TIDEMARK_ALLOW_PRIVATE_WEBHOOKS: bool,
  // Custom domains (domains/): the HTTP verification's port, and whether it may reach private addresses (an admin's choice).
  TIDEMARK_DOMAIN_VERIFY_PORT: z.coerce.number().int().min(1).max(65535).default(80),
  TIDEMARK_DOMAIN_VERIFY_ALLOW_PRIVATE: bool,
  TIDEMARK_GEO_DB: z.string().optional(),
  /** Comma-separated IPs/CIDRs whose X-Forwarded-For is believed. */
  TIDEMARK_TRUSTED_PROXIES: z.string().default(''),
  TIDEMARK_RAW_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
  /** Consent decisions are proof: kept three years by default, apart from the sites' analytics retention (0 = forever). */
  TIDEMARK_CONSENT_LOG_RETENTION_DAYS: z.coerce.number().int().min(0).max(36500).default(1095),
  // Data lifecycle (lifecycle/): first run after start, and how long a deleted site's purge keeps checking for in-flight writes.
  TIDEMARK_LIFECYCLE_FIRST_RUN_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
  TIDEMARK_PURGE_SETTLE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(15 * 60_000),
  // Imports (imports/): the largest upload accepted, in MB (a zip's inflated size is bounded separately).
  TIDEMARK_IMPORT_MAX_MB: z.coerce.number().int().min(1).max(4096).default(200),
  TIDEMARK_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Scale-out process role (also `serve --role=…`): all | collector | worker | api | jobs. */
  TIDEMARK_ROLE: z.enum(['all', 'collector', 'worker', 'api', 'jobs']).default('all'),
  /** Prefix of every Redis key (stream, locks, counters, sessions), so deployments can share a Redis. */
  TIDEMARK_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/)
    .default('tidemark:'),
  /** A stream entry a worker has held unacknowledged this long is taken over by another worker. */
  TIDEMARK_STREAM_CLAIM_IDLE_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Workers write to ClickHouse about this often when busy (few large inserts suit it best). */
  TIDEMARK_STREAM_FLUSH_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Login sessions end after this long without a request … */
  TIDEMARK_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(525_600)
    .default(7 * 24 * 60),
  /** … and at the latest this long after sign-in, however active. */
  TIDEMARK_SESSION_MAX_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Chromium for heatmap screenshots (behaviour/screenshots.ts); '' = none (the dashboard shows the live page). */
  TIDEMARK_CHROMIUM: z.string().optional(),
  /** Let screenshots load pages whose host resolves to a private, loopback or link-local address (an intranet site). */
  TIDEMARK_SCREENSHOT_ALLOW_PRIVATE: z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  /** Embedded store: adapt and enrich events in a collector thread beside the HTTP thread (default on). */
  TIDEMARK_COLLECTOR_THREAD: boolOn,
  /** Embedded store: DuckDB's memory_limit (its buffer pool: cached blocks and query state, spilled beyond it). */
  TIDEMARK_DUCKDB_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as 128MB or 1GiB')
    .optional(),
  /** Collection rate limits (0 = none): browser requests per client address per minute … */
  TIDEMARK_COLLECT_ADDRESS_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
  /** … browser events per site per minute … */
  TIDEMARK_COLLECT_SITE_PER_MINUTE: z.coerce.number().int().min(0).default(300_000),
  /** … and server-side (API key) events per key and site per minute. */
  TIDEMARK_COLLECT_KEY_PER_MINUTE: z.coerce.number().int().min(0).default(300_000),
  /** Session replay chunks per site per minute (replay/), counted apart from events; 0 = no limit. */
  TIDEMARK_REPLAY_CHUNKS_PER_MINUTE: z.coerce.number().int().min(0).default(6_000),
  /** Session replay bytes stored per site per calendar month (UTC), every recording together; 0 = no cap. */
  TIDEMARK_REPLAY_MONTHLY_BYTES_PER_SITE: z.coerce.number().int().min(0).default(10_000_000_000),
  /** Invalid events kept in the quarantine per site per UTC day (the rest are only counted; 0 = no cap). */
  TIDEMARK_QUARANTINE_PER_SITE_DAY: z.coerce.number().int().min(0).default(5000),
  /** Exchange rates fetched daily (ECB reference-rate XML or a rates CSV), e.g. the ECB's eurofxref-daily.xml; off when unset. */
  TIDEMARK_RATES_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL')
    .optional(),
  /** Let TIDEMARK_RATES_URL resolve to a private, loopback or link-local address (an internal mirror). */
  TIDEMARK_RATES_ALLOW_PRIVATE: bool,
  /** Outgoing mail; `SMTP_URL` is the older name of the same setting. */
  TIDEMARK_SMTP_URL: z.string().optional(),
  SMTP_URL: z.string().optional(),
  SMTP_FROM: z.string().optional(),
  /** k-anonymity breached-password check (Pwned Passwords range API), e.g. https://api.pwnedpasswords.com/range/; off when unset. */
  TIDEMARK_PWNED_PASSWORDS_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL')
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string | undefined;
  metricsToken: string | undefined;
  eventsUrl: string | undefined;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  secret: string | undefined;
  adminEmail: string | undefined;
  /** Lower-cased e-mails of the instance administrators (TIDEMARK_INSTANCE_ADMINS; TIDEMARK_ADMIN_EMAIL is one too). */
  instanceAdmins: string[];
  adminPassword: string | undefined;
  openSignup: boolean;
  allowPrivateWebhooks: boolean;
  /** Custom domains: where the HTTP token is fetched (port), and whether private addresses may be (docs/domains.md). */
  domainVerify: {
    port: number;
    allowPrivate: boolean;
    /** Programmatic only (split-horizon DNS, tests): how the HTTP check resolves a host, and reads TXT records. */
    lookup?: import('node:net').LookupFunction;
    resolveTxt?: (name: string) => Promise<string[][]>;
  };
  geoDbPath: string | undefined;
  trustedProxies: string[];
  rawRetentionDays: number;
  /** Days the consent log keeps a decision (TIDEMARK_CONSENT_LOG_RETENTION_DAYS; 0 = forever). */
  consentLogRetentionDays: number;
  /** Delay of the lifecycle job's first run (retention, pending site purges) after start. */
  lifecycleFirstRunMs: number;
  /** A deleted site's purge completes with a pass that finds nothing, at least this long after the deletion. */
  purgeSettleMs: number;
  /** Largest import upload accepted, bytes (POST /api/sites/{id}/imports answers 413 above it). */
  importMaxBytes: number;
  logLevel: Env['TIDEMARK_LOG_LEVEL'];
  /** What this process does: everything, or one part of a scale-out deployment (docs/scale-out.md). */
  role: Env['TIDEMARK_ROLE'];
  redisPrefix: string;
  streamClaimIdleMs: number;
  streamFlushMs: number;
  smtpUrl: string | undefined;
  smtpFrom: string | undefined;
  /** Range API for the breached-password check; undefined = only the shipped list. */
  pwnedPasswordsUrl: string | undefined;
  /** Daily exchange-rate fetch (revenue/rates-fetch.ts); undefined = rates only from `tidemark rates import`. */
  ratesUrl?: string;
  ratesAllowPrivate?: boolean;
  /** Embedded store only: DuckDB's memory_limit; unset = DEFAULT_DUCKDB_SETTINGS (store/duckdb/event-store.ts). */
  duckDbMemoryLimit?: string;
  /** Embedded store only: run the pipeline in a collector thread (ingest/thread). */
  collectorThread: boolean;
  /** Chromium for heatmap screenshots; undefined = /usr/bin/chromium when present, '' = none. */
  chromiumPath?: string | undefined;
  /** Screenshots may load pages on private, loopback and link-local addresses (admin's choice, default off). */
  screenshotAllowPrivate?: boolean;
  /** Collection rate limits per minute, 0 = none (ingest/rate-limit.ts). */
  collectLimits: { perAddress: number; perSite: number; perKey: number };
  /** Session replay chunks per site per minute, 0 = none (replay/). */
  replayChunksPerMinute: number;
  replayMonthlyBytesPerSite: number;
  /** Quarantined events kept per site and UTC day, 0 = no cap (ingest/quarantine-budget.ts). */
  quarantinePerSiteDay: number;
  sessionIdleMinutes: number;
  sessionMaxDays: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.TIDEMARK_DATA_DIR),
    publicUrl: e.TIDEMARK_PUBLIC_URL?.replace(/\/$/, ''),
    metricsToken: e.TIDEMARK_METRICS_TOKEN || undefined,
    eventsUrl: e.TIDEMARK_EVENTS_URL || undefined,
    databaseUrl: e.DATABASE_URL || undefined,
    redisUrl: e.REDIS_URL || undefined,
    secret: e.TIDEMARK_SECRET,
    adminEmail: e.TIDEMARK_ADMIN_EMAIL,
    instanceAdmins: [
      ...new Set(
        e.TIDEMARK_INSTANCE_ADMINS.split(',')
          .map((a) => a.trim().toLowerCase())
          .filter(Boolean),
      ),
    ],
    adminPassword: e.TIDEMARK_ADMIN_PASSWORD,
    openSignup: e.TIDEMARK_OPEN_SIGNUP,
    allowPrivateWebhooks: e.TIDEMARK_ALLOW_PRIVATE_WEBHOOKS,
    domainVerify: { port: e.TIDEMARK_DOMAIN_VERIFY_PORT, allowPrivate: e.TIDEMARK_DOMAIN_VERIFY_ALLOW_PRIVATE },
    geoDbPath: e.TIDEMARK_GEO_DB,
    trustedProxies: e.TIDEMARK_TRUSTED_PROXIES.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    rawRetentionDays: e.TIDEMARK_RAW_RETENTION_DAYS,
    consentLogRetentionDays: e.TIDEMARK_CONSENT_LOG_RETENTION_DAYS,
    lifecycleFirstRunMs: e.TIDEMARK_LIFECYCLE_FIRST_RUN_MS,
    purgeSettleMs: e.TIDEMARK_PURGE_SETTLE_MS,
    importMaxBytes: e.TIDEMARK_IMPORT_MAX_MB * 1024 * 1024,
    logLevel: e.TIDEMARK_LOG_LEVEL,
    role: e.TIDEMARK_ROLE,
    redisPrefix: e.TIDEMARK_REDIS_PREFIX,
    streamClaimIdleMs: e.TIDEMARK_STREAM_CLAIM_IDLE_MS,
    streamFlushMs: e.TIDEMARK_STREAM_FLUSH_MS,
    smtpUrl: e.TIDEMARK_SMTP_URL || e.SMTP_URL,
    smtpFrom: e.SMTP_FROM,
    pwnedPasswordsUrl: e.TIDEMARK_PWNED_PASSWORDS_URL || undefined,
    ratesUrl: e.TIDEMARK_RATES_URL || undefined,
    ratesAllowPrivate: e.TIDEMARK_RATES_ALLOW_PRIVATE,
    collectorThread: e.TIDEMARK_COLLECTOR_THREAD,
    chromiumPath: e.TIDEMARK_CHROMIUM,
    screenshotAllowPrivate: e.TIDEMARK_SCREENSHOT_ALLOW_PRIVATE,
    duckDbMemoryLimit: e.TIDEMARK_DUCKDB_MEMORY_LIMIT,
    collectLimits: {
      perAddress: e.TIDEMARK_COLLECT_ADDRESS_PER_MINUTE,
      perSite: e.TIDEMARK_COLLECT_SITE_PER_MINUTE,
      perKey: e.TIDEMARK_COLLECT_KEY_PER_MINUTE,
    },
    replayChunksPerMinute: e.TIDEMARK_REPLAY_CHUNKS_PER_MINUTE,
    replayMonthlyBytesPerSite: e.TIDEMARK_REPLAY_MONTHLY_BYTES_PER_SITE,
    quarantinePerSiteDay: e.TIDEMARK_QUARANTINE_PER_SITE_DAY,
    sessionIdleMinutes: e.TIDEMARK_SESSION_IDLE_MINUTES,
    sessionMaxDays: e.TIDEMARK_SESSION_MAX_DAYS,
    ...overrides,
  };
}
