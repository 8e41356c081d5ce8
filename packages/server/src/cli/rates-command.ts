import fs from 'node:fs';
import { loadConfig } from '../config';
import { openMetaStore } from '../meta';
import { parseRates } from '../revenue';

const USAGE = 'usage: tidemark rates import FILE   (ECB reference-rate XML, or CSV date,currency,rate — units per euro)';

/**
 * `tidemark rates import FILE`: loads exchange rates into the metadata store, where revenue reports
 * convert amounts to each site's reporting currency. Only the metadata store is opened, so it runs beside
 * a running server (which picks the rates up within a minute).
 */
export async function ratesCommand(
  argv: string[],
  out: (line: string) => void = console.log,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (argv[0] !== 'import' || argv.length !== 2) throw new Error(USAGE);
  const rates = parseRates(fs.readFileSync(argv[1]!, 'utf8'));
  const config = loadConfig(env);
  const meta = await openMetaStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await meta.siteRevenue.putRates(rates);
    const days = new Set(rates.map((r) => r.day));
    const currencies = new Set(rates.map((r) => r.currency));
    out(
      `imported ${rates.length} rates: ${currencies.size} currencies, ${days.size} days (${[...days].sort()[0]} … ${[...days].sort().at(-1)})`,
    );
  } finally {
    await meta.close();
  }
}
