import { createHash } from 'node:crypto';
import type { ImportJob } from '@tidemark/core';
import type { ImportJobRecord, ImportJobUpdate, ImportSource, MetaStore } from '../meta';
import type { EventStore, PurgeCounts } from '../store';
import { parseEventCsvFile, parseUmamiExport, type ParsedEvents } from './event-csv';
import { ImportError } from './errors';
import { toCanonicalEvents } from './events';
import { parsePlausibleZip } from './plausible';
import { DEFAULT_ZIP_LIMITS, looksLikeZip, type ZipLimits } from './zip';

export interface ImportServiceOptions {
  now?: () => number;
  zipLimits?: ZipLimits;
  /** Events written per store write. */
  batchSize?: number;
  /** Bytes of uploads waiting in memory for their turn; more is refused (503) until some are done. */
  maxQueuedBytes?: number;
  log?: (message: string, err?: unknown) => void;
}

export interface StartImport {
  siteId: string;
  source: ImportSource;
  fileName: string;
  bytes: Uint8Array;
  userId: string | null;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** The import's id: the same file imported into the same site from the same source gets the same id. */
export function importIdOf(siteId: string, source: ImportSource, fileSha256: string): string {
  return sha256(`${siteId}\u0000${source}\u0000${fileSha256}`).slice(0, 32);
}

export const busyImport = () => new ImportError('import_running', 'the import is still running; delete it once it has finished');

/**
 * Imports run one at a time in the background of the process that received the upload (the file is
 * kept in memory until its turn): parse, then write — aggregates replace the import's earlier rows,
 * events are deduplicated by their deterministic ids — with progress in the import's job record. A
 * restart fails what was queued or running (its upload is gone; upload it again).
 */
export class ImportService {
  private chain: Promise<unknown> = Promise.resolve();
  private queuedBytes = 0;
  private readonly now: () => number;
  private readonly zipLimits: ZipLimits;
  private readonly batchSize: number;
  private readonly maxQueuedBytes: number;
  private readonly log: (message: string, err?: unknown) => void;

  constructor(
    private readonly events: EventStore,
    private readonly meta: Pick<MetaStore, 'importJobs'>,
    opts: ImportServiceOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.zipLimits = opts.zipLimits ?? DEFAULT_ZIP_LIMITS;
    this.batchSize = opts.batchSize ?? 5000;
    this.maxQueuedBytes = opts.maxQueuedBytes ?? 512 * 1024 * 1024;
    this.log = opts.log ?? ((message, err) => console.error(message, err ?? ''));
  }

  /**
   * Marks imports a stopped process left unfinished as failed (call once at start). Embedded, every
   * unfinished one; with several processes, only those no process has touched for `staleMs`.
   */
  recover(staleMs = 0): Promise<number> {
    const now = this.now();
    return this.meta.importJobs.failUnfinished(now, 'interrupted by a restart; upload the file again', now - staleMs + (staleMs ? 0 : 1));
  }

  /** Queues an import; resolves with its job as soon as it is recorded. */
  async start(input: StartImport): Promise<ImportJobRecord> {
    if (!input.bytes.length) throw new ImportError('empty_file', 'the file is empty');
    if (input.source === 'plausible' && !looksLikeZip(input.bytes))
      throw new ImportError('not_a_zip', "Plausible's export is a zip file (Settings → Imports & Exports → Export data)");
    const fileSha = sha256(input.bytes);
    const id = importIdOf(input.siteId, input.source, fileSha);
    const existing = await this.meta.importJobs.get(input.siteId, id);
    if (existing && (existing.status === 'queued' || existing.status === 'running')) return existing;
    if (this.queuedBytes + input.bytes.length > this.maxQueuedBytes)
      throw new ImportError('busy', 'too many imports are waiting; try again when they have finished');
    const now = this.now();
    const job = await this.meta.importJobs.upsert({
      id,
      site_id: input.siteId,
      source: input.source,
      file_name: input.fileName.slice(0, 255),
      file_sha256: fileSha,
      file_bytes: input.bytes.length,
      status: 'queued',
      progress: 0,
      rows: 0,
      skipped: 0,
      start_day: null,
      end_day: null,
      error: null,
      created_by: input.userId,
      created_at: now,
      finished_at: null,
    });
    this.queuedBytes += input.bytes.length;
    const run = this.chain.then(() => this.run(job, input.bytes)).finally(() => (this.queuedBytes -= input.bytes.length));
    this.chain = run.catch(() => undefined);
    return job;
  }

  /** Resolves when every queued import has finished (tests, shutdown). */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  list(siteId: string): Promise<ImportJobRecord[]> {
    return this.meta.importJobs.listForSite(siteId);
  }

  get(siteId: string, id: string): Promise<ImportJobRecord | null> {
    return this.meta.importJobs.get(siteId, id);
  }

  /** Deletes a finished import: its aggregates, its events, its record. Null when there is no such import. */
  async delete(siteId: string, id: string): Promise<PurgeCounts | null> {
    const job = await this.meta.importJobs.get(siteId, id);
    if (!job) return null;
    if (job.status === 'queued' || job.status === 'running') throw busyImport();
    const removed = await this.events.deleteImport(siteId, id);
    await this.meta.importJobs.delete(siteId, id);
    return removed;
  }

  private update(job: ImportJobRecord, patch: ImportJobUpdate): Promise<void> {
    return this.meta.importJobs.update(job.site_id, job.id, patch, this.now());
  }

  private async run(job: ImportJobRecord, bytes: Uint8Array): Promise<void> {
    try {
      await this.update(job, { status: 'running', progress: 5 });
      if (job.source === 'plausible') await this.runAggregates(job, bytes);
      else await this.runEvents(job, bytes);
    } catch (err) {
      const known = err instanceof ImportError;
      if (!known) this.log(`import ${job.id} of site ${job.site_id} failed`, err);
      const reason = known
        ? err.message
        : `the import could not be stored (${err instanceof Error ? err.message.slice(0, 200) : 'unknown error'})`;
      await this.update(job, { status: 'failed', error: reason.slice(0, 1000), finished_at: this.now() }).catch((e) =>
        this.log(`recording the failure of import ${job.id}`, e),
      );
    }
  }

  private async runAggregates(job: ImportJobRecord, bytes: Uint8Array): Promise<void> {
    const parsed = await parsePlausibleZip(bytes, this.zipLimits);
    await this.update(job, { progress: 50 });
    const rows = await this.events.replaceImported(job.site_id, job.id, parsed.rows);
    await this.update(job, { status: 'done', progress: 100, rows, start_day: parsed.start, end_day: parsed.end, finished_at: this.now() });
  }

  private async runEvents(job: ImportJobRecord, bytes: Uint8Array): Promise<void> {
    const now = this.now();
    const parsed: ParsedEvents =
      job.source === 'umami'
        ? await parseUmamiExport(bytes, job.file_name, now, this.zipLimits)
        : parseEventCsvFile(bytes, job.file_name, now);
    if (!parsed.rows.length) throw new ImportError('no_events', parsed.firstProblem ?? 'the file has no events');
    const events = toCanonicalEvents(job.site_id, job.id, parsed.rows, now);
    await this.update(job, { progress: 20 });
    for (let i = 0; i < events.length; i += this.batchSize) {
      await this.events.write({ events: events.slice(i, i + this.batchSize), raw: [], quarantine: [], drops: [] });
      await this.update(job, { progress: 20 + Math.floor((80 * Math.min(events.length, i + this.batchSize)) / events.length) - 1 });
    }
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const e of events) {
      if (e.ts < lo) lo = e.ts;
      if (e.ts > hi) hi = e.ts;
    }
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    await this.update(job, {
      status: 'done',
      progress: 100,
      rows: events.length,
      skipped: parsed.skipped,
      start_day: day(lo),
      end_day: day(hi),
      error: parsed.skipped ? `${parsed.skipped} rows skipped; first: ${parsed.firstProblem}`.slice(0, 1000) : null,
      finished_at: this.now(),
    });
  }
}

/** The job as the API shows it (no uploader id, no file digest). */
export function publicImportJob(j: ImportJobRecord): ImportJob {
  return {
    id: j.id,
    site_id: j.site_id,
    source: j.source,
    file_name: j.file_name,
    file_bytes: j.file_bytes,
    status: j.status,
    progress: j.progress,
    rows: j.rows,
    skipped: j.skipped,
    start_day: j.start_day,
    end_day: j.end_day,
    error: j.error,
    created_at: new Date(j.created_at).toISOString(),
    finished_at: j.finished_at === null ? null : new Date(j.finished_at).toISOString(),
  };
}
