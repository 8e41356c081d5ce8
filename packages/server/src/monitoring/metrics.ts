import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What waits between acceptance and the event store: items, and when the oldest was accepted (ms). */
export interface IngestBacklog {
  waiting: number;
  oldestAt: number | null;
}

/**
 * The process's Prometheus metrics (RevivaTech PRD §4.2): one registry per app, so several servers in
 * one process (tests) never share counters. Labels are bounded sets only — route patterns, methods,
 * status codes, drop reasons, report names — never ids, URLs or addresses.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'tidemark_http_requests_total',
    help: 'HTTP requests by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'tidemark_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern and method',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly collected = new Counter({
    name: 'tidemark_collect_events_total',
    help: 'Events acknowledged by collection and stored',
    registers: [this.registry],
  });
  readonly dropped = new Counter({
    name: 'tidemark_collect_dropped_total',
    help: 'Events dropped before storage, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly quarantined = new Counter({
    name: 'tidemark_collect_quarantined_total',
    help: 'Events quarantined as invalid, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly commitSize = new Histogram({
    name: 'tidemark_group_commit_events',
    help: 'Events per group commit',
    buckets: [1, 5, 10, 50, 100, 500, 1000, 5000, 20000],
    registers: [this.registry],
  });
  readonly commitDuration = new Histogram({
    name: 'tidemark_group_commit_duration_seconds',
    help: 'Duration of a group commit (one store write)',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly commitFailures = new Counter({
    name: 'tidemark_group_commit_failures_total',
    help: 'Store writes that failed (each try)',
    registers: [this.registry],
  });
  readonly jobRuns = new Counter({
    name: 'tidemark_job_runs_total',
    help: 'Background job runs by job, counted when they end',
    labelNames: ['job'] as const,
    registers: [this.registry],
  });
  readonly jobFailures = new Counter({
    name: 'tidemark_job_failures_total',
    help: 'Background job runs that failed, by job',
    labelNames: ['job'] as const,
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'tidemark_job_duration_seconds',
    help: 'Background job run duration by job',
    labelNames: ['job'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  private backlogSource: (() => Promise<IngestBacklog>) | null = null;
  /** The stream's backlog at scale (Redis stream lag); read once per scrape for both gauges below. */
  private backlogRead: Promise<IngestBacklog> | null = null;
  private readBacklog(): Promise<IngestBacklog> | null {
    if (!this.backlogSource) return null;
    this.backlogRead ??= this.backlogSource().finally(() => {
      this.backlogRead = null;
    });
    return this.backlogRead;
  }
  readonly streamLag = (() => {
    const metrics = this;
    return new Gauge({
      name: 'tidemark_ingest_stream_lag_items',
      help: 'Scale-out: entries in the Redis stream not yet written to the event store (read or not)',
      registers: [this.registry],
      async collect() {
        const b = await metrics.readBacklog();
        if (b) this.set(b.waiting);
      },
    });
  })();
  readonly ingestDelay = (() => {
    const metrics = this;
    return new Gauge({
      name: 'tidemark_ingest_delay_seconds',
      help: 'Age of the oldest accepted event not yet stored (0 when none waits)',
      registers: [this.registry],
      async collect() {
        const b = await metrics.readBacklog();
        if (b) this.set(b.oldestAt === null ? 0 : Math.max(0, Date.now() - b.oldestAt) / 1000);
      },
    });
  })();
  private queueSource: (() => number) | null = null;
  readonly queueDepth = (() => {
    const metrics = this;
    return new Gauge({
      name: 'tidemark_ingest_queue_items',
      help: 'Items accepted and not yet committed',
      registers: [this.registry],
      collect() {
        if (metrics.queueSource) this.set(metrics.queueSource());
      },
    });
  })();
  readonly queryDuration = new Histogram({
    name: 'tidemark_query_duration_seconds',
    help: 'Stats answers by report (overview, or the breakdown asked for)',
    labelNames: ['report'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor(opts: { defaults?: boolean } = {}) {
    // Process memory, CPU, handles and event-loop delay (nodejs_eventloop_lag_*), as prom-client defines them.
    if (opts.defaults !== false) collectDefaultMetrics({ register: this.registry, prefix: 'tidemark_' });
  }

  /** A source of the queue depth, read at each scrape. */
  watchQueue(depth: () => number): void {
    this.queueSource = depth;
  }

  /** Where the ingest backlog is read at each scrape: the group-commit writer, or the Redis stream at scale. */
  watchBacklog(read: () => Promise<IngestBacklog>, opts: { stream: boolean }): void {
    this.backlogSource = read;
    if (!opts.stream) this.registry.removeSingleMetric('tidemark_ingest_stream_lag_items');
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
