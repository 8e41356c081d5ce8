import crypto from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPageSchema, type AuditEntry } from '@tidemark/core';
import { Client, startAccountsServer, type AccountsServer } from './helpers/accounts';

/**
 * The audit log over HTTP: every administrative action a person takes through the API leaves exactly
 * the entry the test expects (kept in the test as the actions are taken), failures of sign-in and
 * password checks included, nothing for reads; filters, paging and exports return the same entries;
 * owners and admins (and organization-wide admin keys) read it, nobody else.
 */
const PW = 'correct horse battery';
const tag = crypto.randomBytes(4).toString('hex');

describe('audit log', () => {
  let srv: AccountsServer;
  let owner: Client;
  let orgId = '';
  let ownerId = '';
  const ownerEmail = `owner-${tag}@audit.test`;
  /** What the test did, in order: [action, outcome]. */
  const done: Array<[string, 'success' | 'failure']> = [];
  let adminKey = '';

  const all = async (c: Client, query = ''): Promise<AuditEntry[]> => {
    const out: AuditEntry[] = [];
    let cursor: string | null = null;
    do {
      const r = await c.get(`/api/orgs/${orgId}/audit?limit=3${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status, r.text).toBe(200);
      const page = auditPageSchema.parse(r.body);
      out.push(...page.entries);
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  };

  beforeAll(async () => {
    srv = await startAccountsServer();
    owner = new Client(srv.url);
    const reg = await owner.post('/api/auth/register', { email: ownerEmail, password: PW, org_name: `Audit ${tag}` });
    expect(reg.status, reg.text).toBe(201);
    orgId = reg.body.current_org.id;
    ownerId = reg.body.user.id;
    done.push(['org.created', 'success']);
  });

  afterAll(async () => {
    await srv?.cleanup();
  });

  it('records each administrative action, with its actor, target and details', async () => {
    const anon = new Client(srv.url);
    expect((await anon.post('/api/auth/login', { email: ownerEmail, password: 'wrong password!' })).status).toBe(401);
    done.push(['auth.login_failed', 'failure']);
    // An e-mail nobody has belongs to no organization: nothing is recorded for it.
    expect((await anon.post('/api/auth/login', { email: `nobody-${tag}@audit.test`, password: PW })).status).toBe(401);
    expect((await owner.post('/api/auth/login', { email: ownerEmail, password: PW })).status).toBe(200);
    done.push(['auth.login', 'success']);

    const site = await owner.post('/api/sites', { name: 'Shop', domain: `shop-${tag}.example.com` });
    expect(site.status).toBe(201);
    done.push(['site.created', 'success']);
    expect((await owner.patch(`/api/sites/${site.body.id}`, { timezone: 'Europe/Paris', retention_days: 400 })).status).toBe(200);
    done.push(['site.updated', 'success']);
    const goal = await owner.post(`/api/sites/${site.body.id}/goals`, { name: 'Signup', type: 'destination', match: { path: '/ok' } });
    expect(goal.status).toBe(201);
    done.push(['goal.created', 'success']);
    expect((await owner.patch(`/api/sites/${site.body.id}/goals/${goal.body.id}`, { name: 'Sign-up' })).status).toBe(200);
    done.push(['goal.updated', 'success']);
    expect((await owner.del(`/api/sites/${site.body.id}/goals/${goal.body.id}`)).status).toBe(204);
    done.push(['goal.deleted', 'success']);
    // Reads are not recorded.
    expect((await owner.get(`/api/sites/${site.body.id}`)).status).toBe(200);

    const key = await owner.post('/api/keys', { name: 'CI key', permissions: ['admin'] });
    expect(key.status).toBe(201);
    done.push(['api_key.created', 'success']);
    adminKey = key.body.key;
    const spare = await owner.post('/api/keys', { name: 'Spare', permissions: ['read'] });
    done.push(['api_key.created', 'success']);
    expect((await owner.del(`/api/keys/${spare.body.id}`)).status).toBe(204);
    done.push(['api_key.revoked', 'success']);

    const inv1 = await owner.post(`/api/orgs/${orgId}/invitations`, { email: `x-${tag}@audit.test`, role: 'viewer' });
    expect(inv1.status).toBe(201);
    done.push(['invitation.created', 'success']);
    expect((await owner.del(`/api/orgs/${orgId}/invitations/${inv1.body.id}`)).status).toBe(204);
    done.push(['invitation.revoked', 'success']);
    const inv2 = await owner.post(`/api/orgs/${orgId}/invitations`, { email: `member-${tag}@audit.test`, role: 'viewer' });
    done.push(['invitation.created', 'success']);
    const invitee = new Client(srv.url);
    const joined = await invitee.post('/api/invitations/accept', { token: inv2.body.token, password: PW });
    expect(joined.status, joined.text).toBe(201);
    done.push(['invitation.accepted', 'success']);
    const inviteeId = joined.body.user.id as string;
    expect((await owner.patch(`/api/orgs/${orgId}/members/${inviteeId}`, { role: 'member' })).status).toBe(200);
    done.push(['member.role_changed', 'success']);
    // A viewer-turned-member is not an admin: the log stays closed to them.
    expect((await invitee.get(`/api/orgs/${orgId}/audit`)).status).toBe(403);
    expect((await owner.del(`/api/orgs/${orgId}/members/${inviteeId}`)).status).toBe(204);
    done.push(['member.removed', 'success']);

    expect((await owner.patch(`/api/orgs/${orgId}`, { name: `Audit renamed ${tag}` })).status).toBe(200);
    done.push(['org.updated', 'success']);
    expect((await owner.post('/api/auth/password', { current_password: 'not it at all', new_password: `${PW} 2` })).status).toBe(403);
    done.push(['auth.password_changed', 'failure']);
    expect((await owner.post('/api/auth/password', { current_password: PW, new_password: `${PW} 2` })).status).toBe(200);
    done.push(['auth.password_changed', 'success']);
    expect((await owner.del(`/api/sites/${site.body.id}`)).status).toBe(204);
    done.push(['site.deleted', 'success']);

    const log = await all(owner);
    expect(log.map((e) => [e.action, e.outcome]).reverse()).toEqual(done);
    // Newest first, by time.
    const times = log.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const by = (action: string) => log.filter((e) => e.action === action);
    expect(by('auth.login_failed')[0]!.actor).toEqual({ type: 'user', id: ownerId, label: ownerEmail });
    expect(by('auth.login_failed')[0]!.details.reason).toBe('invalid_credentials');
    expect(by('member.role_changed')[0]).toMatchObject({
      target: { type: 'user', id: inviteeId },
      details: { role: 'member', previous_role: 'viewer' },
      actor: { id: ownerId },
    });
    expect(by('member.removed')[0]!.details.previous_role).toBe('member');
    expect(by('invitation.accepted')[0]!.actor.id).toBe(inviteeId);
    expect(by('site.updated')[0]).toMatchObject({ site_id: site.body.id, details: { fields: ['retention_days', 'timezone'] } });
    expect(by('site.deleted')[0]!.details).toMatchObject({ name: 'Shop', domain: `shop-${tag}.example.com` });
    expect(by('api_key.created').at(-1)).toMatchObject({
      target: { type: 'api_key', id: key.body.id },
      details: { permissions: ['admin'] },
    });
    expect(by('api_key.revoked')[0]!.target).toEqual({ type: 'api_key', id: spare.body.id });
    // Passwords, tokens and keys never reach the log.
    const text = JSON.stringify(log);
    for (const secret of [PW, 'wrong password!', 'not it at all', inv2.body.token, adminKey]) expect(text).not.toContain(secret);
  });

  it('filters by area, action, outcome, actor and time, and pages without gaps or repeats', async () => {
    const log = await all(owner);
    expect((await all(owner, '&action=site')).map((e) => e.action)).toEqual(
      log.filter((e) => e.action.startsWith('site.')).map((e) => e.action),
    );
    expect((await all(owner, '&action=goal.updated')).map((e) => e.id)).toEqual(
      log.filter((e) => e.action === 'goal.updated').map((e) => e.id),
    );
    expect((await all(owner, '&outcome=failure')).map((e) => e.id)).toEqual(log.filter((e) => e.outcome === 'failure').map((e) => e.id));
    expect((await all(owner, `&actor=${encodeURIComponent(ownerEmail)}`)).map((e) => e.id)).toEqual(
      log.filter((e) => e.actor.label === ownerEmail).map((e) => e.id),
    );
    const mid = log[Math.floor(log.length / 2)]!.at;
    expect((await all(owner, `&to=${encodeURIComponent(mid)}`)).map((e) => e.id)).toEqual(log.filter((e) => e.at < mid).map((e) => e.id));
    expect((await all(owner, `&from=${encodeURIComponent(mid)}`)).map((e) => e.id)).toEqual(
      log.filter((e) => e.at >= mid).map((e) => e.id),
    );
    expect(new Set(log.map((e) => e.id)).size).toBe(log.length);
    for (const bad of ['action=DROP%20TABLE', 'limit=0', 'limit=501', 'from=yesterday', 'cursor=x', 'nope=1']) {
      const r = await owner.get(`/api/orgs/${orgId}/audit?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.body).toMatchObject({ success: false, error: { code: 'validation_error' } });
    }
  });

  it('exports CSV and NDJSON with the same entries, and records the export', async () => {
    const before = await all(owner);
    const csv = await owner.get(`/api/orgs/${orgId}/audit/export?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.action)).toEqual(before.map((e) => e.action));
    expect(rows.map((r) => r.actor_label)).toEqual(before.map((e) => e.actor.label));
    const nd = await owner.get(`/api/orgs/${orgId}/audit/export?format=ndjson&action=auth`);
    const lines = nd.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEntry);
    // The CSV export itself is now the newest entry, and it is not an auth.* one.
    expect(lines.map((e) => e.id)).toEqual(before.filter((e) => e.action.startsWith('auth.')).map((e) => e.id));
    const after = await all(owner);
    expect(after.filter((e) => e.action === 'export.created').length).toBe(2);
    expect(after[0]).toMatchObject({ action: 'export.created', target: { type: 'audit_log' } });
  });

  it('the public API answers organization-wide admin keys only', async () => {
    const key = new Client(srv.url);
    key.bearer = adminKey;
    const page = await key.get('/v1/audit?limit=500');
    expect(page.status, page.text).toBe(200);
    expect(auditPageSchema.parse(page.body).entries.map((e) => e.id)).toEqual((await all(owner)).map((e) => e.id));
    const csv = await key.get('/v1/audit/export?format=csv&action=api_key');
    expect((parse(csv.text, { columns: true }) as unknown[]).length).toBe(3);

    const site = await owner.post('/api/sites', { name: 'Second', domain: `second-${tag}.example.com` });
    for (const body of [
      { name: 'reader', permissions: ['read'] },
      { name: 'scoped admin', permissions: ['admin'], site_id: site.body.id },
    ]) {
      const k = await owner.post('/api/keys', body);
      const c = new Client(srv.url);
      c.bearer = k.body.key;
      expect((await c.get('/v1/audit')).status).toBe(403);
      expect((await c.get('/v1/audit/export')).status).toBe(403);
    }
    expect((await new Client(srv.url).get('/v1/audit')).status).toBe(401);
    // Another organization's owner does not find this organization at all.
    const other = new Client(srv.url);
    await other.post('/api/auth/register', { email: `other-${tag}@audit.test`, password: PW, org_name: `Other ${tag}` });
    const foreign = await other.get(`/api/orgs/${orgId}/audit`);
    expect([401, 404]).toContain(foreign.status);
    expect(foreign.text).not.toContain(ownerEmail);
  });
});
