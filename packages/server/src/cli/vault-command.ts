import { loadConfig } from '../config';
import { openMetaStore } from '../meta';
import { openEventStore } from '../store';
import { Vault } from '../vault';

const USAGE =
  "usage: tidemark vault rebuild SITE   (SITE: a site id or tracking id; reloads the site's Data Vault from its events)\n" +
  '       tidemark vault load [SITE]      (one incremental load of SITE, or of every site)';

/**
 * `tidemark vault rebuild SITE` and `tidemark vault load [SITE]` against the configured stores. The embedded
 * DuckDB file is opened by one process at a time: stop the server first.
 */
export async function vaultCommand(
  argv: string[],
  out: (line: string) => void = console.log,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const [action, ref, ...rest] = argv;
  if (rest.length || !((action === 'rebuild' && ref) || action === 'load')) throw new Error(USAGE);
  const config = loadConfig(env);
  const meta = await openMetaStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    let siteIds: string[];
    if (ref) {
      const site = (await meta.sites.byId(ref)) ?? (await meta.sites.byTrackingId(ref));
      if (!site) throw new Error(`no site ${ref}`);
      siteIds = [site.id];
    } else siteIds = (await meta.sites.listAll()).map((s) => s.id);
    const events = await openEventStore(config);
    try {
      const vault = await Vault.open(events, { lagMs: 0 });
      try {
        for (const id of siteIds) {
          const report = action === 'rebuild' ? await vault.rebuild(id) : await vault.load(id);
          const added = Object.entries(report.added)
            .filter(([, n]) => n)
            .map(([t, n]) => `${t} +${n}`);
          out(`${id}: ${action === 'rebuild' ? 'rebuilt' : 'loaded'} (${added.join(', ') || 'nothing new'})`);
        }
      } finally {
        await vault.close();
      }
    } finally {
      await events.close();
    }
  } finally {
    await meta.close();
  }
}
