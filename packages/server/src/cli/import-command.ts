import fs from 'node:fs';
import { IMPORT_SOURCES, type ImportSourceName } from '@tidemark/core';
import { loadConfig } from '../config';
import { openMetaStore, type MetaStore, type SiteRecord } from '../meta';
import { openEventStore } from '../store';
import { ImportService, publicImportJob } from '../imports';

const USAGE = [
  'usage: tidemark import plausible|umami|csv FILE --site SITE   (SITE: a site id or domain)',
  '       tidemark import list --site SITE',
  '       tidemark import delete IMPORT_ID --site SITE',
].join('\n');

function parseArgs(argv: string[]): { verb: string; arg: string | undefined; site: string } {
  const rest: string[] = [];
  let site: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--site') site = argv[++i];
    else if (argv[i]!.startsWith('--site=')) site = argv[i]!.slice('--site='.length);
    else rest.push(argv[i]!);
  }
  const [verb, arg, extra] = rest;
  if (!verb || !site || extra !== undefined) throw new Error(USAGE);
  if ((verb === 'list' && arg !== undefined) || (verb !== 'list' && arg === undefined)) throw new Error(USAGE);
  if (verb !== 'list' && verb !== 'delete' && !(IMPORT_SOURCES as readonly string[]).includes(verb)) throw new Error(USAGE);
  return { verb, arg, site };
}

async function findSite(meta: MetaStore, ref: string): Promise<SiteRecord> {
  const byId = await meta.sites.byId(ref);
  if (byId) return byId;
  const matches = (await meta.sites.listAll()).filter((s) => s.domain === ref.toLowerCase());
  if (matches.length === 1) return matches[0]!;
  throw new Error(matches.length ? `several sites have the domain ${ref}: name one by its id` : `no site ${ref}`);
}

/**
 * `tidemark import …`: imports a file into a site and waits until it is stored (the same work as an
 * upload in the dashboard), lists a site's imports, or deletes one. The embedded DuckDB file is opened
 * by one process at a time: stop the server first (or upload in the dashboard instead).
 */
export async function importCommand(
  argv: string[],
  out: (line: string) => void = console.log,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const { verb, arg, site: siteRef } = parseArgs(argv);
  const config = loadConfig(env);
  const meta = await openMetaStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const site = await findSite(meta, siteRef);
    const events = await openEventStore(config);
    try {
      const imports = new ImportService(events, meta);
      if (verb === 'list') {
        for (const j of (await imports.list(site.id)).map(publicImportJob))
          out(
            `${j.id}  ${j.source.padEnd(9)} ${j.status.padEnd(7)} ${String(j.progress).padStart(3)}%  ${j.start_day ?? '-'}..${j.end_day ?? '-'}  ${j.rows} rows  ${j.file_name}${j.error ? `  (${j.error})` : ''}`,
          );
        return;
      }
      if (verb === 'delete') {
        const removed = await imports.delete(site.id, arg!);
        if (!removed) throw new Error(`no import ${arg} in site ${site.domain}`);
        out(
          `deleted import ${arg}: ${Object.entries(removed)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
        );
        return;
      }
      const bytes = fs.readFileSync(arg!);
      const started = await imports.start({
        siteId: site.id,
        source: verb as ImportSourceName,
        fileName: arg!.split(/[\\/]/).pop()!,
        bytes,
        userId: null,
      });
      await imports.idle();
      const job = publicImportJob((await imports.get(site.id, started.id))!);
      if (job.status !== 'done') throw new Error(`import ${job.id} failed: ${job.error}`);
      out(
        `imported ${job.file_name} into ${site.domain} as ${job.id}: ${job.rows} ${verb === 'plausible' ? 'aggregate rows' : 'events'}, ${job.start_day}..${job.end_day}${job.error ? ` (${job.error})` : ''}`,
      );
    } finally {
      await events.close();
    }
  } finally {
    await meta.close();
  }
}
