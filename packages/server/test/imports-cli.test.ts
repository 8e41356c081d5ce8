import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbEventStore } from '../src/store';
import { openMetaStore } from '../src/meta';
import { StatsService } from '../src/stats';
import { importCommand } from '../src/cli';
import { tempDataDir } from './helpers/server';
import { expectedTotals, generatePlausibleExport } from './helpers/plausible-export';

// `tidemark import plausible FILE --site SITE` on the embedded stores (server stopped): the numbers
// over the imported days equal the CSV sums; `list` shows it, `delete` removes it.
describe('tidemark import', () => {
  it('imports a Plausible export zip by site domain, lists it and deletes it', async () => {
    const dataDir = tempDataDir();
    const env = { TIDEMARK_DATA_DIR: dataDir, TIDEMARK_LOG_LEVEL: 'silent' };
    try {
      const meta = await openMetaStore({ dataDir });
      const org = await meta.orgs.create('Cli');
      const site = await meta.sites.create(org.id, { name: 'Cli', domain: 'cli.example' });
      await meta.close();
      const exp = generatePlausibleExport('cli', '2024-05-01', 4);
      const file = path.join(dataDir, 'plausible-export.zip');
      fs.writeFileSync(file, exp.zip);

      const lines: string[] = [];
      await importCommand(['plausible', file, '--site', 'cli.example'], (l) => lines.push(l), env);
      expect(lines.join('\n')).toMatch(
        /imported plausible-export\.zip into cli\.example as [0-9a-f]{32}: \d+ aggregate rows, 2024-05-01\.\.2024-05-04/,
      );
      const id = /as ([0-9a-f]{32})/.exec(lines[0]!)![1]!;

      const store = await DuckDbEventStore.open(path.join(dataDir, 'events.duckdb'));
      await store.init();
      try {
        const stats = new StatsService(store, { now: () => Date.UTC(2024, 6, 1) });
        const res = await stats.dashboard(
          { id: site.id, timezone: 'UTC' },
          { period: 'custom', start_date: '2024-05-01', end_date: '2024-05-04' },
        );
        expect(res.metrics.visitors!.value).toBe(expectedTotals(exp, new Set(exp.days)).visitors);
        expect(res.metrics.pageviews!.value).toBe(expectedTotals(exp, new Set(exp.days)).pageviews);
      } finally {
        await store.close();
      }

      lines.length = 0;
      await importCommand(['list', `--site=${site.id}`], (l) => lines.push(l), env);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${id}\\s+plausible\\s+done\\s+100%`));
      lines.length = 0;
      await importCommand(['delete', id, '--site', site.id], (l) => lines.push(l), env);
      expect(lines[0]).toMatch(/^deleted import .*imported \d+/);
      await expect(importCommand(['delete', id, '--site', site.id], () => {}, env)).rejects.toThrow(/no import/);
      await expect(importCommand(['matomo', file, '--site', site.id], () => {}, env)).rejects.toThrow(/usage: tidemark import/);
      await expect(importCommand(['plausible', file, '--site', 'nope.example'], () => {}, env)).rejects.toThrow(/no site/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
