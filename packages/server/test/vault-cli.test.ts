import path from 'node:path';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateTraffic } from '@tidemark/testkit';
import { openMetaStore } from '../src/meta';
import { DuckDbEventStore } from '../src/store';
import { vaultCommand } from '../src/cli';
import { hashKey } from '../src/vault';
import { tempDataDir } from './helpers/server';

// `tidemark vault rebuild SITE` / `tidemark vault load [SITE]` on the embedded data directory.
describe('tidemark vault', () => {
  it('rebuilds a site (by id or tracking id), loads incrementally, and refuses bad use', async () => {
    const dataDir = tempDataDir();
    const env = { TIDEMARK_DATA_DIR: dataDir, TIDEMARK_LOG_LEVEL: 'silent' };
    try {
      const meta = await openMetaStore({ dataDir });
      const org = await meta.orgs.create('Vault CLI');
      const site = await meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example' });
      const other = await meta.sites.create(org.id, { name: 'Other', domain: 'other.example' });
      await meta.close();
      const end = Date.UTC(2025, 0, 10);
      const events = [
        ...generateTraffic({ siteId: site.id, days: 3, end, seed: 'vault-cli', totalEvents: 400 }),
        ...generateTraffic({ siteId: other.id, days: 3, end, seed: 'vault-cli-2', totalEvents: 100 }),
      ];
      const mine = events.filter((e) => e.site_id === site.id);
      const file = path.join(dataDir, 'events.duckdb');
      let store = await DuckDbEventStore.open(file);
      await store.init();
      await store.write({ events, raw: [], quarantine: [], drops: [] });
      await store.close();

      const lines: string[] = [];
      await vaultCommand(['rebuild', site.tracking_id], (l) => lines.push(l), env);
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^${site.id}: rebuilt \\(.*vault_hub_event \\+${mine.length}\\b`))]);
      store = await DuckDbEventStore.open(file);
      await store.init();
      const count = async (sql: string, params: unknown[]) => Number((await store.query<{ n: number }>(sql, params))[0]!.n);
      expect(await count('SELECT count(*) AS n FROM vault_hub_event WHERE site_id = ?', [site.id])).toBe(mine.length);
      expect(await count('SELECT count(*) AS n FROM vault_current_session_details WHERE site_id = ?', [site.id])).toBe(
        new Set(mine.map((e) => `${e.session_id}/${e.visitor_id}`)).size,
      );
      expect(await count('SELECT count(*) AS n FROM vault_hub_event WHERE site_id = ?', [other.id])).toBe(0);
      const [first] = await store.query<{ k: string }>(
        'SELECT visitor_hk AS k FROM vault_hub_visitor WHERE site_id = ? AND visitor_id = ?',
        [site.id, mine[0]!.visitor_id],
      );
      expect(first!.k).toBe(hashKey(site.id, mine[0]!.visitor_id));
      await store.close();

      lines.length = 0;
      await vaultCommand(['load'], (l) => lines.push(l), env);
      expect(lines).toHaveLength(2);
      expect(lines).toEqual(
        expect.arrayContaining([
          `${site.id}: loaded (nothing new)`,
          expect.stringMatching(new RegExp(`^${other.id}: loaded \\(.*vault_hub_event \\+${events.length - mine.length}\\b`)),
        ]),
      );

      await expect(vaultCommand(['rebuild'], () => undefined, env)).rejects.toThrow(/usage: tidemark vault rebuild SITE/);
      await expect(vaultCommand(['drop', site.id], () => undefined, env)).rejects.toThrow(/usage/);
      await expect(vaultCommand(['rebuild', 'no-such-site'], () => undefined, env)).rejects.toThrow(/no site no-such-site/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
