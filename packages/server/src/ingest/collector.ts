import type { SiteRecord } from '../meta';
import type { DropCount, QuarantineRecord, WriteBatch } from '../store';
import type { DropIssue, DropReason } from './drop';
import { adaptContract, parseBody, type AdmissionFields } from './contracts';
import { runPipeline } from './pipeline';
import { quarantinePayload, redactRawBody, redactValue } from './lib/redact';
import { DROPPED_TRAITS, hashPersonalValues, withoutDroppedTraits } from './steps/traits';
import { capText, REJECTED_BODY_PREFIX_BYTES } from './lib/prefix';
import { utcDay, type SaltKeeper, type SaltPair } from './lib/salts';
import { uuidv7 } from './lib/uuid';
import type { ContractName, IngestServices, RequestContext, RequestSignals, Trust } from './types';
import { revenueRefs, type RevenueRefs } from './revenue-refs';

/** Where finished batches go: the store's group-commit writer (resolves once durable). */
export interface BatchSink {
  submit(batch: WriteBatch): Promise<unknown>;
}

/** A request's context once its site is known: everything the pipeline needs besides the body. */
export interface AdmittedRequest {
  site: SiteRecord;
  trust: Trust;
  receivedAt: number;
  sentAt: number | null;
  ip: string;
  userAgent: string;
  signals: RequestSignals;
  /** X-Visitor-ID of a browser request ('' when absent). */
  visitorHeader: string;
  /** The page the request came from (Referer, else Origin), for contracts whose events may leave their page out. */
  pageHeader?: string;
  /** Events the site's organization may still store this month (tenancy/ quota); absent = no limit. */
  quotaRemaining?: number;
}

/** An admitted request with its body. */
export interface CollectRequest extends AdmittedRequest {
  contract: ContractName;
  /** The body as received and as parsed (JSON), for the raw payload store. */
  rawBody: string;
  parsedBody: unknown;
  /** The envelope as the contract's schema returned it; its events are validated one by one by the adapter. */
  body: unknown;
}

/**
 * A body read by the collector, waiting for the route to name its site. The route calls `check()` where
 * its contract validates the envelope, then `collect()`, or `release()` when it refuses the request.
 */
export interface Admission {
  readonly fields: AdmissionFields;
  /** Throws what is wrong with the envelope (413 too many events, 400 invalid). */
  check(): void;
  /** Runs the events through the pipeline into the store; resolves once the batch is durable. */
  collect(req: AdmittedRequest): Promise<CollectOutcome>;
  release(): void;
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
  /** Revenue, identified e-mails and the last visitor/session among the stored events (revenue/). */
  refs?: RevenueRefs;
}

/** Where a request's events go: through the pipeline into the store (in this thread or a collector thread). */
export interface IngestCollector {
  /** Reads a body of `contract`: 400 when it is not a JSON object; envelope problems wait for `check()`. */
  admit(contract: ContractName, rawBody: string): Promise<Admission>;
  /** Counts events refused before the pipeline (e.g. a request from a host the site does not own). */
  countDrops(siteId: string, receivedAt: number, reason: DropReason, count: number): Promise<void>;
  close(): Promise<void>;
}

/** A finished request: the batch for the store and what to answer. */
export interface AssembledBatch {
  batch: WriteBatch;
  outcome: CollectOutcome;
}

/**
 * Adapts a request's events, runs them through the pipeline and assembles the store's batch: the
 * canonical events, the raw body, the quarantined events and the drop counts. Synchronous and
 * thread-agnostic: the in-process collector and the collector thread both use it.
 */
export function assembleBatch(req: CollectRequest, services: IngestServices, salts: SaltPair): AssembledBatch {
  const adapted = adaptContract(req.contract, req.body, {
    siteId: req.site.id,
    receivedAt: req.receivedAt,
    visitorHeader: req.visitorHeader,
    trackingId: req.site.tracking_id,
    pageHeader: req.pageHeader ?? '',
    siteDomain: req.site.domain,
    umamiWebsiteId: req.site.umami_website_id,
  });
  const ctx: RequestContext = {
    site: req.site,
    contract: req.contract,
    trust: req.trust,
    receivedAt: req.receivedAt,
    sentAt: req.sentAt,
    ip: req.ip,
    userAgent: req.userAgent,
    signals: adapted.webdriver ? { ...req.signals, webdriver: true } : req.signals,
    bodyBytes: Buffer.byteLength(req.rawBody, 'utf8'),
    salts,
    services,
    memo: new Map(),
    ...(req.quotaRemaining !== undefined ? { quotaRemaining: req.quotaRemaining } : {}),
  };
  const result = runPipeline(adapted.events, ctx);
  const counts = new Map<DropReason, number>();
  const quarantine: QuarantineRecord[] = [];
  let firstIssues: DropIssue[] = [];
  const siteId = req.site.id;
  // Trait privacy (steps/traits.ts): no e-mail address or phone number is kept readable, in any store.
  const personal = req.site.trait_privacy === true ? (v: unknown) => hashPersonalValues(v, services.traitKey) : null;
  const quarantineOne = (reason: DropReason, issues: DropIssue[], input: unknown) => {
    if (!firstIssues.length) firstIssues = issues.length ? issues : [{ path: '', message: reason }];
    const payload = quarantinePayload(personal ? personal(input) : input);
    quarantine.push({
      id: uuidv7(req.receivedAt),
      site_id: siteId,
      received_at: req.receivedAt,
      contract: req.contract,
      reason,
      errors: JSON.stringify(issues),
      payload: payload.text,
      ...(payload.originalBytes ? { original_bytes: payload.originalBytes } : {}),
    });
  };
  for (const r of adapted.rejected) {
    counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
    quarantineOne(r.reason, r.issues, r.input);
  }
  let filtered = 0;
  for (const d of result.dropped) {
    counts.set(d.drop.reason, (counts.get(d.drop.reason) ?? 0) + 1);
    if (d.drop.quarantined) quarantineOne(d.drop.reason, d.drop.issues, d.event.input);
    else filtered++;
  }
  // A body none of whose events is stored could be anything of any size: only its prefix is kept.
  // Traits the allow-list dropped leave the raw payload too.
  const dropped = ctx.memo.get(DROPPED_TRAITS) as Set<string> | undefined;
  const rewrite = (personal !== null || dropped !== undefined) && req.parsedBody !== undefined;
  const parsed = dropped ? withoutDroppedTraits(req.parsedBody, dropped) : req.parsedBody;
  const body = rewrite
    ? (JSON.stringify(redactValue(personal ? personal(parsed) : parsed)) ?? '')
    : redactRawBody(req.rawBody, req.parsedBody);
  const kept = result.events.length ? body : capText(body, REJECTED_BODY_PREFIX_BYTES).text;
  const batch: WriteBatch = {
    events: result.events,
    raw: [
      {
        id: uuidv7(req.receivedAt),
        site_id: siteId,
        received_at: req.receivedAt,
        contract: req.contract,
        body: kept,
        ...(kept !== body ? { original_bytes: ctx.bodyBytes } : {}),
      },
    ],
    quarantine,
    drops: dropCounts(siteId, req.receivedAt, counts),
  };
  return {
    batch,
    outcome: { accepted: result.events.length, filtered, quarantined: quarantine.length, firstIssues, refs: revenueRefs(result.events) },
  };
}

/** The collector in this thread: assembles each request's batch here and hands it to the store's writer. */
export class Collector implements IngestCollector {
  constructor(
    private readonly services: IngestServices,
    private readonly salts: SaltKeeper,
    private readonly sink: BatchSink,
  ) {}

  async admit(contract: ContractName, rawBody: string): Promise<Admission> {
    const parsed = parseBody(contract, rawBody);
    return {
      fields: parsed.fields,
      check: () => {
        if (parsed.problem) throw parsed.problem;
      },
      collect: (req) => {
        if (parsed.problem) return Promise.reject(parsed.problem);
        return this.collect({ ...req, contract, rawBody, parsedBody: parsed.json, body: parsed.body });
      },
      release: () => {},
    };
  }

  private async collect(req: CollectRequest): Promise<CollectOutcome> {
    const salts = this.salts.peek(req.receivedAt) ?? (await this.salts.get(req.receivedAt));
    const { batch, outcome } = assembleBatch(req, this.services, salts);
    await this.sink.submit(batch);
    return outcome;
  }

  countDrops(siteId: string, receivedAt: number, reason: DropReason, count: number): Promise<void> {
    return submitDrops(this.sink, siteId, receivedAt, reason, count);
  }

  async close(): Promise<void> {}
}

export async function submitDrops(sink: BatchSink, siteId: string, receivedAt: number, reason: DropReason, count: number): Promise<void> {
  if (count <= 0) return;
  await sink.submit({ events: [], raw: [], quarantine: [], drops: dropCounts(siteId, receivedAt, new Map([[reason, count]])) });
}

function dropCounts(siteId: string, receivedAt: number, counts: Map<DropReason, number>): DropCount[] {
  if (!counts.size) return [];
  const day = utcDay(receivedAt);
  return [...counts].map(([reason, count]) => ({ site_id: siteId, day, reason, count }));
}
