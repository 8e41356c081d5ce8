import type { Config } from '../config';
import type { EventStore, WriteBatch } from '../store';
import type { MetaStore } from '../meta';
import type { LeadModelService } from '../scoring';
import type { AuthServices } from '../auth';
import type { IngestCollector } from '../ingest';
import type { StatsService } from '../stats';
import type { Lifecycle } from '../lifecycle';
import type { ImportService } from '../imports';
import type { ServerKeys } from '../secrets';
import type { RevenueService } from '../revenue';
import type { TrackerExtensions } from '../extensions';
import type { BehaviourService } from '../behaviour';
import type { JobMonitor, Metrics } from '../monitoring';
import type { AlertService } from '../alerts';
import type { AudienceService } from '../audiences';
import type { ReplayService } from '../replay';
import type { PrivacyService } from '../privacy';
import type { ReportService } from '../reports';
import type { Destinations } from '../destinations';
import type { TriggerService } from '../triggers';
import type { UsageMeter } from '../tenancy';
import type { SystemAlertService } from '../system';
import type { LifetimeService } from '../lifetime';
import type { SiteProfileScorer } from '../segments';
import type { SystemStatus } from '@tidemark/core';

/** What collectors submit batches to (GroupCommitWriter, StreamProducer). */
export interface EventWriter {
  submit(batch: WriteBatch): Promise<{ inserted: number }>;
  close(): Promise<void>;
}

/**
 * Everything a request handler or job may use, built once at start-up (app/server.ts).
 * Modules add their service here; handlers never construct stores themselves.
 */
export interface AppContext {
  config: Config;
  events: EventStore;
  /**
   * Where collected batches go: the group-commit writer in front of `events` (resolves once the batch is
   * durable), or in scale-out the Redis stream (resolves once the stream has it). 503 when full or closing.
   */
  writer: EventWriter;
  /** Organizations, users, sites, API keys, sessions, salts (SQLite file or PostgreSQL). */
  meta: MetaStore;
  /** Keys derived from the server secret, one per purpose (signed tokens, encrypted settings, keyed digests). */
  keys: ServerKeys;
  /** Login throttling, key rate limits, session lifetimes, mail. */
  auth: AuthServices;
  /** Where collection routes hand requests: pipeline, then `writer` (in this thread or a collector thread). */
  collector: IngestCollector;
  /** Events per organization this month: hard limits at ingestion, the Usage page (tenancy/). */
  usage: UsageMeter;
  /** Stats engine over `events`: queries, dashboard stats, realtime, raw events. */
  stats: StatsService;
  /** Stripe webhooks, transactions, MRR and attribution (revenue/). */
  revenue: RevenueService;
  /** Session replay: chunk ingestion and the recordings' reads (replay/). */
  replay: ReplayService;
  /** Which tracker extension scripts a session loads (extensions/): capabilities register their rules. */
  trackerExtensions: TrackerExtensions;
  /** Heatmap grid and reports, frustration signals (behaviour/). */
  behaviour: BehaviourService;
  /** Retention, deleted sites' purges, data subjects' export and erasure (lifecycle/). */
  lifecycle: Lifecycle;
  /** Data-subject requests (access, erasure) processed in the background (privacy/). */
  privacy: PrivacyService;
  /** Imports of other tools' exports into a site, run in the background (imports/). */
  imports: ImportService;
  /** Alerts: definitions, evaluation of closed buckets, deliveries, history (alerts/). */
  alerts: AlertService;
  /** Saved audiences: membership passes, sizes, exports, syncs (audiences/). */
  audiences: AudienceService;
  /** Scheduled email reports (reports/). */
  reports: ReportService;
  /** Outgoing destinations of triggers and audiences (webhook, e-mail, Slack, HubSpot, Klaviyo) and the sites' provider connections (destinations/). */
  destinations: Destinations;
  /** Churn and lifetime-value models per site: training in the background, people's numbers on read (lifetime/). */
  lifetime: LifetimeService;
  /** Lead-score models: training in the background, status and metrics (scoring/). */
  leadModels: LeadModelService;
  /** Triggers: definitions, evaluation, the durable action queue, firings and dead letters (triggers/). */
  triggers: TriggerService;
  /** A site's profile scorer (score and segment), shared by the profiles API, audiences and triggers (segments/). */
  profileScorer: SiteProfileScorer;
  /** Prometheus metrics of this process (GET /metrics). */
  metrics: Metrics;
  /** Background jobs' runs, failures and last errors (/metrics and the System page). */
  jobs: JobMonitor;
  /** The admin System page's numbers and the threshold alerts on the system itself (system/). */
  system: { status(): Promise<SystemStatus>; alerts: SystemAlertService };
  /** One probe per dependency (events, metadata, redis …), each rejecting when it is unreachable; GET /health runs them. */
  health: Record<string, () => Promise<unknown>>;
  /** Closes everything in reverse order of opening. */
  closers: Array<() => Promise<void> | void>;
}
