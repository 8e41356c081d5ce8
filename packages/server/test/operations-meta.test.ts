import { beforeAll, expect, it } from 'vitest';
import { describeMetaEngines, twoSites } from './helpers/meta-engines';

/**
 * The operations tables (meta 0014: annotations, site_shares, alerts, alert_events, email_reports; meta
 * 0021: custom reports, job_runs, system_alerts) on SQLite and PostgreSQL: written and read back through
 * their repositories, always by site where they belong to one, and gone with the site.
 */
await describeMetaEngines('operations-meta', 'operations repositories', (h) => {
  let siteA: string;
  let siteB: string;
  beforeAll(async () => {
    [siteA, siteB] = await twoSites(h.meta);
  });

  it('annotations: by site, by range, oldest first; another site cannot touch them', async () => {
    const a1 = await h.meta.annotations.create(siteA, { at: 2_000, title: 'Later', description: null, category: 'release' }, null, 10);
    const a0 = await h.meta.annotations.create(siteA, { at: 1_000, title: 'Earlier', description: 'd', category: 'incident' }, null, 10);
    await h.meta.annotations.create(siteB, { at: 1_500, title: 'Other site', description: null, category: 'other' }, null, 10);
    expect((await h.meta.annotations.list(siteA)).map((a) => a.title)).toEqual(['Earlier', 'Later']);
    expect((await h.meta.annotations.list(siteA, { fromMs: 1_500, toMs: 3_000 })).map((a) => a.id)).toEqual([a1.id]);
    expect(await h.meta.annotations.count(siteA)).toBe(2);
    expect(await h.meta.annotations.get(siteB, a0.id)).toBeNull();
    expect(await h.meta.annotations.delete(siteB, a0.id)).toBe(false);
    expect(await h.meta.annotations.update(siteA, a0.id, { title: 'Earliest' })).toMatchObject({ title: 'Earliest', description: 'd' });
  });

  it('shares: found by token (stored hashed), listed by site', async () => {
    const token = 'x'.repeat(43);
    const s = await h.meta.shares.create(
      siteA,
      {
        token,
        name: 'Board',
        password_hash: null,
        expires_at: 5_000,
        cards: ['overview', 'pages'],
        frame_ancestors: ['https://a.example'],
      },
      null,
      10,
    );
    expect(await h.meta.shares.byToken(token)).toMatchObject({
      id: s.id,
      site_id: siteA,
      cards: ['overview', 'pages'],
      frame_ancestors: ['https://a.example'],
      expires_at: 5_000,
    });
    expect(await h.meta.shares.byToken('y'.repeat(43))).toBeNull();
    const rows = await h.meta.db.selectFrom('site_shares').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect((await h.meta.shares.listBySite(siteB)).length).toBe(0);
  });

  it('alerts and their history; everything goes with its site', async () => {
    const alert = await h.meta.alerts.create({
      site_id: siteA,
      name: 'A',
      definition: '{}',
      channels_sealed: 'sealed',
      is_active: 1,
      created_by: null,
      created_at: 1,
      updated_at: 1,
    });
    await h.meta.alerts.addEvent({
      alert_id: alert.id,
      site_id: siteA,
      kind: 'fired',
      bucket: 3_600_000,
      value: 8,
      expected: null,
      message: 'm',
      deliveries: '[]',
      created_at: 2,
    });
    await h.meta.alerts.addEvent({
      alert_id: alert.id,
      site_id: siteA,
      kind: 'resolved',
      bucket: 7_200_000,
      value: 0,
      expected: null,
      message: 'm',
      deliveries: '[]',
      created_at: 3,
    });
    expect((await h.meta.alerts.history(siteA, alert.id)).map((e) => [e.kind, Number(e.bucket)])).toEqual([
      ['resolved', 7_200_000],
      ['fired', 3_600_000],
    ]);
    expect(await h.meta.alerts.history(siteB, alert.id)).toEqual([]);
    expect((await h.meta.alerts.listActive()).map((a) => a.id)).toEqual([alert.id]);
    await h.meta.alerts.update(siteA, alert.id, { state: 'firing', last_value: 8.5, last_bucket: 3_600_000 });
    expect(await h.meta.alerts.get(siteA, alert.id)).toMatchObject({ state: 'firing', last_value: 8.5 });

    const report = await h.meta.reports.create(siteA, 'weekly', ['a@example.com', 'b@example.org'], null, 5);
    await h.meta.reports.markSent(report.id, '2026-11-30');
    await h.meta.reports.setRecipients(report.id, ['b@example.org']);
    expect(await h.meta.reports.byId(report.id)).toMatchObject({
      frequency: 'weekly',
      recipients: ['b@example.org'],
      last_period: '2026-11-30',
    });
    expect(await h.meta.reports.delete(siteB, report.id)).toBe(false);

    await h.meta.sites.delete(siteA);
    for (const table of ['annotations', 'site_shares', 'alerts', 'alert_events', 'email_reports'] as const) {
      const left = await h.meta.db.selectFrom(table).select('site_id').where('site_id', '=', siteA).execute();
      expect(left, table).toEqual([]);
    }
    expect((await h.meta.annotations.list(siteB)).length).toBe(1);
  });

  it('custom reports keep their name, query and attachment', async () => {
    const query = { metrics: ['visitors' as const], dimensions: ['page' as const], days: 7 };
    const r = await h.meta.reports.create(siteB, 'daily', ['x@example.com'], null, 5, { name: 'Pages', query, attachment: 'json' });
    expect(await h.meta.reports.byId(r.id)).toMatchObject({ name: 'Pages', query, attachment: 'json' });
    const plain = await h.meta.reports.create(siteB, 'daily', ['x@example.com'], null, 6);
    expect(await h.meta.reports.byId(plain.id)).toMatchObject({ name: null, query: null, attachment: null });
  });

  it('job runs: counted per job with the last outcome and error, concurrent ends not lost', async () => {
    await h.meta.jobRuns.started('alerts', 100);
    await Promise.all([h.meta.jobRuns.finished('alerts', 200, null), h.meta.jobRuns.finished('alerts', 210, null)]);
    await h.meta.jobRuns.finished('alerts', 300, 'x'.repeat(600));
    await h.meta.jobRuns.finished('reports', 400, null);
    await h.meta.jobRuns.failedOnly('vault', 500, 'load failed');
    await h.meta.jobRuns.failedOnly('vault', 600, 'load failed again');
    const rows = Object.fromEntries((await h.meta.jobRuns.list()).map((r) => [r.name, r]));
    expect(Object.keys(rows)).toEqual(['alerts', 'reports', 'vault']);
    expect(rows.alerts).toMatchObject({ last_started: 100, last_finished: 300, last_ok: 0, last_error_at: 300 });
    expect([Number(rows.alerts!.runs), Number(rows.alerts!.failures), rows.alerts!.last_error!.length]).toEqual([3, 1, 500]);
    expect([Number(rows.reports!.runs), Number(rows.reports!.failures), rows.reports!.last_ok, rows.reports!.last_error]).toEqual([
      1,
      0,
      1,
      null,
    ]);
    expect([Number(rows.vault!.runs), Number(rows.vault!.failures), rows.vault!.last_error, Number(rows.vault!.last_error_at)]).toEqual([
      0,
      2,
      'load failed again',
      600,
    ]);
  });

  it('system alerts: created, updated, listed and deleted', async () => {
    const a = await h.meta.systemAlerts.create({
      name: 'Backlog',
      metric: 'queue_waiting',
      threshold: 10,
      channels_sealed: 's',
      is_active: 1,
      created_at: 1,
    });
    await h.meta.systemAlerts.update(a.id, { state: 'firing', last_value: 12.5, last_checked: 5, last_change: 5 });
    expect(await h.meta.systemAlerts.get(a.id)).toMatchObject({ state: 'firing', last_value: 12.5, metric: 'queue_waiting' });
    expect((await h.meta.systemAlerts.list()).map((x) => x.id)).toEqual([a.id]);
    expect(await h.meta.systemAlerts.delete(a.id)).toBe(true);
    expect(await h.meta.systemAlerts.get(a.id)).toBeNull();
  });
});
