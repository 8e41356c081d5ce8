import type { IngestCollector } from '../ingest';
import type { UsageMeter } from './usage';

/**
 * Puts the organization's monthly budget on every collect request: how many events it may still store
 * goes with the request into the pipeline (its quota step drops the rest, reason "quota"), and what was
 * stored is added to the meter. Requests of organizations without a hard limit pass untouched.
 * Concurrent requests of one organization each see the same remaining budget, so a limit can be passed
 * by at most the events of the requests in flight when it is reached.
 */
export function withQuota(collector: IngestCollector, meter: UsageMeter): IngestCollector {
  // Built on the collector itself (its prototype), so whatever this does not override still answers as
  // the collector does, and the wrapped collector keeps its kind (thread or in-process).
  return Object.assign(Object.create(collector) as IngestCollector, {
    async admit(contract, raw) {
      const admission = await collector.admit(contract, raw);
      return {
        fields: admission.fields,
        check: () => admission.check(),
        release: () => admission.release(),
        async collect(req) {
          const orgId = req.site.org_id;
          // A count that cannot be read lets the request through rather than losing its events.
          const remaining = await meter.remaining(orgId).catch(() => null);
          if (remaining === null) return admission.collect(req);
          const outcome = await admission.collect({ ...req, quotaRemaining: remaining });
          meter.record(orgId, outcome.accepted);
          return outcome;
        },
      };
    },
    countDrops: (siteId, receivedAt, reason, count) => collector.countDrops(siteId, receivedAt, reason, count),
    close: () => collector.close(),
  } satisfies IngestCollector);
}
