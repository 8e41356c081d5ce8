import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { consentHash } from '../src/meta';
import { pruneConsentLogs } from '../src/consent';
import { describeMetaEngines } from './helpers/meta-engines';

/**
 * The metadata of meta 0016 on every metadata engine: the audit log (filters, cursor paging, organization
 * scope), data-subject requests (open, complete, archive), the consent settings with the mode mirrored on
 * the site, and the consent log's chain under concurrent appends from two stores (two processes).
 */
await describeMetaEngines('privacy-meta', 'privacy metadata', (h) => {
  it('audit log: appends, filters and pages newest first within one organization', async () => {
    const a = await h.meta.orgs.create('Audit A');
    const b = await h.meta.orgs.create('Audit B');
    const actor = { type: 'user' as const, id: 'u1', label: 'u1@example.com' };
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 7; i++)
      await h.meta.auditLog.append({
        org_id: a.id,
        at: base + i * 1000,
        action: i % 2 ? 'site.updated' : 'api_key.created',
        outcome: i === 3 ? 'failure' : 'success',
        actor,
        target: { type: 'site', id: `s${i}` },
        site_id: `s${i}`,
        details: { i },
      });
    await h.meta.auditLog.append({
      org_id: b.id,
      action: 'site.created',
      outcome: 'success',
      actor,
      target: null,
      site_id: null,
      details: {},
    });
    const all = await h.meta.auditLog.list(a.id, { limit: 100 });
    expect(all.map((e) => e.details.i)).toEqual([6, 5, 4, 3, 2, 1, 0]);
    const paged: number[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await h.meta.auditLog.list(a.id, { limit: 3, cursor });
      paged.push(...page.map((e) => e.details.i as number));
      if (page.length < 3) break;
      cursor = `${Date.parse(page.at(-1)!.at)}_${page.at(-1)!.id}`;
    }
    expect(paged).toEqual([6, 5, 4, 3, 2, 1, 0]);
    expect((await h.meta.auditLog.list(a.id, { limit: 100, action: 'site' })).map((e) => e.details.i)).toEqual([5, 3, 1]);
    expect((await h.meta.auditLog.list(a.id, { limit: 100, outcome: 'failure' })).map((e) => e.details.i)).toEqual([3]);
    expect(
      (
        await h.meta.auditLog.list(a.id, {
          limit: 100,
          from: new Date(base + 2000).toISOString(),
          to: new Date(base + 5000).toISOString(),
        })
      ).map((e) => e.details.i),
    ).toEqual([4, 3, 2]);
    expect((await h.meta.auditLog.list(b.id, { limit: 100 })).map((e) => e.action)).toEqual(['site.created']);
  });

  it('privacy requests: open until completed, the sealed subject dropped, the archive kept', async () => {
    const org = await h.meta.orgs.create('DSR');
    const site = await h.meta.sites.create(org.id, { name: 'S', domain: 'dsr.example.com' });
    const r = await h.meta.privacyRequests.create({
      org_id: org.id,
      site_id: site.id,
      type: 'access',
      subject_kind: 'email',
      subject_mask: 'j***@x.test',
      subject_sealed: 'sealed',
      requested_by: 'owner@x.test',
      requested_at: 1000,
      due_at: 1000 + 30 * 86_400_000,
    });
    expect(r).toMatchObject({ status: 'pending', has_archive: false, due_at: 1000 + 30 * 86_400_000 });
    expect((await h.meta.privacyRequests.open()).map((x) => x.id)).toContain(r.id);
    await h.meta.privacyRequests.markRunning(r.id, 2000);
    await h.meta.privacyRequests.complete(r.id, { found: { events: 3 }, removed: null, archive: 'UEsFBg==' }, 3000);
    const done = (await h.meta.privacyRequests.get(site.id, r.id))!;
    expect(done).toMatchObject({
      status: 'completed',
      subject_sealed: null,
      has_archive: true,
      completed_at: 3000,
      found: '{"events":3}',
    });
    expect(await h.meta.privacyRequests.archive(site.id, r.id)).toBe('UEsFBg==');
    expect(await h.meta.privacyRequests.get(crypto.randomUUID(), r.id)).toBeNull();
    expect((await h.meta.privacyRequests.open()).map((x) => x.id)).not.toContain(r.id);
  });

  it('consent: the mode on the site, and one unbroken chain under concurrent appends', async () => {
    const org = await h.meta.orgs.create('Consent');
    const site = await h.meta.sites.create(org.id, { name: 'S', domain: 'consent.example.com' });
    expect((await h.meta.sites.byId(site.id))?.consent_mode).toBe('none');
    await h.meta.siteConsent.set(site.id, 'required', '{}');
    await h.meta.sites.setConsentMode(site.id, 'required');
    expect((await h.meta.sites.byId(site.id))?.consent_mode).toBe('required');
    const other = await h.reopen();
    const stores = [h.meta, other];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        stores[i % 2]!.consentLog.append(
          site.id,
          { subject: `s-${i}`, categories: 'analytics', text_version: 'abc', source: 'banner' },
          5000 + i,
        ),
      ),
    );
    const entries = (await h.meta.consentLog.list(site.id, { limit: 100 })).reverse();
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => e.subject)).size).toBe(20);
    for (const [i, e] of entries.entries()) {
      expect(e.prev_hash).toBe(i ? entries[i - 1]!.hash : '0'.repeat(64));
      expect(e.hash).toBe(consentHash(site.id, { ...e, at: Date.parse(e.at), categories: e.categories.join(',') }));
    }
    expect(await h.meta.consentLog.verify(site.id)).toEqual({ entries: 20, first_bad_seq: null });
    // Retention cuts the head of the chain up to the first entry at or after the cutoff (concurrent appends
    // need not be in time order): every newer entry stays, and what is left still verifies.
    const firstKept = Math.min(...entries.filter((e) => Date.parse(e.at) >= 5005).map((e) => e.seq));
    expect(await h.meta.consentLog.purgeBefore(site.id, 5005)).toBe(firstKept - 1);
    const left = await h.meta.consentLog.list(site.id, { limit: 100 });
    expect(left.every((e) => e.seq >= firstKept)).toBe(true);
    expect(left.filter((e) => Date.parse(e.at) >= 5005).length).toBe(15);
    expect(await h.meta.consentLog.verify(site.id)).toEqual({ entries: 21 - firstKept, first_bad_seq: null });
    // A removed entry in the middle breaks the chain there.
    await sql`DELETE FROM consent_log WHERE site_id = ${site.id} AND seq = ${17}`.execute(h.meta.db);
    expect(await h.meta.consentLog.verify(site.id)).toEqual({ entries: 18 - firstKept, first_bad_seq: 18 });
    // Deleting the site takes its consent settings, log and anchor.
    await h.meta.sites.delete(site.id);
    expect(await h.meta.consentLog.list(site.id, { limit: 10 })).toEqual([]);
    expect(await h.meta.siteConsent.get(site.id)).toBeNull();
    expect(await h.meta.consentLog.anchor(site.id)).toBeNull();
  });

  it('consent-log retention: an anchor keeps the chain verifiable, catches a removed oldest entry, and the chain continues', async () => {
    const org = await h.meta.orgs.create('Consent retention');
    const site = await h.meta.sites.create(org.id, { name: 'S', domain: 'consent-ret.example.com' });
    const day = 86_400_000;
    const now = Date.UTC(2026, 5, 1);
    const append = (i: number, at: number) =>
      h.meta.consentLog.append(site.id, { subject: `p-${i}`, categories: 'analytics', text_version: 'v1', source: 'banner' }, at);
    // Ten decisions a day apart, the newest yesterday.
    const all = [];
    for (let i = 0; i < 10; i++) all.push(await append(i, now - (10 - i) * day));
    // Retention of 4 days keeps the entries of the last 4 days (seq 7..10).
    const removed = await pruneConsentLogs(h.meta, 4, now);
    expect(removed.get(site.id)).toBe(6);
    expect(await h.meta.consentLog.anchor(site.id)).toEqual({ seq: 7, hash: all[5]!.hash, pruned: 6 });
    const kept = (await h.meta.consentLog.list(site.id, { limit: 100 })).map((e) => e.seq).reverse();
    expect(kept).toEqual([7, 8, 9, 10]);
    expect(await h.meta.consentLog.verify(site.id)).toEqual({ entries: 4, first_bad_seq: null });
    // Nothing more is due: a second run removes nothing.
    expect((await pruneConsentLogs(h.meta, 4, now)).size).toBe(0);
    // New decisions continue the chain.
    const next = await append(10, now);
    expect(next.seq).toBe(11);
    expect(next.prev_hash).toBe(all[9]!.hash);
    expect(await h.meta.consentLog.verify(site.id)).toEqual({ entries: 5, first_bad_seq: null });
    // Everything pruned: the anchor is the last entry, and the next decision links to it.
    expect((await pruneConsentLogs(h.meta, 1, now + 3 * day)).get(site.id)).toBe(5);
    expect(await h.meta.consentLog.anchor(site.id)).toEqual({ seq: 12, hash: next.hash, pruned: 11 });
    expect(await h.meta.consentLog.verify(site.id)).toEqual({ entries: 0, first_bad_seq: null });
    const after = await append(11, now + 3 * day);
    expect([after.seq, after.prev_hash]).toEqual([12, next.hash]);
    expect(await h.meta.consentLog.verify(site.id)).toEqual({ entries: 1, first_bad_seq: null });
    // Removing the oldest kept entry outside retention is tampering, and verify names it.
    await append(12, now + 3 * day);
    await sql`DELETE FROM consent_log WHERE site_id = ${site.id} AND seq = ${12}`.execute(h.meta.db);
    expect(await h.meta.consentLog.verify(site.id)).toEqual({ entries: 1, first_bad_seq: 13 });
    // 0 keeps everything.
    expect((await pruneConsentLogs(h.meta, 0, now + 1000 * day)).size).toBe(0);
  });
});
