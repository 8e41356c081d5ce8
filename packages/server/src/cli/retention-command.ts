import { loadConfig } from '../config';
import { openMetaStore } from '../meta';
import { openEventStore } from '../store';
import { formatRetentionReport, Lifecycle } from '../lifecycle';
import { Vault } from '../vault';

const USAGE = "usage: tidemark retention run   (applies every site's retention and finishes pending site purges once)";

/**
 * `tidemark retention run`: one lifecycle run against the configured stores, printing what it removed
 * per site. The embedded DuckDB file is opened by one process at a time: stop the server first.
 */
export async function retentionCommand(
  argv: string[],
  out: (line: string) => void = console.log,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (argv[0] !== 'run' || argv.length > 1) throw new Error(USAGE);
  const config = loadConfig(env);
  const meta = await openMetaStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const events = await openEventStore(config);
    try {
      const vault = await Vault.open(events);
      const lifecycle = new Lifecycle({ events, meta, derived: [vault.lifecycle] }, { settleMs: config.purgeSettleMs });
      const run = await lifecycle.runOnce().finally(() => vault.close());
      out(formatRetentionReport(run));
      if ([...run.retention, ...run.purges].some((r) => r.error))
        throw new Error('some purges failed (see above); the next run retries them');
    } finally {
      await events.close();
    }
  } finally {
    await meta.close();
  }
}
