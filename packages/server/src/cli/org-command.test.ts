import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openMetaStore } from '../meta';
import { orgCommand } from './org-command';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('tidemark org', () => {
  it('makes an organization a reseller with limits, sets monthly limits, and turns the flag off again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-org-'));
    dirs.push(dir);
    const env = { TIDEMARK_DATA_DIR: dir, TIDEMARK_SECRET: 'x'.repeat(40) };
    let meta = await openMetaStore({ dataDir: dir });
    const org = await meta.orgs.create('Agency Co');
    await meta.close();

    const lines: string[] = [];
    const out = (l: string) => lines.push(l);
    await orgCommand(['reseller', org.slug, '--max-sub-orgs', '3', '--max-events-per-sub-org', '1000'], out, env);
    await orgCommand(['limits', org.id, '--hard', '5000', '--soft', '4000'], out, env);
    meta = await openMetaStore({ dataDir: dir });
    try {
      expect(await meta.tenancy.get(org.id)).toMatchObject({
        is_reseller: true,
        max_sub_organizations: 3,
        max_sites_per_sub_org: null,
        max_events_per_sub_org: 1000,
        events_soft_limit: 4000,
        events_hard_limit: 5000,
      });
    } finally {
      await meta.close();
    }
    expect(lines[0]).toContain('reseller yes, clients at most 3, sites per client none, events per client 1000');
    await orgCommand(['limits', org.id, '--hard', 'none'], out, env);
    await orgCommand(['reseller', org.id, '--off'], out, env);
    expect(lines.at(-1)).toMatch(/reseller no; events a month: soft 4000, hard none$/);

    await expect(orgCommand(['reseller', 'no-such-org'], out, env)).rejects.toThrow(/no organization/);
    await expect(orgCommand(['limits', org.id, '--hard', '-5'], out, env)).rejects.toThrow(/not a limit/);
    await expect(orgCommand(['limits', org.id, '--bogus', '1'], out, env)).rejects.toThrow(/usage/);
    await expect(orgCommand(['limits', org.id], out, env)).rejects.toThrow(/usage/);
  });
});
