import { parentPort, workerData } from 'node:worker_threads';
import { TidemarkError } from '@tidemark/core';
import { checkBatch, encodeEvents } from '../../store';
import { assembleBatch } from '../collector';
import { rereadEnvelope } from '../contracts';
import { openIngestServices } from '../services';
import type { IngestServices } from '../types';
import type { ThreadError, ThreadInit, ThreadJob, ThreadReady, ThreadReply } from './protocol';

/**
 * The collector thread: reads each request's body again, adapts and enriches its events (it owns the
 * session cache, so every request passes through this one thread), checks them as the store would and
 * encodes them for the embedded store. Only strings cross back: the encoded lines, the raw and
 * quarantine records, the counts.
 */
const port = parentPort!;
const init = workerData as ThreadInit;

function assemble(services: IngestServices, job: ThreadJob): ThreadReply {
  try {
    const { json, body } = rereadEnvelope(job.req.contract, job.req.rawBody);
    const { batch, outcome } = assembleBatch({ ...job.req, parsedBody: json, body }, services, job.salts);
    checkBatch(batch);
    const { encoded, leftovers } = encodeEvents(batch.events);
    return { id: job.id, ok: true, batch: { events: leftovers, encoded, raw: batch.raw, quarantine: batch.quarantine, drops: batch.drops }, outcome };
  } catch (err) {
    return { id: job.id, ok: false, error: threadError(err) };
  }
}

function threadError(err: unknown): ThreadError {
  if (err instanceof TidemarkError) return { status: err.status, code: err.code, message: err.message, details: err.details };
  return { status: 500, code: 'internal_error', message: err instanceof Error ? err.message : String(err) };
}

try {
  const services = await openIngestServices({ geoDbPath: init.geoDbPath });
  port.on('message', (job: ThreadJob) => port.postMessage(assemble(services, job)));
  port.postMessage({ ready: true } satisfies ThreadReady);
} catch (err) {
  port.postMessage({ ready: false, error: err instanceof Error ? err.message : String(err) } satisfies ThreadReady);
}
