import { Worker } from 'node:worker_threads';
import { TidemarkError } from '@tidemark/core';
import type { Admission, AdmittedRequest, BatchSink, CollectOutcome, IngestCollector } from '../collector';
import { submitDrops } from '../collector';
import type { DropReason } from '../drop';
import type { SaltKeeper } from '../lib/salts';
import type { ContractName } from '../types';
import type { ThreadError, ThreadInit, ThreadJob, ThreadReady, ThreadReply } from './protocol';

export interface ThreadCollectorOptions {
  geoDbPath: string | undefined;
  /** HMAC key of hashed traits (ingest/steps/traits.ts). */
  traitKey?: Buffer;
  salts: SaltKeeper;
  sink: BatchSink;
  /** Told when the thread died and was replaced (its in-flight requests answered 503). */
  onError?: (err: unknown) => void;
}

interface Pending {
  resolve: (r: ThreadReply) => void;
  reject: (err: unknown) => void;
}

/**
 * Run from source (tsx, tests), a worker thread first registers the TypeScript loader (boot.mjs) and then
 * loads worker-main.ts; built (scripts/build.mjs), the thread's own bundle worker-main.js sits beside this one.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const BOOT = FROM_SOURCE ? new URL('./boot.mjs', import.meta.url) : new URL('./worker-main.js', import.meta.url);
const ENTRY = new URL('./worker-main.ts', import.meta.url).href;

/**
 * The collector in front of the embedded store when the work is split across two threads: the event
 * loop that serves HTTP names the site and writes; reading the body, adapting, enriching and encoding
 * the events happen in a collector thread (worker-main.ts), which sends back only the few fields
 * the route needs (site and key fields, event count) and, once the site is known, the encoded batch.
 * Under load the HTTP thread was the bottleneck (busy ~98% of the time), and every commit it drives
 * waited behind it. The batch is submitted here, so acknowledgement still means durable.
 */
export class ThreadCollector implements IngestCollector {
  private worker: Worker | null = null;
  private starting: Promise<Worker> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(private readonly opts: ThreadCollectorOptions) {}

  /** Starts the thread now; rejects if its services cannot open (e.g. an unreadable geolocation database). */
  static async start(opts: ThreadCollectorOptions): Promise<ThreadCollector> {
    const c = new ThreadCollector(opts);
    await c.thread();
    return c;
  }

  /**
   * Starts the thread with the first request (~0.6 s of CPU to load its modules and services): a
   * server that never collects, like most test servers, never pays for it.
   */
  static lazy(opts: ThreadCollectorOptions): ThreadCollector {
    return new ThreadCollector(opts);
  }

  async admit(contract: ContractName, raw: string): Promise<Admission> {
    if (this.closed) throw new TidemarkError(503, 'shutting_down', 'The server is shutting down; retry shortly');
    const id = this.nextId++;
    const reply = await this.track(this.ask({ type: 'admit', id, contract, raw }));
    if (!reply.ok) throw raise(reply.error);
    if (reply.kind !== 'admitted') throw new Error('collector thread: unexpected reply');
    const problem = reply.problem ? raise(reply.problem) : null;
    let open = !problem;
    const finish = () => {
      if (!open) return;
      open = false;
      this.worker?.postMessage({ type: 'release', id } satisfies ThreadJob);
    };
    return {
      fields: reply.fields,
      check: () => {
        if (problem) throw problem;
      },
      collect: (req) => {
        if (problem) return Promise.reject(problem);
        if (!open) return Promise.reject(new Error('admission already used'));
        open = false;
        return this.track(this.collectAdmitted(id, raw, req));
      },
      release: finish,
    };
  }

  countDrops(siteId: string, receivedAt: number, reason: DropReason, count: number): Promise<void> {
    return submitDrops(this.opts.sink, siteId, receivedAt, reason, count);
  }

  /** Lets requests in progress finish, then stops the thread. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private async track<T>(run: Promise<T>): Promise<T> {
    this.inFlight.add(run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(run);
    }
  }

  private async collectAdmitted(id: number, raw: string, req: AdmittedRequest): Promise<CollectOutcome> {
    const salts = this.opts.salts.peek(req.receivedAt) ?? (await this.opts.salts.get(req.receivedAt));
    const reply = await this.ask({ type: 'collect', id, req, salts });
    if (!reply.ok) throw raise(reply.error);
    if (reply.kind !== 'collected') throw new Error('collector thread: unexpected reply');
    reply.batch.raw.forEach((r, i) => {
      if (reply.sameBody[i]) r.body = raw;
    });
    await this.opts.sink.submit(reply.batch);
    return reply.outcome;
  }

  private async ask(job: Exclude<ThreadJob, { type: 'release' }>): Promise<ThreadReply> {
    const worker = await this.thread();
    return new Promise<ThreadReply>((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      worker.postMessage(job);
    });
  }

  /** The running thread, started (again) if needed. */
  private thread(): Promise<Worker> {
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= this.spawn().finally(() => (this.starting = null));
    return this.starting;
  }

  private spawn(): Promise<Worker> {
    return new Promise<Worker>((resolve, reject) => {
      const init: ThreadInit = {
        entry: ENTRY,
        geoDbPath: this.opts.geoDbPath,
        ...(this.opts.traitKey ? { traitKey: this.opts.traitKey.toString('hex') } : {}),
      };
      const worker = new Worker(BOOT, { workerData: init });
      let ready = false;
      worker.on('message', (m: ThreadReply | ThreadReady) => {
        if ('ready' in m) {
          if (!m.ready) {
            reject(new Error(`collector thread could not start: ${m.error}`));
            void worker.terminate();
            return;
          }
          ready = true;
          this.worker = worker;
          resolve(worker);
          return;
        }
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve(m);
      });
      const fail = (err: unknown) => {
        if (!ready) reject(err);
        if (this.worker === worker) this.worker = null;
        // Nothing of these requests was submitted: the client may retry them.
        for (const [, p] of this.pending)
          p.reject(new TidemarkError(503, 'collector_restarting', 'The collector restarted; retry shortly'));
        this.pending.clear();
        if (!this.closed) this.opts.onError?.(err);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (this.worker === worker || !ready) fail(new Error(`collector thread exited with code ${code}`));
      });
    });
  }
}

/** The thread's error as this thread raises it: 4xx as they were, anything else as a fault. */
function raise(e: ThreadError): Error {
  if (e.status >= 500 && e.code !== 'collector_restarting') return new Error(`collector thread: ${e.message}`);
  return new TidemarkError(e.status, e.code, e.message, e.details);
}
