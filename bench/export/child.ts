/**
 * One export in its own process, so its peak RSS is the export's alone: `streamed` runs the real
 * whole-site export (exports/site-export.ts) into a byte-counting sink; `buffered`, the baseline, reads
 * the same event pages but keeps them all and writes one JSON document at the end, as an export without
 * streaming would. Prints one JSON line: mode, events, bytes, ms, max RSS.
 */
import { Writable } from 'node:stream';
import { DuckDbEventStore } from '../../packages/server/src/store';
import { openMetaStore } from '../../packages/server/src/meta';
import { StatsService } from '../../packages/server/src/stats';
import { siteExportSource, writeSiteExport } from '../../packages/server/src/exports';

const [mode, dataDir, siteId, from, to] = process.argv.slice(2) as [string, string, string, string, string];

class Counter extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.bytes += chunk.length;
    // A client at about 200 MB/s: the export must wait for it rather than buffer ahead.
    setTimeout(done, chunk.length / 200_000);
  }
}

const meta = await openMetaStore({ dataDir });
const store = await DuckDbEventStore.open(`${dataDir}/events.duckdb`);
await store.init();
const site = (await meta.sites.byId(siteId))!;
const stats = new StatsService(store);
const source = siteExportSource(meta, stats, site);
const t0 = performance.now();
const out = new Counter();
let events = 0;
if (mode === 'streamed') {
  events = (await writeSiteExport(out, source, { from, to, events: 'ndjson' })).events;
} else {
  const { fromMs, toMs } = source.instants(from, to);
  const all: Array<Record<string, unknown>> = [];
  // The same reads as the streamed export (hour by hour, page by page), kept instead of written.
  for (let start = fromMs; start < toMs; start += 3_600_000) {
    let cursor: string | null = null;
    do {
      const page = await source.rawEvents({
        from: String(start),
        to: String(Math.min(toMs, start + 3_600_000)),
        limit: '1000',
        ...(cursor ? { cursor } : {}),
      });
      all.push(...page.events);
      cursor = page.next_cursor;
    } while (cursor);
  }
  events = all.length;
  out.write(Buffer.from(all.map((e) => JSON.stringify(e)).join('\n')));
}
await new Promise<void>((r) => out.end(r));
const ms = performance.now() - t0;
console.log(
  JSON.stringify({ mode, events, bytes: out.bytes, ms: Math.round(ms), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }),
);
await store.close();
await meta.close();
