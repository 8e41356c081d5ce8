/**
 * The load generator, run in its own process (so it does not share an event loop with the server):
 * POSTs every prepared request exactly once with autocannon over `connections` keep-alive
 * connections, counts the events each 2xx answer acknowledges, and writes the acknowledged ids to a
 * file. Input and output are JSON (argv[2] in, stdout out).
 */
import fs from 'node:fs';
import autocannon from 'autocannon';
import { buildHeatmapRequests, buildRequests } from './bodies';

interface WorkerInput {
  url: string;
  trackingId: string;
  requests: number;
  /** Requests to send (default `requests`); more than prepared cycles through them (for the ceiling, which keeps nothing). */
  amount?: number;
  batch: number;
  connections: number;
  seed: string;
  ids: 'v4' | 'v7';
  /** collect: POST /api/collect tracker batches (default); heatmap: POST /api/collect/heatmap sample batches. */
  contract?: 'collect' | 'heatmap';
  ackedIdsFile?: string;
  timeoutSec: number;
}

export interface WorkerOutput {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  ackedEvents: number;
  durationSec: number;
  eventsPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  prepareMs: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2]) as WorkerInput;
  const t0 = performance.now();
  const heatmap = input.contract === 'heatmap';
  const prepared = heatmap
    ? buildHeatmapRequests({ trackingId: input.trackingId, count: input.requests, batch: input.batch, seed: input.seed })
    : buildRequests({ trackingId: input.trackingId, count: input.requests, batch: input.batch, seed: input.seed, ids: input.ids });
  const prepareMs = performance.now() - t0;
  let next = 0;
  let ackedEvents = 0;
  const amount = input.amount ?? prepared.length;
  const started = performance.now();
  let lastResponseAt = started;
  const acked: string[][] = [];
  const statuses = new Map<number, number>();
  const result = await autocannon({
    url: input.url,
    connections: input.connections,
    amount,
    timeout: input.timeoutSec,
    requests: [
      {
        method: 'POST',
        path: heatmap ? '/api/collect/heatmap' : '/api/collect',
        setupRequest: (req: autocannon.Request, context: object) => {
          const i = next++;
          const r = prepared[i % prepared.length];
          (context as { i: number }).i = i;
          return { ...req, body: r.body, headers: r.headers };
        },
        onResponse: (status: number, body: string, context: object) => {
          lastResponseAt = performance.now();
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status < 200 || status >= 300) return;
          const n = (JSON.parse(body) as { events_received?: number }).events_received ?? 0;
          ackedEvents += n;
          if (input.ackedIdsFile && n > 0) acked.push(prepared[(context as { i: number }).i % prepared.length].eventIds);
        },
      },
    ],
  });
  // Wall time measured here, from the start to the last answer: autocannon's own duration is in whole
  // seconds, and its promise settles only on its next one-second tick after the last answer.
  const durationSec = (lastResponseAt - started) / 1000;
  if (input.ackedIdsFile) fs.writeFileSync(input.ackedIdsFile, 'event_id\n' + acked.map((ids) => ids.join('\n')).join('\n') + '\n');
  const out: WorkerOutput = {
    requests: amount,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    ackedEvents,
    durationSec,
    eventsPerSec: ackedEvents / durationSec,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    prepareMs: Math.round(prepareMs),
  };
  if (out.non2xx) process.stderr.write(`status counts: ${JSON.stringify(Object.fromEntries(statuses))}\n`);
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
