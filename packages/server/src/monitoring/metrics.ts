import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
