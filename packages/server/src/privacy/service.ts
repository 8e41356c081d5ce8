import {
  notFound,
  privacyRequestInputSchema,
  privacySubjectSchema,
  parseInput,
  type PrivacyRequest,
  type PrivacySubject,
} from '@tidemark/core';
import type { Lifecycle } from '../lifecycle';
import type { MetaStore, PrivacyRequestRecord, SiteRecord } from '../meta';
import type { EventStore, PurgeCounts } from '../store';
import type { ServerKeys } from '../secrets';
import { recordAudit } from '../audit';
import { repeat } from '../schedule';
import { buildArchive, type SubjectRecords } from './archive';
import { maskSubject, resolveSubject, subjectKind } from './subject';

const DAY = 86_400_000;
/** GDPR Art. 12(3): one month; shown as the request's deadline. */
export const RESPONSE_DAYS = 30;
const SEAL_PURPOSE = 'privacy-subject';

export interface PrivacyDeps {
  meta: MetaStore;
  events: EventStore;
  lifecycle: Lifecycle;
  keys: ServerKeys;
  /** The keyed e-mail hash payments are stored under (revenue/), to find a subject's payments by e-mail. */
  emailHash?: (email: string) => string;
  now?: () => number;
  log?: (message: string, err?: unknown) => void;
}

export function requestView(r: PrivacyRequestRecord, base: string): PrivacyRequest {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const counts = (s: string | null) => (s ? (JSON.parse(s) as Record<string, number>) : null);
  return {
    id: r.id,
    site_id: r.site_id,
    type: r.type as PrivacyRequest['type'],
    subject: { kind: r.subject_kind as PrivacyRequest['subject']['kind'], masked: r.subject_mask },
    status: r.status as PrivacyRequest['status'],
    requested_by: r.requested_by,
    requested_at: iso(r.requested_at)!,
    due_at: iso(r.due_at)!,
    completed_at: iso(r.completed_at),
    found: counts(r.found),
    removed: counts(r.removed),
    error: r.error,
    archive_url: r.has_archive ? `${base}/sites/${r.site_id}/privacy/requests/${r.id}/archive` : null,
  };
}

const countsOf = (records: SubjectRecords): Record<string, number> =>
  Object.fromEntries(Object.entries(records).map(([k, rows]) => [k, rows.length]));

/**
 * Data-subject requests (docs/privacy.md): recorded, then processed one at a time in the background by
 * the lifecycle's export and erasure across every store, plus the raw layer and the quarantine. The
 * subject's identifier is kept sealed until the request is done, then only its mask remains.
 */
export class PrivacyService {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly log: (message: string, err?: unknown) => void;

  constructor(private readonly deps: PrivacyDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? ((m, e) => console.error(m, e ?? ''));
  }

  async create(site: SiteRecord, body: unknown, requestedBy: string): Promise<PrivacyRequestRecord> {
    const input = parseInput(privacyRequestInputSchema, body ?? {});
    const now = this.now();
    const rec = await this.deps.meta.privacyRequests.create({
      org_id: site.org_id,
      site_id: site.id,
      type: input.type,
      subject_kind: subjectKind(input.subject),
      subject_mask: maskSubject(input.subject),
      subject_sealed: this.deps.keys.seal(SEAL_PURPOSE, JSON.stringify(input.subject)),
      requested_by: requestedBy.slice(0, 320),
      requested_at: now,
      due_at: now + RESPONSE_DAYS * DAY,
    });
    this.kick();
    return rec;
  }

  list(siteId: string): Promise<PrivacyRequestRecord[]> {
    return this.deps.meta.privacyRequests.list(siteId);
  }

  async get(siteId: string, id: string): Promise<PrivacyRequestRecord> {
    const r = await this.deps.meta.privacyRequests.get(siteId, id);
    if (!r) throw notFound('Privacy request');
    return r;
  }

  async archive(siteId: string, id: string): Promise<Buffer> {
    const a = await this.deps.meta.privacyRequests.archive(siteId, id);
    if (!a) throw notFound('Archive');
    return Buffer.from(a, 'base64');
  }

  /** Starts processing the open requests in the background (serialised with earlier runs). */
  kick(): void {
    void this.processOpen().catch((err) => this.log('processing privacy requests failed; retried by the next run', err));
  }

  /** Processes every pending request (and any left running by a stopped process), oldest first. */
  processOpen(): Promise<number> {
    const run = this.chain.then(async () => {
      let n = 0;
      for (const r of await this.deps.meta.privacyRequests.open()) {
        await this.process(r);
        n++;
      }
      return n;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves when the runs started so far have finished (tests, shutdown). */
  async idle(): Promise<void> {
    for (let seen = this.chain; ; seen = this.chain) {
      await seen.catch(() => undefined);
      if (seen === this.chain) return;
    }
  }

  /** Picks up requests a restart interrupted; returns a stop function. */
  schedule(opts: { everyMs?: number; isLeader?: () => boolean } = {}): () => void {
    return repeat(
      () => {
        if (!opts.isLeader || opts.isLeader()) this.kick();
      },
      { firstMs: 5_000, everyMs: opts.everyMs ?? 60_000 },
    );
  }

  private async process(r: PrivacyRequestRecord): Promise<void> {
    const repo = this.deps.meta.privacyRequests;
    const opened = r.subject_sealed ? this.deps.keys.open(SEAL_PURPOSE, r.subject_sealed) : null;
    const parsed = opened ? privacySubjectSchema.safeParse(JSON.parse(opened)) : null;
    if (!parsed?.success) {
      await repo.fail(r.id, 'the request cannot be read (server secret changed?)');
      return;
    }
    await repo.markRunning(r.id, this.now());
    try {
      const records = await this.collect(r.site_id, parsed.data);
      const found = countsOf(records);
      let removed: PurgeCounts | null = null;
      let archive: string | null = null;
      if (r.type === 'erasure') removed = await this.erase(r.site_id, parsed.data);
      else {
        const request = {
          id: r.id,
          site_id: r.site_id,
          type: r.type,
          subject: parsed.data,
          requested_at: new Date(r.requested_at).toISOString(),
        };
        archive = Buffer.from(buildArchive(request, records)).toString('base64');
      }
      await repo.complete(r.id, { found, removed, archive }, this.now());
      await recordAudit(this.deps, {
        org_id: r.org_id,
        action: 'privacy_request.completed',
        outcome: 'success',
        target: { type: 'privacy_request', id: r.id },
        site_id: r.site_id,
        details: { type: r.type, subject: r.subject_mask, found, ...(removed ? { removed } : {}) },
      });
    } catch (err) {
      this.log(`privacy request ${r.id} failed`, err);
      await repo.fail(r.id, err instanceof Error ? err.message : String(err));
    }
  }

  /** Every record about the subject: events, payments (side tables), the vault, raw payloads and quarantine. */
  async collect(siteId: string, subject: PrivacySubject): Promise<SubjectRecords> {
    const { lifecycle, events } = this.deps;
    const who = await resolveSubject(events, siteId, subject, this.deps.emailHash);
    const out: SubjectRecords = { events: [] };
    const seen = new Set<string>();
    const addUnique = (kind: string, rows: Array<Record<string, unknown>>, key: (r: Record<string, unknown>) => string) => {
      out[kind] ??= [];
      for (const row of rows) {
        const k = `${kind}\u0000${key(row)}`;
        if (seen.has(k)) continue;
        seen.add(k);
        out[kind]!.push(row);
      }
    };
    for (const ref of who.refs) {
      addUnique('events', await lifecycle.exportSubject(siteId, ref), (r) => String(r.event_id));
      for (const [table, rows] of Object.entries(await lifecycle.exportSubjectSideRows(siteId, ref)))
        addUnique(table, rows, (r) => JSON.stringify(r));
      addUnique('vault', await lifecycle.exportSubjectDerived(siteId, ref), (r) => JSON.stringify(r));
    }
    const raw = await events.exportRawMatching(siteId, who.needles);
    out.raw_payloads = raw.raw_payloads;
    out.quarantine = raw.quarantine;
    return out;
  }

  /** Erases the subject everywhere; counts of what went (or was unlinked), per kind. */
  private async erase(siteId: string, subject: PrivacySubject): Promise<PurgeCounts> {
    const { lifecycle, events } = this.deps;
    const who = await resolveSubject(events, siteId, subject, this.deps.emailHash);
    const removed: PurgeCounts = {};
    const add = (c: PurgeCounts) => {
      for (const [k, v] of Object.entries(c)) removed[k] = (removed[k] ?? 0) + v;
    };
    for (const ref of who.refs) add(await lifecycle.eraseSubject(siteId, ref));
    add(await events.eraseRawMatching(siteId, who.needles));
    // A local database file still holds deleted rows' bytes until it is rewritten (docs/privacy.md).
    await events.scrubFreedSpace?.();
    return removed;
  }
}
