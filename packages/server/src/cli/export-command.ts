import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { loadConfig } from '../config';
import { openMetaStore, type MetaStore, type SiteRecord } from '../meta';
import { openEventStore } from '../store';
import { StatsService } from '../stats';
import { checkExportRange, parseSiteExportParams, siteExportSource, writeSiteExport } from '../exports';

const USAGE =
  'usage: tidemark export SITE --from YYYY-MM-DD --to YYYY-MM-DD [--events ndjson|csv|none] [--out FILE]   (SITE: a site id or domain; zip to stdout without --out)';

function parseArgs(argv: string[]): { site: string; query: Record<string, string>; out: string | undefined } {
  const query: Record<string, string> = {};
  let out: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--(from|to|events|out)(?:=(.*))?$/.exec(a);
    if (!m) {
      rest.push(a);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(USAGE);
    if (m[1] === 'out') out = value;
    else query[m[1]!] = value;
  }
  if (rest.length !== 1 || !query.from || !query.to) throw new Error(USAGE);
  return { site: rest[0]!, query, out };
}

async function findSite(meta: MetaStore, ref: string): Promise<SiteRecord> {
  const byId = await meta.sites.byId(ref);
  if (byId) return byId;
  const matches = (await meta.sites.listAll()).filter((s) => s.domain === ref.toLowerCase());
  if (matches.length === 1) return matches[0]!;
  throw new Error(matches.length ? `several sites have the domain ${ref}: name one by its id` : `no site ${ref}`);
}

/**
 * `tidemark export SITE --from --to`: the same zip as `GET /v1/sites/{id}/export`, written to a file or
 * stdout. The embedded DuckDB file is opened by one process at a time: stop the server first (or use
 * the API with a key instead).
 */
export async function exportCommand(
  argv: string[],
  log: (line: string) => void = (l) => console.error(l),
  env: NodeJS.ProcessEnv = process.env,
  stdout: Writable = process.stdout,
): Promise<void> {
  const args = parseArgs(argv);
  const params = parseSiteExportParams(args.query);
  checkExportRange(params);
  const config = loadConfig(env);
  const meta = await openMetaStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const site = await findSite(meta, args.site);
    const events = await openEventStore(config);
    try {
      const stats = new StatsService(events);
      const out = args.out ? fs.createWriteStream(args.out, { mode: 0o600 }) : stdout;
      const summary = await writeSiteExport(out, siteExportSource(meta, stats, site), params);
      if (args.out) {
        out.end();
        await finished(out);
      }
      log(`exported ${site.domain}: ${summary.files.length} files, ${summary.events} events${args.out ? ` to ${args.out}` : ''}`);
    } finally {
      await events.close();
    }
  } finally {
    await meta.close();
  }
}
