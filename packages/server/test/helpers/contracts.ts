// Shared by the contract suites: sites of their own on a collect server, and a one-time 503 after a batch is stored.
import { TidemarkError } from '@tidemark/core';
import type { CollectServer } from './collect';
import type { Admission, IngestCollector } from '../../src/ingest';

/** A fresh site in the collect server's organization with a write key and a read key scoped to it. */
export async function siteWithKeys(s: CollectServer, name: string) {
  const meta = s.ctx.meta;
  const site = await meta.sites.create(s.site.org_id, { name, domain: 'example.com' });
  const key = async (permissions: Array<'read' | 'write'>) =>
    (await meta.apiKeys.create({ orgId: s.site.org_id, siteId: site.id, name, permissions, rateLimitPerMin: 100_000, createdBy: null }))
      .rawKey;
  return { site, writeKey: await key(['write']), readKey: await key(['read']) };
}

/**
 * Makes the next collection request of `contracts` fail with the writer's own overload answer (503
 * `overloaded`, Retry-After) after its batch was stored: what a client sees when a server's answer is
 * lost after the commit. Its retry must not store the events twice. Returns how many requests came.
 */
export function failOnceAfterStoring(
  collector: IngestCollector,
  contracts: readonly string[],
): { requests: () => number; failed: () => boolean } {
  const admit = collector.admit.bind(collector);
  let requests = 0;
  let failed = false;
  collector.admit = async (contract, raw) => {
    const admission = await admit(contract, raw);
    if (!contracts.includes(contract)) return admission;
    requests++;
    if (failed) return admission;
    failed = true;
    const wrapped: Admission = {
      fields: admission.fields,
      check: () => admission.check(),
      release: () => admission.release(),
      collect: async (req) => {
        await admission.collect(req);
        throw new TidemarkError(503, 'overloaded', 'Ingestion is busy; retry shortly', { retry_after: 1 });
      },
    };
    return wrapped;
  };
  return { requests: () => requests, failed: () => failed };
}

/**
 * Polls `read` until `done` holds (stream workers write a little later at scale), at most ~10 s, then
 * reads once more after a pause: a duplicate written just after would show there.
 */
export async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  let v = await read();
  for (let i = 0; i < 200 && !done(v); i++) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  await new Promise((r) => setTimeout(r, 300));
  return read();
}
