import type { SiteRecord } from '../meta';
import type { DropCount, QuarantineRecord, WriteBatch } from '../store';
import type { DropIssue, DropReason } from './drop';
import type { RejectedEvent } from './adapters/shared';
import { runPipeline } from './pipeline';
import { quarantinePayload, redactRawBody } from './lib/redact';
import { utcDay, type SaltKeeper } from './lib/salts';
import { uuidv7 } from './lib/uuid';
import type { ContractName, IngestServices, PreEvent, RequestContext, RequestSignals, Trust } from './types';

/** Where finished batches go: the store's group-commit writer (resolves once durable). */
export interface BatchSink {
  submit(batch: WriteBatch): Promise<unknown>;
}

export interface CollectRequest {
  site: SiteRecord;
  contract: ContractName;
  trust: Trust;
  receivedAt: number;
  sentAt: number | null;
  ip: string;
  userAgent: string;
  signals: RequestSignals;
  /** The body as received and as parsed, for the raw payload store. */
  rawBody: string;
  parsedBody: unknown;
  events: PreEvent[];
  rejected: RejectedEvent[];
}

export interface CollectOutcome {
  /** Events stored (or already stored: retries are deduplicated by event_id). */
  accepted: number;
  /** Events filtered out on purpose (bots, privacy signals, exclusions …). */
  filtered: number;
  /** Events refused as invalid, kept in the quarantine. */
  quarantined: number;
  /** The first quarantined event's issues, for the error message when nothing was accepted. */
  firstIssues: DropIssue[];
}

/**
 * Runs a request's events through the pipeline and hands the store one batch: the canonical events,
 * the raw body, the quarantined events and the drop counts. Resolves once the batch is durable.
 */
export class Collector {
  constructor(
    private readonly services: IngestServices,
    private readonly salts: SaltKeeper,
    private readonly sink: BatchSink,
  ) {}

  async collect(req: CollectRequest): Promise<CollectOutcome> {
    const salts = this.salts.peek(req.receivedAt) ?? (await this.salts.get(req.receivedAt));
    const ctx: RequestContext = {
      site: req.site,
      contract: req.contract,
      trust: req.trust,
      receivedAt: req.receivedAt,
      sentAt: req.sentAt,
      ip: req.ip,
      userAgent: req.userAgent,
      signals: req.signals,
      bodyBytes: Buffer.byteLength(req.rawBody, 'utf8'),
      salts,
      services: this.services,
      memo: new Map(),
    };
    const result = runPipeline(req.events, ctx);
    const counts = new Map<DropReason, number>();
    const quarantine: QuarantineRecord[] = [];
    let firstIssues: DropIssue[] = [];
    const siteId = req.site.id;
    const quarantineOne = (reason: DropReason, issues: DropIssue[], input: unknown) => {
      if (!firstIssues.length) firstIssues = issues.length ? issues : [{ path: '', message: reason }];
      quarantine.push({
        id: uuidv7(req.receivedAt),
        site_id: siteId,
        received_at: req.receivedAt,
        contract: req.contract,
        reason,
        errors: JSON.stringify(issues),
        payload: quarantinePayload(input),
      });
    };
    for (const r of req.rejected) {
      counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
      quarantineOne(r.reason, r.issues, r.input);
    }
    let filtered = 0;
    for (const d of result.dropped) {
      counts.set(d.drop.reason, (counts.get(d.drop.reason) ?? 0) + 1);
      if (d.drop.quarantined) quarantineOne(d.drop.reason, d.drop.issues, d.event.input);
      else filtered++;
    }
    const batch: WriteBatch = {
      events: result.events,
      raw: [
        {
          id: uuidv7(req.receivedAt),
          site_id: siteId,
          received_at: req.receivedAt,
          contract: req.contract,
          body: redactRawBody(req.rawBody, req.parsedBody),
        },
      ],
      quarantine,
      drops: dropCounts(siteId, req.receivedAt, counts),
    };
    await this.sink.submit(batch);
    return { accepted: result.events.length, filtered, quarantined: quarantine.length, firstIssues };
  }

  /** Counts events refused before the pipeline (e.g. a request from a host the site does not own). */
  async countDrops(siteId: string, receivedAt: number, reason: DropReason, count: number): Promise<void> {
    if (count <= 0) return;
    await this.sink.submit({ events: [], raw: [], quarantine: [], drops: dropCounts(siteId, receivedAt, new Map([[reason, count]])) });
  }
}

function dropCounts(siteId: string, receivedAt: number, counts: Map<DropReason, number>): DropCount[] {
  if (!counts.size) return [];
  const day = utcDay(receivedAt);
  return [...counts].map(([reason, count]) => ({ site_id: siteId, day, reason, count }));
}

