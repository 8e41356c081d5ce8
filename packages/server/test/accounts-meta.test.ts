import { expect, it } from 'vitest';
import { describeMetaEngines } from './helpers/meta-engines';

/** One repository suite, run unchanged on every metadata engine. */
await describeMetaEngines('accounts-meta', 'metadata repositories', (h) => {
  it('migrates idempotently', async () => {
    await h.meta.migrate();
    await h.meta.migrate();
    expect(await h.meta.users.count()).toBe(0);
  });

  it('creates organizations with unique slugs and users with unique emails', async () => {
    const a = await h.meta.orgs.create('Acme Inc');
    const b = await h.meta.orgs.create('Acme Inc');
    expect(a.slug).toBe('acme-inc');
    expect(b.slug).not.toBe(a.slug);
    expect(b.slug.startsWith('acme-inc-')).toBe(true);

    const u = await h.meta.users.create({ email: '  Alice@Example.COM ', passwordHash: 'h', name: 'Alice' });
    expect(u.email).toBe('alice@example.com');
    await expect(h.meta.users.create({ email: 'alice@example.com', passwordHash: 'x' })).rejects.toMatchObject({ status: 409 });
    expect((await h.meta.users.byEmail('ALICE@example.com'))?.id).toBe(u.id);
    expect((await h.meta.users.credentialsByEmail('alice@example.com'))?.passwordHash).toBe('h');
  });

  it('tracks memberships and roles', async () => {
    const org = await h.meta.orgs.create('Members Org');
    const owner = await h.meta.users.create({ email: 'owner@m.test', passwordHash: null });
    const viewer = await h.meta.users.create({ email: 'viewer@m.test', passwordHash: null });
    await h.meta.members.add(org.id, owner.id, 'owner');
    await h.meta.members.add(org.id, viewer.id, 'viewer', owner.id);
    await h.meta.members.add(org.id, viewer.id, 'admin'); // already a member: unchanged
    expect(await h.meta.members.roleOf(org.id, viewer.id)).toBe('viewer');
    expect(await h.meta.members.countOwners(org.id)).toBe(1);
    expect((await h.meta.members.list(org.id)).map((m) => [m.email, m.role])).toEqual([
      ['owner@m.test', 'owner'],
      ['viewer@m.test', 'viewer'],
    ]);
    expect(await h.meta.members.setRole(org.id, viewer.id, 'member')).toBe(true);
    expect(await h.meta.members.roleOf(org.id, viewer.id)).toBe('member');
    const orgs = await h.meta.orgs.listForUser(viewer.id);
    expect(orgs).toEqual([expect.objectContaining({ id: org.id, role: 'member' })]);
    expect(await h.meta.members.remove(org.id, viewer.id)).toBe(true);
    expect(await h.meta.members.roleOf(org.id, viewer.id)).toBeNull();
  });

  it('stores sites with defaults, lists and JSON settings, and resolves tracking ids', async () => {
    const org = await h.meta.orgs.create('Sites Org');
    const site = await h.meta.sites.create(org.id, { name: 'Blog', domain: 'blog.example.com' });
    expect(site).toMatchObject({
      org_id: org.id,
      name: 'Blog',
      domain: 'blog.example.com',
      allowed_hosts: [],
      timezone: 'UTC',
      session_timeout_min: 30,
      respect_dnt: true,
      cookieless: true,
      retention_days: 0,
      enabled: true,
    });
    expect(site.tracking_id).toMatch(/^[0-9A-Za-z]{12}$/);
    expect(await h.meta.sites.byId(site.id)).toEqual(site);
    expect(await h.meta.sites.byTrackingId(site.tracking_id)).toEqual(site);

    const updated = await h.meta.sites.update(site.id, {
      allowed_hosts: ['www.example.com'],
      excluded_ips: ['10.0.0.0/8'],
      excluded_paths: ['/admin/*'],
      respect_dnt: false,
      timezone: 'Europe/Berlin',
    });
    expect(updated).toMatchObject({
      allowed_hosts: ['www.example.com'],
      excluded_ips: ['10.0.0.0/8'],
      excluded_paths: ['/admin/*'],
      respect_dnt: false,
      timezone: 'Europe/Berlin',
    });
    // The tracking-id cache is evicted by writes through the repository.
    expect((await h.meta.sites.byTrackingId(site.tracking_id))?.timezone).toBe('Europe/Berlin');

    const other = await h.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example.com' });
    expect((await h.meta.sites.listByOrg(org.id)).map((s) => s.id)).toEqual([site.id, other.id]);
    expect((await h.meta.sites.listAll()).map((s) => s.id)).toEqual(expect.arrayContaining([site.id, other.id]));
    expect(await h.meta.sites.delete(other.id)).toBe(true);
    expect(await h.meta.sites.byId(other.id)).toBeNull();
    expect(await h.meta.sites.byTrackingId(other.tracking_id)).toBeNull();
  });

  it('issues API keys, stores only their hash, verifies, records use and revokes', async () => {
    const org = await h.meta.orgs.create('Keys Org');
    const site = await h.meta.sites.create(org.id, { name: 'K', domain: 'k.example.com' });
    const { record, rawKey } = await h.meta.apiKeys.create({
      orgId: org.id,
      siteId: site.id,
      name: 'ci',
      permissions: ['read', 'write', 'read'],
      rateLimitPerMin: 100,
      createdBy: null,
    });
    expect(rawKey).toMatch(/^tm_live_[0-9A-Za-z]{32}$/);
    expect(rawKey.startsWith(record.key_prefix)).toBe(true);
    expect(record.permissions).toEqual(['read', 'write']);
    const stored = await h.meta.db.selectFrom('api_keys').selectAll().where('id', '=', record.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(rawKey);
    expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);

    expect(await h.meta.apiKeys.verify(rawKey.slice(0, -1) + (rawKey.endsWith('a') ? 'b' : 'a'))).toBeNull();
    expect(await h.meta.apiKeys.verify('not-a-key')).toBeNull();
    const verified = await h.meta.apiKeys.verify(rawKey);
    expect(verified).toMatchObject({ id: record.id, org_id: org.id, site_id: site.id });
    expect((await h.meta.apiKeys.byId(record.id))?.last_used_at).toEqual(expect.any(Number));

    expect((await h.meta.apiKeys.listByOrg(org.id)).map((k) => k.id)).toEqual([record.id]);
    expect(await h.meta.apiKeys.revoke(record.id)).toBe(true);
    expect(await h.meta.apiKeys.verify(rawKey)).toBeNull();
    expect(await h.meta.apiKeys.listByOrg(org.id)).toEqual([]);

    const expired = await h.meta.apiKeys.create({
      orgId: org.id,
      siteId: null,
      name: 'old',
      permissions: ['read'],
      rateLimitPerMin: 1,
      createdBy: null,
      expiresAt: Date.now() - 1,
    });
    expect(await h.meta.apiKeys.verify(expired.rawKey)).toBeNull();
  });

  it('makes invitations single-use and hides expired ones', async () => {
    const org = await h.meta.orgs.create('Invite Org');
    const user = await h.meta.users.create({ email: 'inv@m.test', passwordHash: null });
    const { record, token } = await h.meta.invitations.create({
      orgId: org.id,
      email: 'New@M.test',
      role: 'member',
      invitedBy: null,
      ttlMs: 60_000,
    });
    expect(record.email).toBe('new@m.test');
    expect((await h.meta.invitations.pendingByToken(token))?.id).toBe(record.id);
    expect((await h.meta.invitations.listPending(org.id)).map((i) => i.id)).toEqual([record.id]);
    expect(await h.meta.invitations.markAccepted(record.id, user.id)).toBe(true);
    expect(await h.meta.invitations.markAccepted(record.id, user.id)).toBe(false);
    expect(await h.meta.invitations.pendingByToken(token)).toBeNull();

    const old = await h.meta.invitations.create({ orgId: org.id, email: 'x@m.test', role: 'viewer', invitedBy: null, ttlMs: -1 });
    expect(await h.meta.invitations.pendingByToken(old.token)).toBeNull();
    expect(await h.meta.invitations.listPending(org.id)).toEqual([]);
  });

  it('keys login sessions by token hash and expires them', async () => {
    const user = await h.meta.users.create({ email: 'sess@m.test', passwordHash: null });
    const { token, record } = await h.meta.sessions.create({ userId: user.id, orgId: null, absoluteMs: 60_000 });
    expect(record.id).not.toBe(token);
    expect((await h.meta.sessions.byToken(token))?.user_id).toBe(user.id);
    const gone = await h.meta.sessions.create({ userId: user.id, orgId: null, absoluteMs: -1 });
    expect(await h.meta.sessions.deleteExpired(3_600_000)).toBe(1);
    expect(await h.meta.sessions.byToken(gone.token)).toBeNull();
    expect(await h.meta.sessions.byToken(token)).not.toBeNull();
    await h.meta.sessions.deleteForUser(user.id);
    expect(await h.meta.sessions.byToken(token)).toBeNull();
  });

  it('hands out one salt per day, atomically, and deletes old days', async () => {
    const salts = await Promise.all(Array.from({ length: 8 }, () => h.meta.salts.getOrCreate('2030-01-02')));
    expect(new Set(salts).size).toBe(1);
    expect(salts[0]!.length).toBeGreaterThanOrEqual(32);
    const other = await h.meta.salts.getOrCreate('2030-01-03');
    expect(other).not.toBe(salts[0]);
    expect(await h.meta.salts.deleteBefore('2030-01-03')).toBe(1);
    expect(await h.meta.salts.getOrCreate('2030-01-03')).toBe(other);
    await expect(h.meta.salts.getOrCreate('yesterday')).rejects.toThrow();
  });

  it('agrees on one salt across two independent stores on the same database', async () => {
    const other = await h.reopen();
    const [a, b] = await Promise.all([h.meta.salts.getOrCreate('2031-05-05'), other.salts.getOrCreate('2031-05-05')]);
    expect(a).toBe(b);
  });

  it('keeps e-mail confirmations hashed, replaceable, expiring and single-use (also across two stores)', async () => {
    const u = await h.meta.users.create({ email: 'pending@example.com', passwordHash: 'h' });
    expect(await h.meta.emailVerifications.isPending(u.id)).toBe(false);
    const first = await h.meta.emailVerifications.issue(u.id, 'hash-1', 60_000);
    expect(await h.meta.emailVerifications.isPending(u.id)).toBe(true);
    const rows = await h.meta.db.selectFrom('email_verifications').selectAll().where('user_id', '=', u.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(first.token);
    const second = await h.meta.emailVerifications.issue(u.id, 'hash-2', 60_000);
    expect(await h.meta.emailVerifications.byToken(first.token)).toBeNull();
    expect(await h.meta.emailVerifications.byToken(second.token)).toMatchObject({ userId: u.id, passwordHash: 'hash-2' });
    expect(await h.meta.emailVerifications.consume(first.token)).toBeNull();
    expect(await h.meta.emailVerifications.consume(second.token, second.expiresAt)).toBeNull();
    // Two stores racing for one token: exactly one confirms.
    const other = await h.reopen();
    const results = await Promise.all([h.meta.emailVerifications.consume(second.token), other.emailVerifications.consume(second.token)]);
    expect(results.filter((r) => r === u.id)).toHaveLength(1);
    expect(results.filter((r) => r === null)).toHaveLength(1);
    expect(await h.meta.emailVerifications.isPending(u.id)).toBe(false);
    // Deleting the user deletes its pending confirmation.
    await h.meta.emailVerifications.issue(u.id, 'hash-3', 60_000);
    await h.meta.db.deleteFrom('users').where('id', '=', u.id).execute();
    expect(await h.meta.emailVerifications.isPending(u.id)).toBe(false);
  });
});
