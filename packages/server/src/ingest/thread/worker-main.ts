import { parentPort, workerData } from 'node:worker_threads';
import { TidemarkError } from '@tidemark/core';
import { checkBatch, encodeEvents } from '../../store';
import { assembleBatch } from '../collector';
import { parseBody, type ParsedBody } from '../contracts';
import { openIngestServices } from '../services';
import type { ContractName, IngestServices } from '../types';
import type { ThreadError, ThreadInit, ThreadJob, ThreadReady, ThreadReply } from './protocol';

/**
 * The collector thread: reads each body once, keeps it while the HTTP thread names the site, then
 * adapts and enriches its events (it owns the session cache, so every request passes through this one
 * thread), checks them as the store would and encodes them for the embedded store. Only strings cross
 * back: the encoded lines, the raw and quarantine records, the counts.
 */
const port = parentPort!;
const init = workerData as ThreadInit;
const admitted = new Map<number, { contract: ContractName; raw: string; parsed: ParsedBody }>();

function handle(services: IngestServices, job: ThreadJob): ThreadReply | null {
  try {
    if (job.type === 'release') {
      admitted.delete(job.id);
      return null;
    }
    if (job.type === 'admit') {
      const parsed = parseBody(job.contract, job.raw);
      // A body with a problem is refused by the route: nothing to keep.
      if (!parsed.problem) admitted.set(job.id, { contract: job.contract, raw: job.raw, parsed });
      return {
        id: job.id,
        ok: true,
        kind: 'admitted',
        fields: parsed.fields,
        problem: parsed.problem ? threadError(parsed.problem) : null,
      };
    }
    const held = admitted.get(job.id);
    // Only a thread that restarted between the two steps has not seen the body.
    if (!held)
      return {
        id: job.id,
        ok: false,
        error: { status: 503, code: 'collector_restarting', message: 'The collector restarted; retry shortly' },
      };
    admitted.delete(job.id);
    const { batch, outcome } = assembleBatch(
      { ...job.req, contract: held.contract, rawBody: held.raw, parsedBody: held.parsed.json, body: held.parsed.body },
      services,
      job.salts,
    );
    checkBatch(batch);
    const { encoded, leftovers } = encodeEvents(batch.events);
    // A body kept as received (nothing to redact, the common case) is the HTTP thread's own: not sent back.
    const sameBody = batch.raw.map((r) => r.body === held.raw);
    const raw = batch.raw.map((r, i) => (sameBody[i] ? { ...r, body: '' } : r));
    return {
      id: job.id,
      ok: true,
      kind: 'collected',
      batch: { events: leftovers, encoded, raw, quarantine: batch.quarantine, drops: batch.drops },
      sameBody,
      outcome,
    };
  } catch (err) {
    if (job.type === 'collect') admitted.delete(job.id);
    return { id: job.id, ok: false, error: threadError(err) };
  }
}

function threadError(err: unknown): ThreadError {
  if (err instanceof TidemarkError) return { status: err.status, code: err.code, message: err.message, details: err.details };
  return { status: 500, code: 'internal_error', message: err instanceof Error ? err.message : String(err) };
}

try {
  const services = await openIngestServices({ geoDbPath: init.geoDbPath }, init.traitKey ? Buffer.from(init.traitKey, 'hex') : undefined);
  port.on('message', (job: ThreadJob) => {
    const reply = handle(services, job);
    if (reply) port.postMessage(reply);
  });
  port.postMessage({ ready: true } satisfies ThreadReady);
} catch (err) {
  port.postMessage({ ready: false, error: err instanceof Error ? err.message : String(err) } satisfies ThreadReady);
}
