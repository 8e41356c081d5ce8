import { expect, it } from 'vitest';
import type { ImportJobRecord } from '../src/meta';
import { describeMetaEngines } from './helpers/meta-engines';

// Import jobs (meta/repos/import-jobs.ts, migration 0007) on both metadata engines.
const job = (siteId: string, id: string, createdAt: number): Omit<ImportJobRecord, 'updated_at'> => ({
  id,
  site_id: siteId,
  source: 'plausible',
  file_name: 'export.zip',
  file_sha256: 'f'.repeat(64),
  file_bytes: 1234,
  status: 'queued',
  progress: 0,
  rows: 0,
  skipped: 0,
  start_day: null,
  end_day: null,
  error: null,
  created_by: null,
  created_at: createdAt,
  finished_at: null,
});

await describeMetaEngines('import-jobs-meta', 'import jobs', (h) => {
  it('records, updates, lists per site, re-creates on re-import and deletes', async () => {
    const org = await h.meta.orgs.create('Jobs');
    const site = await h.meta.sites.create(org.id, { name: 'S', domain: 's.example' });
    const other = await h.meta.sites.create(org.id, { name: 'O', domain: 'o.example' });
    const repo = h.meta.importJobs;
    await repo.upsert(job(site.id, 'a'.repeat(32), 1000));
    await repo.upsert(job(site.id, 'b'.repeat(32), 2000));
    await repo.upsert(job(other.id, 'c'.repeat(32), 3000));
    await repo.update(
      site.id,
      'a'.repeat(32),
      { status: 'done', progress: 100, rows: 9_000_000_000, start_day: '2024-01-01', end_day: '2024-01-31', finished_at: 1500 },
      1500,
    );
    // Scoped to the site: another site's id changes nothing.
    await repo.update(other.id, 'a'.repeat(32), { status: 'failed' }, 1600);
    const list = await repo.listForSite(site.id);
    expect(list.map((j) => j.id)).toEqual(['b'.repeat(32), 'a'.repeat(32)]);
    expect(list[1]).toMatchObject({
      status: 'done',
      progress: 100,
      rows: 9_000_000_000,
      start_day: '2024-01-01',
      updated_at: 1500,
      finished_at: 1500,
    });
    expect(await repo.get(other.id, 'a'.repeat(32))).toBeNull();
    // The same file again: the record starts over.
    await repo.upsert(job(site.id, 'a'.repeat(32), 5000));
    expect(await repo.get(site.id, 'a'.repeat(32))).toMatchObject({ status: 'queued', progress: 0, rows: 0, created_at: 5000 });
    // A restart fails unfinished jobs not touched since the given time.
    expect(await repo.failUnfinished(6000, 'interrupted', 4000)).toBe(2); // b (2000) and c (3000), not a (5000)
    expect(await repo.get(site.id, 'b'.repeat(32))).toMatchObject({ status: 'failed', error: 'interrupted', finished_at: 6000 });
    expect(await repo.delete(other.id, 'b'.repeat(32))).toBe(false);
    expect(await repo.delete(site.id, 'b'.repeat(32))).toBe(true);
    // A deleted site's jobs go with it.
    expect(await h.meta.sites.delete(other.id, 7000)).toBe(true);
    expect(await repo.listForSite(other.id)).toEqual([]);
    expect((await repo.listForSite(site.id)).map((j) => j.id)).toEqual(['a'.repeat(32)]);
  });
});
